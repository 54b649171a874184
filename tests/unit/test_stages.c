/* The plan per port as stages, walked on the service graph
 * (assembler/stages.c): hand-made models give the graph (introspect/rules.c),
 * fixtures the plans of its nodes.  A bridge alone (a NIC stage, a port the
 * graph blocks with its reason and node, one whose egress goes to Linux, a
 * bridge the graph blocks); a router alone (own pipeline, netfilter and
 * rp_filter to Linux with their nodes, an interface with an address but no
 * route of its own, an interface the graph blocks); a bridge with an
 * address hosting the router (one pipeline); the operator's hooks in
 * pipeline order; br_netfilter under an explicit target and auto; the text
 * and the JSON of one list; the router's host and ports decided by the
 * walk (two bridges with addresses, a port the plan routes and the graph
 * blocks). */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <json-c/json.h>

#include "assembler/stages.h"
#include "bpf/tna_kern_user.h"
#include "introspect/graph.h"
#include "introspect/model_priv.h"
#include "tests/lib/tna_test.h"

static struct tna_model m;
static struct tna_router_plan rt;
static struct tna_port_plan ports[3];
static struct tna_bridge_plan br;

static struct tna_link *link(int ifx, const char *name, const char *kind, int master)
{
	struct tna_link l = { .ifindex = ifx, .master = master, .flags = 1 /* IFF_UP */ };
	struct tna_link probe = { .ifindex = ifx };

	snprintf(l.name, sizeof(l.name), "%s", name);
	snprintf(l.kind, sizeof(l.kind), "%s", kind);
	l.is_bridge = !strcmp(kind, "bridge");
	l.is_port = master != 0;
	l.port.state = 3;
	tna_model_put(&m, TNA_SET_LINK, &l);
	return tna_set_find(&m.set[TNA_SET_LINK], &probe);
}

static void addr4(int ifx, uint8_t plen)
{
	struct tna_addr a = { .ifindex = ifx, .family = AF_INET, .prefixlen = plen,
			      .scope = RT_SCOPE_UNIVERSE, .addr = { 10, 0, (uint8_t)ifx, 1 } };

	tna_model_put(&m, TNA_SET_ADDR, &a);
}

static void route4(int oif)
{
	struct tna_route r = { .family = AF_INET, .dst_len = 24, .type = RTN_UNICAST,
			       .table = RT_TABLE_MAIN, .oif = oif, .dst = { 10, 0, (uint8_t)oif, 0 } };

	tna_model_put(&m, TNA_SET_ROUTE, &r);
}

/* br0 (10): p1 (11, accelerated, NIC stage), p2 (12, tc filter: the
 * graph blocks it), p3 (13, egress qdisc); br1 (20, 802.1ad): q1 (21).
 * r1 (30, rp_filter), r2 (31, a /32: no route of its own), r3 (32, tc
 * filter). */
static void model(void)
{
	tna_model_init(&m);
	m.nf.nft_ok = m.nf.legacy_ok = true;
	m.xfrm.ok = true;
	link(10, "br0", "bridge", 0);
	link(11, "p1", "veth", 10);
	link(12, "p2", "veth", 10)->tc_filters = true;
	link(13, "p3", "veth", 10)->tc_egress = true;
	link(20, "br1", "bridge", 0)->br.vlan_filtering = 1;
	link(21, "q1", "veth", 20);
	link(30, "r1", "", 0)->rp_filter = 1;
	link(31, "r2", "veth", 0);
	link(32, "r3", "veth", 0)->tc_filters = true;
	{
		struct tna_link probe = { .ifindex = 20 };

		((struct tna_link *)tna_set_find(&m.set[TNA_SET_LINK], &probe))->br.vlan_protocol = 0x88a8;
	}
	addr4(30, 24);
	addr4(31, 32);
	addr4(32, 24);
	route4(30);
	route4(32);
}

