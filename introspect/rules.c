/* The domain rules: model -> dependency graph.  Every rule is here.
 *
 *  #   when the model has ...                              the graph gets ...
 *  --  --------------------------------------------------  ------------------------------------------
 *  B1  a link of kind "bridge"                             bridge node
 *  B2  vlan_filtering on that bridge with vlan_protocol    bridge blocked: vlan-802.1ad
 *      802.1ad (802.1Q is accelerated: bpf/fpm/vlan.h)
 *  B3  vlan_filtering and mst_enabled on that bridge       bridge blocked: vlan-mst (an MST state
 *                                                          change sends no notification)
 *  P1  a link that is a bridge port                        port node, edge port -> bridge (port-of)
 *  P2  port (or L3 link) whose ingress tc sees: ingress/  blocked: tc-filter
 *      clsact filters, shared blocks included, tcx ingress
 *  P2e port (or L3 link) whose egress tc sees: a qdisc     egress to Linux: tc-egress (scope egress)
 *      somebody configured, egress filters, tcx egress
 *  P3  port (or L3 link) with an XDP program that is not   blocked: foreign-xdp
 *      TNA's (TNA's are named tna*)
 *  P4  port locked (802.1X: Linux checks every source)     ingress to Linux: port-locked (scope ingress)
 *      (isolated and hairpin ports are handled by the fast path: not blocked)
 *  P5  port kind other than veth or a physical device      port blocked: port-kind
 *  P6  port of a blocked bridge                            port blocked: bridge-not-accelerable
 *  L1  an IPv4/IPv6 address of scope global/site on a      L3 node (loopback excluded)
 *      link (not link-local)
 *  L2  an address on a bridge                              a routing node behind it: edge bridge -> L3
 *                                                          (routes-via)
 *  L3  L3 link: P2, P2e, P3 and N5 as for ports
 *  L4  rp_filter on the link (or "all")                    its IPv4 to Linux: rp-filter (scope ipv4)
 *  L5  disable_ipv6 on the link                            its IPv6 to Linux: ipv6-disabled (scope ipv6)
 *  L6  a bridge's L3 node and nft bridge-family input or   L3 blocked: netfilter-bridge-local
 *      output chains with rules (they see what the bridge  (routing through the bridge stays on Linux)
 *      delivers up to be routed and what it sends out)
 *  R1  forwarding on (ip_forward or ipv6 all.forwarding)   router node, edge router -> every L3 node
 *      and unicast routes outside the local table          (routes-via: what arrives there may be
 *      (IPv6 fe80::/64 ignored)                            routed, and a route leaves by one)
 *  N1  netfilter hook with rules or a drop policy          netfilter node per (family, hook) that some
 *      (nftables or legacy xtables)                        traffic below meets; never accelerable:
 *                                                          netfilter-rules
 *  N2  a bridge whose br_netfilter calls are on (bridge    edge bridge -> ip/ip6/inet prerouting,
 *      nf_call_ip{,6}tables or global sysctl) and rules    forward, postrouting (filtered-by), or ->
 *      there (arp forward with nf_call_arptables); or      arp forward; bridge blocked:
 *      rules at nft bridge-family prerouting, forward or   netfilter-bridged
 *      postrouting
 *  N3  a router and rules at ip/ip6/inet prerouting,       edge router -> hook (filtered-by);
 *      forward or postrouting                              netfilter-forward, scope ipv4 (ip),
 *                                                          ipv6 (ip6) or all (inet)
 *  N4  an L3 interface and rules at input/prerouting       edge L3 -> hook (filtered-by); local traffic
 *                                                          goes to Linux anyway: L3 not blocked
 *  N5  a netdev-family (ingress/egress) or inet ingress    that port or L3 interface blocked:
 *      chain with rules bound to the device                netfilter-ingress (XDP runs before it),
 *                                                          edge -> that hook (filtered-by)
 *  N6  the netfilter ruleset could not be read             bridges and routers blocked: netfilter-unreadable
 *  X1  a router and xfrm policies or SAs of a family (or   xfrm, scope that family (the fast path
 *      the xfrm tables could not be read)                  does no IPsec: that family stays on Linux)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>

#include "capabilities/caps.h"	/* TNA_PROG_NAME_PREFIX */
#include "introspect/graph.h"

