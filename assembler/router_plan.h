/* The router's plan: whether to route in the fast path, which
 * families, which interfaces, and the rodata switches of the router
 * modules.  Like assembler/plan.h it works on a plain input struct (unit
 * tests use fixtures); tna_router_in_from_model() fills it from the
 * introspection model.  No I/O in the planner; nothing prints.
 *
 * Decisions (the reasons come from the service graph, introspect/rules.c:
 * router_input.c copies them into the input):
 *  - a family is routed only when forwarding is on for it and there is
 *    something to route: two or more candidate interfaces with a global
 *    address of that family, or a route with a gateway;
 *  - netfilter: the router's netfilter-forward (rules or a drop policy at
 *    prerouting, forward or postrouting of ip/ip6/inet, nft or legacy) for
 *    a family the compiler can evaluate (the graph's router node says so:
 *    assembler/filter_verdict.h) => nf_filter for that family: the filter,
 *    conntrack and NAT modules evaluate its routed traffic, the rules
 *    outside the subset send what reaches them to Linux; otherwise (or
 *    with no_filter, or netfilter-unreadable) => nf_routed for that
 *    family: its routed traffic stays on Linux with reason "netfilter";
 *  - xfrm (IPsec policies or SAs of a family) => xfrm_routed for that
 *    family: its routed traffic stays on Linux with reason "xfrm";
 *  - candidates are physical and veth devices with an address of a routed
 *    family whose L3 node the graph does not block (tc-filter, foreign-xdp,
 *    netfilter-ingress); a bridge with an address is composed with the
 *    bridge plan (its rif entries are listed, the ports come from the
 *    bridge plan) unless its L3 node is blocked (tc on the bridge device,
 *    nft bridge input/output chains): then routing through it stays on Linux;
 *  - martian IPv4 sources (the box's own addresses, subnet broadcasts...)
 *    go to Linux (reason martian_src): the set is in the plan;
 *  - rp-filter on an interface => its routed IPv4 goes to Linux (reason
 *    rp_filter); ipv6-disabled => its IPv6 (reason ipv6_disabled);
 *    tc-egress => routed packets out of it go to Linux (egress_qdisc);
 *  - IPv4 DIRECT lookups are never chosen (fib_direct4 stays false):
 *    with the default rules the kernel's own fib_lookup already skips the
 *    rules engine, and once rules were added the local table is split off
 *    main for good, where DIRECT would miss the box's own addresses
 *    (tests/unit/test_router_reasons.c shows both). rules_default is
 *    reported;
 *  - IPv6 DIRECT lookups (fib_direct6) with the default IPv6 rules when
 *    the local table can be listed: the kernel looks IPv6 up in the local
 *    table, then main; DIRECT looks in main only, and the destinations
 *    the local table holds (local6: the box's addresses, anycast; /128s
 *    outside multicast, link-local and ::/96, which l3_classify sends to
 *    Linux anyway) go to Linux.  Anything else in the local table (a
 *    prefix, more than TNA_RPLAN_MAX_LOCAL6 entries) keeps the full
 *    lookup. */
#ifndef TNA_ASSEMBLER_ROUTER_PLAN_H
#define TNA_ASSEMBLER_ROUTER_PLAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "assembler/plan.h"	/* struct tna_peer, enum tna_target */

struct tna_model;

#define TNA_RPLAN_MAX_IFS 256
#define TNA_RPLAN_MAX_MARTIAN 1024
#define TNA_RPLAN_MAX_LOCAL6 1024
#define TNA_RPLAN_MAX_NOTES 16

struct tna_router_if_in {
	int ifindex;
	char name[16];
	char kind[16];		/* "" physical, "veth", "bridge", ... */
	bool up;
	bool is_bridge, is_port;
	int master;		/* the bridge of a port, 0 when none */
	bool loopback;
	uint8_t mac[6];
	int n_addr4, n_addr6;	/* global (universe-scope) addresses */
	/* From its L3 node of the service graph: */
	char graph_reason[160];	/* blocked ("name: text"), "" when not */
	bool rp_filter;		/* rp-filter (IPv4) */
	bool no_ipv6;		/* ipv6-disabled */
	bool egress_linux;	/* tc-egress */
	/* For tna_router_plan_target() (the controller fills them from the
	 * capabilities probe and assembler/peers.c; zero: unknown) */
	enum tna_target best;	/* probe's verdict */
	bool redirect_to;	/* ndo-xmit: can be a native redirect egress */
	struct tna_peer peer;	/* a veth's peer */
};

