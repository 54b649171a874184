/* The nftables compiler: a ruleset (introspect/nft_ir.h) into the
 * instruction program that bpf/fpm/filter.h evaluates on forwarded
 * packets (layout in bpf/tna_filter_kern_user.h).  No runtime code
 * generation: the program is data for a fixed evaluator.
 *
 * What it compiles, per family of the routed path (IPv4: ip + inet
 * tables, IPv6: ip6 + inet tables): every filter-type base chain at
 * prerouting, forward and postrouting, in priority order, split into the
 * segments around conntrack (-200) and NAT (-100, +100); the regular
 * chains they jump or go to; named and anonymous sets (as LPM prefixes).
 * First-match order, accept/drop/continue/return/jump/goto and the chain
 * policies behave as in nf_tables_core.c: accept ends one base chain and
 * the packet goes on to the next; drop ends everything.
 *
 * What goes to Linux: an expression outside the subset becomes a PUNT
 * instruction at its place in its rule, so exactly the packets that would
 * reach it (all earlier matches true) leave the fast path, with reason
 * `nf_rule`; the note list says which rule and why.  A hook whose order
 * cannot be known (a filter chain at exactly -200, -100 or +100 when
 * conntrack or NAT run there) starts with a PUNT of reason `nf_hook`.
 * NAT-type chains are not compiled: they only run for a connection's
 * first packet, which conntrack leaves to Linux anyway.
 *
 * Returns 0 or a negative errno; prints nothing.  -E2BIG: the program or
 * its sets do not fit (the caller keeps that family on Linux). */
#ifndef TNA_ASSEMBLER_FILTER_COMPILE_H
#define TNA_ASSEMBLER_FILTER_COMPILE_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "bpf/tna_kern_user.h"
#include "introspect/nft_ir.h"

struct tna_flt_opts {
	bool v4, v6;			/* families routed in the fast path */
	bool bridge;			/* frames bridged in the fast path */
	bool conntrack_active;		/* conntrack runs in this netns even without
					 * ct rules (entries exist, legacy tables) */
};

/* An LPM prefix of one set: the set id, then PLEN bits of data. */
struct tna_flt_lpm {
	uint32_t set;
	uint32_t plen;			/* bits of data (not counting the set id) */
	uint8_t data[16];
};

struct tna_flt_rule_id {
	int family;
	char table[64], chain[64];
	uint64_t handle;
};
/* "inet fw forward, rule handle 16" */
void tna_flt_rule_where(const struct tna_flt_rule_id *r, char *buf, size_t len);

/* Something that stays on Linux, for tna-probe --graph and the tools. */
struct tna_flt_note {
	char reason[64];		/* "log", "counter", "ct helper set", ... */
	char where[160];		/* "inet fw forward, rule handle 16" */
	bool whole_hook;
	int family, hook;		/* the base chain it is reached from (NFPROTO_*, NF_INET_*) */
};

struct tna_flt_prog {
	struct tna_flt_insn *insn;
	int n_insns;
	struct tna_flt_seg_ref seg[TNA_FLT_FAMS][TNA_FLT_SEGS];
	uint32_t flags;			/* TNA_FLT_F_* */
	struct tna_flt_lpm *lpm;
	int n_lpm, n_sets;
	struct tna_flt_note *notes;
	int n_notes;
	int n_rules;			/* rules compiled (both families) */
	/* the rules instructions came from (listings, per-rule reports) */
	struct tna_flt_rule_id *rules;
	int *insn_rule;			/* per instruction: index into rules, -1 none */
};

int tna_flt_compile(const struct tna_nft_ruleset *rs, const struct tna_flt_opts *o,
		    struct tna_flt_prog *p);
void tna_flt_prog_free(struct tna_flt_prog *p);
/* A readable listing (tna-rt-test --filter-dump, tests). */
void tna_flt_prog_print(const struct tna_flt_prog *p, FILE *f);

/* Prefix decomposition of [lo, hi] over LEN big-endian bytes: calls CB
 * for each prefix (data, bits).  Exposed for the unit tests. */
int tna_flt_prefixes(const uint8_t lo[16], const uint8_t hi[16], int len,
		     int (*cb)(const uint8_t data[16], int bits, void *ctx), void *ctx);

#endif