#define NFPROTO_INET_ 1
#define NFPROTO_NETDEV_ 5
#define NFPROTO_BRIDGE_ 7

struct build {
	const struct tna_model *m;
	struct tna_graph *g;
	const struct tna_netfilter *nf;
	int *l3;		/* ifindex -> L3 node id (-1), sized by max ifindex */
	int max_ifx;
	bool want_router;
	int router;
	int err;
};

/* Rules at FAMILY/HOOK from all sources, and whether any chain drops. */
static uint32_t nf_rules(const struct tna_netfilter *nf, int family, int hook, bool *drop)
{
	uint32_t n = 0;

	for (int s = 0; s < 2; s++) {
		const struct tna_nf_hook *h = &nf->hook[s][family][hook];

		n += h->rules;
		if (h->drop_policy && drop)
			*drop = true;
	}
	return n;
}

static bool nf_active(const struct tna_netfilter *nf, int family, int hook)
{
	bool drop = false;

	return nf_rules(nf, family, hook, &drop) > 0 || drop;
}

static const char *family_name(int f)
{
	switch (f) {
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_INET_: return "inet";
	case NFPROTO_BRIDGE_: return "bridge";
	case NFPROTO_NETDEV_: return "netdev";
	case NFPROTO_ARP: return "arp";
	}
	return "?";
}

static const char *const hook_name[] = { "prerouting", "input", "forward", "output",
					 "postrouting", "ingress" };

/* The names nft uses, for messages elsewhere (graph.h). */
const char *tna_nf_family_name(int family)
{
	return family_name(family);
}

const char *tna_nf_hook_name(int family, int hook)
{
	if (hook < 0 || hook >= TNA_NF_HOOKS)
		return "?";
	return family == NFPROTO_NETDEV_ ? (hook ? "egress" : "ingress") : hook_name[hook];
}

/* The netfilter node of FAMILY/HOOK (N1), made on first use. */
static int nf_node(struct build *b, int family, int hook)
{
	char name[48];
	const struct tna_graph_node *n;
	int id;

	snprintf(name, sizeof(name), "%s %s", family_name(family),
		 family == NFPROTO_NETDEV_ ? (hook ? "egress" : "ingress") : hook_name[hook]);
	n = tna_graph_find(b->g, TNA_NODE_NETFILTER, name);
	if (n)
		return n->id;
	id = tna_graph_add_node(b->g, TNA_NODE_NETFILTER, name, 0);
	if (id < 0)
		return id;
	{
		struct tna_graph_node *x = (struct tna_graph_node *)tna_graph_node(b->g, (size_t)id);

		x->nf_family = (uint8_t)family;
		x->nf_hook = (uint8_t)hook;
		x->nf_rules = nf_rules(b->nf, family, hook, NULL);
	}
	tna_graph_block(b->g, id, TNA_GRAPH_REASON_NF_RULES);
	return id;
}

/* Connect FROM to every active hook of FAMILIES x HOOKS; true if any. */
static bool filter_edges(struct build *b, int from, const int *families, size_t nf,
			 const int *hooks, size_t nh)
{
	bool any = false;

	for (size_t i = 0; i < nf; i++)
		for (size_t j = 0; j < nh; j++) {
			if (!nf_active(b->nf, families[i], hooks[j]))
				continue;
			tna_graph_add_edge(b->g, from, nf_node(b, families[i], hooks[j]),
					   TNA_EDGE_FILTERED_BY);
			any = true;
		}
	return any;
}

/* N5: chains bound to this device */
static void ingress_rules(struct build *b, int id, const struct tna_link *l)
{
	static const int nd[] = { NFPROTO_NETDEV_ }, inet[] = { NFPROTO_INET_ };
	static const int nd_hooks[] = { 0, 1 }, inet_hooks[] = { 5 };

	if (!tna_nf_dev_filtered(b->nf, l->name))
		return;
	tna_graph_block(b->g, id, TNA_GRAPH_REASON_NF_INGRESS);
	filter_edges(b, id, nd, 1, nd_hooks, 2);
	filter_edges(b, id, inet, 1, inet_hooks, 1);
}