static void plans(void)
{
	memset(&rt, 0, sizeof(rt));
	memset(&br, 0, sizeof(br));
	memset(ports, 0, sizeof(ports));
	br = (struct tna_bridge_plan){ .ifindex = 10, .name = "br0", .ok = true,
		.target = TNA_TARGET_NATIVE, .fpms = TNA_FPM_BRIDGE, .keepalive_ms = 150000,
		.n_ports = 3, .ports = ports };
	ports[0] = (struct tna_port_plan){ .ifindex = 11, .name = "p1", .accelerated = true,
		.target = TNA_TARGET_NATIVE, .reason = "native: ndo-xmit", .nic = true,
		.nic_kind = "nfp", .nic_reason = "fits the model" };
	/* the plan's word differs from the graph's: the list must say the graph's */
	ports[1] = (struct tna_port_plan){ .ifindex = 12, .name = "p2", .reason = "left out" };
	ports[2] = (struct tna_port_plan){ .ifindex = 13, .name = "p3", .accelerated = true,
		.target = TNA_TARGET_NATIVE, .reason = "native: ndo-xmit", .egress_linux = true };
	rt.ok = rt.v4 = true;
	rt.fpms = TNA_FPM_PARSE_ETH | TNA_FPM_STATS | TNA_FPM_IPV4 | TNA_FPM_ROUTE;
	rt.target = TNA_TARGET_GENERIC;
	rt.n_ifs = 3;
	rt.ifs[0] = (struct tna_router_if_plan){ .ifindex = 30, .name = "r1", .routed = true,
		.rif_flags = TNA_RIF_F_ROUTE | TNA_RIF_F_RP_FILTER, .reason = "routed port" };
	rt.ifs[1] = (struct tna_router_if_plan){ .ifindex = 31, .name = "r2", .routed = true,
		.reason = "routed port" };
	rt.ifs[2] = (struct tna_router_if_plan){ .ifindex = 32, .name = "r3",
		.reason = "not accelerated" };
}

static struct tna_graph *graph(void)
{
	struct tna_graph *g = tna_graph_build(&m);

	CHECK(g != NULL, "graph");
	return g;
}

static const struct tna_port_stages *port(const struct tna_stage_plan *sp, const char *name)
{
	for (int i = 0; i < sp->n_ports; i++)
		if (!strcmp(sp->ports[i].name, name))
			return &sp->ports[i];
	return NULL;
}

/* The kinds of P's stages, "nic bridge router". */
static const char *kinds(const struct tna_port_stages *p)
{
	static char buf[256];
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; p && i < p->n; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "",
			      tna_stage_kind_name(p->st[i].kind));
	return buf;
}

/* HOST: the bridge the walk must put the router in (0 its own). */
static void build(struct tna_graph *g, const struct tna_router_plan *r, int host,
		  struct tna_stage_plan *sp)
{
	const struct tna_bridge_plan *b[1] = { &br };
	struct tna_stage_src src = { .g = g, .bridges = b, .n_bridges = 1, .rt = r };

	CHECK_EQ(tna_stages_build(&src, sp), 0);
	CHECK_EQ(sp->rt_host, host);
}

/* The router's own ports as a space-separated list of ifindexes. */
static const char *router_ports(const struct tna_stage_plan *sp)
{
	static char buf[128];
	int ifx[8], n = tna_stages_router_ports(sp, ifx, 8);
	size_t k = 0;

	buf[0] = 0;
	for (int i = 0; i < n; i++)
		k += snprintf(buf + k, sizeof(buf) - k, "%s%d", i ? " " : "", ifx[i]);
	return buf;
}

