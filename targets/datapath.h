/* The bridge fast path as a library: load a specialised pipeline, attach it
 * to bridge ports with bpf_links, replace it atomically, fill its port table
 * and FDB mirror, and detach.  Functions return 0 or a negative errno;
 * pointer functions return NULL and set errno.  Nothing here prints.
 *
 * Links are never pinned: when the process dies the kernel detaches them
 * and Linux forwards alone (fail-safe). */
#ifndef TNA_TARGETS_DATAPATH_H
#define TNA_TARGETS_DATAPATH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if __has_include("capabilities/caps.h")
#include "capabilities/caps.h"
#else
enum tna_target {
	TNA_TARGET_NONE = 0,
	TNA_TARGET_GENERIC,
	TNA_TARGET_NATIVE,
	TNA_TARGET_OFFLOAD,
};
#endif
#include "bpf/tna_kern_user.h"	/* TNA_FPM_*, TNA_PORT_F_*, TNA_FDB_F_*, reasons */

struct tna_dp_opts {
	size_t sz;			/* sizeof(struct tna_dp_opts) (LIBBPF_OPTS style) */
	enum tna_target target;		/* TNA_TARGET_GENERIC or TNA_TARGET_NATIVE */
	uint64_t fpms;			/* TNA_FPM_* modules to enable; 0 = TNA_FPM_BRIDGE */
	int bridge_ifindex;
	uint8_t bridge_mac[6];		/* into a new map family's tna_clock; a shared one keeps its own */
	bool br_netfilter;		/* leave all traffic to Linux: rules may see it */
	bool force;			/* replace foreign XDP programs */
	const struct tna_dp *share_maps_with;	/* reuse FDB/port/stats maps on redeploy */
	/* The router: set fpms |= TNA_FPM_IPV4/IPV6/ROUTE, see targets/router.h */
	bool fib_direct4;		/* IPv4 policy rules are the default ones */
	uint8_t nf_routed;		/* TNA_NF_ROUTED_V4/V6: netfilter may see that family's routed traffic */
	uint8_t xfrm_routed;		/* the same bits: IPsec policies/SAs may apply to it */
	bool fib_direct6;		/* IPv6 DIRECT lookups: default rules, the local
					 * table listed (tna_dp__local6_set) */
};

struct tna_dp;

/* Load (and verify) a pipeline specialised by OPTS.  Nothing is attached.
 * errno EINVAL: bad opts; EOPNOTSUPP: target offload (not a host stage:
 * a NIC stage is added per port, tna_dp__nic_attach); others from the
 * kernel. */
struct tna_dp *tna_dp__load(const struct tna_dp_opts *opts);

/* Attach to IFINDEX with a bpf_link in the dp's mode (the link runs the
 * family's root program; attaching makes DP the pipeline in its slot).
 * -EBUSY when another pipeline of the family is attached to ports (one
 * family runs one pipeline: use tna_dp__replace).  -EEXIST when a
 * foreign XDP program is there and !force (tna_dp__foreign() says which),
 * -EALREADY when this dp is already attached there.  With force, a foreign
 * program attached through netlink is detached first; one held by another
 * process's bpf_link cannot be (-EBUSY). */
int tna_dp__attach(struct tna_dp *dp, int ifindex);
int tna_dp__detach(struct tna_dp *dp, int ifindex);

/* After -EEXIST from attach: id and name of the program in the way. */
int tna_dp__foreign(int ifindex, uint32_t *prog_id, char name[16]);

/* Swap NEW_DP in on every port OLD_DP is attached to; the links then
 * belong to NEW_DP.  Both must be loaded for the same target.  Ports run
 * a root program that tail-calls slot 0 of a prog array shared by the
 * pipelines of one map family (share_maps_with): when NEW_DP is of OLD_DP's
 * family this is one map update, atomic for all ports at once, all or
 * nothing.  Otherwise one link update per port to NEW_DP's root; on error
 * the ports done so far stay on NEW_DP. */
int tna_dp__replace(struct tna_dp *old_dp, struct tna_dp *new_dp);

/* Move port IFINDEX from OLD_DP to NEW_DP, a pipeline of another family
 * (NEW_DP becomes its family's current pipeline: -EBUSY when another one
 * of the family serves ports).  The same target: one bpf_link_update, the
 * port never without a program.  Another target: detached, then attached
 * in the other mode at once (the kernel allows one mode per device); if
 * that attach fails the port is left to Linux.  -ENOENT: not attached to
 * OLD_DP; -EINVAL: the same family (use tna_dp__replace). */
