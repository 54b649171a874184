/* nat: translate a packet of an established connection as its conntrack
 * entry says (bpf/fpm/ct.h found the manips and the target tuple), in
 * Linux's order: the destination before routing (prerouting, -100), the
 * TTL in forwarding, the source last (postrouting, +100).  Checksums are
 * updated incrementally with the same arithmetic as csum_replace4 /
 * inet_proto_csum_replace4 (nf_nat_proto.c), so the bytes that leave are
 * the bytes Linux would send; a UDP checksum of 0 stays 0 and a result
 * of 0 becomes 0xffff (CSUM_MANGLED_0).
 *
 * Nothing is written before the redirect is known to succeed: a packet
 * that goes to Linux is the packet that arrived. */
#ifndef TNA_FPM_NAT_H
#define TNA_FPM_NAT_H
#include "bpf/fpm/filter.h"
#include "bpf/fpm/fib.h"
#include "bpf/fpm/route_fwd.h"
#include "bpf/fpm/ct_csum.h"

/* csum_replace4: ~fold(~check + ~from + to) in 32-bit ones' complement */
static __always_inline void nat_csum4(__sum16 *check, __u32 from, __u32 to)
{
	__u32 s = csum_add32(~(__u32)*check, ~from);

	*check = ~csum_fold16(csum_add32(s, to));
}

static __always_inline void nat_csum16(__sum16 *check, const __be32 *from, const __be32 *to)
{
	__u32 s = ~(__u32)*check;

	for (int i = 0; i < 4; i++)
		s = csum_add32(csum_add32(s, ~from[i]), to[i]);
	*check = ~csum_fold16(s);
}

/* Whether the packet's destination is translated.  The rodata test
 * first: without the NAT module nf is never written (nor read). */
static __always_inline bool nat_dnat(const struct tna_nf *nf)
{
	return fpm_on(TNA_FPM_NAT) && nf->dnat;
}

/* The route of the translated packet (Linux routes after DNAT). */
static __always_inline int fpm_nat_fib4(struct tna_pkt *p, struct tna_l3 *r, struct tna_nf *nf)
{
	fib4_params(p, r);
	r->fib.ipv4_dst = nf->ndaddr[0];
	r->fib.dport = nf->ndport;
	return fib4_lookup(p, r);
}

static __always_inline int fpm_nat_fib6(struct tna_pkt *p, struct tna_l3 *r, struct tna_nf *nf)
{
	fib6_params(p, r);
	__builtin_memcpy(r->fib.ipv6_dst, nf->ndaddr, 16);
	r->fib.dport = nf->ndport;
	return fib6_lookup(p, r);
}

/* Rewrite one side (SRC or DST) of the packet at r->iph to the target.
 * The transport header follows the IP header directly (the filter path
 * sent options and extension headers to Linux).  0, or -1 when the
 * headers are not where the checks before said (cannot happen). */
static __always_inline int nat_manip(struct tna_pkt *p, struct tna_l3 *r, struct tna_nf *nf,
				     bool src)
{
	void *data_end = (void *)(long)p->ctx->data_end;
	__be32 *addr, *to = src ? nf->nsaddr : nf->ndaddr;
	__be16 *port, newport = src ? nf->nsport : nf->ndport;
	__sum16 *check;
	void *l4;
	bool v4 = nf->fam == TNA_FLT_V4;

	if (v4) {
		struct iphdr *iph = r->iph;

		if ((void *)(iph + 1) > data_end)
			return -1;
		addr = src ? &iph->saddr : &iph->daddr;
		l4 = iph + 1;
	} else {
		struct ipv6hdr *ip6h = r->iph;

		if ((void *)(ip6h + 1) > data_end)
			return -1;
		addr = src ? (__be32 *)&ip6h->saddr : (__be32 *)&ip6h->daddr;
		l4 = ip6h + 1;
	}
	if (nf->l4proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > data_end)
			return -1;
		check = &th->check;
		port = src ? &th->source : &th->dest;
	} else {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end)
			return -1;
		check = &uh->check;
		port = src ? &uh->source : &uh->dest;
	}
	/* transport first (pseudo header, then port), as l4proto_manip_pkt */
	if (nf->l4proto == IPPROTO_TCP || *check) {
		if (v4)
			nat_csum4(check, *addr, to[0]);
		else
			nat_csum16(check, addr, to);
		nat_csum4(check, *port, newport);
		if (nf->l4proto == IPPROTO_UDP && !*check)
			*check = 0xffff;	/* CSUM_MANGLED_0 */
	}
	*port = newport;
	if (v4) {
		nat_csum4(&((struct iphdr *)r->iph)->check, *addr, to[0]);
		*addr = to[0];
	} else {
		__builtin_memcpy(addr, to, 16);
	}
	return 0;
}

/* Before route_fwd: the destination, once the redirect is certain
 * (after fpm_route_redirect). */
static __always_inline int fpm_nat_dst(struct tna_pkt *p, struct tna_l3 *r, struct tna_nf *nf)
{
	if (!nat_dnat(nf))
		return TNA_GO;
	return nat_manip(p, r, nf, false) ? TNA_REASON_IP_MALFORMED : TNA_GO;
}

/* After route_fwd (TTL, MACs): the source.  The headers were checked on
 * this packet before; a failure here cannot happen and would leave a
 * half-written packet, so it is dropped rather than passed. */
static __always_inline int fpm_nat_src(struct tna_pkt *p, struct tna_l3 *r, struct tna_nf *nf)
{
	if (!fpm_on(TNA_FPM_NAT) || !nf->snat)
		return TNA_GO;
	return nat_manip(p, r, nf, true) ? TNA_NF_DROP : TNA_GO;
}

#endif /* TNA_FPM_NAT_H */
