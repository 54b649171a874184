/* What each FPM of bpf/fpm/ needs from a target: helpers, maps, actions,
 * a generous instruction estimate.  Keep in step with the FPMs' code; the
 * unit test cross-checks the helper set against the compiled program. */
#include <linux/bpf.h>
#include "bpf/tna_kern_user.h"
#include "targets/offload/offload.h"

#define H(id) (1ULL << (id))

struct fpm_need {
	uint64_t fpm;
	uint32_t insns;
	uint64_t helpers;		/* ids < 64 */
	uint32_t actions;
	bool value_stores;
	const char *map;		/* one map, or NULL */
	uint32_t type, ksz, vsz, entries;
};

static const struct fpm_need needs[] = {
	/* the ingress port lookup runs always: it is the stats slot too */
	{ 0, 20, H(BPF_FUNC_map_lookup_elem), 1 << XDP_PASS, false,
	  "tna_ports", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct tna_port), TNA_MAX_IFINDEX },
	{ TNA_FPM_PARSE_ETH, 25, 0, 1 << XDP_PASS, false, 0, 0, 0, 0, 0 },
	{ TNA_FPM_CLASSIFY, 40, 0, 1 << XDP_PASS, false, 0, 0, 0, 0, 0 },
	{ TNA_FPM_VLAN, 20, 0, 1 << XDP_PASS, false, 0, 0, 0, 0, 0 },
	{ TNA_FPM_PORT_STATE, 15, 0, 1 << XDP_PASS, false, 0, 0, 0, 0, 0 },
	{ TNA_FPM_PORT_FLAGS, 20, 0, 1 << XDP_PASS, false, 0, 0, 0, 0, 0 },
	/* fdb_src also drops a moved source's stale entry (src_guard.h) */
	{ TNA_FPM_FDB_SRC, 50, H(BPF_FUNC_map_lookup_elem) | H(BPF_FUNC_map_delete_elem),
	  1 << XDP_PASS, true,
	  "tna_fdb", BPF_MAP_TYPE_HASH, sizeof(struct tna_fdb_key),
	  sizeof(struct tna_fdb_val), TNA_FDB_MAX },
	{ TNA_FPM_FDB_DST, 40, H(BPF_FUNC_map_lookup_elem), 1 << XDP_PASS, false,
	  "tna_fdb", BPF_MAP_TYPE_HASH, sizeof(struct tna_fdb_key),
	  sizeof(struct tna_fdb_val), TNA_FDB_MAX },
	{ TNA_FPM_FORWARD, 20, H(BPF_FUNC_redirect_map), 1 << XDP_REDIRECT, false,
	  "tna_devmap", BPF_MAP_TYPE_DEVMAP, 4, 4, TNA_MAX_PORTS },
	{ TNA_FPM_FLOW_CACHE, 40, H(BPF_FUNC_map_lookup_elem), 0, true,
	  "tna_flows", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct tna_flow), 1 << TNA_FLOW_BITS },
	{ TNA_FPM_BRNF_IPV4, 40, 0, 1 << XDP_PASS, false, 0, 0, 0, 0, 0 },
	{ TNA_FPM_BRNF_IPV6, 25, 0, 1 << XDP_PASS, false, 0, 0, 0, 0, 0 },
	{ TNA_FPM_BRNF_ARP, 8, 0, 1 << XDP_PASS, false, 0, 0, 0, 0, 0 },
	{ TNA_FPM_STATS, 40, H(BPF_FUNC_map_lookup_elem), 0, true,
	  "tna_stats", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct tna_stats_val), TNA_MAX_PORTS },
	/* The router: parse/classify per family, then the FIB
	 * lookup, padding trim and redirect (no NIC does those) */
	{ TNA_FPM_IPV4, 90, 0, 1 << XDP_PASS, false, 0, 0, 0, 0, 0 },
	{ TNA_FPM_IPV6, 90, 0, 1 << XDP_PASS, false, 0, 0, 0, 0, 0 },
	{ TNA_FPM_ROUTE, 150, H(BPF_FUNC_map_lookup_elem) | H(BPF_FUNC_redirect_map),
	  1 << XDP_PASS | 1 << XDP_REDIRECT, false,
	  "tna_rif", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct tna_rif), TNA_MAX_IFINDEX },
	/* netfilter, host only: the rule evaluator (bpf_loop below),
	 * conntrack kfuncs (bpf_jiffies64 below), NAT.  Their bpf_csum_diff
	 * calls sit in a global subprogram, which the cross-check with the
	 * compiled entry program does not see: not listed */
	{ TNA_FPM_FILTER, 1500, H(BPF_FUNC_map_lookup_elem), 1 << XDP_PASS | 1 << XDP_DROP, true,
	  "tna_flt_insns", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct tna_flt_insn), 2 * TNA_FLT_MAX_INSNS },
	{ TNA_FPM_CT, 400, H(BPF_FUNC_map_lookup_elem), 1 << XDP_PASS, false,
	  "tna_ct_cfg", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct tna_ct_cfg), 1 },
	{ TNA_FPM_NAT, 500, 0, 1 << XDP_PASS, false, 0, 0, 0, 0, 0 },
};

/* Helpers with ids >= 64 */
static const struct { uint64_t fpm; int id; } needs_hi[] = {
	{ TNA_FPM_ROUTE, BPF_FUNC_fib_lookup },
	/* the router and brnf trim padding past the IP length, as
	 * br_validate_ipv4/6 do */
	{ TNA_FPM_ROUTE | TNA_FPM_BRNF_IPV4 | TNA_FPM_BRNF_IPV6, BPF_FUNC_xdp_adjust_tail },
	{ TNA_FPM_CT, BPF_FUNC_jiffies64 },
	{ TNA_FPM_FILTER, BPF_FUNC_loop },
};

void tna_offload_req_from_fpms(uint64_t fpms, struct tna_offload_req *req)
{
	*req = (struct tna_offload_req){ .insns = 30, .stack = 64 };	/* entry, ctx */
	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		const struct fpm_need *n = &needs[i];

		if (n->fpm && !(fpms & n->fpm))
			continue;
		req->insns += n->insns;
		req->helpers[0] |= n->helpers;
		req->actions |= n->actions;
		req->map_value_stores |= n->value_stores;
		if (n->map)
			tna_offload_req_add_map(req, n->map, n->type, n->ksz, n->vsz, n->entries);
	}
	for (size_t i = 0; i < sizeof(needs_hi) / sizeof(needs_hi[0]); i++)
		if (fpms & needs_hi[i].fpm)
			req->helpers[needs_hi[i].id / 64] |= 1ULL << (needs_hi[i].id % 64);
}
