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

static bool listed(const uint32_t *a, int n, uint32_t x)
{
	for (int i = 0; i < n; i++)
		if (a[i] == x)
			return true;
	return false;
}

int tna_dp__src_fib_check_set(struct tna_dp *dp, bool on)
{
	__u32 k = TNA_SRC_FLAGS_WORD;
	__u64 v = on ? TNA_SRC_F_FIB_CHECK : 0;

	if (!dp)
		return -EINVAL;
	return bpf_map_update_elem(dp->src_bits_fd, &k, &v, BPF_ANY) ? -errno : 0;
}

int tna_dp__src_martian4_set(struct tna_dp *dp, const uint32_t *a, int n)
{
	static __u64 bits[TNA_SRC_BITS_WORDS];
	__u32 key, next, *prev = NULL;
	__u8 one = 1;

	if (!dp || n < 0 || (n && !a))
		return -EINVAL;
	if (n > TNA_SRC_MARTIAN_MAX)
		return -E2BIG;
	/* gone ones first (a stale bit only costs a hash miss) */
	while (!bpf_map_get_next_key(dp->src_martian_fd, prev, &next)) {
		key = next;
		if (!listed(a, n, key) && !bpf_map_delete_elem(dp->src_martian_fd, &key))
			continue;	/* deleted: the walk goes on from the same place */
		prev = &key;
	}
	memset(bits, 0, sizeof(bits));
	for (int i = 0; i < n; i++) {
		__u32 h = TNA_SRC_HASH(a[i]);

		if (bpf_map_update_elem(dp->src_martian_fd, &a[i], &one, BPF_ANY))
			return -errno;
		bits[h >> 6] |= 1ull << (h & 63);
	}
	for (__u32 w = 0; w < TNA_SRC_BITS_WORDS; w++) {
		__u64 old = 0;

		if (!bpf_map_lookup_elem(dp->src_bits_fd, &w, &old) && old == bits[w])
			continue;
		if (bpf_map_update_elem(dp->src_bits_fd, &w, &bits[w], BPF_ANY))
			return -errno;
	}
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
