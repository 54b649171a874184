/* The planner: bridge + ports + capabilities -> targets, FPMs, budget.
 *
 * Rules, in the order they are applied (first match decides):
 *
 *   bridge level                         result
 *   ---------------------------------    ------------------------------------
 *   The reasons come from the service graph (introspect/rules.c, what
 *   tna-probe --graph shows): input.c copies them, nothing here derives
 *   them again.
 *
 *   graph: bridge not accelerable        nothing deployed, graph's reason
 *     (vlan-802.1ad, ...)
 *   < 2 ports that can be accelerated    nothing deployed
 *   graph: netfilter sees bridged        deployed, every frame PASSes with
 *     traffic (netfilter-bridged,        reason br_netfilter (Linux must run
 *     netfilter-unreadable)              the rules); nothing bypasses them
 *   nf_call_* on, no rules               accelerate + brnf_* modules (the
 *                                         checks br_netfilter does anyway)
 *   otherwise                            accelerate
 *
 *   auto, and every frame would go to    nothing deployed (no program at all:
 *     Linux anyway (br_netfilter rules)   it would only cost), the reason
 *
 *   port level                           result
 *   ---------------------------------    ------------------------------------
 *   graph: port not accelerable          left out: its frames go to Linux
 *     (tc-filter, netfilter-ingress,
 *     port-kind, its bridge's reason)
 *   graph: foreign-xdp, no --force       left out, program id named
 *   graph: tc-egress                     accelerated; frames TO it go to
 *                                         Linux (its qdisc, egress filters)
 *   auto, a veth whose peer sends TSO    left out: bulk TCP is faster through
 *     superpackets                        Linux (generic XDP copies every
 *                                         superpacket before passing it;
 *                                         native takes the peer's TSO away)
 *   probe: no target at all              left out, probe's blockers named
 *   probe verdict offload (NFP,          a NIC stage if the offload model
 *     netdevsim)                           says it fits (nic_plan.c); the
 *                                          host stage as below, by features
 *   probe verdict native + NDO_XMIT      native capable
 *   otherwise                            generic only (probe's reason)
 *
 * Target of a bridge: one pipeline for all its ports (a native redirect
 * needs a native-capable egress).  auto: native when every accelerated port
 * is native capable, else generic naming the port that prevents it.  An
 * explicit target is honoured when every accelerated port supports it,
 * otherwise refused naming the port.
 *
 * Checksums: a native port whose veth peer offloads tx checksums receives
 * partial ones; the fast path completes them (csum module: measured 2.5-4x
 * cheaper per frame than passing them to Linux, bpf/fpm/csum.h and
 * tests/realstack/csum_perf.sh).  Generic keeps the skb: nothing to do. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "assembler/plan.h"
#include "bpf/tna_kern_user.h"
#include "controller/fdb_keepalive.h"

/* The planner's module numbers are the fast path's bits. */
_Static_assert((1ull << TNA_PFPM_PARSE_ETH) == TNA_FPM_PARSE_ETH &&
	       (1ull << TNA_PFPM_CLASSIFY) == TNA_FPM_CLASSIFY &&
	       (1ull << TNA_PFPM_VLAN) == TNA_FPM_VLAN &&
	       (1ull << TNA_PFPM_PORT_STATE) == TNA_FPM_PORT_STATE &&
	       (1ull << TNA_PFPM_FDB_SRC) == TNA_FPM_FDB_SRC &&
	       (1ull << TNA_PFPM_FDB_DST) == TNA_FPM_FDB_DST &&
	       (1ull << TNA_PFPM_PORT_FLAGS) == TNA_FPM_PORT_FLAGS &&
	       (1ull << TNA_PFPM_FORWARD) == TNA_FPM_FORWARD &&
	       (1ull << TNA_PFPM_STATS) == TNA_FPM_STATS &&
	       (1ull << TNA_PFPM_FLOW_CACHE) == TNA_FPM_FLOW_CACHE &&
	       (1ull << TNA_PFPM_BRNF_IPV4) == TNA_FPM_BRNF_IPV4 &&
	       (1ull << TNA_PFPM_BRNF_IPV6) == TNA_FPM_BRNF_IPV6 &&
	       (1ull << TNA_PFPM_BRNF_ARP) == TNA_FPM_BRNF_ARP &&
	       (1ull << TNA_PFPM_CSUM) == TNA_FPM_CSUM &&
	       (1ull << TNA_PFPM_FDB_KFUNC) == TNA_FPM_FDB_KFUNC,
	       "assembler and bpf/ disagree on FPM numbers");

