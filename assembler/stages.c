/* The plan per port as stages, by walking the service graph: see
 * assembler/stages.h.
 *
 *   graph walk                                   stage (plan it reads)
 *   -------------------------------------------  --------------------------------
 *   port -port-of-> bridge                       bridge (the bridge's plan; the
 *                                                port's: target, NIC stage)
 *   bridge -routes-via-> l3 <-routes-via- router router in the bridge's pipeline
 *                                                (the router's plan), when the
 *                                                router runs there
 *   l3 <-routes-via- router, l3 no bridge/port   router in its own pipeline or
 *                                                the hosting bridge's
 *   bridge -routes-via-> l3 <-routes-via- router the host: the first such
 *   (bridge deployed, l3 not blocked)            bridge, ifindex order
 *   router -filtered-by-> netfilter              filter (the router's plan says
 *                                                which families are compiled)
 *   bridge/router -hooked-by-> hook              hook:SLOT (the hook node)
 *
 * What stays on Linux: a node on the walk that is not accelerable keeps
 * the port there, with that node's reason (linux_node names it); a
 * reason that takes part of a node's traffic (scope ipv4, egress, ...) is
 * the stage's to_linux, again with the node's words. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "assembler/stages.h"
#include "bpf/tna_kern_user.h"
#include "introspect/graph.h"

#define ROUTER_FPMS (TNA_FPM_IPV4 | TNA_FPM_IPV6 | TNA_FPM_ROUTE)
#define FILTER_FPMS (TNA_FPM_FILTER | TNA_FPM_CT | TNA_FPM_NAT)
#define BIT(r) (1u << TNA_GRAPH_REASON_##r)

/* The graph's edges indexed once (one pass), so each port costs O(1)
 * lookups, not a scan of every edge (bridges with hundreds of ports). */
struct walk {
	const struct tna_stage_src *src;
	const struct tna_graph *g;
	const struct tna_graph_node *router;	/* NULL: no router in the graph */
	int *up;		/* per node: port -> its bridge (port-of),
				 * bridge -> its L3 node (routes-via); -1 */
	bool *routed;		/* per node: the router routes via it */
	const struct tna_graph_node *filter;	/* the router's first netfilter node */
	char where[256];	/* the router's netfilter nodes, in words */
	const struct tna_graph_edge **hook;	/* the hooked-by edges */
	int n_hook;
	int host;		/* the bridge hosting the router (pick_host), 0 own */
};

static void ref(const struct tna_graph_node *n, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s", tna_node_kind_name(n->kind), n->name);
}

/* "name: text" of N's first reason that takes all its traffic, skipping
 * SKIP; false when there is none. */
static bool blocked(const struct tna_graph_node *n, uint32_t skip, char *buf, size_t len)
{
	for (int r = 0; n && r < TNA_GRAPH_REASON__COUNT; r++)
		if (!(skip & (1u << r)) && tna_graph_scope(n, r) == TNA_SCOPE_ALL) {
			snprintf(buf, len, "%s: %s", tna_graph_reason_name(r), tna_graph_reason_text(r));
			return true;
		}
	return false;
}

/* Append "; " + text to BUF. */
__attribute__((format(printf, 3, 4)))
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n && n + 2 < len)
		n += snprintf(buf + n, len - n, "; ");
	va_start(ap, fmt);
	if (n < len)
		vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

/* N's reasons that take part of its traffic, in N's words. */
static void partial(const struct tna_graph_node *n, char *buf, size_t len)
{
	for (int r = 0; n && r < TNA_GRAPH_REASON__COUNT; r++) {
		uint8_t s = tna_graph_scope(n, r);

		if (s && s != TNA_SCOPE_ALL)
			append(buf, len, "%s (%s, %s:%s): %s", tna_graph_reason_name(r),
			       tna_graph_scope_name(s), tna_node_kind_name(n->kind), n->name,
			       tna_graph_reason_text(r));
	}
}

static const struct tna_graph_node *node_of(const struct tna_graph *g, enum tna_node_kind k,
					    int ifindex)
{
	for (size_t i = 0; i < tna_graph_node_count(g); i++) {
		const struct tna_graph_node *n = tna_graph_node(g, i);

		if (n->kind == k && n->ifindex == ifindex)
			return n;
	}
	return NULL;
}

