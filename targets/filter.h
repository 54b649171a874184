/* The netfilter side of a loaded pipeline: the compiled ruleset the
 * evaluator runs (bpf/fpm/filter.h), the interface names its terms read,
 * and the conntrack settings bpf/fpm/ct.h follows.  Load the pipeline
 * with fpms |= TNA_FPM_FILTER (and TNA_FPM_CT, TNA_FPM_NAT as the program's
 * flags ask), then tna_dp__filter_load() a program from
 * assembler/filter_compile.h.
 *
 * A load is atomic for the packets: the program goes into the half of the
 * instruction table no packet uses, then one store makes it current; a
 * packet runs its whole path on one half.  The old half is reused only
 * after an RCU grace period (a map-in-map update waits for one), which
 * tna_dp__filter_load() waits for after the switch, not before it.
 * Pipelines sharing maps (share_maps_with) share the ruleset too.
 * Returns 0 or a negative errno; prints nothing. */
#ifndef TNA_TARGETS_FILTER_H
#define TNA_TARGETS_FILTER_H
#include "targets/datapath.h"

struct tna_flt_prog;

/* -E2BIG: more instructions or set prefixes than the maps hold;
 * -EOPNOTSUPP: the pipeline was loaded without TNA_FPM_FILTER. */
int tna_dp__filter_load(struct tna_dp *dp, const struct tna_flt_prog *prog);
/* Generation of the program in effect (one more per load), 0 before. */
uint32_t tna_dp__filter_gen(const struct tna_dp *dp);
/* CLOCK_MONOTONIC ns when the program in effect became current. */
uint64_t tna_dp__filter_swap_ns(const struct tna_dp *dp);
/* The name iifname/oifname terms see for IFINDEX; NULL removes it. */
int tna_dp__filter_ifname(struct tna_dp *dp, int ifindex, const char *name);
int tna_dp__ct_cfg_set(struct tna_dp *dp, const struct tna_ct_cfg *cfg);

/* The conntrack sysctls of the current netns (net.netfilter.nf_conntrack_*)
 * as the fast path needs them.  -ENOENT when conntrack is not there. */
int tna_ct_cfg_read(struct tna_ct_cfg *cfg);

#endif
