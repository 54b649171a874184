/* Domain rules on hand-made models: every named reason, the edges, and
 * the rules that need configuration this kernel cannot make (vlan
 * filtering, non-veth ports). */
#include <errno.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include "introspect/graph.h"
#include "introspect/model_priv.h"
#include "tests/lib/tna_test.h"

static void link(struct tna_model *m, int ifx, const char *name, const char *kind, int master)
{
	struct tna_link l = { .ifindex = ifx, .master = master };

	snprintf(l.name, sizeof(l.name), "%s", name);
	snprintf(l.kind, sizeof(l.kind), "%s", kind);
	l.is_bridge = !strcmp(kind, "bridge");
	l.is_port = master != 0;
	l.port.state = 3;
	l.br.nf_call_iptables = l.br.nf_call_ip6tables = l.br.nf_call_arptables = 0;
	tna_model_put(m, TNA_SET_LINK, &l);
}

static struct tna_link *L(struct tna_model *m, int ifx)
{
	struct tna_link probe = { .ifindex = ifx };

	return tna_set_find(&m->set[TNA_SET_LINK], &probe);
}

static void addr4(struct tna_model *m, int ifx, uint8_t last)
{
	struct tna_addr a = { .ifindex = ifx, .family = AF_INET, .prefixlen = 24,
			      .scope = RT_SCOPE_UNIVERSE, .addr = { 10, 0, (uint8_t)ifx, last } };

	tna_model_put(m, TNA_SET_ADDR, &a);
}

static void route4(struct tna_model *m, int oif)
{
	struct tna_route r = { .family = AF_INET, .dst_len = 24, .type = RTN_UNICAST,
			       .table = RT_TABLE_MAIN, .oif = oif, .dst = { 10, 0, (uint8_t)oif, 0 } };

	tna_model_put(m, TNA_SET_ROUTE, &r);
}

static const struct tna_graph_node *node(const struct tna_graph *g, enum tna_node_kind k, const char *n)
{
	const struct tna_graph_node *x = tna_graph_find(g, k, n);

	CHECK(x != NULL, "node %s:%s missing", tna_node_kind_name(k), n);
	return x;
}

static bool has(const struct tna_graph_node *n, enum tna_graph_reason r)
{
	return n && (n->reasons & (1u << r));
}

static bool edge(const struct tna_graph *g, const struct tna_graph_node *a,
		 const struct tna_graph_node *b, enum tna_edge_kind k)
{
	for (size_t i = 0; a && b && i < tna_graph_edge_count(g); i++) {
		const struct tna_graph_edge *e = tna_graph_edge(g, i);

		if (e->from == a->id && e->to == b->id && e->kind == k)
			return true;
	}
	return false;
}

