/* parse_ip: the IPv4 or IPv6 header after Ethernet.  Each family is only
 * in the program when the planner enabled it (TNA_FPM_IPV4/IPV6): a
 * family that is not routed here goes to Linux as l3_other, like ARP.
 * The entry program dispatches on the ethertype once and runs the whole
 * chain of one family (the verifier then never mixes the two). */
#ifndef TNA_FPM_PARSE_IP_H
#define TNA_FPM_PARSE_IP_H
#include "bpf/fpm/rif.h"

static __always_inline bool fpm_is_ip4(struct tna_pkt *p)
{
	return fpm_on(TNA_FPM_IPV4) && p->eth->h_proto == bpf_htons(ETH_P_IP);
}

static __always_inline bool fpm_is_ip6(struct tna_pkt *p)
{
	return fpm_on(TNA_FPM_IPV6) && p->eth->h_proto == bpf_htons(ETH_P_IPV6);
}

static __always_inline int parse_l3(struct tna_pkt *p, struct tna_l3 *r, const __u32 hdrlen)
{
	void *data_end = (void *)(long)p->ctx->data_end;
	void *l3 = p->eth + 1;

	if (l3 + hdrlen > data_end)
		return TNA_REASON_IP_MALFORMED;
	r->iph = l3;
	return TNA_GO;
}

/* Netfilter or IPsec may see the family: one test on the forwarded path
 * (the verifier knows both values but keeps their loads) */
static __always_inline int parse_family(const __u8 fam)
{
	if (!((tna_nf_routed | tna_xfrm_routed) & fam))
		return TNA_GO;
	return (tna_nf_routed & fam) ? TNA_REASON_NETFILTER : TNA_REASON_XFRM;
}

static __always_inline int fpm_parse_ip4(struct tna_pkt *p, struct tna_l3 *r)
{
	int reason = parse_family(TNA_NF_ROUTED_V4);

	if (reason != TNA_GO)
		return reason;
	/* rp_filter (IPv4 only) is not emulated */
	if (r->rif->flags & TNA_RIF_F_RP_FILTER)
		return TNA_REASON_RP_FILTER;
	return parse_l3(p, r, sizeof(struct iphdr));
}

static __always_inline int fpm_parse_ip6(struct tna_pkt *p, struct tna_l3 *r)
{
	int reason = parse_family(TNA_NF_ROUTED_V6);

	if (reason != TNA_GO)
		return reason;
	/* ip6_rcv drops what arrives on a device with disable_ipv6 */
	if (r->rif->flags & TNA_RIF_F_NO_IPV6)
		return TNA_REASON_IPV6_DISABLED;
	return parse_l3(p, r, sizeof(struct ipv6hdr));
}

#endif /* TNA_FPM_PARSE_IP_H */