int tna_dp__move(struct tna_dp *old_dp, struct tna_dp *new_dp, int ifindex);

/* DST (loaded with share_maps_with = SRC or one sharing its maps) takes
 * SRC's port slot allocation: call before swapping a pipeline that was
 * kept loaded back in (tna_dp__replace(SRC, DST)). */
int tna_dp__sync_slots(struct tna_dp *dst, const struct tna_dp *src);

struct tna_port_cfg {
	uint8_t stp_state;		/* BR_STATE_*, 3 = forwarding */
	uint8_t flags;			/* TNA_PORT_F_* (isolated, locked, learning, flood, hairpin...) */
	/* Derived by port_set from the device, read back by port_get: */
	uint16_t mtu;			/* its MTU now (frames longer go to Linux: egress_mtu) */
	uint8_t csum;			/* TNA_PORT_CSUM_*: what its received checksums need */
	/* Asked by the caller: partial checksums on this port go to Linux
	 * (csum_partial) instead of being completed in XDP. */
	bool csum_pass;
};
/* Add or update a bridge port (also the redirect devmap).  In native mode
 * a port that cannot transmit redirected frames (NDO_XMIT missing, e.g. a
 * veth whose peer has neither XDP nor GRO) gets TNA_PORT_F_NO_XMIT, so
 * frames to it go to Linux; call again after fixing the peer.  Each call
 * also reads the device's MTU and, native, whether its veth peer offloads
 * tx checksums (cfg->mtu, cfg->csum are ignored: derived here).
 * -ERANGE: ifindex >= TNA_MAX_IFINDEX; -ENOSPC: TNA_MAX_PORTS ports. */
int tna_dp__port_set(struct tna_dp *dp, int ifindex, const struct tna_port_cfg *cfg);
int tna_dp__port_del(struct tna_dp *dp, int ifindex);
/* The flags in effect for a port (after port_set added NO_XMIT), its MTU
 * and checksum handling as port_set found them. */
int tna_dp__port_get(const struct tna_dp *dp, int ifindex, struct tna_port_cfg *cfg);
/* Derive NO_XMIT, the MTU and the checksum handling of a port again (they
 * follow its device and its veth peer, which send no event here).
 * 1 when something changed, 0 when not, -errno. */
int tna_dp__port_refresh(struct tna_dp *dp, int ifindex);
/* Only NO_XMIT of port IFINDEX, as the caller learnt it (the kernel's
 * xdp-features notification), written before anything else is read:
 * the quickest way to stop redirecting into a port that just lost
 * ndo-xmit (clearing it that way trusts the caller: port_refresh reads
 * the device).  Ignored (cleared) outside native mode.  1 changed, 0
 * not, -errno. */
int tna_dp__port_no_xmit(struct tna_dp *dp, int ifindex, bool no_xmit);

/* VLAN table (VLAN FPM, bpf/fpm/vlan.h): port IFINDEX's membership of
 * VLAN VID (1..4094) as struct tna_vlan_val, or with VID 0 its pvid
 * (val->pvid, 0: none).  Each entry is replaced in one step; a missing
 * one sends the frames concerned to Linux.  -ERANGE: bad ifindex or vid. */
int tna_dp__vlan_set(struct tna_dp *dp, int ifindex, uint16_t vid,
		     const struct tna_vlan_val *val);
int tna_dp__vlan_del(struct tna_dp *dp, int ifindex, uint16_t vid);
/* Every entry (CB must not change the table): a non-zero return of CB
 * stops the walk and is returned. */
int tna_dp__vlan_for_each(const struct tna_dp *dp,
	int (*cb)(int ifindex, uint16_t vid, const struct tna_vlan_val *v, void *ctx),
	void *ctx);

/* FDB mirror.  FLAGS are TNA_FDB_F_*.  Updating keeps last_used.
 * tna_dp__fdb_set() writes the entry confirmed as of now (tools and tests
 * that own the table); the controller uses the protocol of bpf/fpm/fdb.h:
 * tna_dp__pend_get() on the slot (tna_pend_slot()), the kernel's entry,
 * then tna_dp__fdb_write() with the count it read as ACK. */
int tna_dp__fdb_set(struct tna_dp *dp, const uint8_t mac[6], uint16_t vlan,
		    int port_ifindex, uint32_t flags);