static void bridge_only(void)
{
	struct tna_graph *g = graph();
	const struct tna_port_stages *p;
	struct tna_stage_plan sp;

	build(g, NULL, 0, &sp);
	CHECK_EQ(sp.n_ports, 4);	/* p1 p2 p3 q1; no router: r1.. not listed */
	p = port(&sp, "p1");
	CHECK_STR(kinds(p), "nic bridge");
	CHECK(p && p->target == TNA_TARGET_NATIVE && !strcmp(p->pipeline, "br0"), "p1 native in br0");
	CHECK(p && p->n == 2 && p->st[1].fpms == TNA_FPM_BRIDGE &&
	      !strcmp(p->st[1].node, "bridge:br0") && !strcmp(p->st[0].node, "port:p1") &&
	      !strcmp(p->st[0].params, "nfp model"), "p1 stages from the bridge node's plan");
	p = port(&sp, "p2");
	CHECK(p && !p->n && !strncmp(p->linux_reason, "tc-filter: ", 11) &&
	      !strcmp(p->linux_node, "port:p2"), "p2: the graph's reason: %s [%s]",
	      p ? p->linux_reason : "-", p ? p->linux_node : "-");
	p = port(&sp, "p3");
	CHECK(p && p->n == 1 && strstr(p->st[0].to_linux, "tc-egress (egress, port:p3)"),
	      "p3 egress to Linux, the port node's words: %s", p ? p->st[0].to_linux : "-");
	p = port(&sp, "q1");
	CHECK(p && !p->n && !strcmp(p->linux_node, "bridge:br1") &&
	      !strncmp(p->linux_reason, "vlan-802.1ad", 12), "q1: its bridge's reason: %s",
	      p ? p->linux_reason : "-");
	tna_stages_free(&sp);
	tna_graph_free(g);
}

static void router_only(void)
{
	const struct tna_port_stages *p;
	struct tna_stage_plan sp;
	struct tna_graph *g;

	m.sys.ip_forward = 1;
	m.nf.hook[TNA_NF_LEGACY][NFPROTO_IPV4][NF_INET_FORWARD].chains = 1;
	m.nf.hook[TNA_NF_LEGACY][NFPROTO_IPV4][NF_INET_FORWARD].rules = 2;
	rt.nf_routed = TNA_NF_ROUTED_V4;
	g = graph();
	build(g, &rt, 0, &sp);
	CHECK_EQ(sp.n_ports, 7);	/* 4 bridge ports, r1 r2 r3 */
	p = port(&sp, "r1");
	CHECK_STR(kinds(p), "router");
	CHECK(p && !strcmp(p->pipeline, "router") && p->target == TNA_TARGET_GENERIC,
	      "r1 in the router's own pipeline");
	if (p && p->n == 1) {
		CHECK_EQ(p->st[0].fpms, rt.fpms);	/* its own: parses and counts */
		CHECK_STR(p->st[0].node, "router:router");
		CHECK(strstr(p->st[0].to_linux, "IPv4 routed traffic: netfilter (netfilter:ip forward (2 rule(s)))") &&
		      strstr(p->st[0].to_linux, "rp-filter (ipv4, l3:r1)"), "%s", p->st[0].to_linux);
	}
	/* an address without a route of its own: the router routes via it */
	CHECK_STR(kinds(port(&sp, "r2")), "router");
	p = port(&sp, "r3");
	CHECK(p && !p->n && !strcmp(p->linux_node, "l3:r3") &&
	      !strncmp(p->linux_reason, "tc-filter", 9), "r3: its L3 node's reason");
	CHECK_STR(router_ports(&sp), "30 31");
	tna_stages_free(&sp);

	/* the router plan routes r3, the graph blocks it: the walk wins, the
	 * router does not attach it */
	rt.ifs[2].routed = true;
	build(g, &rt, 0, &sp);
	CHECK(!port(&sp, "r3")->n, "r3 stays on Linux");
	CHECK_STR(router_ports(&sp), "30 31");
	tna_stages_free(&sp);
	rt.ifs[2].routed = false;

	/* auto found nothing worth a program: the plan's word, no node */
	rt.ok = false;
	strcpy(rt.reason, "auto: every routed packet would go to Linux, so no program");
	build(g, &rt, 0, &sp);
	p = port(&sp, "r1");
	CHECK(p && !p->n && strstr(p->linux_reason, "auto: every routed") && !p->linux_node[0],
	      "r1: the router plan's reason");
	tna_stages_free(&sp);
	tna_graph_free(g);
	rt.ok = true;
}

