// SPDX-License-Identifier: GPL-2.0
/* The limit: a bare devmap redirect from each input port to its output
 * port, with no parsing at all.  Nothing doing real work can beat it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);	/* ingress ifindex */
	__type(value, __u32);	/* egress ifindex */
} out_port SEC(".maps");

SEC("xdp")
int bench_redirect(struct xdp_md *ctx)
{
	return bpf_redirect_map(&out_port, ctx->ingress_ifindex, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
