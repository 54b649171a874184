/* filter_path: the netfilter hooks along a routed packet's path, as the
 * router pipeline calls them.
 *
 *   fpm_nf_pre4/6   after l3_classify: the transport header, prerouting
 *                   chains before conntrack, conntrack (bpf/fpm/ct.h),
 *                   prerouting chains before and after destination NAT
 *   (FIB lookup of the translated packet, egress)
 *   fpm_nf_post     forward chains, postrouting chains before and after
 *                   source NAT
 *   (fpm_nat_dst, route_fwd, fpm_nat_src: bpf/fpm/nat.h)
 *
 * Each returns TNA_GO, TNA_NF_DROP or a reason for Linux.  Nothing here
 * writes the packet.  With TNA_FPM_FILTER off they return TNA_GO and the
 * verifier removes the rest. */
#ifndef TNA_FPM_FILTER_PATH_H
#define TNA_FPM_FILTER_PATH_H
#include "bpf/fpm/filter.h"
#include "bpf/fpm/ct.h"

#define NF_SEG(nf, s)							\
	do {								\
		int rs_ = flt_segment(nf, s);				\
		if (rs_ != TNA_GO)					\
			return rs_;					\
	} while (0)

/* How much transport header the terms and conntrack read. */
static __always_inline __u32 nf_l4_need(__u8 proto)
{
	return proto == IPPROTO_TCP ? 20 : proto == IPPROTO_UDP || proto == IPPROTO_ICMP ||
	       proto == 58 /* ICMPv6 */ ? 8 : 4;
}

/* The transport part of the fields, then prerouting up to the route. */
static __always_inline int nf_pre(struct tna_pkt *p, struct tna_nf *nf, struct tna_flt_pkt *f,
				  void *l4, __u32 plen, __u32 pseudo)
{
	void *data_end = (void *)(long)p->ctx->data_end;
	__u32 need = nf_l4_need(nf->l4proto);
	__u8 *t = l4;

	/* what the terms may read (the compiler keeps them within `need`) */
	if (plen < need)
		return TNA_REASON_NF_L4;
	__builtin_memset(f->th, 0, sizeof(f->th));
	if ((void *)(t + 20) <= data_end) {
		__builtin_memcpy(f->th, t, 20);
	} else if ((void *)(t + 8) <= data_end) {
		__builtin_memcpy(f->th, t, 8);
		if (need > 8)
			return TNA_REASON_NF_L4;
	} else if ((void *)(t + 4) <= data_end && need <= 4) {
		__builtin_memcpy(f->th, t, 4);
	} else {
		return TNA_REASON_NF_L4;
	}
	f->l4proto = nf->l4proto;
	f->ct_state = f->ct_status = f->ct_mark = 0;
	f->ct_dir = 0;
	nf->dnat = nf->snat = 0;
	NF_SEG(nf, TNA_FLT_PRE_RAW);
	if (nf->flags & TNA_FLT_F_CT) {
		int reason;

		if (!fpm_on(TNA_FPM_CT))
			return TNA_REASON_NF_HOOK;
		reason = fpm_ct(p, nf, f, l4, plen, pseudo);
		if (reason != TNA_GO)
			return reason;
	}
	NF_SEG(nf, TNA_FLT_PRE);
	if (nf->dnat) {
		__builtin_memcpy(f->daddr, nf->ndaddr, 16);
		*(__be16 *)&f->th[2] = nf->ndport;
	}
	NF_SEG(nf, TNA_FLT_PRE_NAT);
	return TNA_GO;
}

/* A routed packet's program and the head of its fields. */
static __always_inline int nf_routed_begin(struct tna_l3 *r, struct tna_nf *nf, __u8 fam,
					   struct flt_scratch **sp)
{
	struct flt_scratch *s;
	int reason;

	nf->dnat = nf->snat = 0;
	s = flt_scratch();
	if (!s)
		return TNA_REASON_NF_BUDGET;
	reason = flt_begin(nf, &s->pkt, fam, r->rif->l3_ifindex);
	if (reason != TNA_GO)
		return reason;
	/* from a bridge port: bridge prerouting/input chains come first */
	if ((nf->flags & TNA_FLT_F_BR_LOCAL) && (r->rif->flags & TNA_RIF_F_BRPORT))
		return TNA_REASON_NF_HOOK;
	*sp = s;
	return TNA_GO;
}

