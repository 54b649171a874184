// SPDX-License-Identifier: GPL-2.0
/* The NIC stage: one program per bridge port, loaded onto the NIC itself
 * (XDP offload, bound to the device) in front of the host stage
 * (tna_bridge.bpf.c, native or generic on the host).  It drops only what
 * the Linux bridge would drop anyway on that port, without side effects
 * (br_handle_frame in net/bridge/br_input.c), and passes everything else
 * to the host, which forwards: a NIC cannot redirect to another port.
 *
 * Written for what an offloading NIC accepts (targets/offload/README.md):
 * no global data (device maps cannot be read as globals, so there is no
 * rodata specialisation: the configuration is a one-entry map), uapi
 * headers only (no CO-RE), one function, from the context only data and
 * data_end, map values only read (configuration) or atomically added
 * (counters, never read here), actions PASS and DROP only. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bpf/tna_nic_kern_user.h"

#ifndef ETH_P_MRP
#define ETH_P_MRP	0x88E3
#endif
#ifndef ETH_P_CFM
#define ETH_P_CFM	0x8902
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tna_nic_cfg);
} tna_nic_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tna_nic_cnt);
} tna_nic_cnt SEC(".maps");

/* An atomic add at a constant offset of the counters' map value.  Written
 * as one instruction each so that the compiler cannot merge the adds of
 * several branches into one add through a computed address (an NFP
 * accepts map-value accesses at constant offsets only). */
#define COUNT(c, field, val)						\
	asm volatile("lock *(u64 *)(%0 + %2) += %1"			\
		     : : "r"(c), "r"((__u64)(val)),				\
		       "i"(__builtin_offsetof(struct tna_nic_cnt, field))	\
		     : "memory")

static __always_inline int pass(struct tna_nic_cnt *c, __u64 len)
{
	COUNT(c, passed, 1);
	COUNT(c, passed_bytes, len);
	return XDP_PASS;
}

SEC("xdp")
int tna_nic(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct tna_nic_cfg *cfg;
	struct tna_nic_cnt *cnt;
	__u64 len = data_end - data;
	__u32 key = 0, flags;
	const __u8 *d, *s;
	__u16 proto;

	cfg = bpf_map_lookup_elem(&tna_nic_cfg, &key);
	cnt = bpf_map_lookup_elem(&tna_nic_cnt, &key);
	if (!cfg || !cnt)
		return XDP_PASS;
	flags = cfg->flags;
	/* Runts: Linux decides (and counts) what to do with them. */
	if ((void *)(eth + 1) > data_end)
		return pass(cnt, len);
	d = eth->h_dest;
	s = eth->h_source;
	proto = eth->h_proto;
	/* A tagged frame may belong to a VLAN device on top of the port:
	 * Linux hands it there before the bridge sees it
	 * (__netif_receive_skb_core: vlan_do_receive before rx_handler), and
	 * the VLAN device drops none of the frames below. */
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD))
		return pass(cnt, len);
	/* br_handle_frame: !is_valid_ether_addr(h_source) -> drop, first. */
	if ((flags & TNA_NIC_F_DROP_INVALID_SRC) &&
	    ((s[0] & 1) || !(s[0] | s[1] | s[2] | s[3] | s[4] | s[5]))) {
		COUNT(cnt, drop_invalid_src, 1);
		return XDP_DROP;
	}
	/* Link-local 01:80:c2:00:00:0X: pause is dropped in every state;
	 * the rest (STP, LACP, 802.1X, LLDP, group_fwd_mask) is Linux's. */
	if (d[0] == 0x01 && d[1] == 0x80 && d[2] == 0xc2 && d[3] == 0 &&
	    d[4] == 0 && (d[5] & 0xf0) == 0) {
		if ((flags & TNA_NIC_F_DROP_PAUSE) && d[5] == 0x01) {
			COUNT(cnt, drop_pause, 1);
			return XDP_DROP;
		}
		return pass(cnt, len);
	}
	/* MRP and CFM frames are processed before the port state is looked
	 * at when the bridge runs MRP/CFM instances (br_process_frame_type). */
	if (proto == bpf_htons(ETH_P_MRP) || proto == bpf_htons(ETH_P_CFM))
		return pass(cnt, len);
	/* Blocking and listening: Linux drops without learning.  Disabled
	 * is left to Linux: a port comes out of it straight into forwarding
	 * when STP is off, and frames right after that must not be lost. */
	if ((flags & TNA_NIC_F_DROP_NOT_FWD) &&
	    (cfg->stp_state == TNA_NIC_STP_BLOCKING ||
	     cfg->stp_state == TNA_NIC_STP_LISTENING)) {
		COUNT(cnt, drop_not_fwd, 1);
		return XDP_DROP;
	}
	return pass(cnt, len);
}

char LICENSE[] SEC("license") = "GPL";
