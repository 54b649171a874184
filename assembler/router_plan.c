/* The router plan: see assembler/router_plan.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "assembler/router_plan.h"
#include "bpf/tna_kern_user.h"

static const char *fam_name(uint8_t bits)
{
	return bits == (TNA_NF_ROUTED_V4 | TNA_NF_ROUTED_V6) ? "IPv4+IPv6" :
	       bits == TNA_NF_ROUTED_V4 ? "IPv4" : bits == TNA_NF_ROUTED_V6 ? "IPv6" : "no";
}

/* Per routed family that netfilter sees: its rules in the fast path when
 * the compiler can evaluate them (nf_filter), else all of its routed
 * traffic on Linux (nf_routed), as before there was a compiler. */
static void plan_netfilter(const struct tna_router_in *in, struct tna_router_plan *p)
{
	static const char *const fam[2] = { "IPv4", "IPv6" };
	const int8_t sees[2] = { p->v4 ? in->nf4 : 0, p->v6 ? in->nf6 : 0 };
	const bool flt[2] = { in->flt4, in->flt6 };
	const char *const why[2] = { in->flt_why4, in->flt_why6 };
	size_t n = 0;

	for (int k = 0; k < 2; k++) {
		uint8_t bit = k ? TNA_NF_ROUTED_V6 : TNA_NF_ROUTED_V4;
		const char *w;

		if (!sees[k])
			continue;
		if (sees[k] > 0 && flt[k] && !in->no_filter) {
			p->nf_filter |= bit;
			w = "compiled: filter, conntrack and NAT modules";
		} else {
			p->nf_routed |= bit;
			w = sees[k] < 0 ? "the netfilter configuration could not be read" :
			    in->no_filter ? "--no-filter" : why[k][0] ? why[k] : "not compiled";
		}
		if (n < sizeof(p->filter_reason))
			n += snprintf(p->filter_reason + n, sizeof(p->filter_reason) - n, "%s%s %s%.170s",
				      n ? "; " : "", fam[k], p->nf_filter & bit ? "" : "to Linux: ", w);
	}
	if (p->nf_filter) {
		p->n_flt_notes = in->n_flt_notes;
		memcpy(p->flt_notes, in->flt_notes, sizeof(p->flt_notes[0]) * (size_t)in->n_flt_notes);
	}
}

static bool candidate_kind(const char *kind)
{
	return !kind[0] || !strcmp(kind, "veth");
}

/* The ports of bridge B (routed through B's MAC), after B in the plan. */
static void add_ports(const struct tna_router_in *in, const struct tna_router_if_in *b,
		      struct tna_router_plan *p)
{
	for (int i = 0; i < in->n_ifs && p->n_ifs < TNA_RPLAN_MAX_IFS; i++) {
		const struct tna_router_if_in *f = &in->ifs[i];
		struct tna_router_if_plan *o;

		if (!f->is_port || f->master != b->ifindex)
			continue;
		o = &p->ifs[p->n_ifs++];
		o->ifindex = f->ifindex;
		snprintf(o->name, sizeof(o->name), "%s", f->name);
		o->brport = true;
		o->l3_ifindex = b->ifindex;
		memcpy(o->mac, b->mac, 6);
		o->rif_flags = TNA_RIF_F_ROUTE | TNA_RIF_F_BRPORT |
			       (b->rp_filter ? TNA_RIF_F_RP_FILTER : 0) |
			       (b->no_ipv6 ? TNA_RIF_F_NO_IPV6 : 0);
		snprintf(o->reason, sizeof(o->reason), "port of %s: frames to %s's MAC are routed",
			 b->name, b->name);
	}
}

