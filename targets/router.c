/* The routing-interface table of a loaded pipeline (targets/router.h). */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include "targets/dp.h"
#include "targets/router.h"

static bool bad_ifindex(int ifindex)
{
	return ifindex <= 0 || ifindex >= TNA_MAX_IFINDEX;
}

int tna_dp__rif_set(struct tna_dp *dp, int ifindex, const struct tna_rif_cfg *cfg)
{
	struct tna_rif r = {};
	__u32 key = ifindex;

	if (!dp || !cfg)
		return -EINVAL;
	if (bad_ifindex(ifindex) || bad_ifindex(cfg->l3_ifindex))
		return -ERANGE;
	r.l3_ifindex = cfg->l3_ifindex;
	memcpy(r.mac, cfg->mac, 6);
	r.flags = cfg->flags;
	return bpf_map_update_elem(dp->rif_fd, &key, &r, BPF_ANY) ? -errno : 0;
}

int tna_dp__rif_del(struct tna_dp *dp, int ifindex)
{
	struct tna_rif r = {};
	__u32 key = ifindex;

	if (!dp)
		return -EINVAL;
	if (bad_ifindex(ifindex))
		return -ERANGE;
	return bpf_map_update_elem(dp->rif_fd, &key, &r, BPF_ANY) ? -errno : 0;
}

int tna_dp__rif_get(const struct tna_dp *dp, int ifindex, struct tna_rif_cfg *cfg)
{
	struct tna_rif r;
	__u32 key = ifindex;

	if (!dp || !cfg)
		return -EINVAL;
	if (bad_ifindex(ifindex))
		return -ERANGE;
	if (bpf_map_lookup_elem(dp->rif_fd, &key, &r))
		return -errno;
	if (!r.l3_ifindex)
		return -ENOENT;
	cfg->l3_ifindex = r.l3_ifindex;
	memcpy(cfg->mac, r.mac, 6);
	cfg->flags = r.flags;
	return 0;
}

int tna_dp__router_port_add(struct tna_dp *dp, int ifindex, const uint8_t mac[6],
			    bool rp_filter)
{
	struct tna_port_cfg port = { .stp_state = TNA_STP_FORWARDING };
	struct tna_rif_cfg rif = { .l3_ifindex = ifindex, .flags = TNA_RIF_F_ROUTE };
	int err;

	if (rp_filter)
		rif.flags |= TNA_RIF_F_RP_FILTER;
	memcpy(rif.mac, mac, 6);
	err = tna_dp__port_set(dp, ifindex, &port);
	return err ? err : tna_dp__rif_set(dp, ifindex, &rif);
}
