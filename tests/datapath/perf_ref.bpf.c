// SPDX-License-Identifier: GPL-2.0
/* Reference programs for tna-dp-perf: the bare-redirect limit, a sink, and
 * a root program that tail-calls a pipeline from a prog-array slot (the
 * other way to replace a pipeline atomically, measured against link
 * update). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} ref_devmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} ref_slot SEC(".maps");

SEC("xdp")
int ref_redirect(struct xdp_md *ctx)
{
	return bpf_redirect_map(&ref_devmap, 0, 0);
}

SEC("xdp")
int ref_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int ref_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int ref_root(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &ref_slot, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