static const char *const fpm_names[TNA_PFPM__MAX] = {
	[TNA_PFPM_PARSE_ETH] = "parse_eth",
	[TNA_PFPM_CLASSIFY] = "classify",
	[TNA_PFPM_VLAN] = "vlan",
	[TNA_PFPM_PORT_STATE] = "port_state",
	[TNA_PFPM_FDB_SRC] = "fdb_src",
	[TNA_PFPM_FDB_DST] = "fdb_dst",
	[TNA_PFPM_PORT_FLAGS] = "port_flags",
	[TNA_PFPM_FORWARD] = "forward",
	[TNA_PFPM_STATS] = "stats",
	[TNA_PFPM_FLOW_CACHE] = "flow_cache",
	[TNA_PFPM_BRNF_IPV4] = "brnf_ipv4",
	[TNA_PFPM_BRNF_IPV6] = "brnf_ipv6",
	[TNA_PFPM_BRNF_ARP] = "brnf_arp",
	[TNA_PFPM_CSUM] = "csum",
	[TNA_PFPM_FDB_KFUNC] = "fdb_kfunc",
};

/* Rough verified-instruction cost per module, for the budget check before
 * anything is loaded (the xlated count after load is the real check).
 * Taken from the all-modules build; keep pessimistic. */
static const uint32_t fpm_est_insns[TNA_PFPM__MAX] = {
	[TNA_PFPM_PARSE_ETH] = 16,  [TNA_PFPM_CLASSIFY] = 48,
	[TNA_PFPM_VLAN] = 96,       [TNA_PFPM_PORT_STATE] = 32,
	[TNA_PFPM_FDB_SRC] = 48,    [TNA_PFPM_FDB_DST] = 48,
	[TNA_PFPM_PORT_FLAGS] = 32, [TNA_PFPM_FORWARD] = 24,
	[TNA_PFPM_STATS] = 32,      [TNA_PFPM_FLOW_CACHE] = 48,
	[TNA_PFPM_BRNF_IPV4] = 64,  [TNA_PFPM_BRNF_IPV6] = 40,
	[TNA_PFPM_BRNF_ARP] = 8,   [TNA_PFPM_CSUM] = 200,
	[TNA_PFPM_FDB_KFUNC] = 64,
};

const char *tna_plan_fpm_name(enum tna_plan_fpm f)
{
	return (unsigned)f < TNA_PFPM__MAX ? fpm_names[f] : "?";
}

void tna_target_limits_default(enum tna_target t, struct tna_target_limits *l)
{
	memset(l, 0, sizeof(*l));
	if (t == TNA_TARGET_NONE || t == TNA_TARGET_OFFLOAD)
		return;		/* no host stage / the offload model */
	l->max_insns = 1000000;	/* BPF_COMPLEXITY_LIMIT_INSNS */
	l->max_maps = 64;	/* MAX_USED_MAPS */
	l->redirect = true;
	l->map_value_stores = true;
}

static uint32_t est_insns(uint64_t fpms)
{
	uint32_t n = 8;	/* entry, return */
	int i;

	for (i = 0; i < TNA_PFPM__MAX; i++)
		if (fpms & (1ull << i))
			n += fpm_est_insns[i];
	return n;
}

/* What one port can do: sets pp->accelerated/reason, returns the best
 * target of its host stage and whether it is an offloading device (a NIC
 * stage candidate). */
