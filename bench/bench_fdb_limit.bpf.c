// SPDX-License-Identifier: GPL-2.0
/* The two-lookup limit: what a bridge cannot do without, nothing more.
 * The source MAC is looked up (known on this port?), then the destination
 * MAC (which port?), in one hash map with the key and value of the FDB
 * mirror (struct tna_fdb_key, struct tna_fdb_val), and the frame is
 * redirected through a devmap.  Against it the bridge's cost at scale is
 * the part a better lookup could save, apart from the FDB's own misses. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "bpf/tna_kern_user.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TNA_FDB_MAX);
	__type(key, struct tna_fdb_key);
	__type(value, struct tna_fdb_val);
} fdb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);	/* egress ifindex */
	__type(value, __u32);	/* the same */
} tx_port SEC(".maps");

SEC("xdp")
int bench_fdb_limit(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct tna_fdb_key k = { 0 };
	struct tna_fdb_val *v;
	__u8 *eth = data;

	if (data + 14 > end)
		return XDP_PASS;
	__builtin_memcpy(k.mac, eth + 6, 6);
	v = bpf_map_lookup_elem(&fdb, &k);
	if (!v || v->ifindex != ctx->ingress_ifindex)
		return XDP_PASS;	/* unknown or moved source: Linux learns */
	__builtin_memcpy(k.mac, eth, 6);
	v = bpf_map_lookup_elem(&fdb, &k);
	if (!v)
		return XDP_PASS;	/* unknown destination: Linux floods */
	return bpf_redirect_map(&tx_port, v->ifindex, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
