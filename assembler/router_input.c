/* Fill the router planner's input from the introspection model; why an
 * interface or a family stays on Linux comes from the service graph
 * (introspect/rules.c), as tna-probe --graph shows it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include "assembler/filter_verdict.h"
#include "assembler/router_plan.h"
#include "introspect/graph.h"
#include "introspect/model.h"

static struct tna_router_if_in *if_of(struct tna_router_in *in, int ifindex)
{
	for (int i = 0; i < in->n_ifs; i++)
		if (in->ifs[i].ifindex == ifindex)
			return &in->ifs[i];
	return NULL;
}

struct link_ctx { struct tna_router_in *in; const struct tna_graph *g; };

/* What the L3 node of link L says (none: the link has no address). */
static void l3_reasons(const struct tna_graph *g, const struct tna_link *l,
		       struct tna_router_if_in *f)
{
	const struct tna_graph_node *n = tna_graph_find(g, TNA_NODE_L3, l->name);

	if (!n)
		return;
	for (int r = 0; r < TNA_GRAPH_REASON__COUNT && !f->graph_reason[0]; r++)
		if (tna_graph_scope(n, r) == TNA_SCOPE_ALL)
			snprintf(f->graph_reason, sizeof(f->graph_reason), "%s: %s",
				 tna_graph_reason_name(r), tna_graph_reason_text(r));
	f->rp_filter = tna_graph_scope(n, TNA_GRAPH_REASON_RP_FILTER) & TNA_SCOPE_IPV4;
	f->no_ipv6 = tna_graph_scope(n, TNA_GRAPH_REASON_IPV6_DISABLED) & TNA_SCOPE_IPV6;
	f->egress_linux = tna_graph_scope(n, TNA_GRAPH_REASON_TC_EGRESS) & TNA_SCOPE_EGRESS;
}

static int link_cb(const struct tna_link *l, void *p)
{
	struct link_ctx *x = p;
	struct tna_router_in *in = x->in;
	struct tna_router_if_in *f;

	if (in->n_ifs >= TNA_RPLAN_MAX_IFS)
		return 0;
	f = &in->ifs[in->n_ifs++];
	memset(f, 0, sizeof(*f));
	f->ifindex = l->ifindex;
	snprintf(f->name, sizeof(f->name), "%s", l->name);
	snprintf(f->kind, sizeof(f->kind), "%s", l->kind);
	f->up = l->flags & IFF_UP;
	f->loopback = l->flags & IFF_LOOPBACK;
	f->is_bridge = l->is_bridge;
	f->is_port = l->is_port;
	f->master = l->is_port ? l->master : 0;
	memcpy(f->mac, l->mac, 6);
	l3_reasons(x->g, l, f);
	return 0;
}

/* A martian IPv4 source, once (127/8 and >= 224/4 are in the fast path). */
static void martian(struct tna_router_in *in, const uint8_t *addr)
{
	uint32_t a;

	memcpy(&a, addr, 4);
	if (addr[0] == 127 || addr[0] >= 224)
		return;
	for (int i = 0; i < in->n_martian4; i++)
		if (in->martian4[i] == a)
			return;
	if (in->n_martian4 == TNA_RPLAN_MAX_MARTIAN)
		in->src_fib_check = true;	/* too many to list: look each up */
	else
		in->martian4[in->n_martian4++] = a;
}

static int addr_cb(const struct tna_addr *a, void *ctx)
{
	struct tna_router_if_in *f = if_of(ctx, a->ifindex);

	if (a->family == AF_INET)	/* fib_validate_source: never a source */
		martian(ctx, a->addr);

	if (!f || a->scope != 0)	/* RT_SCOPE_UNIVERSE only */
		return 0;
	if (a->family == AF_INET)
		f->n_addr4++;
	else if (a->family == AF_INET6)
		f->n_addr6++;
	return 0;
}

/* An IPv6 prefix l3_classify sends to Linux whole: multicast,
 * link-local, ::/96 and ::ffff:0:0/96. */
