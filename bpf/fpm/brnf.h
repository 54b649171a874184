/* brnf: what br_netfilter does to bridged IP even when no rule exists.
 *
 * With bridge-nf-call-iptables (or -ip6tables) on, every bridged IPv4/IPv6
 * frame goes through br_validate_ipv4/6 (net/bridge/br_netfilter_*.c), which
 * drops a bad header (version, IHL, checksum, length beyond the frame) and
 * trims link-layer padding past the IP length before forwarding.  The
 * planner enables this module only when the calls are on and no rule can see
 * bridged traffic (with rules, the whole bridge is left to Linux).  Valid
 * frames are forwarded trimmed like Linux would; anything Linux would drop,
 * or that needs more than these checks (IPv4 options, IPv6 hop-by-hop or
 * jumbo), goes to Linux. */
#ifndef TNA_FPM_BRNF_H
#define TNA_FPM_BRNF_H
#include "bpf/fpm/common.h"

#ifndef ETH_P_IP
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#endif

/* Trim the frame to the IP datagram, as pskb_trim_rcsum() does. */
static __always_inline int brnf_trim(struct tna_pkt *p, __u32 ip_len)
{
	void *data = (void *)(long)p->ctx->data;
	void *data_end = (void *)(long)p->ctx->data_end;
	__u32 have = data_end - data - sizeof(struct ethhdr);

	if (have == ip_len)
		return TNA_GO;
	/* adjust_tail invalidates packet pointers: forget, then reload */
	p->eth = NULL;
	if (bpf_xdp_adjust_tail(p->ctx, -(int)(have - ip_len)))
		return TNA_REASON_BRNF_INVALID;
	data = (void *)(long)p->ctx->data;
	data_end = (void *)(long)p->ctx->data_end;
	if (data + sizeof(struct ethhdr) > data_end)
		return TNA_REASON_BRNF_INVALID;
	p->eth = data;
	return TNA_GO;
}