static const struct tna_bridge_plan *bridge_plan(const struct walk *w, int ifindex)
{
	for (int i = 0; i < w->src->n_bridges; i++)
		if (w->src->bridges[i]->ifindex == ifindex)
			return w->src->bridges[i];
	return NULL;
}

static struct tna_stage *add(struct tna_port_stages *ps, enum tna_stage_kind k, uint64_t fpms,
			     const struct tna_graph_node *n, const char *reason)
{
	struct tna_stage *s;

	if (ps->n == TNA_STAGES_MAX)
		return NULL;
	s = &ps->st[ps->n++];
	memset(s, 0, sizeof(*s));
	s->kind = k;
	s->fpms = fpms;
	if (n)
		ref(n, s->node, sizeof(s->node));
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	return s;
}

static void to_linux(struct tna_port_stages *ps, const struct tna_graph_node *n, const char *why)
{
	ps->n = 0;
	ps->target = TNA_TARGET_NONE;
	if (n)
		ref(n, ps->linux_node, sizeof(ps->linux_node));
	snprintf(ps->linux_reason, sizeof(ps->linux_reason), "%s", why);
}

static const char *fam(uint8_t bits)
{
	return bits == (TNA_NF_ROUTED_V4 | TNA_NF_ROUTED_V6) ? "IPv4 and IPv6" :
	       bits & TNA_NF_ROUTED_V4 ? "IPv4" : "IPv6";
}

/* One pass over the edges: W's index.  -ENOMEM. */
static int index_edges(struct walk *w)
{
	size_t nn = tna_graph_node_count(w->g);

	w->up = malloc((nn ? nn : 1) * sizeof(*w->up));
	w->routed = calloc(nn ? nn : 1, sizeof(*w->routed));
	w->hook = malloc((tna_graph_edge_count(w->g) + 1) * sizeof(*w->hook));
	if (!w->up || !w->routed || !w->hook)
		return -ENOMEM;
	for (size_t i = 0; i < nn; i++)
		w->up[i] = -1;
	for (size_t i = 0; i < tna_graph_edge_count(w->g); i++) {
		const struct tna_graph_edge *e = tna_graph_edge(w->g, i);
		const struct tna_graph_node *from = tna_graph_node(w->g, (size_t)e->from);
		const struct tna_graph_node *to = tna_graph_node(w->g, (size_t)e->to);

		if (e->kind == TNA_EDGE_PORT_OF && from->kind == TNA_NODE_PORT &&
		    to->kind == TNA_NODE_BRIDGE && w->up[from->id] < 0)
			w->up[from->id] = to->id;
		else if (e->kind == TNA_EDGE_ROUTES_VIA && from->kind == TNA_NODE_BRIDGE &&
			 to->kind == TNA_NODE_L3 && w->up[from->id] < 0)
			w->up[from->id] = to->id;
		else if (e->kind == TNA_EDGE_ROUTES_VIA && from->kind == TNA_NODE_ROUTER)
			w->routed[to->id] = true;
		else if (e->kind == TNA_EDGE_FILTERED_BY && from->kind == TNA_NODE_ROUTER) {
			/* where netfilter sees the router's traffic */
			if (!w->filter)
				w->filter = to;
			append(w->where, sizeof(w->where), "netfilter:%s (%u rule(s))", to->name,
			       to->nf_rules);
		} else if (e->kind == TNA_EDGE_HOOKED_BY && to->kind == TNA_NODE_HOOK)
			w->hook[w->n_hook++] = e;
	}
	return 0;
}

static void walk_free(struct walk *w)
{
	free(w->up);
	free(w->routed);
	free(w->hook);
}

static const struct tna_graph_node *up(const struct walk *w, const struct tna_graph_node *n)
{
	return n && w->up[n->id] >= 0 ? tna_graph_node(w->g, (size_t)w->up[n->id]) : NULL;
}

/* The router's stage for what arrives through L3 node L, then the
 * filter's when its rules are compiled.  OWN: the modules its own
 * pipeline adds (it parses and counts; a bridge's does that itself). */
