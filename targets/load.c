/* Load a pipeline specialised by rodata, and free it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/dp.h"
#include "bpf/tna_bridge.skel.h"

/* Bytes of flow-cache tables held by this process's pipelines, against
 * TNA_FLOW_BUDGET. */
static uint64_t flow_bytes_held;

static int reuse(struct bpf_map *m, int fd)
{
	return fd >= 0 ? bpf_map__reuse_fd(m, fd) : 0;
}

/* A dedicated entry program of bpf/tna_bridge.bpf.c runs a pipeline
 * that has every module the entry is compiled with (FIXED), no other
 * than those it has (ALL), and no br_netfilter rules, hooks or AF_XDP
 * steering; anything else runs tna_bridge. */
static bool entry_fits(const struct tna_bridge *skel, __u64 fixed, __u64 all)
{
	__u64 fpms = skel->rodata->tna_fpms;

	return (fpms & fixed) == fixed && !(fpms & ~all) &&
	       !skel->rodata->tna_br_netfilter && !skel->rodata->tna_hooks &&
	       !skel->rodata->tna_xsk_n;
}

/* tna_router: the router's modules (TNA_ROUTER_ENTRY_FIXED among them) */
#define ROUTER_ENTRY_FPMS (TNA_FPM_PARSE_ETH | TNA_FPM_STATS | TNA_FPM_ROUTE | \
			   TNA_FPM_IPV4 | TNA_FPM_IPV6 | TNA_FPM_CSUM)
/* tna_l2: the bridge's (all of TNA_L2_ENTRY_FIXED), csum and
 * br_netfilter's rule-less checks */
#define L2_ENTRY_FPMS (TNA_L2_ENTRY_FIXED | TNA_FPM_CSUM | TNA_FPM_BRNF_IPV4 | \
		       TNA_FPM_BRNF_IPV6 | TNA_FPM_BRNF_ARP)

struct tna_dp *tna_dp__load(const struct tna_dp_opts *opts)
{
	const struct tna_dp *share;
	struct tna_dp *dp;
	int err = -EINVAL, ncpu;
	bool flow_shared;
	uint64_t held;
	struct bpf_program *entry;

	if (!opts || opts->sz < offsetof(struct tna_dp_opts, share_maps_with) +
				sizeof(opts->share_maps_with)) {
		errno = EINVAL;
		return NULL;
	}
	if (opts->target == TNA_TARGET_OFFLOAD) {
		errno = EOPNOTSUPP;	/* see targets/offload/offload.h */
		return NULL;
	}
	dp = calloc(1, sizeof(*dp));
	if (!dp) {
		errno = ENOMEM;
		return NULL;
	}
	for (int i = 0; i < TNA_MAX_PORTS; i++)
		dp->links[i].fd = -1;
	dp->prog_fd = dp->ports_fd = dp->fdb_fd = dp->devmap_fd = -1;
	dp->stats_fd = dp->clock_fd = dp->pend_fd = dp->pend_dirty_fd = dp->deadman_fd = -1;
	dp->rif_fd = dp->src_bits_fd = dp->src_martian_fd = dp->vlans_fd = -1;
	dp->be = tna_backend_get(opts->target);
	if (!dp->be)
		goto err;
	dp->force = opts->force;

	dp->hook_stats_fd = dp->xsk_fd = dp->xsk_stats_fd = -1;
	err = tna_dp_hooks_open(dp, opts->fpms & TNA_FPM_FDB_KFUNC);
	if (err)
		goto err;
	dp->skel->rodata->tna_fpms = opts->fpms ? opts->fpms : TNA_FPM_BRIDGE;
	/* Native redirects lose the skb's checksum state; which ports
	 * receive partial checksums changes at run time (the veth peer's
	 * tx checksumming), so a native pipeline always carries csum: per
	 * port it costs one load unless that port needs it. */
	if (opts->target == TNA_TARGET_NATIVE)
		dp->skel->rodata->tna_fpms |= TNA_FPM_CSUM;
	/* The flow cache is keyed without VLAN: never with VLAN filtering. */
	if (dp->skel->rodata->tna_fpms & TNA_FPM_VLAN)
		dp->skel->rodata->tna_fpms &= ~TNA_FPM_FLOW_CACHE;
	dp->skel->rodata->tna_br_netfilter = opts->br_netfilter;
	/* the router's options, when the caller's struct has them */
	if (opts->sz >= offsetof(struct tna_dp_opts, nf_routed) + sizeof(opts->nf_routed)) {
		dp->skel->rodata->tna_fib_direct4 = opts->fib_direct4;
		dp->skel->rodata->tna_nf_routed = opts->nf_routed;
	}
	if (opts->sz >= offsetof(struct tna_dp_opts, xfrm_routed) + sizeof(opts->xfrm_routed)) {
		dp->skel->rodata->tna_xfrm_routed = opts->xfrm_routed;
	}
	if (opts->sz >= offsetof(struct tna_dp_opts, fib_direct6) + sizeof(opts->fib_direct6))
		dp->skel->rodata->tna_fib_direct6 = opts->fib_direct6;