static int max_ifx(const struct tna_link *l, void *p)
{
	int *m = p;

	if (l->ifindex > *m)
		*m = l->ifindex;
	return 0;
}

/* Links in ifindex order, so that the output is stable. */
static int for_each_link_sorted(struct build *b, int (*cb)(const struct tna_link *, void *))
{
	for (int i = 1; i <= b->max_ifx; i++) {
		const struct tna_link *l = tna_model_link(b->m, i);

		if (l && cb(l, b))
			return 1;
	}
	return 0;
}

/* B1, B2 */
static int add_bridge(const struct tna_link *l, void *p)
{
	struct build *b = p;
	int id;

	if (!l->is_bridge)
		return 0;
	id = tna_graph_add_node(b->g, TNA_NODE_BRIDGE, l->name, l->ifindex);
	if (id < 0)
		return b->err = id;
	if (l->br.vlan_filtering && l->br.vlan_protocol == 0x88a8)
		tna_graph_block(b->g, id, TNA_GRAPH_REASON_VLAN_8021AD);
	if (l->br.vlan_filtering && l->br.mst_enabled)
		tna_graph_block(b->g, id, TNA_GRAPH_REASON_VLAN_MST);
	return 0;
}

/* P2, P2e, P3, N5 (ports and L3 links alike) */
static void link_blocks(struct build *b, int id, const struct tna_link *l)
{
	if (l->tc_filters)
		tna_graph_block(b->g, id, TNA_GRAPH_REASON_TC_FILTER);
	if (l->tc_egress)
		tna_graph_limit(b->g, id, TNA_GRAPH_REASON_TC_EGRESS, TNA_SCOPE_EGRESS);
	if (l->xdp_prog_id && strncmp(l->xdp_prog_name, TNA_PROG_NAME_PREFIX,
				      sizeof(TNA_PROG_NAME_PREFIX) - 1))
		tna_graph_block(b->g, id, TNA_GRAPH_REASON_FOREIGN_XDP);
	ingress_rules(b, id, l);
}

/* P1..P6 */
static int add_port(const struct tna_link *l, void *p)
{
	struct build *b = p;
	const struct tna_link *br;
	const struct tna_graph_node *bn;
	int id;

	if (!l->is_port)
		return 0;
	id = tna_graph_add_node(b->g, TNA_NODE_PORT, l->name, l->ifindex);
	if (id < 0)
		return b->err = id;
	br = tna_model_link(b->m, l->master);
	bn = br ? tna_graph_find(b->g, TNA_NODE_BRIDGE, br->name) : NULL;
	if (bn)
		tna_graph_add_edge(b->g, id, bn->id, TNA_EDGE_PORT_OF);
	link_blocks(b, id, l);
	if (l->port.locked)
		tna_graph_limit(b->g, id, TNA_GRAPH_REASON_PORT_LOCKED, TNA_SCOPE_INGRESS);
	if (l->kind[0] && strcmp(l->kind, "veth"))
		tna_graph_block(b->g, id, TNA_GRAPH_REASON_PORT_KIND);
	return 0;
}

/* L1 */
static int add_l3(const struct tna_addr *a, void *p)
{
	struct build *b = p;
	const struct tna_link *l = tna_model_link(b->m, a->ifindex);

	if (!l || a->scope >= RT_SCOPE_LINK || (l->flags & 0x8 /* IFF_LOOPBACK */) ||
	    a->ifindex > b->max_ifx)
		return 0;
	b->l3[a->ifindex] = -2;	/* wanted; made in ifindex order below */
	return 0;
}

static bool router_route(const struct tna_route *r)
{
	static const uint8_t fe80[2] = { 0xfe, 0x80 };

	if (r->type != RTN_UNICAST || r->table == RT_TABLE_LOCAL)
		return false;
	return !(r->family == AF_INET6 && !memcmp(r->dst, fe80, 2) && r->dst_len >= 10);
}