int tna_dp__fdb_write(struct tna_dp *dp, const uint8_t mac[6], uint16_t vlan,
		      int port_ifindex, uint32_t flags, uint32_t ack);
int tna_dp__fdb_del(struct tna_dp *dp, const uint8_t mac[6], uint16_t vlan);
int tna_dp__fdb_clear(struct tna_dp *dp);
/* Count of pending slot SLOT and, in *PI (may be NULL), what the fast path
 * wrote with its last bump: CLOCK_MONOTONIC of that bump and of the last
 * change of ingress port (to ~1 ms, rounded down; 0 when never bumped),
 * and that ingress port. */
struct tna_pend_info {
	uint64_t bumped_ns, mixed_ns;
	int port;
};
uint32_t tna_dp__pend_get(const struct tna_dp *dp, uint32_t slot, struct tna_pend_info *pi);
/* The bitmap of bumped slots (mmapped, TNA_PEND_DIRTY_WORDS): take a
 * word with an atomic exchange against 0. */
uint64_t *tna_dp__pend_dirty(struct tna_dp *dp);
/* Entries whose fast-path last_used is newer than since_ns
 * (CLOCK_MONOTONIC).  The fast path does not read a clock per packet: it
 * stamps the value of the last tick, so last_used_ns is a lower bound of
 * the last use, at most one tick early.  Every call ticks first (so a
 * keep-alive round every N seconds bounds the error to N s), as do
 * tna_dp__load() and tna_dp__tick().  A non-zero return of CB stops the
 * walk and is returned. */
int tna_dp__fdb_for_each_used(struct tna_dp *dp, uint64_t since_ns,
	int (*cb)(const uint8_t mac[6], uint16_t vlan, const struct tna_fdb_val *v,
		  void *ctx), void *ctx);
/* The same in steps: BATCHES batches (of 4096 entries) per call from
 * *CUR (zeroed to start; ticks then); cur->done once the walk is over. */
struct tna_fdb_cursor {
	uint32_t pos;		/* the kernel's batch position (a hash bucket) */
	bool started, done;
};
int tna_dp__fdb_used_step(struct tna_dp *dp, uint64_t since_ns, struct tna_fdb_cursor *cur,
	unsigned int batches,
	int (*cb)(const uint8_t mac[6], uint16_t vlan, const struct tna_fdb_val *v,
		  void *ctx), void *ctx);
/* Set the fast path's clock to CLOCK_MONOTONIC now; returns it. */
uint64_t tna_dp__tick(struct tna_dp *dp);
/* Fit the part of the flow cache in use to a mirror of ENTRIES MACs
 * (tna_flow_fit(), for DP's map family): grows at once, shrinks only
 * below a quarter of the fit, so that an FDB at a boundary does not move
 * every entry back and forth.  Returns the log2 of the sets in use. */
uint32_t tna_dp__flow_fit(struct tna_dp *dp, uint32_t entries);

/* The bridge's own MAC, which frames to go to Linux (TO_LOCAL_MAC), for
 * every pipeline of DP's map family: a table write, seen by the next
 * frame (a frame during the write may compare against a mix of both:
 * callers hold the ports on Linux meanwhile). */
void tna_dp__set_bridge_mac(struct tna_dp *dp, const uint8_t mac[6]);

/* Dead-man switch (bpf/fpm/deadman.h).  Arm the timer of DP's map family
 * (once; again only updates the limit): from then on the fast path acts on
 * the tables only while tna_dp__heartbeat() comes within LIMIT_NS. */
int tna_dp__deadman_arm(struct tna_dp *dp, uint64_t limit_ns);
bool tna_dp__deadman_armed(const struct tna_dp *dp);
/* The controller's loop is alive at NOW (CLOCK_MONOTONIC ns); SYNCED: kernel
 * changes notified before it are in the tables (0: do not update). */
void tna_dp__heartbeat(struct tna_dp *dp, uint64_t now_ns, uint64_t synced_ns);
/* Set or withdraw trust (every frame to Linux while withdrawn). */
void tna_dp__trust(struct tna_dp *dp, bool trusted);
bool tna_dp__trusted(const struct tna_dp *dp);
/* Times the dead-man timer withdrew trust. */
uint32_t tna_dp__deadman_trips(const struct tna_dp *dp);

/* Verified (xlated) instruction count of the loaded pipeline: what
 * specialisation left after dead-code elimination. */