int main(void)
{
	struct tna_model m;
	struct tna_graph *g;
	const struct tna_graph_node *br0, *br1, *p;

	tna_model_init(&m);
	m.sys.ip_forward = 0;
	m.sys.ip6_forwarding = 0;
	m.sys.bridge_nf_call_iptables = 0;
	m.nf.nft_ok = m.nf.legacy_ok = true;
	m.xfrm.ok = true;
	link(&m, 1, "lo", "", 0);
	L(&m, 1)->flags = 0x8;	/* IFF_LOOPBACK */
	addr4(&m, 1, 1);
	link(&m, 10, "br0", "bridge", 0);
	link(&m, 11, "p1", "veth", 10);
	link(&m, 12, "p2", "veth", 10);
	L(&m, 12)->port.hairpin = 1;
	link(&m, 13, "p3", "vxlan", 10);
	link(&m, 14, "p4", "", 10);		/* physical */
	L(&m, 14)->port.isolated = 1;
	link(&m, 20, "br1", "bridge", 0);
	L(&m, 20)->br.vlan_filtering = 1;
	L(&m, 20)->br.vlan_protocol = 0x88a8;
	link(&m, 21, "q1", "veth", 20);
	link(&m, 40, "br2", "bridge", 0);	/* 802.1Q filtering: accelerated */
	L(&m, 40)->br.vlan_filtering = 1;
	L(&m, 40)->br.vlan_protocol = 0x8100;
	link(&m, 41, "br3", "bridge", 0);	/* MST: states change silently */
	L(&m, 41)->br.vlan_filtering = 1;
	L(&m, 41)->br.mst_enabled = true;
	link(&m, 30, "up0", "", 0);
	addr4(&m, 10, 1);
	addr4(&m, 30, 1);
	route4(&m, 10);
	route4(&m, 30);

	g = tna_graph_build(&m);
	CHECK(g != NULL, "build: %s", strerror(errno));
	if (!g)
		return tna_test_exit();
	br0 = node(g, TNA_NODE_BRIDGE, "br0");
	br1 = node(g, TNA_NODE_BRIDGE, "br1");
	CHECK(br0 && br0->accelerable, "br0 accelerable");
	CHECK(has(br1, TNA_GRAPH_REASON_VLAN_8021AD), "br1 vlan-802.1ad");
	CHECK_STR(tna_graph_node_reason(br1), "vlan-802.1ad");
	CHECK(node(g, TNA_NODE_BRIDGE, "br2") && node(g, TNA_NODE_BRIDGE, "br2")->accelerable,
	      "br2: 802.1Q VLAN filtering is accelerable");
	CHECK(has(node(g, TNA_NODE_BRIDGE, "br3"), TNA_GRAPH_REASON_VLAN_MST), "br3 vlan-mst");
	p = node(g, TNA_NODE_PORT, "q1");
	CHECK(has(p, TNA_GRAPH_REASON_BRIDGE) && edge(g, p, br1, TNA_EDGE_PORT_OF), "q1 follows br1");
	p = node(g, TNA_NODE_PORT, "p1");
	CHECK(p && p->accelerable && edge(g, p, br0, TNA_EDGE_PORT_OF), "p1 accelerable port of br0");
	p = node(g, TNA_NODE_PORT, "p2");
	CHECK(p && p->accelerable, "p2 hairpin: the fast path handles it");
	CHECK(has(node(g, TNA_NODE_PORT, "p3"), TNA_GRAPH_REASON_PORT_KIND), "p3 vxlan: port-kind");
	p = node(g, TNA_NODE_PORT, "p4");
	CHECK(p && p->accelerable, "p4 isolated physical port: accelerable");
	/* L1/L2: addresses make L3 nodes, the bridge's sits behind it; not lo */
	CHECK(edge(g, br0, node(g, TNA_NODE_L3, "br0"), TNA_EDGE_ROUTES_VIA), "br0 -> l3:br0");
	node(g, TNA_NODE_L3, "up0");
	CHECK(tna_graph_find(g, TNA_NODE_L3, "lo") == NULL, "no L3 node for lo");
	CHECK(tna_graph_find(g, TNA_NODE_L3, "p1") == NULL, "no L3 node for p1");
	/* R1: no forwarding, no router */
	CHECK(tna_graph_find(g, TNA_NODE_ROUTER, "router") == NULL, "no router without forwarding");
	tna_graph_free(g);

	/* forwarding on: a router via both L3 interfaces */
	m.sys.ip_forward = 1;
	g = tna_graph_build(&m);
	p = node(g, TNA_NODE_ROUTER, "router");
	CHECK(p && p->accelerable, "router accelerable");
	CHECK(edge(g, p, node(g, TNA_NODE_L3, "br0"), TNA_EDGE_ROUTES_VIA) &&
	      edge(g, p, node(g, TNA_NODE_L3, "up0"), TNA_EDGE_ROUTES_VIA), "router routes via both");
	tna_graph_free(g);

	/* N2/N3: ip forward rules hit the router; the bridge only with br_netfilter */
	m.nf.hook[TNA_NF_LEGACY][NFPROTO_IPV4][NF_INET_FORWARD].chains = 1;
	m.nf.hook[TNA_NF_LEGACY][NFPROTO_IPV4][NF_INET_FORWARD].rules = 2;
	g = tna_graph_build(&m);
	p = node(g, TNA_NODE_NETFILTER, "ip forward");
	CHECK(p && !p->accelerable && p->nf_rules == 2, "netfilter node with 2 rules");
	CHECK(has(node(g, TNA_NODE_ROUTER, "router"), TNA_GRAPH_REASON_NF_FORWARD), "router netfilter-forward");
	CHECK(edge(g, node(g, TNA_NODE_ROUTER, "router"), p, TNA_EDGE_FILTERED_BY), "router filtered-by");
	CHECK(tna_graph_find(g, TNA_NODE_BRIDGE, "br0")->accelerable, "br0 without br_netfilter calls");
	tna_graph_free(g);
	L(&m, 10)->br.nf_call_iptables = 1;	/* per-bridge switch alone is enough */
	g = tna_graph_build(&m);
	br0 = node(g, TNA_NODE_BRIDGE, "br0");
	CHECK(has(br0, TNA_GRAPH_REASON_NF_BRIDGED), "br0 netfilter-bridged");
	CHECK(edge(g, br0, node(g, TNA_NODE_NETFILTER, "ip forward"), TNA_EDGE_FILTERED_BY), "br0 filtered-by");
	CHECK(has(node(g, TNA_NODE_PORT, "p1"), TNA_GRAPH_REASON_BRIDGE), "p1 follows br0");
	tna_graph_free(g);

	/* N2 for ARP: arptables FORWARD rules meet bridged ARP with nf_call_arptables */
	L(&m, 10)->br.nf_call_iptables = 0;
	m.nf.hook[TNA_NF_LEGACY][NFPROTO_ARP][2].chains = 1;
	m.nf.hook[TNA_NF_LEGACY][NFPROTO_ARP][2].rules = 1;
	g = tna_graph_build(&m);
	CHECK(tna_graph_find(g, TNA_NODE_BRIDGE, "br0")->accelerable, "arp rules, calls off");
	tna_graph_free(g);
	m.sys.bridge_nf_call_arptables = 1;
	g = tna_graph_build(&m);
	br0 = node(g, TNA_NODE_BRIDGE, "br0");
	CHECK(has(br0, TNA_GRAPH_REASON_NF_BRIDGED) &&
	      edge(g, br0, node(g, TNA_NODE_NETFILTER, "arp forward"), TNA_EDGE_FILTERED_BY),
	      "br0 filtered-by arp forward");
	tna_graph_free(g);
	m.sys.bridge_nf_call_arptables = 0;

	/* N5, N6 */
	m.nf.hook[TNA_NF_NFTABLES][5 /* netdev */][0].chains = 1;
	m.nf.hook[TNA_NF_NFTABLES][5][0].rules = 1;
	m.nf.n_devs = 1;
	snprintf(m.nf.devs[0], sizeof(m.nf.devs[0]), "p1");
	m.nf.legacy_ok = false;
	g = tna_graph_build(&m);
	CHECK(has(node(g, TNA_NODE_PORT, "p1"), TNA_GRAPH_REASON_NF_INGRESS), "p1 netfilter-ingress");
	CHECK(edge(g, node(g, TNA_NODE_PORT, "p1"), node(g, TNA_NODE_NETFILTER, "netdev ingress"),
		   TNA_EDGE_FILTERED_BY), "p1 filtered-by netdev ingress");
	CHECK(!has(node(g, TNA_NODE_PORT, "p2"), TNA_GRAPH_REASON_NF_INGRESS), "p2 has no ingress chain");
	CHECK(!has(node(g, TNA_NODE_L3, "up0"), TNA_GRAPH_REASON_NF_INGRESS), "up0 has no ingress chain");
	CHECK(has(node(g, TNA_NODE_BRIDGE, "br0"), TNA_GRAPH_REASON_NF_UNKNOWN), "br0 netfilter-unreadable");
	CHECK(has(node(g, TNA_NODE_ROUTER, "router"), TNA_GRAPH_REASON_NF_UNKNOWN), "router netfilter-unreadable");
	/* every reason has a name and a text */
	for (int r = 0; r < TNA_GRAPH_REASON__COUNT; r++)
		CHECK(strcmp(tna_graph_reason_name(r), "?") && strcmp(tna_graph_reason_text(r), "?"), "reason %d", r);
	tna_graph_free(g);
	tna_model_fini(&m);
	return tna_test_exit();
}