static void router_stages(const struct walk *w, struct tna_port_stages *ps,
			  const struct tna_graph_node *l, const char *reason, uint64_t own)
{
	const struct tna_router_plan *rt = w->src->rt;
	struct tna_stage *s = add(ps, TNA_STAGE_ROUTER, rt->fpms & (ROUTER_FPMS | own), w->router,
				  reason);
	const char *where = w->where;
	uint8_t x;

	if (!s)
		return;
	snprintf(s->params, sizeof(s->params), "%s%s%s", rt->v4 ? "IPv4" : "",
		 rt->v4 && rt->v6 ? " " : "", rt->v6 ? "IPv6" : "");
	if (rt->nf_routed & ~rt->nf_filter)
		append(s->to_linux, sizeof(s->to_linux), "%s routed traffic: netfilter (%s)",
		       fam(rt->nf_routed & ~rt->nf_filter), where[0] ? where : "router:router");
	x = tna_graph_scope(w->router, TNA_GRAPH_REASON_XFRM);
	if ((x & TNA_SCOPE_IPV4 && rt->v4) || (x & TNA_SCOPE_IPV6 && rt->v6))
		append(s->to_linux, sizeof(s->to_linux), "%s routed traffic: xfrm (router:router): %s",
		       fam(rt->xfrm_routed ? rt->xfrm_routed : x), tna_graph_reason_text(TNA_GRAPH_REASON_XFRM));
	if (rt->n_martian4)
		append(s->to_linux, sizeof(s->to_linux), "%d martian IPv4 source(s)%s", rt->n_martian4,
		       rt->src_fib_check ? ", sources looked up in the FIB" : "");
	/* the interface's own: rp_filter, disable_ipv6, egress qdisc */
	partial(l, s->to_linux, sizeof(s->to_linux));
	if (!rt->nf_filter)
		return;
	s = add(ps, TNA_STAGE_FILTER, rt->fpms & FILTER_FPMS, w->filter, rt->filter_reason);
	if (!s)
		return;
	snprintf(s->params, sizeof(s->params), "%s; %.120s", fam(rt->nf_filter), where);
	if (rt->n_flt_notes)
		snprintf(s->to_linux, sizeof(s->to_linux), "%d rule(s) outside the subset, first: %s",
			 rt->n_flt_notes, rt->flt_notes[0]);
}

/* The hooks the nodes FROM (bridge, router; NULL skipped) are hooked by. */
static void hook_stages(const struct walk *w, struct tna_port_stages *ps,
			const struct tna_graph_node *from[2])
{
	static const char *const slot[] = { "ingress", "classified", "egress" };
	static const enum tna_stage_kind kind[] = { TNA_STAGE_HOOK_INGRESS,
		TNA_STAGE_HOOK_CLASSIFIED, TNA_STAGE_HOOK_EGRESS };
	/* where each runs (docs/hooks.md) */
	static const char *const where[] = {
		"the operator's hook, before TNA looks at the frame",
		"the operator's hook, once the frame is classified, before the forwarding "
		"decision (the FDB or FIB lookup)",
		"the operator's hook, once the egress is known, before the frame is changed "
		"or sent (a routed frame's netfilter postrouting and NAT come after it)" };

	int seen[TNA_STAGES_MAX], n = 0;	/* a hook both from[] lead to: once */

	for (int i = 0; i < w->n_hook; i++) {
		const struct tna_graph_edge *e = w->hook[i];
		const struct tna_graph_node *h = tna_graph_node(w->g, (size_t)e->to);
		struct tna_stage *s;
		bool dup = false;

		if (!((from[0] && e->from == from[0]->id) || (from[1] && e->from == from[1]->id)))
			continue;
		for (int j = 0; j < n; j++)
			dup |= seen[j] == h->id;
		if (dup || n == TNA_STAGES_MAX)
			continue;
		seen[n++] = h->id;
		for (int k = 0; k < 3; k++)
			if (!strcmp(h->hook_slot, slot[k]) &&
			    (s = add(ps, kind[k], 0, h, where[k])))
				snprintf(s->params, sizeof(s->params), "%s: tna_hook_%s",
					 h->hook_object, h->hook_slot);
	}
}

/* Stages in pipeline order (the enum's), stable. */
static void sort(struct tna_port_stages *ps)
{
	for (int i = 1; i < ps->n; i++)
		for (int k = i; k > 0 && ps->st[k - 1].kind > ps->st[k].kind; k--) {
			struct tna_stage t = ps->st[k];

			ps->st[k] = ps->st[k - 1];
			ps->st[k - 1] = t;
		}
}

/* The router's host: the first bridge node (ifindex order) whose ports
 * would carry the router's stage: an L3 node the router routes via that
 * nothing blocks, a plan that deploys it and takes frames (no
 * br_netfilter); 0: its own pipeline.  A bridge not selected or left to
 * Linux does not take it, whatever the router plan lists first. */