static __always_inline int fpm_nf_pre4(struct tna_pkt *p, struct tna_l3 *r, struct tna_nf *nf)
{
	struct iphdr *iph = r->iph;
	struct flt_scratch *s;
	__u32 plen;
	int reason;

	if (!fpm_on(TNA_FPM_FILTER))
		return TNA_GO;
	reason = nf_routed_begin(r, nf, TNA_FLT_V4, &s);
	if (reason != TNA_GO)
		return reason;
	/* l3_classify checked the header: 20 bytes, length within the frame */
	plen = bpf_ntohs(iph->tot_len) - sizeof(*iph);
	nf->l4proto = iph->protocol;
	__builtin_memset(s->pkt.saddr, 0, 32);
	*(__be32 *)s->pkt.saddr = iph->saddr;
	*(__be32 *)s->pkt.daddr = iph->daddr;
	return nf_pre(p, nf, &s->pkt, iph + 1, plen,
		      ct_pseudo4(iph->saddr, iph->daddr, iph->protocol, plen));
}

/* IPv6 extension headers hide the transport protocol (nft's l4proto
 * skips them): those packets go to Linux. */
static __always_inline bool ip6_ext_hdr(__u8 nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 59 || nh == 60;
}

static __always_inline int fpm_nf_pre6(struct tna_pkt *p, struct tna_l3 *r, struct tna_nf *nf)
{
	struct ipv6hdr *ip6h = r->iph;
	struct flt_scratch *s;
	__u32 plen;
	int reason;

	if (!fpm_on(TNA_FPM_FILTER))
		return TNA_GO;
	reason = nf_routed_begin(r, nf, TNA_FLT_V6, &s);
	if (reason != TNA_GO)
		return reason;
	if (ip6_ext_hdr(ip6h->nexthdr))
		return TNA_REASON_NF_L4;
	plen = bpf_ntohs(ip6h->payload_len);
	nf->l4proto = ip6h->nexthdr;
	__builtin_memcpy(s->pkt.saddr, &ip6h->saddr, 16);
	__builtin_memcpy(s->pkt.daddr, &ip6h->daddr, 16);
	return nf_pre(p, nf, &s->pkt, ip6h + 1, plen,
		      ct_pseudo6((__be32 *)&ip6h->saddr, (__be32 *)&ip6h->daddr,
				 ip6h->nexthdr, plen));
}

/* The route is known: forward and postrouting chains. */
static __always_inline int fpm_nf_post(struct tna_pkt *p, struct tna_l3 *r, struct tna_nf *nf)
{
	struct flt_scratch *s;

	if (!fpm_on(TNA_FPM_FILTER))
		return TNA_GO;
	s = flt_scratch();
	if (!s)
		return TNA_REASON_NF_BUDGET;
	if (nf->flags & TNA_FLT_F_BR_OUT) {	/* routed into a bridge: its output chains */
		__u32 egress = r->fib.ifindex;
		struct tna_rif *erif = bpf_map_lookup_elem(&tna_rif, &egress);

		if (erif && (erif->flags & TNA_RIF_F_BRIDGE))
			return TNA_REASON_NF_HOOK;
	}
	flt_set_oif(nf, &s->pkt, r->fib.ifindex);
	NF_SEG(nf, TNA_FLT_FWD);
	NF_SEG(nf, TNA_FLT_POST);
	if (nf->snat) {
		__builtin_memcpy(s->pkt.saddr, nf->nsaddr, 16);
		*(__be16 *)&s->pkt.th[0] = nf->nsport;
	}
	NF_SEG(nf, TNA_FLT_POST_NAT);
	return TNA_GO;
}

/* ---- bridged frames: bridge-family chains (no conntrack here) ---- */

#define ETH_P_8021Q_	0x8100
#define ETH_P_8021AD_	0x88A8

/* The IP part of a bridged frame's fields, for an IP header the kernel
 * would validate (nft_set_pktinfo_ipv4/6_validate) without options,
 * fragments or extension headers: anything else goes to Linux when a
 * bridge program exists. */