	tna_dp_filter_size(dp, dp->skel->rodata->tna_fpms & TNA_FPM_FILTER);
	/* the flow cache: 1 << (bits - 1) sets for each CPU (bpf/fpm/common.h) */
	ncpu = libbpf_num_possible_cpus();
	if (ncpu < 1) {
		err = ncpu < 0 ? ncpu : -EINVAL;
		goto err;
	}
	/* a family shares one table (its entries are only used under the
	 * shared clock's generation and tick, which cover every table
	 * change, whichever pipeline filled them) and one share of
	 * TNA_FLOW_BUDGET, so pipelines kept for swapping back cost nothing.
	 * A pipeline without the module (VLAN filtering) needs no table: it
	 * gets one set (tna_flow_log 0, never read), and the first pipeline
	 * of its family with the module allocates the family's table */
	share = opts->share_maps_with;
	flow_shared = share && share->skel->rodata->tna_flow_log;
	if (flow_shared) {
		dp->skel->rodata->tna_flow_log = share->skel->rodata->tna_flow_log;
	} else if (dp->skel->rodata->tna_fpms & TNA_FPM_FLOW_CACHE) {
		held = __atomic_load_n(&flow_bytes_held, __ATOMIC_RELAXED);
		dp->skel->rodata->tna_flow_log =
			tna_flow_bits(ncpu, held < TNA_FLOW_BUDGET ? TNA_FLOW_BUDGET - held : 0);
	} else {
		dp->skel->rodata->tna_flow_log = 0;
	}
	bpf_map__set_max_entries(dp->skel->maps.tna_flows, dp->skel->rodata->tna_flow_log ?
				 (uint32_t)ncpu << dp->skel->rodata->tna_flow_log : 1);
	if (flow_shared && (err = reuse(dp->skel->maps.tna_flows,
					bpf_map__fd(share->skel->maps.tna_flows))))
		goto err;
	if (share) {
		if ((err = reuse(dp->skel->maps.tna_ports, share->ports_fd)) ||
		    (err = reuse(dp->skel->maps.tna_fdb, share->fdb_fd)) ||
		    (err = reuse(dp->skel->maps.tna_devmap, share->devmap_fd)) ||
		    (err = reuse(dp->skel->maps.tna_stats, share->stats_fd)) ||
		    (err = reuse(dp->skel->maps.tna_clock, share->clock_fd)) ||
		    (err = reuse(dp->skel->maps.tna_pend, share->pend_fd)) ||
		    (err = reuse(dp->skel->maps.tna_pend_dirty, share->pend_dirty_fd)) ||
		    (err = reuse(dp->skel->maps.tna_deadman, share->deadman_fd)) ||
		    (err = reuse(dp->skel->maps.tna_vlans, share->vlans_fd)) ||
		    (err = reuse(dp->skel->maps.tna_rif, share->rif_fd)) ||	/* router */
		    (err = reuse(dp->skel->maps.tna_src_bits, share->src_bits_fd)) ||
		    (err = reuse(dp->skel->maps.tna_src_martian, share->src_martian_fd)) ||
		    (err = reuse(dp->skel->maps.tna_local6_bits,
				 bpf_map__fd(share->skel->maps.tna_local6_bits))) ||
		    (err = reuse(dp->skel->maps.tna_local6,
				 bpf_map__fd(share->skel->maps.tna_local6))) ||
		    (err = tna_dp_filter_share(dp, share)) ||
		    (err = tna_dp_hooks_share(dp, share)))
			goto err;
		memcpy(dp->slot_ifindex, share->slot_ifindex, sizeof(dp->slot_ifindex));
	}
	/* one entry program of the object is loaded: the pipeline's */
	entry = entry_fits(dp->skel, TNA_ROUTER_ENTRY_FIXED, ROUTER_ENTRY_FPMS) ?
			dp->skel->progs.tna_router :
		entry_fits(dp->skel, TNA_L2_ENTRY_FIXED, L2_ENTRY_FPMS) ?
			dp->skel->progs.tna_l2 : dp->skel->progs.tna_bridge;
	bpf_program__set_autoload(dp->skel->progs.tna_bridge, entry == dp->skel->progs.tna_bridge);
	bpf_program__set_autoload(dp->skel->progs.tna_router, entry == dp->skel->progs.tna_router);
	bpf_program__set_autoload(dp->skel->progs.tna_l2, entry == dp->skel->progs.tna_l2);
	err = tna_bridge__load(dp->skel);
	if (err)
		goto err;
	dp->flow_bytes = flow_shared ? 0 :
		(uint64_t)bpf_map__max_entries(dp->skel->maps.tna_flows) * sizeof(struct tna_flow_set);
	__atomic_fetch_add(&flow_bytes_held, dp->flow_bytes, __ATOMIC_RELAXED);
	dp->prog_fd = bpf_program__fd(entry);
	dp->ports_fd = bpf_map__fd(dp->skel->maps.tna_ports);
	dp->fdb_fd = bpf_map__fd(dp->skel->maps.tna_fdb);
	dp->devmap_fd = bpf_map__fd(dp->skel->maps.tna_devmap);
	dp->stats_fd = bpf_map__fd(dp->skel->maps.tna_stats);
	dp->clock_fd = bpf_map__fd(dp->skel->maps.tna_clock);
	dp->pend_fd = bpf_map__fd(dp->skel->maps.tna_pend);
	dp->pend_dirty_fd = bpf_map__fd(dp->skel->maps.tna_pend_dirty);
	dp->deadman_fd = bpf_map__fd(dp->skel->maps.tna_deadman);
	dp->vlans_fd = bpf_map__fd(dp->skel->maps.tna_vlans);
	dp->hook_stats_fd = bpf_map__fd(dp->skel->maps.tna_hook_stats);
	dp->xsk_fd = bpf_map__fd(dp->skel->maps.tna_xsk);
	dp->xsk_stats_fd = bpf_map__fd(dp->skel->maps.tna_xsk_stats);
	dp->clk = mmap(NULL, sizeof(*dp->clk), PROT_READ | PROT_WRITE, MAP_SHARED,
		       dp->clock_fd, 0);
	if (dp->clk == MAP_FAILED) {
		dp->clk = NULL;
		err = -errno;
		goto err;
	}
	dp->pend = mmap(NULL, sizeof(*dp->pend) << TNA_PEND_BITS, PROT_READ | PROT_WRITE,
			MAP_SHARED, dp->pend_fd, 0);
	if (dp->pend == MAP_FAILED) {
		dp->pend = NULL;
		err = -errno;
		goto err;
	}
	dp->pend_dirty = mmap(NULL, sizeof(*dp->pend_dirty) * TNA_PEND_DIRTY_WORDS,
			      PROT_READ | PROT_WRITE, MAP_SHARED, dp->pend_dirty_fd, 0);
	if (dp->pend_dirty == MAP_FAILED) {
		dp->pend_dirty = NULL;
		err = -errno;
		goto err;
	}
	/* A new family trusts its tables until a controller arms the
	 * dead-man switch (targets/deadman.c); a shared one keeps its state. */
	if (!share) {
		__atomic_store_n(&dp->clk->trusted, 1, __ATOMIC_RELEASE);
		tna_dp__set_bridge_mac(dp, opts->bridge_mac);
	}
	tna_dp__tick(dp);
	dp->rif_fd = bpf_map__fd(dp->skel->maps.tna_rif);	/* router */
	dp->src_bits_fd = bpf_map__fd(dp->skel->maps.tna_src_bits);
	dp->src_martian_fd = bpf_map__fd(dp->skel->maps.tna_src_martian);
	if ((err = tna_dp_filter_init(dp, share)))
		goto err;
	/* Ports run the family's root program; a new family starts with
	 * this pipeline in its slot, a shared one keeps the current. */
	if (share && share->root) {
		tna_root_share(dp, share->root);
	} else {
		err = tna_root_new(dp);
		if (!err)
			err = tna_root_set(dp);
		if (err)
			goto err;
	}
	return dp;
err:
	tna_dp__destroy(dp);
	errno = err < 0 ? -err : EINVAL;
	return NULL;
}

