// SPDX-License-Identifier: GPL-2.0
/* Test hook (slot egress): returns a value that is no verdict for UDP
 * to port 7777 (TNA sends such frames to Linux and counts them as
 * hook_invalid); everything else goes on. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bpf/tna_hook.h"

int tna_hook_egress(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP || ip->ihl != 5 || udp->dest != bpf_htons(7777))
		return TNA_HOOK_CONTINUE;
	return 42;
}

char LICENSE[] SEC("license") = "GPL";
