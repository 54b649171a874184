// SPDX-License-Identifier: GPL-2.0
/* The router limit: the least a correct XDP router does (like the kernel's
 * samples/bpf/xdp_fwd): parse IPv4 or IPv6, TTL/hop-limit check,
 * bpf_fib_lookup with the ingress ifindex (BPF_FIB_LOOKUP_DIRECT when
 * fib_direct is set, as xdp-forward -F direct does), TTL decrement with
 * incremental checksum, MAC rewrite, devmap redirect.  No classification,
 * no counters, anything else PASS. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile bool fib_direct = false;

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);	/* egress ifindex */
	__type(value, __u32);	/* egress ifindex */
} tx_port SEC(".maps");

static __always_inline int fib_redirect(struct xdp_md *ctx, struct ethhdr *eth,
					struct bpf_fib_lookup *f)
{
	f->ifindex = ctx->ingress_ifindex;
	if (bpf_fib_lookup(ctx, f, sizeof(*f), fib_direct ? BPF_FIB_LOOKUP_DIRECT : 0) !=
	    BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;
	if (!bpf_map_lookup_elem(&tx_port, &f->ifindex))
		return XDP_PASS;
	return XDP_REDIRECT;
}

SEC("xdp")
int bench_fib(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct bpf_fib_lookup f = {};
	__u32 check;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(0x0800)) {
		struct iphdr *iph = (void *)(eth + 1);

		if ((void *)(iph + 1) > data_end || iph->ttl <= 1)
			return XDP_PASS;
		f.family = 2;
		f.tos = iph->tos;
		f.l4_protocol = iph->protocol;
		f.tot_len = bpf_ntohs(iph->tot_len);
		f.ipv4_src = iph->saddr;
		f.ipv4_dst = iph->daddr;
		if (fib_redirect(ctx, eth, &f) != XDP_REDIRECT)
			return XDP_PASS;
		check = iph->check;
		check += bpf_htons(0x0100);
		iph->check = (__u16)(check + (check >= 0xffff));
		iph->ttl--;
	} else if (eth->h_proto == bpf_htons(0x86DD)) {
		struct ipv6hdr *ip6h = (void *)(eth + 1);

		if ((void *)(ip6h + 1) > data_end || ip6h->hop_limit <= 1)
			return XDP_PASS;
		f.family = 10;
		f.flowinfo = *(__be32 *)ip6h & bpf_htonl(0x0fffffff);
		f.l4_protocol = ip6h->nexthdr;
		f.tot_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
		__builtin_memcpy(f.ipv6_src, &ip6h->saddr, 16);
		__builtin_memcpy(f.ipv6_dst, &ip6h->daddr, 16);
		if (fib_redirect(ctx, eth, &f) != XDP_REDIRECT)
			return XDP_PASS;
		ip6h->hop_limit--;
	} else {
		return XDP_PASS;
	}
	__builtin_memcpy(eth->h_dest, f.dmac, 6);
	__builtin_memcpy(eth->h_source, f.smac, 6);
	return bpf_redirect_map(&tx_port, f.ifindex, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