static void bridge_router(void)
{
	const struct tna_port_stages *p;
	struct tna_stage_plan sp;
	struct tna_graph *g;

	addr4(10, 24);		/* br0 gets an address: l3:br0 */
	route4(10);
	rt.fpms |= TNA_FPM_FILTER | TNA_FPM_CT;
	rt.nf_routed = 0;
	rt.nf_filter = TNA_NF_ROUTED_V4;
	strcpy(rt.filter_reason, "IPv4 compiled");
	rt.n_flt_notes = 1;
	strcpy(rt.flt_notes[0], "ip forward: log: rule handle 16");
	g = graph();
	build(g, &rt, 10, &sp);
	p = port(&sp, "p1");
	CHECK_STR(kinds(p), "nic bridge router filter");
	if (p && p->n == 4) {
		CHECK_EQ(p->st[2].fpms, TNA_FPM_IPV4 | TNA_FPM_ROUTE);	/* the bridge parses */
		CHECK_EQ(p->st[3].fpms, TNA_FPM_FILTER | TNA_FPM_CT);
		CHECK(strstr(p->st[2].reason, "l3:br0"), "%s", p->st[2].reason);
		CHECK_STR(p->st[3].node, "netfilter:ip forward");
		CHECK(strstr(p->st[3].to_linux, "rule handle 16"), "%s", p->st[3].to_linux);
	}
	p = port(&sp, "r1");
	CHECK(p && !strcmp(p->pipeline, "br0") && p->target == TNA_TARGET_NATIVE,
	      "r1 in br0's pipeline, br0's target");
	CHECK_STR(kinds(p), "router filter");
	CHECK(!port(&sp, "br0"), "the bridge itself is no port");
	tna_stages_free(&sp);

	/* routing through br0 blocked by its L3 node: bridged only, and why */
	{
		struct tna_link probe = { .ifindex = 10 };

		((struct tna_link *)tna_set_find(&m.set[TNA_SET_LINK], &probe))->tc_filters = true;
	}
	tna_graph_free(g);
	g = graph();
	build(g, &rt, 0, &sp);
	p = port(&sp, "p1");
	CHECK_STR(kinds(p), "nic bridge");
	CHECK(p && p->n == 2 && strstr(p->st[1].to_linux, "routed: l3:br0 tc-filter"),
	      "%s", p && p->n == 2 ? p->st[1].to_linux : "-");
	tna_stages_free(&sp);
	tna_graph_free(g);
}

static void hooks(void)
{
	static const char *const slots[] = { "egress", "ingress", "classified" };
	static const char *const objs[] = { "/etc/tna/hooks.d/egress-count.o", "in.o", "cl.o" };
	const struct tna_port_stages *p;
	struct tna_stage_plan sp;
	struct tna_graph *g = graph();
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	CHECK_EQ(tna_graph_add_hooks(g, slots, objs, 3), 0);
	build(g, &rt, 0, &sp);
	p = port(&sp, "p1");
	CHECK_STR(kinds(p), "nic hook:ingress hook:classified bridge hook:egress");
	if (p && p->n == 5) {
		CHECK_STR(p->st[4].params, "egress-count.o: tna_hook_egress");
		CHECK_STR(p->st[1].node, "hook:hook ingress: in.o");
	}
	CHECK_STR(kinds(port(&sp, "r1")), "hook:ingress hook:classified router filter hook:egress");
	CHECK(!port(&sp, "p2")->n, "no hook on a port left to Linux");

	f = open_memstream(&text, &len);
	tna_stages_print(&sp, f);
	fclose(f);
	CHECK(strstr(text, "stages per port:\n  p1              native, pipeline br0\n    1. nic     (nfp model)\n"
			   "       why (port:p1): fits the model\n    2. hook:ingress (in.o: tna_hook_ingress)\n") &&
	      strstr(text, "  p2              linux (port:p2): tc-filter: "),
	      "%s", text);
	{
		struct json_object *j = tna_stages_to_json(&sp), *x, *st;

		x = json_object_array_get_idx(j, 0);
		CHECK_STR(json_object_get_string(json_object_object_get(x, "name")), "p1");
		st = json_object_object_get(x, "stages");
		CHECK_EQ(json_object_array_length(st), 5);
		CHECK_STR(json_object_get_string(json_object_object_get(
			json_object_array_get_idx(st, 3), "node")), "bridge:br0");
		x = json_object_array_get_idx(j, 1);
		CHECK_STR(json_object_get_string(json_object_object_get(x, "target")), "linux");
		CHECK_STR(json_object_get_string(json_object_object_get(x, "linux_node")), "port:p2");
		json_object_put(j);
	}
	free(text);
	tna_stages_free(&sp);
	tna_graph_free(g);
}