/* R1: is there a route a router would use? */
static int any_route(const struct tna_route *r, void *p)
{
	struct build *b = p;

	if (!router_route(r))
		return 0;
	b->want_router = true;
	return 1;	/* one is enough: no walk over 100k routes */
}

struct tna_graph *tna_graph_build(const struct tna_model *m)
{
	static const int ip_fams[] = { NFPROTO_IPV4, NFPROTO_INET_ };
	static const int ip6_fams[] = { NFPROTO_IPV6, NFPROTO_INET_ };
	static const int all_fams[] = { NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_INET_ };
	static const int br_fams[] = { NFPROTO_BRIDGE_ };
	static const int ip_only[] = { NFPROTO_IPV4 }, ip6_only[] = { NFPROTO_IPV6 },
			 inet_only[] = { NFPROTO_INET_ };
	static const int arp_fams[] = { NFPROTO_ARP };
	static const int arp_hooks[] = { 2 /* NF_ARP_FORWARD */ };
	static const int fwd_hooks[] = { NF_INET_PRE_ROUTING, NF_INET_FORWARD, NF_INET_POST_ROUTING };
	static const int br_local_hooks[] = { NF_INET_LOCAL_IN, NF_INET_LOCAL_OUT };
	static const int in_hooks[] = { NF_INET_PRE_ROUTING, NF_INET_LOCAL_IN };
	const struct tna_sysctls *sys = tna_model_sysctls(m);
	struct build b = { .m = m, .nf = tna_model_netfilter(m), .router = -1 };
	bool nf_known = b.nf->nft_ok && b.nf->legacy_ok;
	size_t nbridges;

	b.g = tna_graph_new();
	if (!b.g)
		return NULL;
	tna_model_for_each_link(m, max_ifx, &b.max_ifx);
	b.l3 = malloc((size_t)(b.max_ifx + 1) * sizeof(int));
	if (!b.l3)
		goto err_nomem;
	for (int i = 0; i <= b.max_ifx; i++)
		b.l3[i] = -1;

	for_each_link_sorted(&b, add_bridge);
	nbridges = tna_graph_node_count(b.g);
	/* N2, N6 on bridges, before their ports look at them (P6) */
	for (size_t i = 0; i < nbridges; i++) {
		const struct tna_graph_node *n = tna_graph_node(b.g, i);
		const struct tna_link *l = tna_model_link(m, n->ifindex);
		bool v4 = l->br.nf_call_iptables > 0 || sys->bridge_nf_call_iptables > 0;
		bool v6 = l->br.nf_call_ip6tables > 0 || sys->bridge_nf_call_ip6tables > 0;
		bool arp = l->br.nf_call_arptables > 0 || sys->bridge_nf_call_arptables > 0;
		bool hit = false;

		if (v4)
			hit |= filter_edges(&b, n->id, ip_fams, 2, fwd_hooks, 3);
		if (v6)
			hit |= filter_edges(&b, n->id, ip6_fams, 2, fwd_hooks, 3);
		if (arp)
			hit |= filter_edges(&b, n->id, arp_fams, 1, arp_hooks, 1);
		hit |= filter_edges(&b, n->id, br_fams, 1, fwd_hooks, 3);
		if (hit)
			tna_graph_block(b.g, n->id, TNA_GRAPH_REASON_NF_BRIDGED);
		if (!nf_known)
			tna_graph_block(b.g, n->id, TNA_GRAPH_REASON_NF_UNKNOWN);
	}
	for_each_link_sorted(&b, add_port);
	for (size_t i = nbridges; i < tna_graph_node_count(b.g); i++) {	/* P6 */
		const struct tna_graph_node *n = tna_graph_node(b.g, i);

		for (size_t e = 0; e < tna_graph_edge_count(b.g); e++) {
			const struct tna_graph_edge *x = tna_graph_edge(b.g, e);

			if (x->from == n->id && x->kind == TNA_EDGE_PORT_OF &&
			    !tna_graph_node(b.g, (size_t)x->to)->accelerable)
				tna_graph_block(b.g, n->id, TNA_GRAPH_REASON_BRIDGE);
		}
	}

