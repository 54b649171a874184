// SPDX-License-Identifier: GPL-2.0
/* A deliberately WRONG fast path, for the equivalence harness self-tests only.
 * It must never be used outside tests/equiv: each mode breaks Linux semantics
 * on purpose so that the harness has something to catch.
 *
 *   MODE_DROP_NTH   drop every `every`-th frame seen on any attached port
 *                   (one shared counter), pass everything else to Linux.
 *   MODE_BCAST_ONE  redirect every broadcast frame to the single port in
 *                   devmap slot 0 instead of letting the bridge flood it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define MODE_DROP_NTH  1
#define MODE_BCAST_ONE 2

const volatile __u32 mode = MODE_DROP_NTH;
const volatile __u64 every = 1000;
const volatile __u32 to_ifindex;	/* MODE_BCAST_ONE: never redirect back */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);		/* 0: frames seen, 1: frames broken */
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tx_port SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("xdp")
int faulty(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 k = 0;
	__u64 *seen;

	if (mode == MODE_DROP_NTH) {
		seen = bpf_map_lookup_elem(&counters, &k);
		if (!seen)
			return XDP_PASS;
		if (__sync_fetch_and_add(seen, 1) % every == every - 1) {
			count(1);
			return XDP_DROP;
		}
		return XDP_PASS;
	}

	if (mode == MODE_BCAST_ONE) {
		__u8 *d = data;

		count(0);
		if (data + 6 > end || ctx->ingress_ifindex == to_ifindex)
			return XDP_PASS;
		if ((d[0] & d[1] & d[2] & d[3] & d[4] & d[5]) != 0xff)
			return XDP_PASS;
		count(1);
		return bpf_redirect_map(&tx_port, 0, XDP_PASS);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
