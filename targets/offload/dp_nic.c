/* The NIC stage of a port, kept with the port's link in struct tna_dp
 * (see tna_dp__nic_attach in targets/datapath.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "targets/dp.h"
#include "targets/offload/nic.h"

struct tna_dp_nic {
	struct tna_offload *off;	/* NULL after a refusal */
	int err;
	char refused[256];		/* the model's or the device's words */
};

int tna_dp__nic_attach(struct tna_dp *dp, int ifindex, const struct tna_offload_caps *caps,
		       char *why, size_t len)
{
	struct tna_offload_opts o = { .sz = sizeof(o), .ifindex = ifindex, .caps = caps };
	struct tna_dp_link *l = tna_dp_link_of(dp, ifindex);
	struct tna_dp_nic *n;
	int err;

	if (!l)
		return -ENOENT;
	if (l->nic && l->nic->off && !tna_offload__attached(l->nic->off))
		tna_dp_nic_free(l);	/* its link went (watchdog): again */
	if (l->nic) {
		if (l->nic->off)
			return -EALREADY;
		snprintf(why, len, "%s", l->nic->refused);
		return -EPERM;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	l->nic = n;
	n->off = tna_offload__load(&o, n->refused, sizeof(n->refused));
	if (!n->off) {
		err = -errno;
		goto refused;
	}
	err = tna_offload__attach(n->off, n->refused, sizeof(n->refused));
	if (err) {
		tna_offload__destroy(n->off);
		n->off = NULL;
		goto refused;
	}
	return 0;
refused:
	n->err = err;
	snprintf(why, len, "%s", n->refused);
	return err;
}

int tna_dp__nic_set(struct tna_dp *dp, int ifindex, uint32_t flags, uint8_t stp_state)
{
	struct tna_dp_link *l = tna_dp_link_of(dp, ifindex);

	if (!l || !l->nic || !l->nic->off)
		return -ENOENT;
	return tna_offload__set_port(l->nic->off, flags, stp_state);
}

void tna_dp_nic_free(struct tna_dp_link *l)
{
	if (!l->nic)
		return;
	tna_offload__destroy(l->nic->off);	/* detaches */
	free(l->nic);
	l->nic = NULL;
}

int tna_dp__nic_detach(struct tna_dp *dp, int ifindex)
{
	struct tna_dp_link *l = tna_dp_link_of(dp, ifindex);

	if (!l || !l->nic)
		return -ENOENT;
	tna_dp_nic_free(l);
	return 0;
}

uint32_t tna_dp__nic_prog_id(struct tna_dp *dp, int ifindex)
{
	struct tna_dp_link *l = tna_dp_link_of(dp, ifindex);

	return l && l->nic && l->nic->off && tna_offload__attached(l->nic->off) ?
	       tna_offload__prog_id(l->nic->off) : 0;
}
