// SPDX-License-Identifier: GPL-2.0
/* Load generator: run with BPF_PROG_RUN + BPF_F_TEST_XDP_LIVE_FRAMES on a
 * template frame built by tna-gen.  Live-frame pages are recycled without
 * being copied again, so every field that varies is rewritten on every
 * frame (never derived from what the page held before): the headers are
 * restored from the template first, because a page comes back with
 * whatever the path it took changed (TTL, MACs, ...).  Frames leave by
 * a devmap redirect, which live frames turn into a real transmit.  Checksums are
 * finished from sums that user space computed over the fixed part. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bench/bench_gen.h"

const volatile struct bench_gen_cfg cfg = {
	.n_src = 1, .src_step = 1, .n_dst = 1, .dst_step = 1, .n_flows = 1,
	.n_ports = 1,
};

/* Output ports: frame n leaves through tx_ports[n % n_ports]. */
/* The template's first 64 bytes: all headers of the smallest frames. */
const volatile __u64 tmpl[8];

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, BENCH_GEN_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} tx_ports SEC(".maps");

/* Frames generated on each CPU: the sequence number and the sent count. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seq SEC(".maps");

static __always_inline void put_mac(__u8 *p, const volatile __u8 *prefix,
				    __u32 idx)
{
	p[0] = prefix[0];
	p[1] = prefix[1];
	p[2] = idx >> 24;
	p[3] = idx >> 16;
	p[4] = idx >> 8;
	p[5] = idx;
}

static __always_inline __u16 fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

SEC("xdp")
int bench_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 key = 0, s, d, f, v, sum;
	__u64 *c, n;
	__u16 *w, *l3csum = 0, *l4csum;
	__u8 *p = data;

	/* Attached to the namespace's loopback only to stay in the kernel's
	 * XDP dispatcher (tna-gen.c, hold_dispatcher): frames there are not
	 * ours.  (A run without a device, --pcap, also reads as the
	 * loopback: hold_ifindex is 0 then.) */
	if (ctx->ingress_ifindex == cfg.hold_ifindex)
		return XDP_PASS;
	if (data + (cfg.ipv6 ? BENCH_GEN_MIN_V6 : BENCH_GEN_MIN_V4) > end)
		return XDP_ABORTED;
	c = bpf_map_lookup_elem(&seq, &key);
	if (!c)
		return XDP_ABORTED;
	n = (*c)++;

	/* 56 bytes hold Ethernet + IPv4 + UDP; IPv6 + UDP end at 62. */
	__u64 *q = data;
#pragma unroll
	for (int i = 0; i < 7; i++)
		q[i] = tmpl[i];
	if (cfg.ipv6) {
		if (data + BENCH_GEN_MIN_V6 > end)
			return XDP_ABORTED;
		*(__u32 *)(p + 56) = tmpl[7];
		*(__u16 *)(p + 60) = tmpl[7] >> 32;
	}

	s = cfg.src_first + (__u32)(n % cfg.n_src) * cfg.src_step;
	d = cfg.dst_first + (__u32)(n % cfg.n_dst) * cfg.dst_step;
	f = n % cfg.n_flows;
	put_mac(p, cfg.dst_prefix, d);
	put_mac(p + 6, cfg.src_prefix, s);

	/* The flow number is added to the last 32 bits of the source address
	 * (dst_flows: of the destination address). */
	v = bpf_htonl(cfg.ip_low + f);
	if (cfg.ipv6) {
		if (data + BENCH_GEN_MIN_V6 > end)
			return XDP_ABORTED;
		w = (__u16 *)(p + (cfg.dst_flows ? BENCH_V6_DST_LOW : BENCH_V6_SRC_LOW));
		l4csum = (__u16 *)(p + BENCH_V6_UDP_CSUM);
	} else {
		if (data + BENCH_GEN_MIN_V4 > end)
			return XDP_ABORTED;
		w = (__u16 *)(p + (cfg.dst_flows ? BENCH_V4_DST : BENCH_V4_SRC));
		l3csum = (__u16 *)(p + BENCH_V4_CSUM);
		l4csum = (__u16 *)(p + BENCH_V4_UDP_CSUM);
	}
	*(__u32 *)w = v;
	if (l3csum)
		*l3csum = ~fold(cfg.l3_sum + w[0] + w[1]);
	sum = (__u16)~fold(cfg.l4_sum + w[0] + w[1]);
	*l4csum = sum ? sum : 0xffff;	/* UDP sends 0 as all ones */
	if (cfg.action != XDP_REDIRECT)
		return cfg.action;
	return bpf_redirect_map(&tx_ports, n % cfg.n_ports, XDP_ABORTED);
}

char LICENSE[] SEC("license") = "GPL";
