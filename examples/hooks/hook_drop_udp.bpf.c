// SPDX-License-Identifier: GPL-2.0
/* Example hook (slot classified): drop IPv4 UDP to port 9999, let TNA go
 * on with everything else.  Its map keeps the count across reloads.
 *	tna-deploy --hook classified=hook_drop_udp.bpf.o */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bpf/tna_hook.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drop_udp_count SEC(".maps");

int tna_hook_classified(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp;
	__u32 k = 0;
	__u64 *n;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return TNA_HOOK_CONTINUE;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end || udp->dest != bpf_htons(9999))
		return TNA_HOOK_CONTINUE;
	n = bpf_map_lookup_elem(&drop_udp_count, &k);
	if (n)
		__sync_fetch_and_add(n, 1);
	return TNA_HOOK_DROP;
}

char LICENSE[] SEC("license") = "GPL";
