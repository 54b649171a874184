/* The FDB mode of a bridge plan: where the fast path's "where is this MAC"
 * is answered (bpf/fpm/fdb.h).
 *
 *   condition                             mode     why
 *   ------------------------------------  -------  ---------------------------
 *   no FDB modules (br_netfilter: every   mirror   nothing looks the FDB up
 *     frame to Linux)                              (as before: the mirror is
 *                                                  kept, cheap and unused)
 *   asked for the mirror (fdb_mirror)     mirror   the operator's choice
 *   VLAN filtering                        mirror   the kfunc call passes no
 *                                                  VLAN tag (bpf/fpm/fdb.h):
 *                                                  the bridge would learn and
 *                                                  look up in the pvid
 *   kernel without bpf_xdp_fdb_lookup     mirror   the only way on a stock kernel
 *   otherwise                             kfunc    the bridge's own FDB answers
 *                                                  and learns: no copy, no
 *                                                  keep-alive, no staleness
 *
 * kfunc mode drops the flow cache: a cached answer would skip the call that
 * refreshes the source, and nothing would invalidate it when Linux moves a
 * MAC (the controller no longer writes FDB changes anywhere). */
#include <stdio.h>
#include "assembler/plan.h"

const char *tna_fdb_mode_name(enum tna_fdb_mode m)
{
	return m == TNA_FDB_MODE_KFUNC ? "kfunc" : "mirror";
}

void tna_plan_fdb_mode(const struct tna_plan_opts *o, struct tna_bridge_plan *plan)
{
	const uint64_t src = 1ull << TNA_PFPM_FDB_SRC, dst = 1ull << TNA_PFPM_FDB_DST;

	plan->fdb_mode = TNA_FDB_MODE_MIRROR;
	if ((plan->fpms & (src | dst)) != (src | dst))
		snprintf(plan->fdb_reason, sizeof(plan->fdb_reason),
			 "no FDB lookups (every frame goes to Linux)");
	else if (o->fdb_mirror)
		snprintf(plan->fdb_reason, sizeof(plan->fdb_reason),
			 "mirror asked for (TNA_FDB_MODE=mirror)%s",
			 plan->fdb_kfunc ? "; bpf_xdp_fdb_lookup is there" : "");
	else if (plan->vlan_filtering)
		snprintf(plan->fdb_reason, sizeof(plan->fdb_reason),
			 "VLAN filtering: the kfunc mode passes no VLAN tag to bpf_xdp_fdb_lookup yet%s",
			 plan->fdb_kfunc ? " (it is there)" : "");
	else if (!plan->fdb_kfunc)
		snprintf(plan->fdb_reason, sizeof(plan->fdb_reason),
			 "this kernel has no bpf_xdp_fdb_lookup (kernel/patches adds it)");
	else {
		plan->fdb_mode = TNA_FDB_MODE_KFUNC;
		plan->fpms |= 1ull << TNA_PFPM_FDB_KFUNC;
		plan->fpms &= ~(1ull << TNA_PFPM_FLOW_CACHE);
		plan->keepalive_ms = 0;
		snprintf(plan->fdb_reason, sizeof(plan->fdb_reason),
			 "this kernel has bpf_xdp_fdb_lookup: the bridge's FDB answers and "
			 "learns in the fast path (no mirror, no keep-alive, no flow cache)");
	}
}
