// SPDX-License-Identifier: GPL-2.0
/* The router limit: the least a correct XDP router does (like the kernel's
 * samples/bpf/xdp_fwd): parse IPv4, TTL check, bpf_fib_lookup with the
 * ingress ifindex, TTL decrement with incremental checksum, MAC rewrite,
 * devmap redirect.  No classification, no counters, anything else PASS. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);	/* egress ifindex */
	__type(value, __u32);	/* egress ifindex */
} tx_port SEC(".maps");

SEC("xdp")
int bench_fib(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	struct bpf_fib_lookup f = {};
	__u32 check;

	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(0x0800) ||
	    iph->ttl <= 1)
		return XDP_PASS;
	f.family = 2;
	f.tos = iph->tos;
	f.l4_protocol = iph->protocol;
	f.tot_len = bpf_ntohs(iph->tot_len);
	f.ipv4_src = iph->saddr;
	f.ipv4_dst = iph->daddr;
	f.ifindex = ctx->ingress_ifindex;
	if (bpf_fib_lookup(ctx, &f, sizeof(f), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;
	if (!bpf_map_lookup_elem(&tx_port, &f.ifindex))
		return XDP_PASS;
	check = iph->check;
	check += bpf_htons(0x0100);
	iph->check = (__u16)(check + (check >= 0xffff));
	iph->ttl--;
	__builtin_memcpy(eth->h_dest, f.dmac, 6);
	__builtin_memcpy(eth->h_source, f.smac, 6);
	return bpf_redirect_map(&tx_port, f.ifindex, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