static bool special6(const uint8_t *a, int len)
{
	static const uint8_t zero[12], mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (len >= 8 && a[0] == 0xff)
		return true;
	if (len >= 10 && a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return true;
	return len >= 96 && (!memcmp(a, zero, 12) || !memcmp(a, mapped, 12));
}

/* A destination of the IPv6 local table (RT_TABLE_LOCAL), once. */
static void local6(struct tna_router_in *in, const struct tna_route *r)
{
	if (special6(r->dst, r->dst_len))
		return;
	if (r->dst_len != 128 || in->n_local6 == TNA_RPLAN_MAX_LOCAL6) {
		in->local6_unlisted = true;
		return;
	}
	for (int i = 0; i < in->n_local6; i++)
		if (!memcmp(in->local6[i], r->dst, 16))
			return;
	memcpy(in->local6[in->n_local6++], r->dst, 16);
}

static int route_cb(const struct tna_route *r, void *ctx)
{
	struct tna_router_in *in = ctx;
	bool gw = r->nexthops > 1 || r->nhid;

	/* local, broadcast, anycast: sources the kernel's full check drops */
	if (r->family == AF_INET && (r->type == RTN_LOCAL || r->type == RTN_BROADCAST ||
				     r->type == RTN_ANYCAST) && r->dst[0] != 127) {
		if (r->dst_len == 32)
			martian(in, r->dst);
		else
			in->src_fib_check = true;
	}

	if (r->family == AF_INET6 && r->table == 255)
		local6(in, r);

	for (int i = 0; i < 16; i++)
		gw |= r->gateway[i] != 0;
	if (!gw)
		return 0;
	if (r->family == AF_INET)
		in->gw_route4 = true;
	else if (r->family == AF_INET6)
		in->gw_route6 = true;
	return 0;
}

struct rules { int n4, n6; bool custom4, custom6; };

static int rule_cb(const struct tna_rule *r, void *ctx)
{
	struct rules *s = ctx;
	bool plain = r->action == 1 && !r->src_len && !r->dst_len && !r->tos &&
		     !r->fwmark && !r->fwmask && !r->iifname[0] && !r->oifname[0];
	bool dflt;

	if (r->family == AF_INET) {
		dflt = plain && ((r->priority == 0 && r->table == 255) ||
				 (r->priority == 32766 && r->table == 254) ||
				 (r->priority == 32767 && r->table == 253));
		s->n4++;
		s->custom4 |= !dflt;
	} else if (r->family == AF_INET6) {
		dflt = plain && ((r->priority == 0 && r->table == 255) ||
				 (r->priority == 32766 && r->table == 254));
		s->n6++;
		s->custom6 |= !dflt;
	}
	return 0;
}

/* The router node's reasons: which families stay on Linux, and why. */
/* In nft's words, the first hook the graph connects the router to that
 * holds rules ("nftables ip forward hook has rules"): the decision is the
 * graph's, this says where to look. */
static void nf_where(const struct tna_graph *g, const struct tna_graph_node *router,
		     const struct tna_netfilter *nf, char *why, size_t len)
{
	static const char *const src[] = { "nftables", "iptables-legacy" };

	for (size_t e = 0; e < tna_graph_edge_count(g); e++) {
		const struct tna_graph_edge *x = tna_graph_edge(g, e);
		const struct tna_graph_node *n = tna_graph_node(g, (size_t)x->to);

		if (x->from != router->id || x->kind != TNA_EDGE_FILTERED_BY)
			continue;
		for (int s = 0; s < 2; s++) {
			const struct tna_nf_hook *h = &nf->hook[s][n->nf_family][n->nf_hook];

			if (!h->rules && !h->drop_policy)
				continue;
			snprintf(why, len, "%s %s %s hook has %s", src[s],
				 tna_nf_family_name(n->nf_family),
				 tna_nf_hook_name(n->nf_family, n->nf_hook),
				 h->rules ? "rules" : "a drop policy");
			return;
		}
	}
}

static void router_reasons(const struct tna_graph *g, const struct tna_netfilter *nfs,
			   struct tna_router_in *in)
{
	static const enum tna_graph_reason nf[] = { TNA_GRAPH_REASON_NF_UNKNOWN,
						    TNA_GRAPH_REASON_NF_FORWARD };
	const struct tna_graph_node *n = tna_graph_find(g, TNA_NODE_ROUTER, "router");
	uint8_t s;

	if (!n)		/* no router in the graph: nothing routes, nothing to keep */
		return;
	for (size_t i = 0; i < sizeof(nf) / sizeof(nf[0]); i++) {
		s = tna_graph_scope(n, nf[i]);
		if (!s)
			continue;
		in->nf4 |= (s & TNA_SCOPE_IPV4) ? (nf[i] == TNA_GRAPH_REASON_NF_UNKNOWN ? -1 : 1) : 0;
		in->nf6 |= (s & TNA_SCOPE_IPV6) ? (nf[i] == TNA_GRAPH_REASON_NF_UNKNOWN ? -1 : 1) : 0;
		if (in->nf_why[0])
			continue;
		snprintf(in->nf_why, sizeof(in->nf_why), "%s: %s",
			 tna_graph_reason_name(nf[i]), tna_graph_reason_text(nf[i]));
		if (nf[i] == TNA_GRAPH_REASON_NF_FORWARD)
			nf_where(g, n, nfs, in->nf_why, sizeof(in->nf_why));
	}
	/* the compiler's verdict (tna_flt_graph_annotate) */
	in->flt4 = n->nf_compiled & TNA_SCOPE_IPV4;
	in->flt6 = n->nf_compiled & TNA_SCOPE_IPV6;
	snprintf(in->flt_why4, sizeof(in->flt_why4), "%s", n->nf_verdict[0]);
	snprintf(in->flt_why6, sizeof(in->flt_why6), "%s", n->nf_verdict[1]);
	for (size_t e = 0; e < tna_graph_edge_count(g); e++) {
		const struct tna_graph_edge *x = tna_graph_edge(g, e);
		const struct tna_graph_node *h = tna_graph_node(g, (size_t)x->to);

		if (x->from != n->id || x->kind != TNA_EDGE_FILTERED_BY)
			continue;
		for (int k = 0; k < h->n_fp_notes && in->n_flt_notes < TNA_RPLAN_MAX_NOTES; k++)
			snprintf(in->flt_notes[in->n_flt_notes++], sizeof(in->flt_notes[0]), "%s %s: %s",
				 tna_nf_family_name(h->nf_family), tna_nf_hook_name(h->nf_family, h->nf_hook),
				 h->fp_notes[k]);
	}
	s = tna_graph_scope(n, TNA_GRAPH_REASON_XFRM);
	in->xfrm4 = s & TNA_SCOPE_IPV4;
	in->xfrm6 = s & TNA_SCOPE_IPV6;
}

int tna_router_in_from_model(const struct tna_model *m, struct tna_router_in *in)
{
	const struct tna_sysctls *sc;
	struct rules rs = {};
	struct tna_graph *g;

	if (!m || !in)
		return -EINVAL;
	sc = tna_model_sysctls(m);
	g = tna_graph_build(m);
	if (!g)
		return -errno;
	/* unreadable rules: no verdict, netfilter-forward keeps them on Linux */
	tna_flt_graph_annotate(g, m);
	memset(in, 0, sizeof(*in));
	in->ip_forward = sc->ip_forward;
	in->ip6_forwarding = sc->ip6_forwarding;
	tna_model_for_each_link(m, link_cb, &(struct link_ctx){ in, g });
	tna_model_for_each_addr(m, addr_cb, in);
	tna_model_for_each_route(m, route_cb, in);
	tna_model_for_each_rule(m, rule_cb, &rs);
	in->rules4_default = !rs.custom4;
	in->rules6_default = !rs.custom6;
	router_reasons(g, tna_model_netfilter(m), in);
	tna_graph_free(g);
	return 0;
}
