/* Structs, enums and limits shared by the fast path (bpf/) and user space
 * (targets/, tools/).  Kept free of libc and kernel headers beyond fixed
 * width types so both sides can include it. */
#ifndef TNA_KERN_USER_H
#define TNA_KERN_USER_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Fast-path modules (FPMs): which ones run is a rodata bitmask. */
#define TNA_FPM_PARSE_ETH	(1ULL << 0)	/* Ethernet header, malformed frames */
#define TNA_FPM_CLASSIFY	(1ULL << 1)	/* link-local, bcast/mcast, to bridge MAC */
#define TNA_FPM_VLAN		(1ULL << 2)	/* only with VLAN filtering: admission, per-VLAN FDB, tags */
#define TNA_FPM_PORT_STATE	(1ULL << 3)	/* ingress/egress STP state */
#define TNA_FPM_FDB_SRC		(1ULL << 4)	/* source known on this port, else PASS */
#define TNA_FPM_FDB_DST		(1ULL << 5)	/* destination lookup */
#define TNA_FPM_PORT_FLAGS	(1ULL << 6)	/* isolated, locked, slow-path ports */
#define TNA_FPM_FORWARD		(1ULL << 7)	/* redirect through the devmap */
#define TNA_FPM_STATS		(1ULL << 8)	/* per-CPU per-port counters */
#define TNA_FPM_FLOW_CACHE	(1ULL << 9)	/* per-CPU cache of FDB answers per (src, dst, port) */
#define TNA_FPM_BRNF_IPV4	(1ULL << 10)	/* br_netfilter calls iptables, no rules: validate + trim IPv4 */
#define TNA_FPM_BRNF_IPV6	(1ULL << 11)	/* same for ip6tables and IPv6 */
#define TNA_FPM_BRNF_ARP	(1ULL << 12)	/* same for arptables: ARP shorter than its header */
#define TNA_FPM_CSUM		(1ULL << 13)	/* complete partial L4 checksums (native, see fpm/csum.h) */
/* The FDB answers come from the kernel's bpf_xdp_fdb_lookup() (kernel/):
 * fdb_src learns into the bridge, no mirror (bpf/fpm/fdb.h).  Only where
 * the kfunc exists; not in TNA_FPM_ALL. */
#define TNA_FPM_FDB_KFUNC	(1ULL << 14)
#define TNA_FPM_BRIDGE		(TNA_FPM_PARSE_ETH | TNA_FPM_CLASSIFY |	\
				 TNA_FPM_PORT_STATE | TNA_FPM_FDB_SRC |	\
				 TNA_FPM_FDB_DST | TNA_FPM_PORT_FLAGS |	\
				 TNA_FPM_FORWARD | TNA_FPM_STATS |	\
				 TNA_FPM_FLOW_CACHE)
/* The modules the bridge's own entry program (tna_l2) is compiled with,
 * not read from rodata: the loader runs it only when all are on. */
#define TNA_L2_ENTRY_FIXED	TNA_FPM_BRIDGE
/* The router: IP parse + routing modules, see bpf/tna_router_kern_user.h */
#include "bpf/tna_router_kern_user.h"
#include "bpf/tna_filter_kern_user.h"	/* netfilter: filter, conntrack, NAT */
#include "bpf/tna_xsk_kern_user.h"	/* the AF_XDP steer's rules (rodata) */
#define TNA_FPM_ALL		(TNA_FPM_BRIDGE | TNA_FPM_VLAN | TNA_FPM_ROUTER | \
				 TNA_FPM_BRNF_IPV4 | TNA_FPM_BRNF_IPV6 | TNA_FPM_BRNF_ARP | \
				 TNA_FPM_CSUM)

/* Why a frame went to Linux (XDP_PASS).  The one list: the enum below and
 * the name table in targets/reasons.c are generated from it. */