static enum tna_target port_capability(const struct tna_plan_port_in *p,
				       const struct tna_plan_opts *o,
				       struct tna_port_plan *pp, bool *offload,
				       bool *native_rx)
{
	const struct tna_caps_dev *c = p->caps;

	*offload = false;
	*native_rx = false;
	if (p->graph_reason[0]) {
		snprintf(pp->reason, sizeof(pp->reason), "%.150s: its frames go to Linux",
			 p->graph_reason);
		return TNA_TARGET_NONE;
	}
	if (p->foreign_prog_id && !o->force) {
		snprintf(pp->reason, sizeof(pp->reason),
			 "foreign XDP program id %u attached (--force replaces it)",
			 p->foreign_prog_id);
		return TNA_TARGET_NONE;
	}
	pp->accelerated = true;
	if (!c) {
		snprintf(pp->reason, sizeof(pp->reason),
			 "capabilities unknown: generic is always available");
		return TNA_TARGET_GENERIC;
	}
	switch (c->best) {
	case TNA_TARGET_OFFLOAD:
		*offload = true;	/* the NIC stage: nic_plan.c */
		if (!(c->xdp_features & TNA_NETDEV_XDP_ACT_BASIC)) {
			snprintf(pp->reason, sizeof(pp->reason),
				 "%.120s, no native XDP (basic): host stage generic",
				 c->reason[0] ? c->reason : "HW offload");
			return TNA_TARGET_GENERIC;
		}
		/* the host stage as on any native device */
		__attribute__((fallthrough));
	case TNA_TARGET_NATIVE:
		*native_rx = true;
		if (c->can_redirect_to) {
			snprintf(pp->reason, sizeof(pp->reason), "%s",
				 c->reason[0] ? c->reason : "native XDP");
			return TNA_TARGET_NATIVE;
		}
		snprintf(pp->reason, sizeof(pp->reason), "%.180s",
			 c->blockers[0] ? c->blockers :
			 "native XDP but not a redirect egress (no ndo-xmit)");
		return TNA_TARGET_GENERIC;
	case TNA_TARGET_GENERIC:
		snprintf(pp->reason, sizeof(pp->reason), "%s",
			 c->reason[0] ? c->reason : "no native XDP");
		return TNA_TARGET_GENERIC;
	default:
		/* A foreign program is the probe's usual blocker: --force. */
		if (p->foreign_prog_id && o->force) {
			snprintf(pp->reason, sizeof(pp->reason),
				 "--force: replacing foreign program id %u (generic)",
				 p->foreign_prog_id);
			return TNA_TARGET_GENERIC;
		}
		pp->accelerated = false;
		snprintf(pp->reason, sizeof(pp->reason), "not accelerable: %.170s",
			 c->blockers[0] ? c->blockers : c->reason);
		return TNA_TARGET_NONE;
	}
}

static const char *const nf_tool[TNA_NF__MAX] = { "iptables", "ip6tables",
						  "arptables" };

/* br_netfilter: does some rule see this bridge's frames?  Fills why.
 * Even without rules, br_netfilter (call-ip(6)tables on) drops IPv4/IPv6
 * frames with bad headers or checksums and trims frames longer than the
 * IP length (br_validate_ipv4/6): unless the fast path does the same
 * checks, such a bridge stays with Linux. */
static bool sees_netfilter(const struct tna_plan_bridge_in *in,
			   const struct tna_plan_opts *o, char *why, size_t len)
{
	int f;

	if (in->graph_nf_reason[0]) {
		snprintf(why, len, "br_netfilter: %.200s", in->graph_nf_reason);
		return true;
	}
	for (f = TNA_NF_IPV4; f <= TNA_NF_IPV6; f++) {
		if (in->nf_call[f] <= 0 || o->dp_validates_ip)
			continue;	/* with it: the brnf modules below */
		snprintf(why, len,
			 "br_netfilter: bridge calls %s, which validates and trims IP headers even without rules; "
			 "the fast path does not (set net.bridge.bridge-nf-call-%s=0 to accelerate)",
			 nf_tool[f], nf_tool[f]);
		return true;
	}
	return false;
}