	tna_model_for_each_addr(m, add_l3, &b);
	for (int ifx = 1; ifx <= b.max_ifx; ifx++) {
		if (b.l3[ifx] != -2)
			continue;
		b.l3[ifx] = tna_graph_add_node(b.g, TNA_NODE_L3, tna_model_link(m, ifx)->name, ifx);
		if (b.l3[ifx] < 0)
			goto err_nomem;
	}
	for (int ifx = 1; ifx <= b.max_ifx; ifx++) {	/* L2..L6, N4 */
		const struct tna_link *l;
		const struct tna_graph_node *bn;

		if (b.l3[ifx] < 0)
			continue;
		l = tna_model_link(m, ifx);
		link_blocks(&b, b.l3[ifx], l);
		if (l->rp_filter > 0 || sys->rp_filter_all > 0)
			tna_graph_limit(b.g, b.l3[ifx], TNA_GRAPH_REASON_RP_FILTER, TNA_SCOPE_IPV4);
		if (l->disable_ipv6 > 0)
			tna_graph_limit(b.g, b.l3[ifx], TNA_GRAPH_REASON_IPV6_DISABLED, TNA_SCOPE_IPV6);
		if (l->is_bridge && (bn = tna_graph_find(b.g, TNA_NODE_BRIDGE, l->name))) {
			tna_graph_add_edge(b.g, bn->id, b.l3[ifx], TNA_EDGE_ROUTES_VIA);
			if (filter_edges(&b, b.l3[ifx], br_fams, 1, br_local_hooks, 2))
				tna_graph_block(b.g, b.l3[ifx], TNA_GRAPH_REASON_NF_BRIDGE_LOCAL);
		}
		filter_edges(&b, b.l3[ifx], all_fams, 3, in_hooks, 2);
	}

	/* R1, N3 */
	if (sys->ip_forward > 0 || sys->ip6_forwarding > 0)
		tna_model_for_each_route(m, any_route, &b);
	if (b.want_router) {
		b.router = tna_graph_add_node(b.g, TNA_NODE_ROUTER, "router", 0);
		if (b.router < 0)
			goto err_nomem;
		for (int ifx = 1; ifx <= b.max_ifx; ifx++)	/* every route's output too */
			if (b.l3[ifx] >= 0)
				tna_graph_add_edge(b.g, b.router, b.l3[ifx], TNA_EDGE_ROUTES_VIA);
		if (filter_edges(&b, b.router, ip_only, 1, fwd_hooks, 3))
			tna_graph_limit(b.g, b.router, TNA_GRAPH_REASON_NF_FORWARD, TNA_SCOPE_IPV4);
		if (filter_edges(&b, b.router, ip6_only, 1, fwd_hooks, 3))
			tna_graph_limit(b.g, b.router, TNA_GRAPH_REASON_NF_FORWARD, TNA_SCOPE_IPV6);
		if (filter_edges(&b, b.router, inet_only, 1, fwd_hooks, 3))
			tna_graph_block(b.g, b.router, TNA_GRAPH_REASON_NF_FORWARD);
		if (!nf_known)
			tna_graph_block(b.g, b.router, TNA_GRAPH_REASON_NF_UNKNOWN);
		if (tna_xfrm_family(tna_model_xfrm(m), 0))	/* X1 */
			tna_graph_limit(b.g, b.router, TNA_GRAPH_REASON_XFRM, TNA_SCOPE_IPV4);
		if (tna_xfrm_family(tna_model_xfrm(m), 1))
			tna_graph_limit(b.g, b.router, TNA_GRAPH_REASON_XFRM, TNA_SCOPE_IPV6);
	}
	if (b.err)
		goto err;
	free(b.l3);
	return b.g;

err_nomem:
	b.err = -ENOMEM;
err:
	free(b.l3);
	tna_graph_free(b.g);
	errno = -b.err;
	return NULL;
}
