// SPDX-License-Identifier: GPL-2.0
/* Test program of bpf_xdp_fdb_lookup(): reads the MACs and the outer VLAN
 * tag of the frame, calls the kfunc, keeps its answer in .bss for
 * tna-fdb-kfunc to print.  With `forward` set it is also a minimal bridge
 * fast path on the kfunc alone: forward what the answer says the bridge
 * forwards unchanged, drop what the bridge drops, pass the rest to Linux.
 * tests/vm compares that against a plain Linux bridge. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "kernel/fdb_kfunc.h"

const volatile __u32 lookup_size = TNA_FDB_LOOKUP_SZ;
const volatile __u64 lookup_flags;
const volatile bool forward;

struct tna_fdb_lookup last;
int last_ret;
__u64 calls, redirected, passed, dropped;

#define PASS_FLAGS (TNA_FDB_LINK_LOCAL | TNA_FDB_DST_UNKNOWN |		\
		    TNA_FDB_DST_LOCAL | TNA_FDB_DST_MULTICAST |		\
		    TNA_FDB_EGRESS_BACKUP | TNA_FDB_BR_PROMISC)

/* The verdict of a minimal fast path on the kfunc's answer alone. */
static __always_inline int fast_path(const struct tna_fdb_lookup *p, int ret,
				     bool tagged)
{
	if (ret < 0)
		return XDP_PASS;
	if (p->flags & TNA_FDB_DROP)
		return XDP_DROP;
	if (p->flags & PASS_FLAGS)
		return XDP_PASS;
	if (p->flags & TNA_FDB_EGRESS_DENIED)
		return XDP_DROP;
	/* with VLAN filtering (an 802.1Q bridge assumed), forward only what
	 * leaves as it came in; a tag to push or pop is left to Linux */
	if (p->vid) {
		bool untagged_out = p->flags & TNA_FDB_EGRESS_UNTAGGED;

		if (tagged ? (untagged_out || p->vlan_id != p->vid) :
			     (!untagged_out || p->vlan_proto))
			return XDP_PASS;
	}
	return bpf_redirect(p->egress_ifindex, 0);
}

SEC("xdp")
int fdb_kfunc_test(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct tna_fdb_lookup p = {};
	struct ethhdr *eth = data;
	struct vlan_hdr *vh;
	bool tagged = false;
	int ret;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	__builtin_memcpy(p.dmac, eth->h_dest, 6);
	__builtin_memcpy(p.smac, eth->h_source, 6);
	if (eth->h_proto == bpf_htons(0x8100) || eth->h_proto == bpf_htons(0x88a8)) {
		vh = (void *)(eth + 1);
		if ((void *)(vh + 1) > data_end)
			return XDP_PASS;
		p.vlan_proto = eth->h_proto;
		p.vlan_id = bpf_ntohs(vh->h_vlan_TCI) & 0xfff;
		tagged = eth->h_proto == bpf_htons(0x8100);
	}

	if (!bpf_xdp_fdb_lookup)
		return XDP_PASS;
	ret = bpf_xdp_fdb_lookup(ctx, &p, lookup_size, lookup_flags);
	last = p;
	last_ret = ret;
	__sync_fetch_and_add(&calls, 1);
	if (!forward)
		return XDP_PASS;
	ret = fast_path(&p, ret, tagged);
	if (ret == XDP_REDIRECT)
		__sync_fetch_and_add(&redirected, 1);
	else if (ret == XDP_DROP)
		__sync_fetch_and_add(&dropped, 1);
	else
		__sync_fetch_and_add(&passed, 1);
	return ret;
}

char LICENSE[] SEC("license") = "GPL";
