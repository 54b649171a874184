// SPDX-License-Identifier: GPL-2.0
/* Receiver: count every frame per CPU, then drop it (or pass it). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile __u32 action = XDP_DROP;

struct bench_sink_cnt {
	__u64 packets, bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_sink_cnt);
} cnt SEC(".maps");

SEC("xdp")
int bench_sink(struct xdp_md *ctx)
{
	struct bench_sink_cnt *c;
	__u32 key = 0;

	c = bpf_map_lookup_elem(&cnt, &key);
	if (c) {
		c->packets++;
		c->bytes += ctx->data_end - ctx->data;
	}
	return action;
}

char LICENSE[] SEC("license") = "GPL";