static int pick_host(const struct walk *w)
{
	char why[384];

	if (!w->router || !w->src->rt || !w->src->rt->ok)
		return 0;
	for (size_t i = 0; i < tna_graph_node_count(w->g); i++) {
		const struct tna_graph_node *n = tna_graph_node(w->g, i), *l3;
		const struct tna_bridge_plan *b;

		if (n->kind != TNA_NODE_BRIDGE || !(l3 = up(w, n)) || !w->routed[l3->id] ||
		    blocked(l3, 0, why, sizeof(why)))
			continue;
		b = bridge_plan(w, n->ifindex);
		if (b && b->ok && !b->br_netfilter)
			return b->ifindex;
	}
	return 0;
}

/* Is the router's plan usable here, and does it run in bridge B's
 * pipeline (B NULL: its own)? */
static bool router_runs(const struct walk *w, const struct tna_bridge_plan *b)
{
	const struct tna_router_plan *rt = w->src->rt;

	return w->router && rt && rt->ok && (b ? w->host == b->ifindex : true);
}

/* A bridge port: port -port-of-> bridge [-routes-via-> l3 <- router]. */
static void bridge_port(const struct walk *w, const struct tna_graph_node *p,
			struct tna_port_stages *ps)
{
	const struct tna_graph_node *bn = up(w, p), *l3 = up(w, bn);
	const struct tna_graph_node *hooked[2] = { bn, NULL };
	const struct tna_bridge_plan *b = bn ? bridge_plan(w, bn->ifindex) : NULL;
	const struct tna_port_plan *pp = NULL;
	char why[384];
	struct tna_stage *s;

	for (int i = 0; b && i < b->n_ports; i++)
		if (b->ports[i].ifindex == p->ifindex)
			pp = &b->ports[i];
	if (bn)
		snprintf(ps->pipeline, sizeof(ps->pipeline), "%.23s", bn->name);
	/* the bridge's netfilter reasons do not block it: it runs, passing
	 * every frame (explicit target) or not at all (auto: b->ok false) */
	if (blocked(bn, BIT(NF_BRIDGED) | BIT(NF_UNKNOWN), why, sizeof(why)))
		return to_linux(ps, bn, why);
	if (!b || !pp)
		return to_linux(ps, NULL, bn ? "its bridge is not deployed (not selected: --interface)"
					     : "no bridge");
	if (!b->ok)	/* the plan's words; the node when its netfilter reason led there */
		return to_linux(ps, bn->accelerable ? NULL : bn, b->reason);
	if (!pp->accelerated) {	/* its bridge's reason is the bridge node's, above */
		if (blocked(p, BIT(BRIDGE), why, sizeof(why)))
			return to_linux(ps, p, why);
		return to_linux(ps, NULL, pp->reason);
	}
	ps->target = pp->target;
	if (pp->nic && (s = add(ps, TNA_STAGE_NIC, 0, p, pp->nic_reason)))
		snprintf(s->params, sizeof(s->params), "%s model", pp->nic_kind);
	s = add(ps, TNA_STAGE_BRIDGE, b->fpms, bn, pp->reason);
	if (b->fdb_mode == TNA_FDB_MODE_KFUNC)
		snprintf(s->params, sizeof(s->params), "FDB kfunc (bpf_xdp_fdb_lookup)");
	else
		snprintf(s->params, sizeof(s->params), "FDB mirror, keep-alive every %u ms",
			 b->keepalive_ms);
	if (b->br_netfilter)
		append(s->to_linux, sizeof(s->to_linux), "every frame: %s", b->reason);
	partial(p, s->to_linux, sizeof(s->to_linux));
	if (l3 && w->routed[l3->id]) {
		if (router_runs(w, b)) {
			snprintf(why, sizeof(why), "frames to %s's MAC: a bridge with an address (l3:%s)",
				 bn->name, l3->name);
			router_stages(w, ps, l3, why, 0);
			hooked[1] = w->router;
		} else if (blocked(l3, 0, why, sizeof(why))) {
			append(s->to_linux, sizeof(s->to_linux), "frames to %s's MAC, routed: l3:%s %s",
			       bn->name, l3->name, why);
		}
	}
	hook_stages(w, ps, hooked);
}

/* An interface the router routes via that is neither a bridge nor a
 * bridge port: in the router's own pipeline, or the hosting bridge's. */
