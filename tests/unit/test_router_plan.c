/* The router planner on fixtures: families need forwarding and something
 * to route; netfilter at prerouting/forward/postrouting (or unknown) keeps
 * routed traffic on Linux; which interfaces are routed and why not. */
#include <string.h>
#include "assembler/router_plan.h"
#include "bpf/tna_kern_user.h"
#include "tests/lib/tna_test.h"

static struct tna_router_in in;
static struct tna_router_plan p;

static void add_if(int ifx, const char *name, const char *kind, int a4, int a6)
{
	struct tna_router_if_in *f = &in.ifs[in.n_ifs++];

	memset(f, 0, sizeof(*f));
	f->ifindex = ifx;
	strcpy(f->name, name);
	strcpy(f->kind, kind);
	f->up = true;
	f->n_addr4 = a4;
	f->n_addr6 = a6;
}

static void base(void)
{
	memset(&in, 0, sizeof(in));
	in.ip_forward = 1;
	in.ip6_forwarding = 1;
	in.rules4_default = in.rules6_default = true;
	add_if(1, "lo", "", 1, 1);
	in.ifs[0].loopback = true;
	add_if(2, "r1", "veth", 1, 1);
	add_if(3, "r2", "", 1, 1);
}

static const struct tna_router_if_plan *pif(const char *name)
{
	for (int i = 0; i < p.n_ifs; i++)
		if (!strcmp(p.ifs[i].name, name))
			return &p.ifs[i];
	return NULL;
}