uint32_t tna_dp__xlated_insns(const struct tna_dp *dp);
/* JIT image size in bytes (0 when not jitted). */
uint32_t tna_dp__jited_bytes(const struct tna_dp *dp);
int tna_dp__prog_fd(const struct tna_dp *dp);
/* The root program the ports run (tail-calls the family's current
 * pipeline, XDP_PASS when there is none): for BPF_PROG_TEST_RUN. */
int tna_dp__root_fd(const struct tna_dp *dp);
/* Its program id (what a port's XDP state shows); 0 on error. */
uint32_t tna_dp__root_id(const struct tna_dp *dp);

/* --- the NIC stage of a port (targets/offload/) ------------------------ */

/* Load the NIC stage (bpf/tna_nic.bpf.c) onto the device of attached
 * port IFINDEX, checked first against CAPS (the offload model), and attach
 * it in HW mode next to the host stage.  It passes every frame until
 * tna_dp__nic_set() configures it, and goes with the port's link (detach,
 * destroy; replace moves it along).  On refusal (-E2BIG/-EOPNOTSUPP from
 * the model, the device's errno) WHY has the model's or the device's
 * message, and the port remembers it: later calls fail at once (-EPERM)
 * with the same message.  -ENOENT: the port is not attached. */
struct tna_offload_caps;
int tna_dp__nic_attach(struct tna_dp *dp, int ifindex, const struct tna_offload_caps *caps,
		       char *why, size_t len);
/* What the NIC stage of IFINDEX drops: TNA_NIC_F_*, and the port's real
 * STP state (not a state the host stage is held in).  -ENOENT: none. */
int tna_dp__nic_set(struct tna_dp *dp, int ifindex, uint32_t flags, uint8_t stp_state);
int tna_dp__nic_detach(struct tna_dp *dp, int ifindex);
/* Program id of the port's NIC stage, 0 when none is attached (also when
 * its link was detached behind our back: the next tna_dp__nic_attach
 * loads it again). */
uint32_t tna_dp__nic_prog_id(struct tna_dp *dp, int ifindex);

/* Detaches every port it attached, frees everything. NULL is fine. */
void tna_dp__destroy(struct tna_dp *dp);

/* "link_local", "dst_unknown", ...; "?" when out of range. */
const char *tna_reason_name(int reason);
/* Inverse of tna_reason_name(): -EINVAL when unknown. */
int tna_reason_parse(const char *name);

/* --- native egress on veth ------------------------------------------- */

/* A pass over many ports (the once-a-second recheck): the refreshes and
 * reads between these share their sockets, one per namespace, instead of
 * opening their own; all are closed at the end.  Passes may nest. */
void tna_dp__pass_begin(void);
void tna_dp__pass_end(void);

/* NETDEV_XDP_ACT_* features of IFINDEX in the current netns (genl netdev). */
int tna_xdp_features(int ifindex, uint64_t *features);

/* Native redirect into a veth needs its peer to run XDP or have GRO on.
 * Turn GRO on for the peer of IFINDEX (also in another netns) when it is
 * off, and record it in *undo; tna_peer_gro_undo() puts it back.
 * *changed says whether anything was changed. */
struct tna_gro_undo {
	int peer_ifindex;
	int netns_fd;			/* -1: current netns */
	bool changed;
};
int tna_peer_gro_enable(int ifindex, struct tna_gro_undo *undo);
int tna_peer_gro_undo(struct tna_gro_undo *undo);

/* What the peer of veth IFINDEX does (also in another netns), read with
 * ethtool netlink in the peer's namespace.  -ENOTSUP: not a veth.  No
 * event tells a change in our namespace: ask again to follow it. */
struct tna_veth_peer_features {
	int peer_ifindex;
	bool tx_csum;		/* TCP/UDP it sends may be CHECKSUM_PARTIAL */
	bool tso;		/* sends TSO/USO superpackets now */
	bool tso_wanted;	/* would, but for native XDP on our end (which
				 * takes it away: veth_fix_features) */
	bool gro;		/* GRO on: our end can be a native redirect egress */
	bool tx_vlan;		/* inserts VLAN tags "in hardware": a tag it sends
				 * travels as skb metadata, which XDP on our end
				 * does not see (generic or native) */
};
int tna_veth_peer_features(int ifindex, struct tna_veth_peer_features *f);

#endif /* TNA_TARGETS_DATAPATH_H */