int tna_plan_bridge(const struct tna_plan_bridge_in *in,
		    const struct tna_plan_opts *o, struct tna_bridge_plan *plan)
{
	enum tna_target want = o ? o->target : TNA_PLAN_AUTO;
	enum tna_target common = TNA_TARGET_NATIVE;
	const char *weak = NULL, *weak_reason = NULL;
	bool any_offload = false, all_native_rx = true;
	const char *no_xmit = NULL, *tso = NULL;
	int i, n_acc = 0;

	if (!in || !o || !plan || in->n_ports < 0)
		return -EINVAL;
	memset(plan, 0, sizeof(*plan));
	plan->ifindex = in->ifindex;
	snprintf(plan->name, sizeof(plan->name), "%s", in->name);
	memcpy(plan->mac, in->mac, 6);
	plan->ageing_time_cs = in->ageing_time_cs;
	plan->keepalive_ms = tna_fdb_keepalive_interval_ms(in->ageing_time_cs);
	plan->fdb_kfunc = o->sys && o->sys->kfunc_fdb_lookup;
	plan->n_ports = in->n_ports;
	plan->ports = calloc(in->n_ports ? in->n_ports : 1, sizeof(*plan->ports));
	if (!plan->ports)
		return -ENOMEM;

	/* Per port: what it can do. */
	for (i = 0; i < in->n_ports; i++) {
		const struct tna_plan_port_in *p = &in->ports[i];
		struct tna_port_plan *pp = &plan->ports[i];
		bool off, nrx;
		enum tna_target t;

		pp->ifindex = p->ifindex;
		snprintf(pp->name, sizeof(pp->name), "%s", p->name);
		pp->peer = p->peer;
		pp->redirect_to = p->caps && p->caps->can_redirect_to;
		t = port_capability(p, o, pp, &off, &nrx);
		pp->target = t;
		if (pp->accelerated && want == TNA_PLAN_AUTO && p->peer.known && p->peer.tso) {
			pp->accelerated = false;
			pp->target = TNA_TARGET_NONE;
			snprintf(pp->reason, sizeof(pp->reason),
				 "auto: no program: its veth peer sends TSO superpackets, bulk TCP is "
				 "faster through Linux (generic XDP copies each, native takes the "
				 "peer's TSO away)");
			if (!tso)
				tso = p->name;
		}
		pp->egress_linux = p->egress_linux;
		if (pp->accelerated && tna_plan_vlan_port(in, p, pp))
			pp->target = TNA_TARGET_NONE;
		if (!pp->accelerated)
			continue;
		n_acc++;
		if (nrx && t == TNA_TARGET_GENERIC && !no_xmit)
			no_xmit = p->name;
		all_native_rx &= nrx || t >= TNA_TARGET_NATIVE;
		pp->nic = off;		/* a candidate until nic_plan.c */
		any_offload |= off;
		if (t < common) {
			common = t;
			weak = p->name;
			weak_reason = pp->reason;
		}
		if (want == TNA_TARGET_OFFLOAD && !off && !plan->refused) {
			char feat[96];

			/* name what is missing, not the port's other blockers */
			plan->refused = true;
			snprintf(plan->reason, sizeof(plan->reason),
				 "--target offload refused: port %s has no hw-offload "
				 "(XDP features: %s)", p->name, !p->caps ? "unknown" :
				 tna_xdp_features_str(p->caps->xdp_features,
						      p->caps->xdp_features_known,
						      feat, sizeof(feat)));
		}
	}

	/* Bridge level, first match decides. */
	if (in->graph_reason[0]) {
		snprintf(plan->reason, sizeof(plan->reason), "%s: Linux bridges it",
			 in->graph_reason);
		goto nothing;
	}
	if (n_acc < 2) {
		if (tso)
			snprintf(plan->reason, sizeof(plan->reason),
				 "auto: %d port(s) left for XDP, need 2: port %s and others whose veth "
				 "peer sends TSO superpackets are faster through Linux", n_acc, tso);
		else
			snprintf(plan->reason, sizeof(plan->reason),
				 "%d port(s) can be accelerated, need 2", n_acc);
		goto nothing;
	}
	if (plan->refused)
		goto nothing;
	/* Native asked and every port runs native XDP, some just cannot be
	 * a redirect egress yet (a veth whose peer has neither XDP nor GRO):
	 * honoured; frames to those ports go to Linux (egress_no_xmit) until
	 * the controller sees them able to transmit. */
	if (want == TNA_TARGET_NATIVE && common < TNA_TARGET_NATIVE &&
	    all_native_rx && no_xmit) {
		common = TNA_TARGET_NATIVE;
		snprintf(plan->reason, sizeof(plan->reason),
			 "--target native (port %s not a redirect egress yet: frames to it go to Linux until it is)",
			 no_xmit);
	} else if (want == TNA_TARGET_NATIVE && common < TNA_TARGET_NATIVE) {
		plan->refused = true;
		snprintf(plan->reason, sizeof(plan->reason),
			 "--target native refused: port %s: %.180s", weak, weak_reason);
		goto nothing;
	}

	if (want == TNA_TARGET_GENERIC) {
		plan->target = TNA_TARGET_GENERIC;
		snprintf(plan->reason, sizeof(plan->reason), "--target generic");
	} else if (common == TNA_TARGET_NATIVE) {
		plan->target = TNA_TARGET_NATIVE;
		if (want == TNA_TARGET_OFFLOAD)
			snprintf(plan->reason, sizeof(plan->reason),
				 "--target offload: NIC stage on every port, host stage native");
		else if (want == TNA_TARGET_NATIVE) {
			if (!no_xmit)	/* else the reason above stays */
				snprintf(plan->reason, sizeof(plan->reason), "--target native");
		}
		else
			snprintf(plan->reason, sizeof(plan->reason),
				 "auto: every port is native capable%s",
				 any_offload ? " (NIC stage on offloading devices)" : "");
	} else {
		plan->target = TNA_TARGET_GENERIC;
		snprintf(plan->reason, sizeof(plan->reason),
			 "%s: generic because port %s: %.120s",
			 want == TNA_TARGET_OFFLOAD ? "--target offload: NIC stage on every port, host stage"
			 : "auto", weak, weak_reason);
	}
	for (i = 0; i < in->n_ports; i++) {
		struct tna_port_plan *pp = &plan->ports[i];

		if (!pp->accelerated)
			continue;
		pp->target = plan->target;
		/* native loses the skb's checksum state; a veth peer we could
		 * not read counts as offloading (completing is harmless) */
		if (plan->target == TNA_TARGET_NATIVE && !strcmp(in->ports[i].kind, "veth") &&
		    (!pp->peer.known || pp->peer.tx_csum))
			pp->csum = TNA_PLAN_CSUM_FIX;
	}

	plan->fpms = 1ull << TNA_PFPM_PARSE_ETH | 1ull << TNA_PFPM_STATS;
	if (sees_netfilter(in, o, plan->reason, sizeof(plan->reason))) {
		plan->br_netfilter = true;
		if (want == TNA_PLAN_AUTO) {
			/* every frame would go to Linux: a program would only cost */
			size_t n = strlen(plan->reason);

			snprintf(plan->reason + n, sizeof(plan->reason) - n,
				 "; auto: every frame would go to Linux, so no program");
			goto nothing;
		}
		/* Explicit target: deployed so tna-stat shows why, but nothing
		 * is bypassed (the NIC stage drops only before any bridge hook). */
	} else {
		plan->fpms |= 1ull << TNA_PFPM_CLASSIFY |
			      1ull << TNA_PFPM_PORT_STATE |
			      1ull << TNA_PFPM_FDB_SRC |
			      1ull << TNA_PFPM_FDB_DST |
			      1ull << TNA_PFPM_FORWARD;
		plan->fpms |= 1ull << TNA_PFPM_FLOW_CACHE;
		/* targets/ loads it into every native pipeline: the veth
		 * peers' tx checksumming changes at run time */
		if (plan->target == TNA_TARGET_NATIVE)
			plan->fpms |= 1ull << TNA_PFPM_CSUM;
		/* isolated, locked and slow-path ports are table values the
		 * pipeline always checks: a port option toggled is a table
		 * write, not a new pipeline (bpf/fpm/port_flags.h) */
		plan->fpms |= 1ull << TNA_PFPM_PORT_FLAGS;
		/* br_netfilter on without rules: its IP checks in the fast path */
		if (in->nf_call[TNA_NF_IPV4] > 0)
			plan->fpms |= 1ull << TNA_PFPM_BRNF_IPV4;
		if (in->nf_call[TNA_NF_IPV6] > 0)
			plan->fpms |= 1ull << TNA_PFPM_BRNF_IPV6;
		if (in->nf_call[TNA_NF_ARP] > 0)
			plan->fpms |= 1ull << TNA_PFPM_BRNF_ARP;
		tna_plan_vlan(in, plan);
	}
	plan->ok = true;
	tna_plan_fdb_mode(o, plan);
	plan->est_insns = est_insns(plan->fpms);
	tna_target_limits_default(plan->target, &plan->limits);
	tna_plan_budget_check(plan);
	tna_plan_nic(in, o, plan);
	return 0;

nothing:
	plan->ok = false;
	plan->target = TNA_TARGET_NONE;
	plan->fpms = 0;
	for (i = 0; i < in->n_ports; i++) {
		plan->ports[i].nic = false;
		plan->ports[i].csum = TNA_PLAN_CSUM_COMPLETE;
		if (plan->ports[i].accelerated) {
			plan->ports[i].accelerated = false;
			plan->ports[i].target = TNA_TARGET_NONE;
		}
	}
	return 0;
}

bool tna_plan_budget_check(struct tna_bridge_plan *plan)
{
	uint32_t n = plan->xlated_insns ? plan->xlated_insns : plan->est_insns;

	plan->budget_ok = !plan->limits.max_insns || n <= plan->limits.max_insns;
	if (!plan->budget_ok) {
		snprintf(plan->reason, sizeof(plan->reason),
			 "budget: %u instructions exceed the %s limit of %u",
			 n, tna_target_name(plan->target), plan->limits.max_insns);
		plan->ok = false;
	}
	return plan->budget_ok;
}

void tna_plan_bridge_free(struct tna_bridge_plan *plan)
{
	if (!plan)
		return;
	free(plan->ports);
	plan->ports = NULL;
	plan->n_ports = 0;
}
