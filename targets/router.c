/* The routing-interface table of a loaded pipeline (targets/router.h). */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include "targets/dp.h"
#include "bpf/tna_bridge.skel.h"
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

/* A set of keys (KSZ bytes each) with its filter of one bit per hash
 * value: becomes exactly KEYS[0..N).  Gone keys first (a stale bit only
 * costs a hash miss), new ones added before their bits are set. */
static bool listed(const uint8_t *keys, int n, size_t ksz, const void *k)
{
	for (int i = 0; i < n; i++)
		if (!memcmp(keys + (size_t)i * ksz, k, ksz))
			return true;
	return false;
}

/* In the clock's line, which every frame reads anyway (one load, not a
 * table lookup); the clock is the family's, as the source sets are. */
int tna_dp__src_fib_check_set(struct tna_dp *dp, bool on)
{
	if (!dp || !dp->clk)
		return -EINVAL;
	__atomic_store_n(&dp->clk->src_flags, on ? TNA_SRC_F_FIB_CHECK : 0, __ATOMIC_RELEASE);
	return 0;
}

static int filtered_set(int set_fd, int bits_fd, const void *keys, int n, size_t ksz,
			__u32 (*hash)(const void *k))
{
	static __u64 bits[TNA_SRC_BITS_WORDS];
	__u8 key[16], next[16], one = 1;
	const uint8_t *a = keys;
	void *prev = NULL;

	while (!bpf_map_get_next_key(set_fd, prev, next)) {
		memcpy(key, next, ksz);
		if (!listed(a, n, ksz, key) && !bpf_map_delete_elem(set_fd, key))
			continue;	/* deleted: the walk goes on from the same place */
		prev = key;
	}
	memset(bits, 0, sizeof(bits));
	for (int i = 0; i < n; i++) {
		__u32 h = hash(a + (size_t)i * ksz);

		if (bpf_map_update_elem(set_fd, a + (size_t)i * ksz, &one, BPF_ANY))
			return -errno;
		bits[h >> 6] |= 1ull << (h & 63);
	}
	for (__u32 w = 0; w < TNA_SRC_BITS_WORDS; w++) {
		__u64 old = 0;

		if (!bpf_map_lookup_elem(bits_fd, &w, &old) && old == bits[w])
			continue;
		if (bpf_map_update_elem(bits_fd, &w, &bits[w], BPF_ANY))
			return -errno;
	}
	return 0;
}

static __u32 hash4(const void *k)
{
	__u32 a;

	memcpy(&a, k, 4);
	return TNA_SRC_HASH(a);
}

static __u32 hash6(const void *k)
{
	__u32 w[4];

	memcpy(w, k, 16);
	return TNA_LOCAL6_HASH(w);
}

int tna_dp__src_martian4_set(struct tna_dp *dp, const uint32_t *a, int n)
{
	if (!dp || n < 0 || (n && !a))
		return -EINVAL;
	if (n > TNA_SRC_MARTIAN_MAX)
		return -E2BIG;
	return filtered_set(dp->src_martian_fd, dp->src_bits_fd, a, n, 4, hash4);
}

int tna_dp__local6_set(struct tna_dp *dp, const uint8_t (*a)[16], int n)
{
	if (!dp || n < 0 || (n && !a))
		return -EINVAL;
	if (n > TNA_LOCAL6_MAX)
		return -E2BIG;
	return filtered_set(bpf_map__fd(dp->skel->maps.tna_local6),
			    bpf_map__fd(dp->skel->maps.tna_local6_bits), a, n, 16, hash6);
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
