/* csum: complete the checksums a native redirect would leave unfinished.
 *
 * A local TCP/UDP stack behind a veth whose tx checksumming is on (the
 * default) sends CHECKSUM_PARTIAL skbs: the L4 checksum field holds only
 * the pseudo-header sum, and the skb says where the real checksum goes.
 * Native XDP on the other end turns the skb into an xdp_buff; a redirected
 * frame loses that state and the receiver sees a wrong checksum.  Generic
 * XDP keeps the skb, so only native ports whose peer offloads checksums
 * need this module (TNA_PORT_CSUM_* in the port table, set by targets/).
 *
 * There is no per-frame "partial" bit in XDP, so the frame decides: for
 * TCP and UDP over IPv4 / IPv6 (no extension headers) a checksum field
 * equal to the folded pseudo-header sum is taken as partial and completed
 * (the ones-complement sum over the L4 bytes, the field included, then
 * complemented; UDP 0 becomes 0xffff).  A complete frame whose real
 * checksum happens to equal its pseudo sum gets the same value back, so
 * valid frames never change.  What this cannot tell apart: a corrupted
 * frame whose field equals its pseudo sum is "repaired" where Linux would
 * have forwarded it broken.  Everything whose checksum state cannot be
 * known goes to Linux (csum_partial): other ethertypes (VLAN, MPLS, ...),
 * other L4 protocols (an inner header of a tunnel may be the partial one),
 * IPv6 extension headers, UDP without a checksum (a tunnel's outer header
 * over a partial inner one) and UDP whose full checksum does not verify
 * (a tunnel's outer checksum computed for the inner one completed: local
 * checksum offload); a complete UDP checksum is verified only when the
 * datagram is long enough to carry an inner packet (CSUM_INNER_MIN).  ARP, ICMP/ICMPv6 and IP fragments are always
 * complete (the stack fills them in software) and pass through.
 *
 * Called after the redirect was set up and nothing else can send the
 * frame to Linux: the checksum is written only when the frame leaves by
 * XDP (a frame handed to Linux must keep its partial field). */
#ifndef TNA_FPM_CSUM_H
#define TNA_FPM_CSUM_H
#include "bpf/fpm/common.h"
#include "bpf/fpm/stats.h"
#include "bpf/fpm/ct_csum.h"	/* csum_add32, csum_fold16, the pseudo sums, tna_l4_sum */

#ifndef ETH_P_IP
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#endif
#define ETH_P_ARP_	0x0806

/* The smallest UDP payload that can carry a packet with a checksum of its
 * own (an IPv4 header and a UDP header: FOU): shorter datagrams hide no
 * inner partial checksum, and their complete checksum needs no check. */
#define CSUM_INNER_MIN	28

/* Where a frame's L4 checksum is and what its pseudo-header sums to. */
struct csum_l4 {
	__u32 off;		/* of the L4 header in the frame */
	__u32 len;		/* L4 bytes (header + payload) */
	__u32 pseudo;		/* folded pseudo-header sum */
	__u16 field;		/* the checksum field as it is */
	__u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
};

/* TNA_GO: nothing to do (always complete); 1: TCP/UDP, L filled in;
 * a reason: cannot be known, Linux must take it. */