int tna_router_plan(const struct tna_router_in *in, struct tna_router_plan *p)
{
	int cand4 = 0, cand6 = 0;

	if (!in || !p || in->n_ifs < 0 || in->n_ifs > TNA_RPLAN_MAX_IFS)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < in->n_ifs; i++) {
		const struct tna_router_if_in *f = &in->ifs[i];

		if (f->loopback || !f->up || f->is_port)
			continue;
		if (!f->is_bridge && !candidate_kind(f->kind))
			continue;
		cand4 += f->n_addr4 > 0;
		cand6 += f->n_addr6 > 0;
	}
	p->v4 = in->ip_forward == 1 && (cand4 >= 2 || (cand4 && in->gw_route4));
	p->v6 = in->ip6_forwarding == 1 && (cand6 >= 2 || (cand6 && in->gw_route6));
	p->rules_default = in->rules4_default && in->rules6_default;
	p->fib_direct4 = false;
	if (!p->v4 && !p->v6) {
		snprintf(p->reason, sizeof(p->reason), "nothing to route: %s",
			 in->ip_forward != 1 && in->ip6_forwarding != 1 ?
			 "forwarding is off (net.ipv4.ip_forward, net.ipv6.conf.all.forwarding)" :
			 "fewer than two interfaces with addresses of a forwarding family");
		return 0;
	}
	plan_netfilter(in, p);
	p->xfrm_routed = (p->v4 && in->xfrm4 ? TNA_NF_ROUTED_V4 : 0) |
			 (p->v6 && in->xfrm6 ? TNA_NF_ROUTED_V6 : 0);
	if (p->v6 && in->rules6_default && !in->local6_unlisted) {
		p->fib_direct6 = true;
		p->n_local6 = in->n_local6;
		memcpy(p->local6, in->local6, sizeof(p->local6[0]) * (size_t)in->n_local6);
	}
	if (p->v4) {
		p->src_fib_check = in->src_fib_check;
		p->n_martian4 = in->n_martian4;
		memcpy(p->martian4, in->martian4, sizeof(p->martian4[0]) * (size_t)in->n_martian4);
	}
	p->fpms = TNA_FPM_PARSE_ETH | TNA_FPM_STATS | TNA_FPM_ROUTE |
		  (p->v4 ? TNA_FPM_IPV4 : 0) | (p->v6 ? TNA_FPM_IPV6 : 0) |
		  (p->nf_filter ? TNA_FPM_FILTER | TNA_FPM_CT | TNA_FPM_NAT : 0);

	for (int i = 0; i < in->n_ifs; i++) {
		const struct tna_router_if_in *f = &in->ifs[i];
		struct tna_router_if_plan *o;
		bool has = (p->v4 && f->n_addr4) || (p->v6 && f->n_addr6);

		if (f->loopback || f->is_port || !has)
			continue;
		if (p->n_ifs >= TNA_RPLAN_MAX_IFS)
			break;
		o = &p->ifs[p->n_ifs++];
		o->ifindex = f->ifindex;
		o->l3_ifindex = f->ifindex;
		memcpy(o->mac, f->mac, 6);
		snprintf(o->name, sizeof(o->name), "%s", f->name);
		if (f->is_bridge && (f->graph_reason[0] || f->egress_linux)) {
			/* tc on the bridge device sees what is routed out of it */
			snprintf(o->reason, sizeof(o->reason),
				 "bridge with an address, routing through it stays on Linux: %.140s",
				 f->graph_reason[0] ? f->graph_reason :
				 "tc-egress: a qdisc or egress filters on the bridge device");
		} else if (f->is_bridge) {
			o->bridge = true;
			o->rif_flags = TNA_RIF_F_BRIDGE;
			add_ports(in, f, p);
			snprintf(o->reason, sizeof(o->reason),
				 "bridge with an address: composed with its bridge plan");
		} else if (!candidate_kind(f->kind)) {
			snprintf(o->reason, sizeof(o->reason),
				 "%s device: routes out of it stay on Linux (egress_no_xmit)", f->kind);
		} else if (!f->up) {
			snprintf(o->reason, sizeof(o->reason), "down");
		} else if (f->graph_reason[0]) {
			snprintf(o->reason, sizeof(o->reason), "not accelerated: %.160s",
				 f->graph_reason);
		} else {
			o->routed = true;
			o->rif_flags = TNA_RIF_F_ROUTE | (f->rp_filter ? TNA_RIF_F_RP_FILTER : 0) |
				       (f->no_ipv6 ? TNA_RIF_F_NO_IPV6 : 0);
			o->egress_linux = f->egress_linux;
			snprintf(o->reason, sizeof(o->reason), "routed port%s%s%s",
				 f->rp_filter ? "; rp_filter on: its routed IPv4 stays on Linux" : "",
				 f->no_ipv6 ? "; disable_ipv6: its IPv6 goes to Linux" : "",
				 f->egress_linux ? "; tc-egress: routed out of it through Linux" : "");
		}
	}
	p->ok = true;
	snprintf(p->reason, sizeof(p->reason), "route %s%s%s%s%s%s%.150s%s", p->v4 ? "IPv4" : "",
		 p->v4 && p->v6 ? "+" : "", p->v6 ? "IPv6" : "",
		 p->nf_filter ? "; netfilter sees routed traffic, compiled for " : "",
		 p->nf_filter ? fam_name(p->nf_filter) : "",
		 p->nf_routed ? "; netfilter sees routed traffic, it stays on Linux: " : "",
		 p->nf_routed ? in->nf_why : "",
		 p->xfrm_routed ? "; IPsec (xfrm) policies or SAs: that traffic stays on Linux" : "");
	return 0;
}

static const struct tna_router_if_in *if_in(const struct tna_router_in *in, int ifindex)
{
	for (int i = 0; i < in->n_ifs; i++)
		if (in->ifs[i].ifindex == ifindex)
			return &in->ifs[i];
	return NULL;
}

