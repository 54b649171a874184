/* Pipelines that share their maps (tna_dp_opts.share_maps_with) must agree
 * on the port slots: a pipeline kept loaded for a later swap back takes
 * over the current allocation before it is swapped in. */
#include <errno.h>
#include <string.h>

#include "targets/dp.h"

int tna_dp__sync_slots(struct tna_dp *dst, const struct tna_dp *src)
{
	if (!dst || !src || dst->ports_fd < 0 || src->ports_fd < 0)
		return -EINVAL;
	memcpy(dst->slot_ifindex, src->slot_ifindex, sizeof(dst->slot_ifindex));
	return 0;
}