void tna_dp__set_bridge_mac(struct tna_dp *dp, const uint8_t mac[6])
{
	if (!dp || !dp->clk)
		return;
	memcpy(dp->clk->bridge_mac, mac, 6);
	/* frames to the old and new MAC: flow-cache entries re-checked */
	__atomic_fetch_add(&dp->clk->gen, 1, __ATOMIC_RELEASE);
}

uint64_t tna_dp__tick(struct tna_dp *dp)
{
	struct timespec ts;
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	/* mmapped map value: a plain store, seen by the next packet */
	__atomic_store_n(&dp->clk->now, now, __ATOMIC_RELAXED);
	return now;
}

uint32_t tna_dp__flow_fit(struct tna_dp *dp, uint32_t entries)
{
	uint32_t want, cur, max;

	if (!dp || !dp->clk || !dp->skel)
		return 0;
	/* the clock is the family's; each pipeline bounds it by its own
	 * table (bpf/fpm/flow_cache.h), so one without a table yet (a
	 * family that started without the module) keeps the fit too */
	want = tna_flow_fit(entries, TNA_FLOW_MAX_BITS);
	cur = __atomic_load_n(&dp->clk->flow_bits, __ATOMIC_RELAXED);
	if (!cur || want > cur || want + 2 <= cur) {
		/* a plain store into the mmapped clock, seen by the next
		 * frame; entries placed under the old size are only missed */
		__atomic_store_n(&dp->clk->flow_bits, want, __ATOMIC_RELAXED);
		cur = want;
	}
	max = dp->skel->rodata->tna_flow_log;
	return cur < max ? cur : max;
}

