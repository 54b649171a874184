/* The service graph with the netfilter compiler's verdict: see
 * assembler/filter_verdict.h.  The graph (introspect/) shows where rules
 * are; whether the fast path can evaluate them is the compiler's to say,
 * so the assembler asks it and writes the answer onto the graph, which the
 * router plan (router_input.c) and tna-probe --graph then read. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "assembler/filter_verdict.h"
#include "introspect/graph.h"
#include "introspect/model.h"

static bool has_netfilter(const struct tna_graph *g)
{
	for (size_t i = 0; i < tna_graph_node_count(g); i++)
		if (tna_graph_node(g, i)->kind == TNA_NODE_NETFILTER)
			return true;
	return false;
}

/* Rules the fast path of family FAM (TNA_FLT_V4/V6) leaves to Linux. */
static int fam_notes(const struct tna_flt_prog *p, int fam)
{
	int n = 0;

	for (int i = 0; i < p->n_notes; i++) {
		int f = p->notes[i].family;

		n += f == TNA_NFT_INET || f == (fam == TNA_FLT_V4 ? TNA_NFT_IP : TNA_NFT_IP6);
	}
	return n;
}

int tna_flt_graph_annotate(struct tna_graph *g, const struct tna_model *m)
{
	const struct tna_netfilter *nf = tna_model_netfilter(m);
	const struct tna_graph_node *router = tna_graph_find(g, TNA_NODE_ROUTER, "router");
	struct tna_flt_opts co = { .v4 = true, .v6 = true };
	struct tna_nft_ruleset rs;
	struct tna_flt_verdict v;
	struct tna_flt_prog p;
	int err, rerr;

	if (!has_netfilter(g))
		return 0;	/* no rules anywhere: nothing to compile */
	rerr = tna_nft_read(&rs);
	co.conntrack_active = tna_flt_conntrack_active(nf);
	err = tna_flt_decide(rerr ? NULL : &rs, rerr, nf, &co, &p, &v);
	if (!rerr)
		tna_nft_free(&rs);
	if (err)
		return err;
	for (int i = 0; i < p.n_notes; i++) {
		char text[160];

		snprintf(text, sizeof(text), "%.50s: %.90s%s", p.notes[i].reason, p.notes[i].where,
			 p.notes[i].whole_hook ? " (whole hook)" : "");
		tna_graph_nf_note(g, p.notes[i].family, p.notes[i].hook, text);
	}
	for (int k = 0; router && k < 2; k++) {
		uint8_t bit = k ? TNA_SCOPE_IPV6 : TNA_SCOPE_IPV4;
		int fam = k ? TNA_FLT_V6 : TNA_FLT_V4;
		bool unknown = tna_graph_scope(router, TNA_GRAPH_REASON_NF_UNKNOWN) & bit;
		char text[192];

		if (!(tna_graph_scope(router, TNA_GRAPH_REASON_NF_FORWARD) & bit) && !unknown)
			continue;	/* no rule sees its routed traffic */
		if (unknown)
			snprintf(text, sizeof(text), "%s", v.whole[fam] ? v.why[fam] :
				 "the netfilter summary could not be read");
		else if (v.whole[fam])
			snprintf(text, sizeof(text), "%s", v.why[fam]);
		else
			snprintf(text, sizeof(text), "compiled into the fast path (filter, conntrack, "
				 "NAT); %d rule(s) go to Linux where reached", fam_notes(&p, fam));
		tna_graph_nf_verdict(g, k, !unknown && !v.whole[fam], text);
	}
	tna_flt_prog_free(&p);
	return 0;
}

int tna_flt_graph_print_current(FILE *f, bool dot, int (*extra)(struct tna_graph *, void *),
				void *ctx)
{
	struct tna_model *m = tna_model_new();
	struct tna_graph *g = NULL;
	int ret;

	if (!m)
		return -ENOMEM;
	ret = tna_model_dump(m);
	if (!ret && !(g = tna_graph_build(m)))
		ret = -errno;
	if (!ret)
		ret = tna_flt_graph_annotate(g, m);
	if (!ret && extra)
		ret = extra(g, ctx);
	if (!ret)
		ret = dot ? tna_graph_print_dot(g, f) : tna_graph_print_json(g, f);
	tna_graph_free(g);
	tna_model_free(m);
	return ret;
}
