/* router_path: the routed path after the frame was taken for routing
 * (fpm_l3_ingress): IP checks, netfilter, FIB, egress, rewrite.  Shared
 * by the pipeline entries of bpf/tna_bridge.bpf.c.  FULL (a constant at
 * each call) compiles the netfilter, NAT and hook steps and routes into a
 * bridge in; the router's
 * own entry (tna_router) is loaded only for configurations without them,
 * so its code and registers carry only what a plain router does.
 *
 * Returns TNA_GO (redirect set up, the frame rewritten), TNA_NF_DROP, or
 * the reason that hands the frame to Linux untouched. */
#ifndef TNA_FPM_ROUTER_PATH_H
#define TNA_FPM_ROUTER_PATH_H
#include "bpf/fpm/parse_ip.h"
#include "bpf/fpm/l3_classify.h"
#include "bpf/fpm/fib.h"
#include "bpf/fpm/route_fwd.h"
#include "bpf/fpm/mtu.h"
#include "bpf/fpm/filter_path.h"
#include "bpf/fpm/nat.h"
#include "bpf/fpm/hook.h"

#define RSTEP(call) do { int r_ = (call); if (r_ != TNA_GO) return r_; } while (0)

/* One family (V6 a constant too): the same steps, each in its family's
 * form; IPv4 alone has the source check against the FIB. */
static __always_inline int route_fam(struct tna_pkt *p, struct tna_l3 *r, struct tna_nf *nf,
				     const bool full, const bool v6)
{
	RSTEP(v6 ? fpm_parse_ip6(p, r) : fpm_parse_ip4(p, r));
	RSTEP(v6 ? fpm_l3_classify6(p, r) : fpm_l3_classify4(p, r));
	if (full) {
		RSTEP(v6 ? fpm_nf_pre6(p, r, nf) : fpm_nf_pre4(p, r, nf));
		RSTEP(fpm_hook(p, TNA_HOOK_CLASSIFIED));
	}
	if (full && nat_dnat(nf))
		RSTEP(v6 ? fpm_nat_fib6(p, r, nf) : fpm_nat_fib4(p, r, nf));
	else
		RSTEP(v6 ? fpm_fib6(p, r) : fpm_fib4(p, r));
	if (!v6)
		RSTEP(fpm_src_fib4(p, r));
	RSTEP(fpm_route_egress(p, r, full));
	RSTEP(fpm_egress_mtu(p));
	if (full) {
		RSTEP(fpm_hook(p, TNA_HOOK_EGRESS));
		RSTEP(fpm_nf_post(p, r, nf));
	}
	RSTEP(fpm_route_redirect(p, r, v6));
	if (full)
		RSTEP(fpm_nat_dst(p, r, nf));
	RSTEP(v6 ? fpm_route_fwd6(p, r) : fpm_route_fwd4(p, r));
	return full ? fpm_nat_src(p, r, nf) : TNA_GO;
}

static __always_inline int route_ip(struct tna_pkt *p, struct tna_l3 *r, struct tna_nf *nf,
				    const bool full)
{
	if (fpm_is_ip4(p))
		return route_fam(p, r, nf, full, false);
	if (fpm_is_ip6(p))
		return route_fam(p, r, nf, full, true);
	return TNA_REASON_L3_OTHER;
}

#undef RSTEP
#endif /* TNA_FPM_ROUTER_PATH_H */