static int prog_info(const struct tna_dp *dp, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	if (!dp || !dp->skel)
		return -EINVAL;
	return bpf_obj_get_info_by_fd(dp->prog_fd, info, &len) ? -errno : 0;
}

uint32_t tna_dp__xlated_insns(const struct tna_dp *dp)
{
	struct bpf_prog_info info;

	return prog_info(dp, &info) ? 0 : info.xlated_prog_len / 8;
}

uint32_t tna_dp__jited_bytes(const struct tna_dp *dp)
{
	struct bpf_prog_info info;

	return prog_info(dp, &info) ? 0 : info.jited_prog_len;
}

int tna_dp__prog_fd(const struct tna_dp *dp)
{
	return dp && dp->skel ? dp->prog_fd : -EINVAL;
}

int tna_dp__root_fd(const struct tna_dp *dp)
{
	return dp && dp->root ? dp->root->prog_fd : -EINVAL;
}

uint32_t tna_dp__root_id(const struct tna_dp *dp)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (!dp || !dp->root)
		return 0;
	if (!dp->root->prog_id && !bpf_obj_get_info_by_fd(dp->root->prog_fd, &info, &len))
		dp->root->prog_id = info.id;
	return dp->root->prog_id;
}

void tna_dp__destroy(struct tna_dp *dp)
{
	if (!dp)
		return;
	for (int i = 0; i < TNA_MAX_PORTS; i++)
		if (dp->links[i].fd >= 0)
			tna_dp__detach(dp, dp->links[i].ifindex);
	tna_root_put(dp);
	tna_dp_filter_free(dp);
	if (dp->clk)
		munmap(dp->clk, sizeof(*dp->clk));
	if (dp->pend)
		munmap(dp->pend, sizeof(*dp->pend) << TNA_PEND_BITS);
	if (dp->pend_dirty)
		munmap(dp->pend_dirty, sizeof(*dp->pend_dirty) * TNA_PEND_DIRTY_WORDS);
	tna_bridge__destroy(dp->skel);
	__atomic_fetch_sub(&flow_bytes_held, dp->flow_bytes, __ATOMIC_RELAXED);
	free(dp->hooked_elf);
	free(dp);
}