void tna_router_plan_target(const struct tna_router_in *in, enum tna_target want,
			    struct tna_router_plan *p)
{
	const struct tna_router_if_in *weak = NULL;
	const char *tso = NULL;
	bool bridge = false;
	int left = 0;
	size_t n;

	if (!p->ok)
		return;
	for (int i = 0; i < p->n_ifs; i++) {
		struct tna_router_if_plan *o = &p->ifs[i];
		const struct tna_router_if_in *f = if_in(in, o->ifindex);

		bridge |= o->bridge;
		if (!f || !o->routed)
			continue;
		o->peer = f->peer;
		o->redirect_to = f->redirect_to;
		if (want == TNA_PLAN_AUTO && f->peer.known && f->peer.tso) {
			o->routed = false;
			o->rif_flags = 0;
			snprintf(o->reason, sizeof(o->reason),
				 "auto: no program: its veth peer sends TSO superpackets, bulk TCP is "
				 "faster through Linux");
			tso = tso ? tso : o->name;
			continue;
		}
		left++;
		if (!weak && (f->best < TNA_TARGET_NATIVE || !f->redirect_to))
			weak = f;
	}
	if (want == TNA_PLAN_AUTO) {
		uint8_t all = (p->v4 ? TNA_NF_ROUTED_V4 : 0) | (p->v6 ? TNA_NF_ROUTED_V6 : 0);

		n = strlen(p->reason);
		if (p->nf_routed == all) {
			p->ok = false;
			snprintf(p->reason + n, sizeof(p->reason) - n,
				 "; auto: every routed packet would go to Linux, so no program");
			return;
		}
		if (left < 2 && !bridge) {
			p->ok = false;
			snprintf(p->reason + n, sizeof(p->reason) - n,
				 "; auto: %d routed port(s) left for XDP, need 2%s%s%s", left,
				 tso ? " (" : "", tso ? tso : "",
				 tso ? " and others: their veth peers send TSO superpackets)" : "");
			return;
		}
	}
	if (want == TNA_TARGET_GENERIC || want == TNA_TARGET_NATIVE) {
		p->target = want;
		snprintf(p->target_reason, sizeof(p->target_reason), "--target %s",
			 tna_target_name(want));
	} else if (weak) {
		p->target = TNA_TARGET_GENERIC;
		snprintf(p->target_reason, sizeof(p->target_reason),
			 "auto: generic because %s %s", weak->name,
			 weak->best < TNA_TARGET_NATIVE ? "has no native XDP" :
			 "cannot be a native redirect egress (no ndo-xmit: a veth gets it while "
			 "its peer has an XDP program or GRO on)");
	} else {
		p->target = TNA_TARGET_NATIVE;	/* offload cannot redirect */
		snprintf(p->target_reason, sizeof(p->target_reason),
			 "auto: every routed port is native capable and a redirect egress");
	}
	for (int i = 0; i < p->n_ifs; i++) {
		struct tna_router_if_plan *o = &p->ifs[i];

		if (o->routed && p->target == TNA_TARGET_NATIVE &&
		    (!o->peer.known ? !strcmp(if_in(in, o->ifindex)->kind, "veth") : o->peer.tx_csum))
			o->csum = TNA_PLAN_CSUM_FIX;
	}
}

void tna_router_plan_print(const struct tna_router_plan *p, FILE *f)
{
	fprintf(f, "router: %s\n", p->reason);
	if (!p->ok)
		return;
	if (p->target)
		fprintf(f, "  target: %s (%s)\n", tna_target_name(p->target), p->target_reason);
	fprintf(f, "  nf_filter %s, nf_routed %s, xfrm_routed %s, fib lookups IPv4 %s, "
		"IPv6 %s, rules %s\n",
		fam_name(p->nf_filter), fam_name(p->nf_routed), fam_name(p->xfrm_routed),
		p->fib_direct4 ? "DIRECT" : "through the rules",
		p->fib_direct6 ? "DIRECT" : "through the rules",
		p->rules_default ? "default" : "custom");
	if (p->filter_reason[0])
		fprintf(f, "  netfilter: %s\n", p->filter_reason);
	for (int i = 0; i < p->n_flt_notes; i++)
		fprintf(f, "    to Linux where reached: %s\n", p->flt_notes[i]);
	if (p->v4)
		fprintf(f, "  martian IPv4 sources: %d listed (own addresses, broadcasts)%s\n",
			p->n_martian4, p->src_fib_check ? ", every source looked up" : "");
	if (p->fib_direct6)
		fprintf(f, "  IPv6 local table: %d destinations listed (to Linux)\n", p->n_local6);
	for (int i = 0; i < p->n_ifs; i++)
		fprintf(f, "  %-15s %s%s%s\n", p->ifs[i].name, p->ifs[i].reason,
			p->ifs[i].csum ? "; partial checksums from its veth peer: " : "",
			p->ifs[i].csum ? tna_plan_csum_name(p->ifs[i].csum) : "");
}