static __always_inline int csum_find(struct xdp_md *ctx, struct csum_l4 *l)
{
	void *data, *data_end;

	/* a compiler barrier: else clang may turn the two ctx loads into
	 * one from a computed ctx + offset, which the verifier refuses */
	asm volatile("" : "+r"(ctx));
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u16 *field;
	__u8 *l4;
	__u32 s;

	if ((void *)(eth + 1) > data_end)
		return TNA_REASON_MALFORMED;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		__u32 ihl, tot;

		/* a stack that leaves a checksum partial builds well-formed
		 * headers: anything else goes on as it is, as Linux would */
		if ((void *)(ip + 1) > data_end)
			return TNA_GO;
		ihl = (ip->ihl & 0xf) * 4;
		tot = bpf_ntohs(ip->tot_len);
		if (ip->version != 4 || ihl < sizeof(*ip) || tot <= ihl)
			return TNA_GO;
		if (ip->frag_off & bpf_htons(0x3fff))	/* MF or an offset */
			return TNA_GO;	/* fragmented after the checksum was filled in */
		if (ip->protocol == 1)			/* ICMP: filled in software */
			return TNA_GO;
		if (ip->protocol != 6 && ip->protocol != 17)
			return TNA_REASON_CSUM_PARTIAL;
		l4 = (__u8 *)ip + ihl;
		l->off = sizeof(*eth) + ihl;
		l->len = tot - ihl;
		l->proto = ip->protocol;
		s = ct_pseudo4(ip->saddr, ip->daddr, l->proto, l->len);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end || ip6->version != 6)
			return TNA_GO;
		if (ip6->nexthdr == 58)			/* ICMPv6 */
			return TNA_GO;
		if (ip6->nexthdr != 6 && ip6->nexthdr != 17)
			return TNA_REASON_CSUM_PARTIAL;	/* extension headers too */
		l4 = (__u8 *)(ip6 + 1);
		l->off = sizeof(*eth) + sizeof(*ip6);
		l->len = bpf_ntohs(ip6->payload_len);
		l->proto = ip6->nexthdr;
		s = ct_pseudo6((__be32 *)&ip6->saddr, (__be32 *)&ip6->daddr, l->proto, l->len);
	} else if (eth->h_proto == bpf_htons(ETH_P_ARP_)) {
		return TNA_GO;
	} else {
		return TNA_REASON_CSUM_PARTIAL;	/* what is inside is unknown */
	}
	field = (__u16 *)(l4 + (l->proto == 6 ? 16 : 6));
	if ((void *)(field + 1) > data_end)
		return TNA_REASON_CSUM_PARTIAL;
	l->field = *field;
	l->pseudo = csum_fold16(s);
	return 1;
}

/* Complete or verify, as a function of its own (global: verified once,
 * and clang keeps its ctx loads apart).  The L4 segment is LEN bytes at
 * offset OFF of the frame, PSEUDO its folded pseudo-header sum, PROTO TCP
 * or UDP.  A field equal to PSEUDO is completed (returns 1); else, for
 * UDP, the checksum must verify (returns 0).  A reason for Linux
 * otherwise. */
__noinline int tna_csum_complete(struct xdp_md *ctx, __u32 off, __u32 len, __u32 pseudo,
				 __u32 proto)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u16 *field = data + (off & 0xff) + (proto == 6 ? 16 : 6);
	__u32 c;
	int sum;

	if ((void *)(field + 1) > data_end)
		return TNA_REASON_CSUM_PARTIAL;
	if (*field != pseudo)			/* UDP, complete: must verify */
		return tna_l4_sum(ctx, off, len, pseudo) == 0xffff ? 0 :
		       TNA_REASON_CSUM_PARTIAL;
	sum = tna_l4_sum(ctx, off, len, 0);	/* the field holds the pseudo sum */
	if (sum < 0)
		return TNA_REASON_CSUM_PARTIAL;	/* not all in the frame (multi-buffer) */
	c = ~sum & 0xffff;
	if (proto == 17 && c == 0)
		c = 0xffff;			/* CSUM_MANGLED_0 */
	*field = c;
	return 1;
}

/* What to do with a TCP/UDP segment L of a frame from a port that may
 * send partial checksums: TNA_GO (left as it is, or completed), or the
 * reason for Linux.  What needs no sum is decided here, inline (the
 * common complete TCP frame costs a compare). */
static __always_inline int csum_decide(struct tna_pkt *p, const struct csum_l4 *l)
{
	int r;

	if (p->in->csum != TNA_PORT_CSUM_FIX)	/* asked to leave them to Linux */
		return TNA_REASON_CSUM_PARTIAL;
	if (l->proto == 17 && l->field == 0)	/* no checksum: maybe a tunnel's */
		return TNA_REASON_CSUM_PARTIAL;
	if (l->field != l->pseudo && (l->proto == 6 || l->len < 8 + CSUM_INNER_MIN))
		return TNA_GO;			/* complete; Linux would not look either */
	r = tna_csum_complete(p->ctx, l->off, l->len, l->pseudo, l->proto);
	if (r == 1)
		stats_csum_completed(p);
	return r <= 1 ? TNA_GO : r;
}