#define TNA_REASONS(X)							\
	X(LINK_LOCAL,		"link_local")				\
	X(BCAST_MCAST,		"bcast_mcast")				\
	X(TO_LOCAL_MAC,		"to_local_mac")				\
	X(VLAN_NO_PVID,		"vlan_no_pvid")				\
	X(VLAN_INGRESS,		"vlan_ingress")				\
	X(VLAN_EGRESS,		"vlan_egress")				\
	X(VLAN_PRIO_TAGGED,	"vlan_prio_tagged")			\
	X(VLAN_OTHER_PROTO,	"vlan_other_proto")			\
	X(VLAN_OPTION,		"vlan_option")				\
	X(VLAN_BRNF,		"vlan_brnf")				\
	X(MALFORMED,		"malformed")				\
	X(SRC_UNKNOWN,		"src_unknown")				\
	X(SRC_MOVED,		"src_moved")				\
	X(SRC_LOCAL,		"src_local")				\
	X(DST_UNKNOWN,		"dst_unknown")				\
	X(DST_SAME_PORT,	"dst_same_port")			\
	X(PORT_NOT_FORWARDING,	"port_not_forwarding")			\
	X(EGRESS_NOT_FORWARDING, "egress_not_forwarding")		\
	X(PORT_ISOLATED,	"port_isolated")			\
	X(PORT_LOCKED,		"port_locked")				\
	X(PORT_SLOWPATH,	"port_slowpath")			\
	X(BR_NETFILTER,		"br_netfilter")				\
	X(BRNF_INVALID,		"brnf_invalid")				\
	X(BRNF_IP_OPTIONS,	"brnf_ip_options")			\
	X(EGRESS_NO_XMIT,	"egress_no_xmit")			\
	X(REDIRECT_FAILED,	"redirect_failed")			\
	X(NOT_A_PORT,		"not_a_port")				\
	X(FPM_OFF,		"fpm_off")				\
	X(EGRESS_MTU,		"egress_mtu")				\
	X(CSUM_PARTIAL,		"csum_partial")				\
	X(CONFIG_CHANGE,	"config_change")			\
	X(EGRESS_QDISC,		"egress_qdisc")				\
	X(BRNF_MTU,		"brnf_mtu")				\
	X(CONTROLLER_STALE,	"controller_stale")			\
	X(FDB_UNCONFIRMED,	"fdb_unconfirmed")			\
	X(HOOK_PASS,		"hook_pass")	/* an operator's hook: to Linux */ \
	X(HOOK_INVALID,		"hook_invalid")	/* a hook returned no verdict */ \
	X(XSK_QUEUE,		"xsk_queue")	/* a steered flow on another rx queue */ \
	X(XSK_NO_SOCKET,	"xsk_no_socket") /* a steered flow, no socket for it */ \
	TNA_ROUTER_REASONS(X)	/* the router's */				\
	TNA_FILTER_REASONS(X)

#define TNA_REASON_ENUM_(id, name) TNA_REASON_##id,
enum tna_reason {
	TNA_REASONS(TNA_REASON_ENUM_)
	TNA_REASON_MAX
};
#undef TNA_REASON_ENUM_

/* Limits.  Ports are found by ifindex in an ARRAY (one load, no hashing);
 * ifindexes at or above TNA_MAX_IFINDEX cannot be accelerated. */
#define TNA_MAX_IFINDEX		65536
#define TNA_MAX_PORTS		256	/* stats/devmap slots; slot 0 = not a port */
#define TNA_FDB_MAX		262144	/* FDB mirror entries: 100k sources + 100k destinations */
/* A last_used stamp is the user-space tick (tna_dp__tick) before the use.
 * Consumers subtracting TNA_STAMP_NS from their last round keep working. */
#define TNA_STAMP_NS		1000000000ULL

/* Port flags (struct tna_port.flags, struct tna_port_cfg.flags). */
#define TNA_PORT_F_LEARNING	0x01	/* Linux learns on this port: check sources */
#define TNA_PORT_F_FLOOD	0x02	/* unicast flood (unknown dst goes to Linux anyway) */
#define TNA_PORT_F_ISOLATED	0x04	/* isolated ports do not talk to each other */
#define TNA_PORT_F_LOCKED	0x08	/* 802.1X locked port: all to Linux */
/* Frames TO this port go to Linux: it has an egress qdisc (shaping) or
 * egress filters, which a redirect would skip. */
#define TNA_PORT_F_EGRESS_LINUX	0x10
/* A port option the fast path does not reproduce: all its traffic, in and
 * out, goes to Linux.  For the controller to set on: neigh_suppress and
 * proxy_arp (Linux answers even unicast ARP/ND requests), a backup_port
 * (Linux fails over when the carrier drops), mab, and any tc/qdisc or
 * bridge-family netfilter rule that must see the port's frames. */
