/* The VLAN table of a pipeline (bpf/fpm/vlan.h): one hash entry per
 * (port, VLAN), and one per port with its pvid.  The controller keeps it
 * equal to the kernel's (controller/vlan_sync.c). */
#include <errno.h>
#include <bpf/bpf.h>

#include "targets/dp.h"

static int key_of(int ifindex, uint16_t vid, struct tna_vlan_key *k)
{
	if (ifindex <= 0 || ifindex >= TNA_MAX_IFINDEX || vid > 4094)
		return -ERANGE;
	*k = (struct tna_vlan_key){ .ifindex = ifindex, .vid = vid };
	return 0;
}

int tna_dp__vlan_set(struct tna_dp *dp, int ifindex, uint16_t vid,
		     const struct tna_vlan_val *val)
{
	struct tna_vlan_key k;
	int err = key_of(ifindex, vid, &k);

	if (err)
		return err;
	return bpf_map_update_elem(dp->vlans_fd, &k, val, BPF_ANY) ? -errno : 0;
}

int tna_dp__vlan_del(struct tna_dp *dp, int ifindex, uint16_t vid)
{
	struct tna_vlan_key k;
	int err = key_of(ifindex, vid, &k);

	if (err)
		return err;
	if (bpf_map_delete_elem(dp->vlans_fd, &k))
		return errno == ENOENT ? 0 : -errno;
	return 0;
}

int tna_dp__vlan_for_each(const struct tna_dp *dp,
	int (*cb)(int ifindex, uint16_t vid, const struct tna_vlan_val *v, void *ctx),
	void *ctx)
{
	struct tna_vlan_key k, next;
	struct tna_vlan_val v;
	void *prev = NULL;
	int ret;

	/* a walk by next key: a key deleted meanwhile restarts it (the
	 * kernel's rule), so callers collect first and change after */
	while (!bpf_map_get_next_key(dp->vlans_fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(dp->vlans_fd, &k, &v))
			continue;
		ret = cb(k.ifindex, k.vid, &v, ctx);
		if (ret)
			return ret;
	}
	return errno == ENOENT ? 0 : -errno;
}