static __always_inline bool csum_port_complete(struct tna_pkt *p)
{
	return !fpm_on(TNA_FPM_CSUM) || p->in->csum == TNA_PORT_CSUM_COMPLETE;
}

/* The module: TNA_GO when the frame may leave as it is or was completed,
 * else the reason for Linux. */
static __always_inline int fpm_csum(struct tna_pkt *p)
{
	struct csum_l4 l = {};
	int r;

	if (csum_port_complete(p))
		return TNA_GO;
	r = csum_find(p->ctx, &l);
	if (r != 1)
		return r;
	return csum_decide(p, &l);
}

/* The same for a routed frame, from its IP header as l3_classify checked
 * it (IPv4: version 4, no options, not a fragment; IPv6: version 6, no
 * hop-by-hop or fragment header), not from a second parse: the
 * decisions of csum_find for such a header.  IPH is after Ethernet, in
 * the frame, checked to be there. */
static __always_inline int fpm_csum_ip(struct tna_pkt *p, void *iph, const bool v6)
{
	void *data_end = (void *)(long)p->ctx->data_end;
	struct csum_l4 l;
	__u16 *field;
	__u32 s;

	if (csum_port_complete(p))
		return TNA_GO;
	if (v6) {
		struct ipv6hdr *ip6 = iph;

		l.proto = ip6->nexthdr;
		if (l.proto == 58)			/* ICMPv6 */
			return TNA_GO;
		l.off = sizeof(struct ethhdr) + sizeof(*ip6);
		l.len = bpf_ntohs(ip6->payload_len);
	} else {
		struct iphdr *ip = iph;
		__u32 tot = bpf_ntohs(ip->tot_len);

		l.proto = ip->protocol;
		if (tot <= sizeof(*ip) || l.proto == 1)	/* no L4 bytes; ICMP */
			return TNA_GO;
		l.off = sizeof(struct ethhdr) + sizeof(*ip);
		l.len = tot - sizeof(*ip);
	}
	if (l.proto != 6 && l.proto != 17)
		return TNA_REASON_CSUM_PARTIAL;		/* IPv6: extension headers too */
	field = iph + (v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr)) + (l.proto == 6 ? 16 : 6);
	if ((void *)(field + 1) > data_end)
		return TNA_REASON_CSUM_PARTIAL;
	l.field = *field;
	if (v6) {
		const __be32 *a = (const __be32 *)&((struct ipv6hdr *)iph)->saddr;

		/* ct_pseudo6 as 64-bit adds (a chain of csum_add32 is a
		 * compare per word); a, a + 4 are the source and destination */
		s = csum_fold64((__u64)a[0] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7] +
				bpf_htonl(l.len) + bpf_htonl(l.proto));
	}
	else
		s = ct_pseudo4(((struct iphdr *)iph)->saddr, ((struct iphdr *)iph)->daddr,
			       l.proto, l.len);
	l.pseudo = csum_fold16(s);
	return csum_decide(p, &l);
}

/* fpm_csum for a bridged frame after br_netfilter's checks (fpm/brnf.h,
 * the bridge's own entry): an IPv4 frame they let through has version 4,
 * no options and its length checked (the frame trimmed to it), so
 * csum_find's decisions follow from its header as fpm_csum_ip takes them,
 * fragments left as they are (csum_find's answer): one parse of the IPv4
 * header for both modules.  Anything else: fpm_csum. */
static __always_inline int fpm_csum_brnf(struct tna_pkt *p)
{
	void *data_end = (void *)(long)p->ctx->data_end;
	struct iphdr *ip = NULL;

	if (csum_port_complete(p))
		return TNA_GO;
	if (fpm_on(TNA_FPM_BRNF_IPV4) && p->eth && p->eth->h_proto == bpf_htons(ETH_P_IP) &&
	    (void *)(p->eth + 1) + sizeof(*ip) <= data_end)	/* brnf_ipv4 checked it */
		ip = (void *)(p->eth + 1);
	if (!ip)
		return fpm_csum(p);
	if (ip->frag_off & bpf_htons(0x3fff))	/* MF or an offset */
		return TNA_GO;
	return fpm_csum_ip(p, ip, false);
}

#endif /* TNA_FPM_CSUM_H */