#define TNA_PORT_F_SLOWPATH	0x20
#define TNA_PORT_F_NO_XMIT	0x40	/* cannot be a redirect egress (set by targets/) */

/* VLAN filtering (bpf/fpm/vlan.h): tna_vlans[(port, vid)] is the port's
 * membership of VLAN vid as the controller last read it from the kernel
 * (controller/vlan_sync.c); the entry with vid 0 holds the port's pvid.
 * A missing entry sends the frame to Linux, so a table that is full or
 * not filled yet is only slow, never wrong. */
#define TNA_VLAN_MAX		65536
struct tna_vlan_key {
	__u32 ifindex;
	__u16 vid;		/* 1..4094; 0: the pvid entry */
	__u16 pad;
};
#define TNA_VLAN_F_UNTAGGED	0x01	/* leaves this port untagged */
#define TNA_VLAN_F_FORWARDING	0x02	/* the VLAN's STP state on this port is forwarding */
#define TNA_VLAN_F_LINUX	0x04	/* an option the fast path does not reproduce
					 * (per-VLAN neigh_suppress, a tunnel id) */
struct tna_vlan_val {
	__u16 pvid;		/* vid 0 entry: the pvid (0: none) */
	__u8 flags;		/* TNA_VLAN_F_* */
	__u8 pad;
};

/* How a port's received frames carry their L4 checksums (struct
 * tna_port.csum; bpf/fpm/csum.h).  Only native ports whose veth peer
 * offloads tx checksums receive partial ones: a native redirect would
 * lose that state, generic keeps the skb. */
#define TNA_PORT_CSUM_COMPLETE	0	/* every checksum is filled in */
#define TNA_PORT_CSUM_FIX	1	/* may be partial: complete them in XDP */
#define TNA_PORT_CSUM_PASS	2	/* may be partial: TCP/UDP to Linux */

/* A frame may leave a port when it is at most mtu + this long: the bound
 * of the kernel's own redirect check (xdp_ok_fwd_dev: Ethernet header and
 * one VLAN tag); longer ones (GSO superpackets in generic mode) go to
 * Linux, which segments them (egress_mtu). */
#define TNA_L2_OVERHEAD		18

/* tna_ports[ifindex]: one entry per bridge port (idx 0: not a port). */
struct tna_port {
	__u16 idx;		/* stats and devmap slot, 1..TNA_MAX_PORTS-1 */
	__u8 stp_state;		/* BR_STATE_*: 3 = forwarding */
	__u8 flags;		/* TNA_PORT_F_* */
	__u16 pad0;
	__u16 mtu;		/* as egress: the device's MTU (0: unknown, nothing leaves) */
	__u8 csum;		/* as ingress: TNA_PORT_CSUM_* */
	__u8 csum_pass;		/* user space: PASS asked for where FIX would do */
	__u8 pad[2];
};
#define TNA_STP_LEARNING	2
#define TNA_STP_FORWARDING	3
/* Not a bridge state: the controller holds the port on Linux while a
 * configuration change that may restrict traffic is applied (every frame
 * that enters it goes to Linux, reason config_change). */
#define TNA_STP_HELD		0xff

/* FDB mirror, filled by the controller from netlink.  The protocol that
 * keeps it from forwarding where Linux would not is described in
 * bpf/fpm/fdb.h (fast path) and controller/fdb_mirror.h (controller). */
struct tna_fdb_key {
	__u8 mac[6];
	__u16 vlan;		/* 0 without VLAN filtering */
};
#define TNA_FDB_F_LOCAL		0x01	/* permanent: the bridge's or a port's own MAC */
#define TNA_FDB_F_STATIC	0x02	/* static (NUD_NOARP); Linux still moves it on learning */
#define TNA_FDB_F_STICKY	0x04	/* sticky: Linux never moves it */
struct tna_fdb_val {
	__u32 ifindex;		/* port it was learned on */
	__u32 flags;		/* TNA_FDB_F_* */
	__u64 last_used;	/* tick (CLOCK_MONOTONIC ns) before the last use as SOURCE; 0 never */
	__u32 ack;		/* the entry is confirmed while ack == tna_pend[slot].count */
	__u32 pad;
};