int main(void)
{
	const struct tna_router_if_plan *f;

	base();
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(p.ok && p.v4 && p.v6 && !p.nf_routed && !p.fib_direct4, "%s", p.reason);
	CHECK_EQ(p.fpms, TNA_FPM_PARSE_ETH | TNA_FPM_STATS | TNA_FPM_ROUTE | TNA_FPM_IPV4 | TNA_FPM_IPV6);
	CHECK_EQ(p.n_ifs, 2);
	f = pif("r1");
	CHECK(f && f->routed && f->rif_flags == TNA_RIF_F_ROUTE, "r1 routed");
	CHECK(!pif("lo"), "lo is never routed");
	CHECK(p.fib_direct6 && p.n_local6 == 0, "IPv6 DIRECT with the default rules");

	/* IPv6 DIRECT needs the default IPv6 rules and a listable local table */
	base();
	in.n_local6 = 2;
	in.local6[1][0] = 0x20;
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(p.fib_direct6 && p.n_local6 == 2 && p.local6[1][0] == 0x20, "local6 copied");
	in.local6_unlisted = true;
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(p.ok && p.v6 && !p.fib_direct6, "a local table not listed: full IPv6 lookups");
	base();
	in.rules6_default = false;
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(p.ok && p.v6 && !p.fib_direct6, "custom IPv6 rules: full IPv6 lookups");

	base();
	in.ip_forward = 0;
	in.ip6_forwarding = 0;
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(!p.ok && strstr(p.reason, "forwarding is off"), "%s", p.reason);

	base();
	in.ip6_forwarding = 0;
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(p.ok && p.v4 && !p.v6 && !(p.fpms & TNA_FPM_IPV6), "only IPv4: %s", p.reason);

	base();
	in.ifs[2].n_addr4 = 0;			/* one IPv4 interface, no gateway */
	in.ip6_forwarding = 0;
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(!p.ok && strstr(p.reason, "fewer than two"), "%s", p.reason);
	in.gw_route4 = true;			/* ... but a route via a gateway */
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(p.ok && p.v4, "one interface + gateway route: %s", p.reason);

	base();
	in.nf4 = 1;
	strcpy(in.nf_why, "nftables family 1 hook forward has rules");
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(p.ok && p.nf_routed == TNA_NF_ROUTED_V4 && strstr(p.reason, "netfilter") &&
	      strstr(p.reason, "forward"), "%s", p.reason);
	/* the compiler's verdict: a family it can evaluate gets the filter,
	 * conntrack and NAT modules instead of going to Linux */
	base();
	in.nf4 = in.nf6 = 1;
	in.flt4 = true;
	strcpy(in.flt_why6, "iptables-nft rules (xt expressions): xt match comment");
	in.n_flt_notes = 1;
	strcpy(in.flt_notes[0], "inet forward: counter: inet fw forward, rule handle 6");
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(p.ok && p.nf_filter == TNA_NF_ROUTED_V4 && p.nf_routed == TNA_NF_ROUTED_V6 &&
	      (p.fpms & (TNA_FPM_FILTER | TNA_FPM_CT | TNA_FPM_NAT)) ==
	      (TNA_FPM_FILTER | TNA_FPM_CT | TNA_FPM_NAT), "compiled IPv4, xt IPv6: %s", p.reason);
	CHECK(strstr(p.filter_reason, "IPv4 compiled") && strstr(p.filter_reason, "IPv6 to Linux: iptables-nft") &&
	      p.n_flt_notes == 1, "%s", p.filter_reason);
	in.flt6 = true;
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(p.nf_filter == (TNA_NF_ROUTED_V4 | TNA_NF_ROUTED_V6) && !p.nf_routed &&
	      strstr(p.reason, "compiled for IPv4+IPv6"), "%s", p.reason);
	tna_router_plan_target(&in, TNA_PLAN_AUTO, &p);
	CHECK(p.ok, "auto: compiled families keep the program: %s", p.reason);
	in.no_filter = true;			/* tna-deploy --no-filter: as before */
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(!p.nf_filter && p.nf_routed == (TNA_NF_ROUTED_V4 | TNA_NF_ROUTED_V6) &&
	      !(p.fpms & TNA_FPM_FILTER) && strstr(p.filter_reason, "--no-filter"), "%s", p.filter_reason);
	in.no_filter = false;
	in.nf4 = -1;				/* unreadable: never compiled */
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(p.nf_routed == TNA_NF_ROUTED_V4 && p.nf_filter == TNA_NF_ROUTED_V6, "%s", p.reason);

	base();
	in.nf6 = -1;				/* unknown counts as "sees" */
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(p.nf_routed == TNA_NF_ROUTED_V6, "unknown netfilter must keep routed traffic on Linux");
	in.ip6_forwarding = 0;			/* ... unless that family is not routed */
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(!p.nf_routed, "IPv6 netfilter does not matter without IPv6 routing");

	base();
	in.ifs[1].rp_filter = true;
	strcpy(in.ifs[2].graph_reason, "tc-filter: tc sees its ingress");
	add_if(4, "r3", "veth", 1, 0);
	strcpy(in.ifs[3].graph_reason, "foreign-xdp: foreign XDP program attached");
	in.ifs[3].no_ipv6 = true;	/* blocked anyway */
	add_if(5, "gre1", "gre", 1, 0);
	add_if(6, "br0", "bridge", 1, 1);
	in.ifs[5].is_bridge = true;
	in.ifs[5].mac[5] = 0xb0;
	add_if(7, "b1", "veth", 0, 0);
	in.ifs[6].is_port = true;
	in.ifs[6].master = 6;
	add_if(8, "c1", "veth", 0, 0);		/* a port of another bridge */
	in.ifs[7].is_port = true;
	in.ifs[7].master = 99;
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	f = pif("r1");
	CHECK(f && f->routed && (f->rif_flags & TNA_RIF_F_RP_FILTER) && strstr(f->reason, "rp_filter"),
	      "r1 rp_filter");
	f = pif("r2");
	CHECK(f && !f->routed && strstr(f->reason, "tc-filter"), "r2 tc");
	f = pif("r3");
	CHECK(f && !f->routed && strstr(f->reason, "foreign-xdp"), "r3 foreign");
	f = pif("gre1");
	CHECK(f && !f->routed && strstr(f->reason, "egress_no_xmit"), "gre1");
	f = pif("br0");
	CHECK(f && !f->routed && f->bridge && f->rif_flags == TNA_RIF_F_BRIDGE, "br0 composed");
	f = pif("b1");
	CHECK(f && f->brport && !f->routed && f->l3_ifindex == 6 && f->mac[5] == 0xb0 &&
	      f->rif_flags == (TNA_RIF_F_ROUTE | TNA_RIF_F_BRPORT),
	      "b1: a port of br0 routes through br0's MAC (attached by the bridge plan)");
	CHECK(!pif("c1"), "a port of a bridge without an address is not the router's");

	/* The target of the router's own pipeline and what auto leaves to
	 * Linux (tna_router_plan_target). */
	base();
	in.ifs[1].best = in.ifs[2].best = TNA_TARGET_NATIVE;
	in.ifs[1].redirect_to = in.ifs[2].redirect_to = true;
	in.ifs[1].peer = (struct tna_peer){ .known = true, .tx_csum = true, .gro = true };
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	tna_router_plan_target(&in, TNA_PLAN_AUTO, &p);
	CHECK(p.ok && p.target == TNA_TARGET_NATIVE, "auto: native, %s", p.target_reason);
	CHECK(pif("r1")->csum == TNA_PLAN_CSUM_FIX && pif("r2")->csum == TNA_PLAN_CSUM_COMPLETE,
	      "native: the veth whose peer offloads checksums completes them");
	in.ifs[2].redirect_to = false;		/* r2's peer: neither XDP nor GRO */
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	tna_router_plan_target(&in, TNA_PLAN_AUTO, &p);
	CHECK(p.ok && p.target == TNA_TARGET_GENERIC && strstr(p.target_reason, "r2") &&
	      strstr(p.target_reason, "redirect egress"), "auto: generic naming r2: %s",
	      p.target_reason);
	CHECK(pif("r1")->csum == TNA_PLAN_CSUM_COMPLETE, "generic keeps the checksum state");
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	tna_router_plan_target(&in, TNA_TARGET_NATIVE, &p);
	CHECK(p.ok && p.target == TNA_TARGET_NATIVE, "--target native honoured");
	in.ifs[1].peer.tso = true;		/* r1's peer sends TSO superpackets */
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	tna_router_plan_target(&in, TNA_PLAN_AUTO, &p);
	CHECK(!p.ok && strstr(p.reason, "r1") && strstr(p.reason, "TSO"),
	      "auto: r1 left to Linux, one routed port left: nothing, %s", p.reason);
	CHECK(!pif("r1")->routed && strstr(pif("r1")->reason, "no program"), "%s", pif("r1")->reason);
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	tna_router_plan_target(&in, TNA_TARGET_GENERIC, &p);
	CHECK(p.ok && pif("r1")->routed && p.target == TNA_TARGET_GENERIC,
	      "explicit generic routes r1 anyway");
	in.ifs[1].peer.tso = false;
	in.nf4 = in.nf6 = 1;			/* netfilter sees every routed family */
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	tna_router_plan_target(&in, TNA_PLAN_AUTO, &p);
	CHECK(!p.ok && strstr(p.reason, "every routed packet would go to Linux"), "%s", p.reason);
	in.nf6 = 0;				/* IPv6 is still routed in XDP */
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	tna_router_plan_target(&in, TNA_PLAN_AUTO, &p);
	CHECK(p.ok && p.nf_routed == TNA_NF_ROUTED_V4, "one family left: deployed");

	/* the graph's per-interface and per-family reasons */
	base();
	in.ifs[1].no_ipv6 = true;
	in.ifs[2].egress_linux = true;
	in.xfrm6 = true;
	add_if(6, "br0", "bridge", 1, 1);
	in.ifs[3].is_bridge = true;
	strcpy(in.ifs[3].graph_reason, "netfilter-bridge-local: bridge input chain");
	add_if(7, "b1", "veth", 0, 0);
	in.ifs[4].is_port = true;
	in.ifs[4].master = 6;
	CHECK_EQ(tna_router_plan(&in, &p), 0);
	CHECK(p.ok && p.xfrm_routed == TNA_NF_ROUTED_V6 && !p.nf_routed && strstr(p.reason, "xfrm"),
	      "xfrm IPv6: %s", p.reason);
	f = pif("r1");
	CHECK(f && f->routed && f->rif_flags == (TNA_RIF_F_ROUTE | TNA_RIF_F_NO_IPV6), "r1 ipv6-disabled");
	f = pif("r2");
	CHECK(f && f->routed && f->egress_linux, "r2 tc-egress: routed, egress to Linux");
	f = pif("br0");
	CHECK(f && !f->bridge && !f->rif_flags && strstr(f->reason, "stays on Linux"),
	      "br0 blocked: not composed");
	CHECK(!pif("b1"), "no rif for the ports of a bridge that is not composed");

	in.n_ifs = TNA_RPLAN_MAX_IFS + 1;
	CHECK_EQ(tna_router_plan(&in, &p), -22);
	return tna_test_exit();
}
