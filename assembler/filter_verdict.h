/* The compiler's verdict on a ruleset: which families of the routed path
 * the netfilter fast path can evaluate (their rules compiled, the rules
 * outside the subset punted exactly where they are reached), and which go
 * to Linux as a whole, and why.  One decision for the three places that
 * need it: the router plan (assembler/router_input.c), the service graph
 * as tna-probe --graph shows it (tna_flt_graph_annotate) and the follower
 * that keeps the fast path's program current (controller/filter_follow.c).
 *
 * A family goes to Linux as a whole when
 *  - the nftables ruleset or the legacy tables cannot be read;
 *  - a netdev-family (or inet ingress) chain has rules: XDP runs before it;
 *  - legacy iptables rules sit on that family's forwarding path;
 *  - iptables-nft rules (xt expressions) are reached by its routed packets;
 *  - a hook's order cannot be known (a filter chain at the priority of
 *    conntrack or NAT: a whole-hook punt at the start of its routed path);
 *  - the ruleset does not compile or does not fit.
 * Functions return 0 or a negative errno and print nothing. */
#ifndef TNA_ASSEMBLER_FILTER_VERDICT_H
#define TNA_ASSEMBLER_FILTER_VERDICT_H
#include <stdbool.h>
#include "assembler/filter_compile.h"

struct tna_netfilter;
struct tna_graph;
struct tna_model;

struct tna_flt_verdict {
	bool whole[TNA_FLT_FAMS];	/* TNA_FLT_V4/V6/BR: to Linux as a whole */
	char why[TNA_FLT_FAMS][192];
};

/* Compile RS (NULL: it could not be read, READ_ERR says why) for the
 * families of CO into P and fill V.  LEGACY: the legacy tables' summary
 * (introspect/model.h, source TNA_NF_LEGACY).  When the ruleset does not
 * compile, P is the program of an empty ruleset and every family of CO
 * is whole.  The bridge family's own conditions (br_netfilter) are the
 * caller's. */
int tna_flt_decide(const struct tna_nft_ruleset *rs, int read_err,
		   const struct tna_netfilter *legacy, const struct tna_flt_opts *co,
		   struct tna_flt_prog *p, struct tna_flt_verdict *v);

/* Whether any legacy table has rules (conntrack runs then). */
bool tna_flt_legacy_any(const struct tna_netfilter *legacy);
/* Whether conntrack runs in the current netns without rules asking for
 * it: legacy rules, or entries exist (tna_flt_opts.conntrack_active). */
bool tna_flt_conntrack_active(const struct tna_netfilter *legacy);

/* The service graph with the compiler's verdict (assembler/filter_graph.c):
 * read the current netns's ruleset, decide for IPv4 and IPv6, and put on
 * G what stays on Linux (notes on its netfilter nodes) and, on the router
 * node, which families the fast path filters.  Nothing when no node of G
 * is about netfilter.  0 or -errno (G unchanged then). */
int tna_flt_graph_annotate(struct tna_graph *g, const struct tna_model *m);
/* tna-probe --graph: dump, build, annotate, EXTRA (if not NULL: what
 * the caller adds, e.g. the running controller's hooks), print (DOT or
 * JSON). */
int tna_flt_graph_print_current(FILE *f, bool dot, int (*extra)(struct tna_graph *, void *),
				void *ctx);

#endif