/* Pending marks: tna_pend[tna_pend_slot(mac, vlan)], an mmapped ARRAY.
 * The fast path bumps count (atomically) before it passes a frame from
 * which Linux may learn a source the mirror does not have confirmed on
 * that port.  Before the count it writes the time of the bump, its
 * ingress port, and, when that port differs from the one of the bump
 * before (not the first bump), the time into `mixed`: bumps after `mixed`
 * all came from `port`.  Times are bpf_ktime_get_ns() >> TNA_PEND_SHIFT (~1.05 ms
 * units, low 32 bits).  Several MACs share a slot: a collision only makes
 * entries unconfirmed (passed) until the controller confirms them again. */
#define TNA_PEND_BITS		16
#define TNA_PEND_SHIFT		20
struct tna_pend {
	__u32 count;
	__u32 when;		/* the last bump */
	__u32 port;		/* its ingress ifindex */
	__u32 mixed;		/* the last bump from another port than the one before; 0 none */
};

/* tna_pend_dirty[slot >> 6] bit (slot & 63): the slot was bumped since the
 * controller last looked (it clears words with an atomic exchange), so
 * it finds bumped slots without reading all of them. */
#define TNA_PEND_DIRTY_WORDS	(1u << (TNA_PEND_BITS - 6))

/* The slot of a (MAC, VLAN), the same in BPF and user space. */
static inline __attribute__((always_inline)) __u32 tna_pend_slot(const __u8 *m, __u16 vlan)
{
	__u32 a = m[0] | m[1] << 8 | m[2] << 16 | (__u32)m[3] << 24;
	__u32 b = m[4] | m[5] << 8 | (__u32)vlan << 16;
	__u32 h = a * 0x9E3779B1u ^ b * 0x85EBCA77u;

	return (h ^ h >> 16) & ((1u << TNA_PEND_BITS) - 1);
}

/* tna_clock[0]: shared with user space through mmap.  The first cache
 * line is read by every frame and rarely written; the second is the
 * controller's and the dead-man timer's (bpf/fpm/deadman.h). */
struct tna_clock {
	__u64 now;		/* keep-alive tick (CLOCK_MONOTONIC ns) stamped into FDB entries */
	__u32 gen;		/* bumped after every change of the port table or the FDB mirror
				 * (flow-cache validity) */
	__u32 trusted;		/* 1: the controller confirms the port table and mirror;
				 * 0: every frame to Linux (controller_stale) */
	__u32 trips;		/* times the dead-man timer withdrew trust */
	__u32 flow_bits;	/* log2 of the flow-cache sets per CPU in use, fitted to
				 * the FDB mirror's size (tna_flow_fit()); 0: all of them */
	/* The bridge's own MAC: frames to it are Linux's (fpm_classify).  A
	 * table value, not rodata: when it changes (a port with a lower MAC
	 * joins or leaves) the pipeline keeps running. */
	__u8 bridge_mac[6];
	__u8 pad3[2];
	/* The router's source check (TNA_SRC_F_*, bpf/fpm/fib.h): a table
	 * value in the line every frame reads, not rodata (a local route
	 * wider than /32 coming or going changes no code). */
	__u32 src_flags;
	__u32 pad4;
	__u64 pad1[3];
	/* second cache line */
	__u64 heartbeat;	/* CLOCK_MONOTONIC ns, written by the controller's loop */
	__u64 deadman_ns;	/* trust is withdrawn when heartbeat is older; 0: never */
	__u64 synced;		/* CLOCK_MONOTONIC ns: kernel changes notified before it are
				 * in the tables (0: unknown) */
	__u64 pad2[5];
};
/* The dead-man timer's period: trust goes at most deadman_ns + this after
 * the last heartbeat. */
#define TNA_DEADMAN_TICK_NS	(50 * 1000000ULL)

