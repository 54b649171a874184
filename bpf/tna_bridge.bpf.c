// SPDX-License-Identifier: GPL-2.0
/* The bridge fast path: one program attached to every port of a bridge.
 * Read top down: each step either lets the frame go on or hands it to Linux
 * with a named reason.  Which steps exist is decided by rodata before load
 * (bpf/fpm/common.h); the verifier removes the rest. */
#include "bpf/fpm/common.h"
#include "bpf/fpm/parse_eth.h"
#include "bpf/fpm/deadman.h"
#include "bpf/fpm/classify.h"
#include "bpf/fpm/port_state.h"
#include "bpf/fpm/port_flags.h"
#include "bpf/fpm/vlan.h"
#include "bpf/fpm/brnf.h"
#include "bpf/fpm/fdb_src.h"
#include "bpf/fpm/fdb_dst.h"
#include "bpf/fpm/flow_cache.h"
#include "bpf/fpm/src_guard.h"
#include "bpf/fpm/mtu.h"
#include "bpf/fpm/forward.h"
#include "bpf/fpm/csum.h"
#include "bpf/fpm/stats.h"
/* the router's modules */
#include "bpf/fpm/rif.h"
#include "bpf/fpm/router_path.h"
#include "bpf/fpm/hook.h"
#include "bpf/fpm/xsk.h"

#define STEP(call) do { reason = (call); if (reason != TNA_GO) goto pass; } while (0)
/* a netfilter step may also drop */
#define NF(call) do { reason = (call); if (reason == TNA_NF_DROP) goto drop;	\
		      if (reason != TNA_GO) goto pass; } while (0)
/* an operator's hook (fpm/hook.h): go on, to Linux, or drop */
#define HOOK(slot) NF(fpm_hook(&p, slot))

SEC("xdp")
int tna_bridge(struct xdp_md *ctx)
{
	struct tna_pkt p = { .ctx = ctx };
	struct tna_l3 r;	/* the router's */
	struct tna_nf nf;	/* netfilter along the routed path (filled by fpm_nf_pre*) */
	int reason;

	STEP(fpm_ingress_port(&p));
	HOOK(TNA_HOOK_INGRESS);
	reason = fpm_xsk(&p);		/* the operator's flows to AF_XDP sockets */
	if (reason == TNA_XSK_STEERED) {
		stats_forwarded(&p);
		return XDP_REDIRECT;
	}
	if (reason != TNA_GO)
		goto pass;
	if (tna_br_netfilter) {		/* iptables may see bridged traffic */
		reason = TNA_REASON_BR_NETFILTER;
		goto pass;
	}
	STEP(fpm_parse_eth(&p));
	fpm_vlan_id(&p);		/* the FDB's VLAN, before anything passes */
	STEP(fpm_confirmed(&p));	/* the controller's tables are current */
	/* frames to a routing port's MAC are routed */
	reason = fpm_l3_ingress(&p, &r);
	if (reason == TNA_GO)
		goto route;
	if (reason != TNA_NOT_ROUTED)
		goto pass;
	STEP(fpm_classify(&p));
	STEP(fpm_port_state(&p));
	STEP(fpm_port_flags_in(&p));
	STEP(fpm_vlan_in(&p));
	STEP(fpm_brnf(&p));
	NF(fpm_nf_br_pre(&p, &nf));	/* bridge-family prerouting */
	HOOK(TNA_HOOK_CLASSIFIED);
	fpm_clock(&p);
	if (!fpm_flow_hit(&p)) {
		STEP(fpm_fdb_src(&p));
		STEP(fpm_fdb_dst(&p));
		fpm_flow_fill(&p);
	}
	STEP(fpm_egress_state(&p));
	STEP(fpm_brnf_mtu(&p));
	STEP(fpm_port_flags_out(&p));
	STEP(fpm_vlan_out(&p));
	NF(fpm_nf_br_out(&p, &nf));	/* bridge-family forward, postrouting */
	STEP(fpm_egress_mtu(&p));
	HOOK(TNA_HOOK_EGRESS);
	STEP(fpm_forward(&p));
	STEP(fpm_csum(&p));	/* writes only to a frame that leaves */
	STEP(fpm_vlan_tag(&p));	/* last: the tag goes on or off */
	stats_forwarded(&p);
	return XDP_REDIRECT;
	/* Routing: the bridge's ingress rules hold for frames it
	 * would deliver up to be routed; then IP, FIB, egress, rewrite. */
route:
	if (r.rif->flags & TNA_RIF_F_BRPORT) {
		STEP(fpm_port_state(&p));
		STEP(fpm_port_flags_in(&p));
		if (fpm_on(TNA_FPM_VLAN)) {
			reason = TNA_REASON_ROUTE_VLAN;
			goto pass;
		}
		fpm_clock(&p);		/* the keep-alive stamp of fdb_src */
		STEP(fpm_fdb_src(&p));
	}
	NF(route_ip(&p, &r, &nf, true));
	stats_forwarded(&p);
	return XDP_REDIRECT;
pass:
	fpm_src_guard(&p, reason);
	stats_passed(&p, reason);
	return XDP_PASS;
drop:
	nf_stats_dropped(&p);
	return XDP_DROP;
}

