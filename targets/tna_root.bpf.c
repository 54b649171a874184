// SPDX-License-Identifier: GPL-2.0
/* The root program: attached once per port (bpf_link), it tail-calls the
 * current pipeline in slot 0.  A swap is one update of that slot, for all
 * ports at once.  Empty slot: the tail call falls through and Linux gets
 * the frame (fail-safe). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tna_slots SEC(".maps");

SEC("xdp")
int tna_root(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &tna_slots, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