/* Flow cache: per CPU, three-way set associative.  A way says "src was
 * known on port in, dst is on port out" as of its set's (gen, tick); it is
 * used only while both are current, so a change of the mirror or a new
 * tick (the source must be stamped again) sends the next frame through
 * the FDB lookups.  Its size is chosen at load (tna_flow_bits()): up to
 * 128k sets (384k ways: more than one per MAC of the FDB mirror,
 * TNA_FDB_MAX) per CPU, within a memory budget for all CPUs and all
 * pipelines of a process together (the first bridges loaded get the large
 * tables, the others TNA_FLOW_MIN_BITS; a pipeline without the module
 * gets one set), of which the part in use follows the mirror's size
 * (tna_clock.flow_bits, tna_flow_fit()).  A hit costs one cache line
 * where a miss costs two FDB hash lookups (a bucket and an element each,
 * both outside the CPU caches at 100k MACs), so a table that holds every
 * pair pays off despite its TLB misses.  A set is one 64-byte value of a
 * plain ARRAY, CPU c's sets at c << bits (user space sizes the array
 * before load): a probe is one cache line and one load from the array's
 * base, where a PERCPU_ARRAY of entries costs a load of the entry's
 * per-CPU pointer and then the entry, per way.  Its 16-byte stamp is
 * shared by the ways (a way of its own would take 32 bytes: two per line)
 * and each key is compared as two 64-bit words.  With a random hash, N
 * pairs cycling through S sets of three stay in their first set where it
 * gets at most three of them, and with the second set nearly all stay:
 * 10k pairs in the 16k sets fitted to their 20k MACs, 1 MB (two-way sets
 * took 2 MB for them), and 100k in 128k sets, ~99.9 % each
 * (tests/unit/test_flow_slot.c). */
#define TNA_FLOW_WAYS		3	/* ways per set: one stamp and three 16-byte ways per line */
#define TNA_FLOW_MIN_BITS	11	/* 2k sets, 128 KB per CPU */
#define TNA_FLOW_MAX_BITS	17	/* 128k sets, 384k ways (>= TNA_FDB_MAX), 8 MB per CPU */
#define TNA_FLOW_BUDGET		(64u << 20)	/* bytes, all CPUs and pipelines of a process */
/* k1's ports, 16 bits each: every port the fast path knows has an ifindex
 * below TNA_MAX_IFINDEX (tna_ports is indexed by it); a larger one is
 * neither looked for nor filled in all the same (flow_cache.h), as the
 * compare sees only 16 bits of it.  0 in the ingress port: an empty way. */
#define TNA_FLOW_PORT_MAX	0xffffu
_Static_assert(TNA_MAX_IFINDEX - 1 <= TNA_FLOW_PORT_MAX, "a port's ifindex fits a way");
#define TNA_FLOW_K1_KEY		0x0000ffffffffffffull	/* k1 without the egress port */
struct tna_flow {
	__u64 k0;		/* the frame's bytes 0-7: dst, src[0..1] */
	__u64 k1;		/* bytes 8-11 (src[2..5]) | ingress ifindex << 32
				 * | egress ifindex << 48 */
};
/* One cache line: the (tick, gen) its ways were filled under, and the ways.
 * A way is current only while its set's stamp is: a fill into a set of
 * another stamp restamps it and empties its other ways. */
struct tna_flow_set {
	__u64 tick;
	__u32 gen;
	__u32 pad;
	struct tna_flow way[TNA_FLOW_WAYS];
};

/* k1 of a way for frame words W from port IN, egress port OUT. */
static inline __attribute__((always_inline)) __u64 tna_flow_k1(const __u32 *w, __u32 in,
							      __u32 out)
{
	return w[2] | (__u64)in << 32 | (__u64)out << 48;
}

/* log2 of the sets per CPU for NCPU CPUs: the most within
 * TNA_FLOW_MAX_BITS and BUDGET bytes (what is left of TNA_FLOW_BUDGET
 * after the process's other pipelines), at least TNA_FLOW_MIN_BITS. */
static inline __attribute__((always_inline)) __u32 tna_flow_bits(__u32 ncpu, __u64 budget)
{
	__u32 bits = TNA_FLOW_MAX_BITS;

	while (bits > TNA_FLOW_MIN_BITS &&
	       ((__u64)ncpu * sizeof(struct tna_flow_set) << bits) > budget)
		bits--;
	return bits;
}

