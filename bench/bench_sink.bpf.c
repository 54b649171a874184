// SPDX-License-Identifier: GPL-2.0
/* Receiver: count per CPU the generator's frames (UDP to port 9 over IPv4
 * or IPv6) and, apart, everything else (the DUT's own IPv6 MLD, ARP, ...),
 * then drop them (or pass them). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u32 action = XDP_DROP;
/* When not 0 (= P): a generator frame for destination MAC index j belongs
 * on the interface at position j % P of the sink's list (port_of below);
 * frames elsewhere count as misdelivered (a flooding bridge, a wrong FDB). */
const volatile __u32 check_ports;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);	/* ingress ifindex */
	__type(value, __u32);	/* position in the list + 1, 0 = not listed */
} port_of SEC(".maps");

struct bench_sink_cnt {
	__u64 packets, bytes, other, misdelivered;
};

/* Ethernet + IPv4 (no options) or IPv6, UDP, destination port 9. */
static __always_inline bool is_bench(void *data, void *end)
{
	__u8 *p = data;

	if (data + 58 > end)
		return data + 38 <= end && p[12] == 0x08 && p[13] == 0x00 &&
		       p[14] == 0x45 && p[23] == 17 && p[36] == 0 && p[37] == 9;
	if (p[12] == 0x08 && p[13] == 0x00)
		return p[14] == 0x45 && p[23] == 17 && p[36] == 0 && p[37] == 9;
	return p[12] == 0x86 && p[13] == 0xdd && p[20] == 17 &&
	       p[56] == 0 && p[57] == 9;
}

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

	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	c = bpf_map_lookup_elem(&cnt, &key);
	if (!c)
		return action;
	if (is_bench(data, end)) {
		c->packets++;
		c->bytes += end - data;
		if (check_ports) {
			__u8 *p = data;	/* is_bench() checked 38 bytes */
			__u32 j = (__u32)p[2] << 24 | p[3] << 16 | p[4] << 8 | p[5];
			__u32 ifx = ctx->ingress_ifindex, *pos;

			pos = bpf_map_lookup_elem(&port_of, &ifx);
			if (!pos || *pos != j % check_ports + 1)
				c->misdelivered++;
		}
	} else {
		c->other++;
	}
	return action;
}

char LICENSE[] SEC("license") = "GPL";