static void routed_port(const struct walk *w, const struct tna_graph_node *l,
			struct tna_port_stages *ps)
{
	const struct tna_router_plan *rt = w->src->rt;
	const struct tna_bridge_plan *hb = w->host ? bridge_plan(w, w->host) : NULL;
	const struct tna_graph_node *hooked[2] = { w->router, NULL };
	const struct tna_router_if_plan *f = NULL;
	char why[384];

	for (int i = 0; rt && i < rt->n_ifs; i++)
		if (rt->ifs[i].ifindex == l->ifindex)
			f = &rt->ifs[i];
	if (blocked(l, 0, why, sizeof(why)))
		return to_linux(ps, l, why);
	/* netfilter on every routed family is no block by itself: the
	 * plan decides (auto: no program; else deployed, passing it) */
	if (!rt || !rt->ok)
		return to_linux(ps, w->router->accelerable ? NULL : w->router,
				rt ? rt->reason : "the router is not planned (--no-router)");
	if (!f)
		return to_linux(ps, NULL, "no address of a routed family");
	if (!f->routed)
		return to_linux(ps, NULL, f->reason);
	snprintf(ps->pipeline, sizeof(ps->pipeline), "%s", hb ? hb->name : "router");
	ps->target = hb ? hb->target : rt->target;
	if (hb)
		hooked[1] = node_of(w->g, TNA_NODE_BRIDGE, hb->ifindex);
	router_stages(w, ps, l, f->reason, hb ? 0 : TNA_FPM_PARSE_ETH | TNA_FPM_STATS);
	hook_stages(w, ps, hooked);
}

int tna_stages_build(const struct tna_stage_src *src, struct tna_stage_plan *sp)
{
	struct walk w = { .src = src, .g = src->g };
	size_t nn;
	int ret;

	memset(sp, 0, sizeof(*sp));
	if (!src->g)
		return -EINVAL;
	nn = tna_graph_node_count(w.g);
	w.router = tna_graph_find(w.g, TNA_NODE_ROUTER, "router");
	ret = index_edges(&w);
	sp->ports = ret ? NULL : calloc(nn ? nn : 1, sizeof(*sp->ports));
	if (!sp->ports) {
		walk_free(&w);
		return -ENOMEM;
	}
	sp->rt_host = w.host = pick_host(&w);
	/* bridge ports in the graph's order (ifindex), then routed interfaces */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nn; i++) {
			const struct tna_graph_node *n = tna_graph_node(w.g, i);
			struct tna_port_stages *ps = &sp->ports[sp->n_ports];

			if (pass == 0 && n->kind != TNA_NODE_PORT)
				continue;
			if (pass == 1 && (n->kind != TNA_NODE_L3 || !w.routed[n->id] ||
					  node_of(w.g, TNA_NODE_BRIDGE, n->ifindex) ||
					  node_of(w.g, TNA_NODE_PORT, n->ifindex)))
				continue;
			memset(ps, 0, sizeof(*ps));
			ps->ifindex = n->ifindex;
			snprintf(ps->name, sizeof(ps->name), "%.15s", n->name);
			if (pass == 0)
				bridge_port(&w, n, ps);
			else
				routed_port(&w, n, ps);
			sort(ps);
			sp->n_ports++;
		}
	walk_free(&w);
	return 0;
}

void tna_stages_free(struct tna_stage_plan *sp)
{
	free(sp->ports);
	memset(sp, 0, sizeof(*sp));
}

int tna_stages_router_ports(const struct tna_stage_plan *sp, int *ifx, int max)
{
	int n = 0;

	for (int i = 0; i < sp->n_ports && n < max; i++) {
		const struct tna_port_stages *ps = &sp->ports[i];
		bool router = false, bridge = false;

		for (int k = 0; k < ps->n; k++) {
			router |= ps->st[k].kind == TNA_STAGE_ROUTER;
			bridge |= ps->st[k].kind == TNA_STAGE_BRIDGE;
		}
		if (router && !bridge)
			ifx[n++] = ps->ifindex;
	}
	return n;
}

const struct tna_port_stages *tna_stages_port(const struct tna_stage_plan *sp, int ifindex)
{
	for (int i = 0; i < sp->n_ports; i++)
		if (sp->ports[i].ifindex == ifindex)
			return &sp->ports[i];
	return NULL;
}