/* log2 of the flow-cache sets per CPU to use for a mirror of ENTRIES
 * MACs, at most MAX (the table's size): a set per two MACs, at least
 * TNA_FLOW_MIN_BITS.  A pair per destination MAC makes that at most one
 * pair per three ways (2^k >= entries / 2 sets: between a third and a
 * sixth), where nearly every pair stays (its two sets are rarely both
 * full).  A table sized to the largest FDB spreads a few thousand pairs
 * over 8 MB per CPU, one page each; fitted, 10k pairs between 20k MACs
 * take 16k sets, 1 MB.  Only where entries go depends on it, never whether
 * one is used (the whole key is compared): changing it loses hits, not
 * exactness. */
static inline __attribute__((always_inline)) __u32 tna_flow_fit(__u32 entries, __u32 max)
{
	__u32 bits = TNA_FLOW_MIN_BITS;

	while (bits < max && ((__u64)2 << bits) < (__u64)entries)
		bits++;
	return bits < max ? bits : max;
}

/* The hash of (dst, src, ingress port) from a way's key: K0 the frame's
 * bytes 0-7, K1 its bytes 8-11 and the ingress port (tna_flow_k1() without
 * the egress port); the same in BPF and user space (tests).  Both MACs and
 * the port go through 64-bit multiplies and sets are taken from the top
 * bits, where every input bit counts: a xor of the words would cancel MACs
 * that differ only in an index shared by source and destination (the
 * common pattern), and a 32-bit product's top bits see too few of them. */
static inline __attribute__((always_inline)) __u64 tna_flow_hash_k(__u64 k0, __u64 k1)
{
	return k0 * 0x9E3779B97F4A7C15ull ^ k1 * 0xC2B2AE3D27D4EB4Full;
}

/* The same from the frame's first three words W (as in memory). */
static inline __attribute__((always_inline)) __u64 tna_flow_hash(const __u32 *w, __u32 ifindex)
{
	return tna_flow_hash_k((__u64)w[1] << 32 | w[0], tna_flow_k1(w, ifindex, 0));
}

/* The pair's first set among 1 << BITS, from its hash H. */
static inline __attribute__((always_inline)) __u32 tna_flow_set_h(__u64 h, __u32 bits)
{
	return (__u32)(h >> (64 - bits));
}

/* Its second set: the hash mixed again, so that pairs sharing the first
 * set rarely share this one.  A pair is looked for in both and put into
 * the first with room, so N pairs stay in the cache unless both their
 * sets are full: ~99.9 % of 100k pairs in 128k sets of three. */
static inline __attribute__((always_inline)) __u32 tna_flow_alt_h(__u64 h, __u32 bits)
{
	h = (h ^ h >> 31) * 0xBF58476D1CE4E5B9ull;
	return (__u32)(h >> (64 - bits));
}

static inline __attribute__((always_inline)) __u32 tna_flow_set(const __u32 *w, __u32 ifindex,
								__u32 bits)
{
	return tna_flow_set_h(tna_flow_hash(w, ifindex), bits);
}

static inline __attribute__((always_inline)) __u32 tna_flow_alt(const __u32 *w, __u32 ifindex,
								__u32 bits)
{
	return tna_flow_alt_h(tna_flow_hash(w, ifindex), bits);
}

/* tna_stats[port idx], per CPU. */
struct tna_stats_val {
	__u64 forwarded;
	__u64 forwarded_bytes;
	__u64 dropped;
	__u64 csum_completed;	/* partial checksums completed (fpm/csum.h) */
	__u64 passed[TNA_REASON_MAX];
};

/* Names user space looks for in a loaded program (tna-stat, another process). */
#define TNA_PROG_NAME		"tna_bridge"
#define TNA_L2_PROG_NAME	"tna_l2"	/* the bridge-only entry (targets/load.c) */
#define TNA_MAP_STATS		"tna_stats"
#define TNA_MAP_PORTS		"tna_ports"
#define TNA_MAP_CLOCK		"tna_clock"
#define TNA_MAP_VLANS		"tna_vlans"
/* The root program on a port and its prog array (targets/tna_root.bpf.c). */
#define TNA_ROOT_NAME		"tna_root"
#define TNA_MAP_SLOTS		"tna_slots"

#endif /* TNA_KERN_USER_H */