struct tna_router_in {
	int8_t ip_forward, ip6_forwarding;	/* -1 unknown */
	bool gw_route4, gw_route6;		/* a route with a gateway exists */
	bool rules4_default, rules6_default;
	/* netfilter sees routed traffic, per family; -1 unknown (counts as yes) */
	int8_t nf4, nf6;
	char nf_why[160];			/* the graph's reason, for the plan's */
	/* The compiler's verdict per family, from the graph's router node:
	 * its netfilter-forward rules can be evaluated in the fast path
	 * (flt4/flt6), else why not; and what stays on Linux where reached. */
	bool flt4, flt6;
	char flt_why4[192], flt_why6[192];
	int n_flt_notes;
	char flt_notes[TNA_RPLAN_MAX_NOTES][160];
	bool no_filter;				/* never nf_filter (tna-deploy --no-filter) */
	bool xfrm4, xfrm6;			/* IPsec policies or SAs of that family */
	/* IPv4 sources Linux drops as martians beyond the fixed ranges: the
	 * box's addresses, local/broadcast/anycast /32 route destinations
	 * (network order); and whether some such route covers more than one
	 * address (the fast path then looks every source up). */
	uint32_t martian4[TNA_RPLAN_MAX_MARTIAN];
	int n_martian4;
	bool src_fib_check;
	/* The IPv6 local table's /128 destinations the fast path does not
	 * send to Linux by itself; local6_unlisted: it holds more, or other
	 * entries (a DIRECT lookup would miss them). */
	uint8_t local6[TNA_RPLAN_MAX_LOCAL6][16];
	int n_local6;
	bool local6_unlisted;
	int n_ifs;
	struct tna_router_if_in ifs[TNA_RPLAN_MAX_IFS];
};

struct tna_router_if_plan {
	int ifindex;
	char name[16];
	bool routed;		/* a plain routed port: attach, in the devmap, rif */
	bool bridge;		/* a bridge with an address: rif {B, its mac, BRIDGE} */
	bool brport;		/* a port of such a bridge (attached by the bridge
				 * plan): rif {bridge, bridge mac, ROUTE|BRPORT} */
	int l3_ifindex;		/* rif: the device Linux routes from */
	uint8_t mac[6];		/* rif: frames to this MAC are routed */
	uint8_t rif_flags;	/* TNA_RIF_F_* for tna_dp__rif_set */
	bool egress_linux;	/* routed port: packets routed out of it go to Linux */
	char reason[256];	/* why routed or not */
	enum tna_plan_csum csum;	/* its received checksums (own native pipeline) */
	struct tna_peer peer;	/* what the auto choice rested on */
	bool redirect_to;
};

struct tna_router_plan {
	bool ok;		/* something to route in the fast path */
	bool v4, v6;		/* families routed (TNA_FPM_IPV4 / IPV6) */
	uint8_t nf_routed;	/* tna_dp_opts.nf_routed: TNA_NF_ROUTED_V4/V6 */
	/* families whose netfilter rules the fast path evaluates (the same
	 * bits): fpms has TNA_FPM_FILTER | CT | NAT, the controller follows
	 * the ruleset (controller/router_filter.c) */
	uint8_t nf_filter;
	char filter_reason[256];	/* why (not), for the families netfilter sees */
	int n_flt_notes;		/* what stays on Linux where reached */
	char flt_notes[TNA_RPLAN_MAX_NOTES][160];
	uint8_t xfrm_routed;	/* tna_dp_opts.xfrm_routed: the same bits */
	bool src_fib_check;	/* tna_dp__src_fib_check_set */
	uint32_t martian4[TNA_RPLAN_MAX_MARTIAN];	/* tna_dp__src_martian4_set */
	int n_martian4;
	bool fib_direct4;	/* tna_dp_opts.fib_direct4 (always false, see above) */
	bool fib_direct6;	/* tna_dp_opts.fib_direct6 */
	uint8_t local6[TNA_RPLAN_MAX_LOCAL6][16];	/* tna_dp__local6_set */
	int n_local6;
	bool rules_default;
	uint64_t fpms;		/* TNA_FPM_* to OR into the pipeline */
	/* Its own pipeline (no bridge with an address hosts it): attach
	 * mode and why (tna_router_plan_target()). */
	enum tna_target target;
	char target_reason[192];
	char reason[384];
	int n_ifs;
	struct tna_router_if_plan ifs[TNA_RPLAN_MAX_IFS];
};

int tna_router_plan(const struct tna_router_in *in, struct tna_router_plan *plan);
/* Then, for tna-deploy: the target of the router's own pipeline, and
 * what auto leaves to Linux.  WANT is TNA_PLAN_AUTO or a target:
 *  - generic / native: honoured (native on a port without ndo-xmit:
 *    frames to it go to Linux, egress_no_xmit, until it has it);
 *  - auto: a routed veth whose peer sends TSO superpackets gets no
 *    program (bulk TCP is faster through Linux); every routed family
 *    seen by netfilter (all would go to Linux) or fewer than two routed
 *    ports left without a bridge to share: no program at all; then
 *    native when every routed port is native capable and a redirect
 *    egress, else generic naming the port.
 * Partial checksums from a veth peer are completed in XDP when the own
 * pipeline is native (csum). */
void tna_router_plan_target(const struct tna_router_in *in, enum tna_target want,
			    struct tna_router_plan *plan);
/* Fill IN from a dumped model (rp_filter from /proc/sys of the current
 * netns: the model does not hold it).  0 or -errno. */
int tna_router_in_from_model(const struct tna_model *m, struct tna_router_in *in);
void tna_router_plan_print(const struct tna_router_plan *plan, FILE *f);

#endif