static __always_inline int nf_br_ip(struct tna_pkt *p, struct tna_flt_pkt *f, __u16 proto)
{
	void *data_end = (void *)(long)p->ctx->data_end;
	void *l3 = p->eth + 1;
	__u32 plen, need;
	__u8 *t, l4;

	if (proto == ETH_P_IP) {
		struct iphdr *iph = l3;

		if ((void *)(iph + 1) > data_end || iph->version != 4 || iph->ihl != 5)
			return TNA_REASON_NF_L4;
		if (iph->frag_off & bpf_htons(0x3fff) ||
		    bpf_ntohs(iph->tot_len) < sizeof(*iph) ||
		    bpf_ntohs(iph->tot_len) > data_end - l3)
			return TNA_REASON_NF_L4;
		plen = bpf_ntohs(iph->tot_len) - sizeof(*iph);
		l4 = iph->protocol;
		*(__be32 *)f->saddr = iph->saddr;
		*(__be32 *)f->daddr = iph->daddr;
		t = (void *)(iph + 1);
	} else {
		struct ipv6hdr *ip6h = l3;

		if ((void *)(ip6h + 1) > data_end || ip6h->version != 6 ||
		    ip6_ext_hdr(ip6h->nexthdr) ||
		    sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len) > data_end - l3)
			return TNA_REASON_NF_L4;
		plen = bpf_ntohs(ip6h->payload_len);
		l4 = ip6h->nexthdr;
		__builtin_memcpy(f->saddr, &ip6h->saddr, 16);
		__builtin_memcpy(f->daddr, &ip6h->daddr, 16);
		t = (void *)(ip6h + 1);
	}
	need = nf_l4_need(l4);
	if (plen < need)
		return TNA_REASON_NF_L4;
	if ((void *)(t + 20) <= data_end)
		__builtin_memcpy(f->th, t, 20);
	else if ((void *)(t + 8) <= data_end && need <= 8)
		__builtin_memcpy(f->th, t, 8);
	else if ((void *)(t + 4) <= data_end && need <= 4)
		__builtin_memcpy(f->th, t, 4);
	else
		return TNA_REASON_NF_L4;
	f->l4proto = l4;
	return TNA_GO;
}

/* Bridge prerouting: after the bridge's ingress checks. */
static __always_inline int fpm_nf_br_pre(struct tna_pkt *p, struct tna_nf *nf)
{
	struct flt_scratch *s;
	struct tna_flt_pkt *f;
	__u16 proto;
	int reason;

	if (!fpm_on(TNA_FPM_FILTER))
		return TNA_GO;
	s = flt_scratch();
	if (!s)
		return TNA_REASON_NF_BUDGET;
	f = &s->pkt;
	reason = flt_begin(nf, f, TNA_FLT_BR, p->in_ifindex);
	if (reason != TNA_GO)
		return reason;
	if (nf->seg[TNA_FLT_PRE].start == TNA_FLT_END && nf->seg[TNA_FLT_FWD].start == TNA_FLT_END &&
	    nf->seg[TNA_FLT_POST].start == TNA_FLT_END)
		return TNA_GO;		/* no bridge-family chain: nothing to fill */
	proto = bpf_ntohs(p->eth->h_proto);
	if (proto == ETH_P_8021Q_ || proto == ETH_P_8021AD_)
		return TNA_REASON_NF_L4;	/* the kernel sees the tag as metadata */
	__builtin_memcpy(f->ether_daddr, p->eth->h_dest, 6);
	__builtin_memcpy(f->ether_saddr, p->eth->h_source, 6);
	f->ether_type = p->eth->h_proto;
	__builtin_memset(f->saddr, 0, 32);
	__builtin_memset(f->th, 0, sizeof(f->th));
	f->l4proto = 0;
	f->ct_state = f->ct_status = f->ct_mark = 0;
	f->ct_dir = 0;
	if (proto == ETH_P_IP || proto == ETH_P_IPV6) {
		reason = nf_br_ip(p, f, proto);
		if (reason != TNA_GO)
			return reason;
	}
	NF_SEG(nf, TNA_FLT_PRE);
	return TNA_GO;
}

/* Bridge forward and postrouting: the egress port is known. */
static __always_inline int fpm_nf_br_out(struct tna_pkt *p, struct tna_nf *nf)
{
	struct flt_scratch *s;

	if (!fpm_on(TNA_FPM_FILTER))
		return TNA_GO;
	if (nf->seg[TNA_FLT_FWD].start == TNA_FLT_END && nf->seg[TNA_FLT_POST].start == TNA_FLT_END)
		return TNA_GO;
	s = flt_scratch();
	if (!s)
		return TNA_REASON_NF_BUDGET;
	flt_set_oif(nf, &s->pkt, p->out_ifindex);
	NF_SEG(nf, TNA_FLT_FWD);
	NF_SEG(nf, TNA_FLT_POST);
	return TNA_GO;
}

#endif /* TNA_FPM_FILTER_PATH_H */
