/* Keep a pipeline's compiled netfilter rules equal to the kernel's: read
 * the ruleset (introspect/nft_ir.h), compile it (assembler/filter_compile.h)
 * and load it (targets/filter.h) now and after every ruleset change the
 * kernel announces (nfnetlink NFNLGRP_NFTABLES, at the end of each
 * transaction: NFT_MSG_NEWGEN); keep the interface names the terms read
 * current from RTNLGRP_LINK, and the conntrack settings from the netns
 * sysctls (no events: tna_nf_follow_tick()).
 *
 * What a family's fast path cannot evaluate at all goes to Linux as a
 * whole (a program that passes every packet of that family, reason
 * nf_hook): a ruleset that cannot be read, legacy iptables rules where
 * forwarded traffic meets them, netdev-family (or inet ingress) chains
 * with rules (XDP runs before them), a program too large for the maps.
 * Legacy tables send no events: ticks re-read them.
 *
 * TNA_FAULT_FILTER_DELAY_MS (test switch) holds every change after the
 * first back for that long before it is loaded: the window made visible.
 *
 * Works in the current network namespace.  Functions return 0 or a
 * negative errno; nothing prints (the report says what happened). */
#ifndef TNA_CONTROLLER_FILTER_FOLLOW_H
#define TNA_CONTROLLER_FILTER_FOLLOW_H
#include <stdbool.h>
#include <stdint.h>
#include "targets/datapath.h"
#include "assembler/filter_compile.h"

struct tna_nf_follow;

struct tna_nf_follow_opts {
	size_t sz;			/* sizeof(struct tna_nf_follow_opts) */
	bool v4, v6;			/* families the pipeline routes */
	const char *bridge;		/* the bridge it bridges for, or NULL */
};

struct tna_nf_follow_report {
	uint32_t gen;			/* program generation in effect */
	uint32_t nft_genid;		/* the kernel ruleset generation it was compiled from */
	uint64_t loads;			/* programs loaded since start */
	bool whole4, whole6, whole_br;	/* the family goes to Linux as a whole */
	char why4[160], why6[160], why_br[160];
	uint32_t flags;			/* TNA_FLT_F_* of the program */
	int n_insns, n_rules, n_sets;
	/* timings of the last load (CLOCK_MONOTONIC) */
	uint64_t event_ns;		/* the event that caused it (0: none) */
	uint64_t read_ns, compile_ns, load_ns;	/* durations */
	uint64_t swap_ns;		/* when the new program became current */
	struct tna_flt_prog prog;	/* the last program (notes: what stays on Linux) */
};

struct tna_nf_follow *tna_nf_follow_new(struct tna_dp *dp, const struct tna_nf_follow_opts *o);
/* Read, compile and load now. */
int tna_nf_follow_apply(struct tna_nf_follow *f);
/* The sockets to wait on (ruleset events, link events): 2 fds. */
void tna_nf_follow_fds(const struct tna_nf_follow *f, int fds[2]);
/* Drain both sockets; reload when a ruleset transaction ended (or events
 * were lost), refresh names on link changes.  1 when a new program was
 * loaded, 0 when nothing changed. */
int tna_nf_follow_event(struct tna_nf_follow *f);
/* Conntrack sysctls and legacy tables (no events); reload if they
 * changed what the fast path may do.  1 when reloaded. */
int tna_nf_follow_tick(struct tna_nf_follow *f);
/* The pipeline was replaced by DP, which shares its maps (the program
 * and names stay; later loads go through DP). */
void tna_nf_follow_set_dp(struct tna_nf_follow *f, struct tna_dp *dp);
const struct tna_nf_follow_report *tna_nf_follow_report(const struct tna_nf_follow *f);
void tna_nf_follow_free(struct tna_nf_follow *f);

#endif
