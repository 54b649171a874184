/* What every FPM sees: the configuration (rodata, frozen before load so the
 * verifier prunes modules that are off), the maps, and the per-packet state
 * passed from one module to the next.
 *
 * An FPM returns TNA_GO to let the next module run, or a reason
 * (enum tna_reason) to hand the frame to Linux. */
#ifndef TNA_FPM_COMMON_H
#define TNA_FPM_COMMON_H
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bpf/tna_kern_user.h"

#define TNA_GO (-1)

#ifndef ETH_P_8021Q
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88A8
#endif

/* Set by targets/ before load. */
const volatile __u64 tna_fpms = TNA_FPM_BRIDGE;
const volatile bool tna_br_netfilter = false;
const volatile __u32 tna_flow_log = TNA_FLOW_MIN_BITS;

static __always_inline bool fpm_on(__u64 fpm)
{
	return tna_fpms & fpm;
}

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TNA_MAX_IFINDEX);
	__type(key, __u32);		/* ifindex */
	__type(value, struct tna_port);
} tna_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TNA_FDB_MAX);
	__type(key, struct tna_fdb_key);
	__type(value, struct tna_fdb_val);
} tna_fdb SEC(".maps");

/* An array devmap indexed by the small port idx: no hashing per packet. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, TNA_MAX_PORTS);
	__type(key, __u32);		/* port idx */
	__type(value, __u32);		/* ifindex; no devmap programs */
} tna_devmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TNA_MAX_PORTS);
	__type(key, __u32);		/* port idx, 0 = not a port */
	__type(value, struct tna_stats_val);
} tna_stats SEC(".maps");

#ifndef READ_ONCE
#define READ_ONCE(x) (*(const volatile typeof(x) *)&(x))
#endif
#ifndef WRITE_ONCE
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))
#endif

/* One entry, mmapped by user space: keep-alive tick, table generation,
 * trust and the dead-man heartbeat (struct tna_clock). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct tna_clock);
} tna_clock SEC(".maps");

/* Pending marks of the FDB mirror protocol (bpf/fpm/fdb.h), mmapped by
 * the controller. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << TNA_PEND_BITS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct tna_pend);
} tna_pend SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TNA_PEND_DIRTY_WORDS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} tna_pend_dirty SEC(".maps");

/* log2 of the flow cache's sets per CPU (tna_flow_bits()), and the
 * array sized to 1 << tna_flow_log sets per possible CPU, both set
 * before load (targets/load.c).  Mmapable: the values start on a page, so every set is
 * one cache line. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << TNA_FLOW_MIN_BITS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct tna_flow_set);
} tna_flows SEC(".maps");

struct tna_pkt {
	struct xdp_md *ctx;
	struct ethhdr *eth;
	struct tna_port *in;		/* ingress port */
	struct tna_port *out;		/* egress port */
	struct tna_clock *clk;
	struct tna_flow_set *flow;	/* this frame's flow-cache set (flow_cache.h) */
	__u32 in_ifindex;
	__u32 out_ifindex;		/* from the FDB (or the flow cache) */
	__u16 vlan;			/* FDB vlan: 0, or the frame's VLAN with the VLAN FPM */
	__u8 vlan_tagged;		/* VLAN FPM: came with a tag of that VLAN */
	__u8 vlan_op;			/* VLAN FPM: the tag to push or pop on the way out */
#ifdef TNA_FDB_KFUNC_BUILD
	__u16 fdb_flags;		/* kfunc mode: TNA_FDB_* of the lookup (fdb.h) */
#endif
	/* Modules the entry program always has: a constant it sets (the
	 * loader runs that entry only for pipelines with them), so
	 * fpm_has() reads no rodata for them (the verifier prunes a
	 * rodata test's branch but keeps its loads). */
	__u64 fixed;
	__u32 gen;			/* tna_clock as read once, before the lookups */
	__u32 flow_bits;		/* tna_clock.flow_bits, bounded (flow_cache.h) */
	__u8 flow_way;			/* the way of p->flow fpm_flow_fill() writes */
	__u8 flow_restamp;		/* p->flow is stale: restamp it, empty its other ways */
	__u64 tick;
};

/* fpm_on() for a module the entry may have fixed (struct tna_pkt.fixed) */
#define fpm_has(p, fpm) (((p)->fixed & (fpm)) || fpm_on(fpm))

#endif /* TNA_FPM_COMMON_H */
