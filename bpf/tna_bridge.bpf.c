// SPDX-License-Identifier: GPL-2.0
/* The bridge fast path: one program attached to every port of a bridge.
 * Read top down: each step either lets the frame go on or hands it to Linux
 * with a named reason.  Which steps exist is decided by rodata before load
 * (bpf/fpm/common.h); the verifier removes the rest. */
#include "bpf/fpm/common.h"
#include "bpf/fpm/parse_eth.h"
#include "bpf/fpm/classify.h"
#include "bpf/fpm/port_state.h"
#include "bpf/fpm/port_flags.h"
#include "bpf/fpm/vlan.h"
#include "bpf/fpm/fdb_src.h"
#include "bpf/fpm/fdb_dst.h"
#include "bpf/fpm/flow_cache.h"
#include "bpf/fpm/forward.h"
#include "bpf/fpm/stats.h"

#define STEP(call) do { reason = (call); if (reason != TNA_GO) goto pass; } while (0)

SEC("xdp")
int tna_bridge(struct xdp_md *ctx)
{
	struct tna_pkt p = { .ctx = ctx };
	int reason;

	STEP(fpm_ingress_port(&p));
	if (tna_br_netfilter) {		/* iptables may see bridged traffic */
		reason = TNA_REASON_BR_NETFILTER;
		goto pass;
	}
	STEP(fpm_parse_eth(&p));
	STEP(fpm_classify(&p));
	STEP(fpm_port_state(&p));
	STEP(fpm_port_flags_in(&p));
	STEP(fpm_vlan_in(&p));
	fpm_clock(&p);
	if (!fpm_flow_hit(&p)) {
		STEP(fpm_fdb_src(&p));
		STEP(fpm_fdb_dst(&p));
		fpm_flow_fill(&p);
	}
	STEP(fpm_egress_state(&p));
	STEP(fpm_port_flags_out(&p));
	STEP(fpm_vlan_out(&p));
	STEP(fpm_forward(&p));
	stats_forwarded(&p);
	return XDP_REDIRECT;
pass:
	fpm_fdb_src_on_pass(&p, reason);
	stats_passed(&p, reason);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
