/* l3_classify: what only Linux does right goes to Linux.  The checks
 * follow ip_rcv_core/ip_route_input_slow/ip_forward and
 * ip6_rcv_core/ip6_forward: a header Linux would drop (bad version,
 * length or checksum), options and hop-by-hop headers (router alert,
 * ...), fragments, martian addresses, and TTL/hop limit <= 1 (ICMP time
 * exceeded).  Nothing here changes the packet: what goes to Linux is
 * what arrived. */
#ifndef TNA_FPM_L3_CLASSIFY_H
#define TNA_FPM_L3_CLASSIFY_H
#include "bpf/fpm/rif.h"

#define IP_MF		0x2000
#define IP_OFFSET	0x1fff

/* Martian IPv4 sources that are not a fixed range: the box's own
 * addresses (fib_validate_source drops those) and the destinations of
 * local, broadcast and anycast /32 routes (a subnet's broadcast address:
 * dropped once the kernel checks sources fully, e.g. after an ip rule was
 * ever added; it never tells).  The controller fills the set
 * (tna_dp__src_martian4_set); a filter of one bit per hash value spares
 * the hash lookup for almost every packet. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TNA_SRC_BITS_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} tna_src_bits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TNA_SRC_MARTIAN_MAX);
	__type(key, __u32);		/* IPv4 address, network order */
	__type(value, __u8);
} tna_src_martian SEC(".maps");

static __always_inline bool src_martian4(__be32 a)
{
	__u32 h = TNA_SRC_HASH(a), w = h >> 6;
	__u64 *bits = bpf_map_lookup_elem(&tna_src_bits, &w);

	if (!bits || !(*bits & (1ull << (h & 63))))
		return false;
	return bpf_map_lookup_elem(&tna_src_martian, &a) != NULL;
}

/* 0/8, 127/8, multicast, reserved and limited broadcast (>= 224/4), by
 * the address's first byte: 0 wraps to 255, so one compare covers 0 and
 * >= 224 */
static __always_inline bool ip4_martian_b(__u8 b)
{
	return (__u8)(b - 1) >= 223 || b == 127;
}

/* ::, ::1, v4-mapped, multicast, link-local: never forwarded as is */
static __always_inline bool ip6_special(const struct in6_addr *a)
{
	__u32 w0 = bpf_ntohl(a->in6_u.u6_addr32[0]);

	if ((w0 >> 24) == 0xff || (w0 & 0xffc00000) == 0xfe800000)
		return true;
	if (w0 == 0 && a->in6_u.u6_addr32[1] == 0 &&
	    (a->in6_u.u6_addr32[2] == 0 || a->in6_u.u6_addr32[2] == bpf_htonl(0xffff)))
		return true;	/* ::/96 (::, ::1, compat) and ::ffff:0:0/96 */
	return false;
}

/* The IP length must fit in the frame (else Linux drops it). */
static __always_inline int l3_len_ok(struct tna_pkt *p, __u32 l3len)
{
	void *data = (void *)(long)p->ctx->data;
	void *data_end = (void *)(long)p->ctx->data_end;

	return l3len <= data_end - data - sizeof(struct ethhdr) ? TNA_GO
								: TNA_REASON_IP_MALFORMED;
}

/* The byte at OFF of a 32-bit word as it lay in memory (any endianness). */
#define W_BYTE(w, off)	(((const __u8 *)&(w))[off])

/* The header read once as its five 32-bit words, every check on them in
 * registers: the order of the checks (and so the reason a frame with
 * several faults gets) is that of ip_rcv_core, then ip_forward. */
static __always_inline int fpm_l3_classify4(struct tna_pkt *p, struct tna_l3 *r)
{
	const __u32 *w = r->iph;
	__u32 w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4];
	__u64 sum;
	__u16 len;

	if (W_BYTE(w0, 0) != 0x45) {	/* version 4, no options: one compare */
		if ((W_BYTE(w0, 0) >> 4) != 4 || (W_BYTE(w0, 0) & 0xf) < 5)
			return TNA_REASON_IP_MALFORMED;
		return TNA_REASON_IP_OPTIONS;
	}
	/* ones' complement sum of the header: at most 35 bits, folded
	 * straight to 16 (nonzero: the first byte is 0x45) */
	sum = (__u64)w0 + w1 + w2 + w3 + w4;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	if (sum != 0xffff)
		return TNA_REASON_IP_MALFORMED;
	/* the words as they lay in memory: tot_len is the low half of
	 * ntohl(w0), the fragment bits a mask of w1 in network order */
	len = bpf_ntohl(w0) & 0xffff;
	if (len < sizeof(struct iphdr))
		return TNA_REASON_IP_MALFORMED;
	if (w1 & bpf_htonl(IP_MF | IP_OFFSET))
		return TNA_REASON_IP_FRAGMENT;
	if (ip4_martian_b(W_BYTE(w3, 0)) || ip4_martian_b(W_BYTE(w4, 0)))
		return TNA_REASON_IP_SPECIAL_ADDR;
	if (src_martian4(w3))
		return TNA_REASON_MARTIAN_SRC;
	if (W_BYTE(w2, 0) <= 1)		/* TTL */
		return TNA_REASON_TTL_EXCEEDED;
	return l3_len_ok(p, len);
}

static __always_inline int fpm_l3_classify6(struct tna_pkt *p, struct tna_l3 *r)
{
	struct ipv6hdr *ip6h = r->iph;

	if (ip6h->version != 6)
		return TNA_REASON_IP_MALFORMED;
	if (ip6h->nexthdr == 0)			/* hop-by-hop options */
		return TNA_REASON_IP_OPTIONS;
	if (ip6h->nexthdr == 44)		/* fragment header */
		return TNA_REASON_IP_FRAGMENT;
	if (ip6_special(&ip6h->saddr) || ip6_special(&ip6h->daddr))
		return TNA_REASON_IP_SPECIAL_ADDR;
	if (ip6h->hop_limit <= 1)
		return TNA_REASON_TTL_EXCEEDED;
	return l3_len_ok(p, sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len));
}

#endif /* TNA_FPM_L3_CLASSIFY_H */