static __always_inline int brnf_ipv4(struct tna_pkt *p)
{
	void *data_end = (void *)(long)p->ctx->data_end;
	struct iphdr *ip = (void *)(p->eth + 1);
	__u32 *w = (__u32 *)ip, len, have;
	__u64 sum = 0;

	__u8 vihl;

	if ((void *)(ip + 1) > data_end)
		return TNA_REASON_BRNF_INVALID;
	/* version and IHL in one load: 0x45 is the common case */
	vihl = *(__u8 *)ip;
	if (vihl != 0x45)
		return (vihl >> 4) != 4 || (vihl & 0xf) < 5 ? TNA_REASON_BRNF_INVALID :
							    TNA_REASON_BRNF_IP_OPTIONS;
	/* the ones-complement sum of the 20 bytes as five 32-bit words
	 * (half the loads of ten 16-bit ones): valid when it is 0xffff,
	 * i.e. when the 35-bit sum is a nonzero multiple of 0xffff.  As
	 * 2^16 and 2^32 are 1 mod 0xffff, its three 16-bit parts added,
	 * then the two halves of that (at most 0x10001), keep that
	 * remainder, and are 0xffff exactly when it is 0 and the sum is
	 * not: two folds where the full fold to 16 bits takes four. */
#pragma unroll
	for (int i = 0; i < 5; i++)
		sum += w[i];
	sum = (sum & 0xffff) + ((sum >> 16) & 0xffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	if (sum != 0xffff)
		return TNA_REASON_BRNF_INVALID;		/* bad header checksum */
	len = bpf_ntohs(ip->tot_len);
	have = data_end - (void *)ip;
	if (len > have || len < 20)
		return TNA_REASON_BRNF_INVALID;
	return brnf_trim(p, len);
}

static __always_inline int brnf_ipv6(struct tna_pkt *p)
{
	void *data_end = (void *)(long)p->ctx->data_end;
	struct ipv6hdr *ip6 = (void *)(p->eth + 1);
	__u32 len, have;

	if ((void *)(ip6 + 1) > data_end)
		return TNA_REASON_BRNF_INVALID;
	if (ip6->version != 6)
		return TNA_REASON_BRNF_INVALID;
	/* jumbograms and hop-by-hop options get Linux's full parser */
	if (!ip6->payload_len || ip6->nexthdr == 0)
		return TNA_REASON_BRNF_IP_OPTIONS;
	len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
	have = data_end - (void *)ip6;
	if (len > have)
		return TNA_REASON_BRNF_INVALID;
	return brnf_trim(p, len);
}

static __always_inline int fpm_brnf(struct tna_pkt *p)
{
	__u64 on = tna_fpms;	/* one rodata load for the three tests */
	__u16 proto;

	if (!(on & (TNA_FPM_BRNF_IPV4 | TNA_FPM_BRNF_IPV6 | TNA_FPM_BRNF_ARP)))
		return TNA_GO;
	proto = bpf_ntohs(p->eth->h_proto);
	if ((on & TNA_FPM_BRNF_IPV4) && proto == ETH_P_IP)
		return brnf_ipv4(p);
	/* bridge-nf-call-arptables: br_nf_forward_arp drops an ARP frame
	 * shorter than struct arphdr (8 bytes); longer ones meet the
	 * arptables FORWARD hook, which without rules accepts. */
	if ((on & TNA_FPM_BRNF_ARP) && proto == 0x0806 &&
	    (void *)(p->eth + 1) + 8 > (void *)(long)p->ctx->data_end)
		return TNA_REASON_BRNF_INVALID;
	if ((on & TNA_FPM_BRNF_IPV6) && proto == ETH_P_IPV6)
		return brnf_ipv6(p);
	return TNA_GO;
}

/* br_nf_dev_queue_xmit: with the calls on, a bridged IPv4/IPv6 datagram
 * longer than the egress device's MTU is fragmented (IPv4 without DF) or
 * dropped (DF, IPv6) by br_netfilter, where a redirect would send it whole
 * (the device takes a few bytes of slack) or lose it: Linux takes it.  The
 * MTU is the device's own, read by bpf_check_mtu for this packet (a change
 * needs no event); no device has an MTU below ETH_MIN_MTU (68), so shorter
 * datagrams skip the helper.  Runs once the egress port is known, after
 * brnf_ipv4/6 trimmed the frame to the datagram. */
#define BRNF_MIN_MTU 68
static __always_inline int fpm_brnf_mtu(struct tna_pkt *p)
{
	__u64 on = tna_fpms;	/* one rodata load for the tests */
	void *data = (void *)(long)p->ctx->data;
	void *data_end = (void *)(long)p->ctx->data_end;
	__u32 len = data_end - data - sizeof(struct ethhdr), mtu_len, ifx;
	__be16 proto;

	if (!(on & (TNA_FPM_BRNF_IPV4 | TNA_FPM_BRNF_IPV6)) || len <= BRNF_MIN_MTU || !p->eth)
		return TNA_GO;
	proto = p->eth->h_proto;
	if (!((on & TNA_FPM_BRNF_IPV4) && proto == bpf_htons(ETH_P_IP)) &&
	    !((on & TNA_FPM_BRNF_IPV6) && proto == bpf_htons(ETH_P_IPV6)))
		return TNA_GO;
	mtu_len = len;		/* the helper's argument: on the stack only here */
	if (bpf_check_mtu(p->ctx, p->out_ifindex, &mtu_len, 0, 0) != BPF_MTU_CHK_RET_SUCCESS)
		return TNA_REASON_BRNF_MTU;
	/* The egress entry again: the same pointer (an array's values do
	 * not move), found by fpm_egress_state before.  Held across the
	 * helper call, p->out would live on the stack, and every later use
	 * of it, on the frames that skip the call too, would load it from
	 * there. */
	ifx = p->out_ifindex;
	p->out = bpf_map_lookup_elem(&tna_ports, &ifx);
	return p->out ? TNA_GO : TNA_REASON_EGRESS_NOT_FORWARDING;
}

#endif /* TNA_FPM_BRNF_H */
