/* rif: which frames the router takes.  A frame is routed when it arrives
 * on a routing port (tna_rif) addressed to that port's layer-3 MAC: the
 * port's own, or the bridge's for a bridge port (Linux sets PACKET_HOST
 * and hands it to IP).  Anything else stays with the bridge modules, or,
 * without a bridge in the pipeline, goes to Linux. */
#ifndef TNA_FPM_RIF_H
#define TNA_FPM_RIF_H
#include "bpf/fpm/common.h"

#define TNA_NOT_ROUTED	(-2)	/* not for the router: next modules decide */

#ifndef ETH_P_IP
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#endif

/* Set by the planner: some netfilter rule (forward, prerouting or
 * postrouting; nft or legacy) could see routed traffic of a family
 * (TNA_NF_ROUTED_V4/V6); parse_ip sends that family to Linux. */
const volatile __u8 tna_nf_routed = 0;
/* The same bits for IPsec: xfrm policies or SAs of that family exist, and
 * the fast path does no IPsec; parse_ip sends that family to Linux. */
const volatile __u8 tna_xfrm_routed = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TNA_MAX_IFINDEX);
	__type(key, __u32);		/* ifindex */
	__type(value, struct tna_rif);
} tna_rif SEC(".maps");

/* What the router modules pass to each other. */
struct tna_l3 {
	struct tna_rif *rif;		/* ingress routing port */
	void *iph;			/* struct iphdr / ipv6hdr, after Ethernet */
	struct bpf_fib_lookup fib;
};

/* two loads a side (x86-64 and arm64 JITs do unaligned loads) */
static __always_inline bool mac_eq(const __u8 *a, const __u8 *b)
{
	return *(const __u32 *)a == *(const __u32 *)b &&
	       *(const __u16 *)(a + 4) == *(const __u16 *)(b + 4);
}

static __always_inline int fpm_l3_ingress(struct tna_pkt *p, struct tna_l3 *r)
{
	__u32 ifx = p->in_ifindex;
	struct tna_rif *rif;

	if (!fpm_has(p, TNA_FPM_ROUTE))
		return TNA_NOT_ROUTED;
	rif = bpf_map_lookup_elem(&tna_rif, &ifx);
	if (!rif || !(rif->flags & TNA_RIF_F_ROUTE) || !mac_eq(rif->mac, p->eth->h_dest)) {
		/* a bridge port (or, with the bridge in the pipeline, a
		 * port not routing): the bridge modules decide */
		if (fpm_on(TNA_FPM_FDB_DST) && (!rif || !rif->l3_ifindex ||
						 (rif->flags & TNA_RIF_F_BRPORT)))
			return TNA_NOT_ROUTED;
		return (p->eth->h_dest[0] & 1) ? TNA_REASON_BCAST_MCAST
					       : TNA_REASON_NOT_FOR_US;
	}
	r->rif = rif;
	return TNA_GO;
}

#endif /* TNA_FPM_RIF_H */