/* The router alone (targets/load.c picks it for a pipeline with only the
 * router's modules, TNA_ROUTER_ENTRY_FIXED among them: no bridge,
 * netfilter, hooks or AF_XDP steering): the
 * steps of tna_bridge that such a configuration runs, in the same order,
 * compiled without the others so that the routed path keeps its values
 * in registers. */
SEC("xdp")
int tna_router(struct xdp_md *ctx)
{
	struct tna_pkt p = { .ctx = ctx, .fixed = TNA_ROUTER_ENTRY_FIXED };
	struct tna_l3 r;
	int reason;

	STEP(fpm_ingress_port(&p));
	STEP(fpm_parse_eth(&p));
	STEP(fpm_confirmed(&p));
	STEP(fpm_l3_ingress(&p, &r));
	if (r.rif->flags & TNA_RIF_F_BRPORT) {	/* the bridge's pipeline routes those */
		reason = TNA_REASON_NOT_FOR_US;
		goto pass;
	}
	STEP(route_ip(&p, &r, NULL, false));
	stats_forwarded(&p);
	return XDP_REDIRECT;
pass:
	stats_passed(&p, reason);
	return XDP_PASS;
}

/* The bridge alone (targets/load.c picks it for a pipeline with every
 * module of TNA_L2_ENTRY_FIXED and otherwise only csum and br_netfilter's
 * rule-less checks (brnf): no router, VLAN filtering, netfilter, hooks or
 * AF_XDP steering): the steps of tna_bridge that such a configuration
 * runs, in the same order, compiled without the others so that the
 * bridged path keeps its values in registers, and its fixed modules
 * constants instead of rodata loads. */
SEC("xdp")
int tna_l2(struct xdp_md *ctx)
{
	struct tna_pkt p = { .ctx = ctx, .fixed = TNA_L2_ENTRY_FIXED };
	int reason;

	STEP(fpm_ingress_port(&p));
	STEP(fpm_parse_eth(&p));
	STEP(fpm_confirmed(&p));
	STEP(fpm_classify(&p));
	STEP(fpm_port_state(&p));
	STEP(fpm_port_flags_in(&p));
	STEP(fpm_brnf(&p));
	fpm_clock(&p);
	if (!fpm_flow_hit(&p)) {
		STEP(fpm_fdb_src(&p));
		STEP(fpm_fdb_dst(&p));
		fpm_flow_fill(&p);
	}
	STEP(fpm_egress_state(&p));
	STEP(fpm_brnf_mtu(&p));
	STEP(fpm_port_flags_out(&p));
	STEP(fpm_egress_mtu(&p));
	STEP(fpm_forward(&p));
	STEP(fpm_csum_brnf(&p));	/* fpm_csum, one IPv4 parse with brnf */
	stats_forwarded(&p);
	return XDP_REDIRECT;
pass:
	fpm_src_guard(&p, reason);
	stats_passed(&p, reason);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