/* br_netfilter: rules see br0's frames (netfilter-bridged on its node).
 * An explicit target deploys it passing every frame; auto deploys
 * nothing, and its ports name the bridge node. */
static void bridge_netfilter(void)
{
	const struct tna_port_stages *p;
	struct tna_stage_plan sp;
	struct tna_graph *g;
	struct tna_link probe = { .ifindex = 10 };

	((struct tna_link *)tna_set_find(&m.set[TNA_SET_LINK], &probe))->br.nf_call_iptables = 1;
	g = graph();
	br.br_netfilter = true;
	strcpy(br.reason, "br_netfilter: netfilter-bridged: br_netfilter runs rules on bridged traffic");
	build(g, &rt, 0, &sp);
	p = port(&sp, "p1");
	CHECK(p && p->n == 2 && strstr(p->st[1].to_linux, "every frame: br_netfilter"),
	      "explicit target: deployed, every frame to Linux: %s", p && p->n == 2 ? p->st[1].to_linux : "-");
	tna_stages_free(&sp);
	br.ok = false;
	strcat(br.reason, "; auto: every frame would go to Linux, so no program");
	build(g, &rt, 0, &sp);
	p = port(&sp, "p1");
	CHECK(p && !p->n && !strcmp(p->linux_node, "bridge:br0") && strstr(p->linux_reason, "auto: every frame"),
	      "auto: p1 on Linux, the bridge node named: %s", p ? p->linux_reason : "-");
	tna_stages_free(&sp);
	tna_graph_free(g);
}

/* Two bridges with addresses, br0 (10) and br5 (50): the router goes
 * into the first one that is deployed, not the first one that has an
 * address; the plain routed ports follow it. */
static void two_bridges(void)
{
	static struct tna_port_plan p5 = { .ifindex = 51, .name = "p5", .accelerated = true,
		.target = TNA_TARGET_GENERIC, .reason = "generic" };
	struct tna_bridge_plan b5 = { .ifindex = 50, .name = "br5", .ok = true,
		.target = TNA_TARGET_GENERIC, .fpms = TNA_FPM_BRIDGE, .n_ports = 1, .ports = &p5 };
	const struct tna_bridge_plan *b[2] = { &br, &b5 };
	struct tna_stage_src src = { .bridges = b, .rt = &rt };
	struct tna_stage_plan sp;

	model();
	plans();
	m.sys.ip_forward = 1;
	addr4(10, 24);
	route4(10);
	link(50, "br5", "bridge", 0);
	link(51, "p5", "veth", 50);
	addr4(50, 24);
	route4(50);
	src.g = graph();
	for (int k = 0; k < 3; k++) {
		/* br0 not selected; selected but left to Linux; both deployed */
		src.bridges = k ? b : b + 1;
		src.n_bridges = k ? 2 : 1;
		br.ok = k == 2;
		CHECK_EQ(tna_stages_build(&src, &sp), 0);
		CHECK_EQ(sp.rt_host, k == 2 ? 10 : 50);
		CHECK_STR(kinds(tna_stages_port(&sp, 51)), k == 2 ? "bridge" : "bridge router");
		CHECK_STR(tna_stages_port(&sp, 30)->pipeline, k == 2 ? "br0" : "br5");
		CHECK_STR(router_ports(&sp), "30 31");
		tna_stages_free(&sp);
	}
	tna_graph_free((struct tna_graph *)src.g);
}

int main(void)
{
	char mods[256];

	model();
	plans();
	bridge_only();
	router_only();
	bridge_router();
	hooks();
	bridge_netfilter();
	two_bridges();
	tna_stage_fpm_names(TNA_FPM_BRIDGE, mods, sizeof(mods));
	CHECK(!strcmp(mods, "parse_eth classify port_state fdb_src fdb_dst flow_cache port_flags forward stats"),
	      "%s", mods);
	return tna_test_exit();
}
