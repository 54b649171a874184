/* The one place the fast path asks "where is this MAC".  Two modes, chosen
 * by the planner (assembler/fdb_mode.c) and frozen in rodata before load:
 *
 * kfunc (TNA_FPM_FDB_KFUNC, kernels with bpf_xdp_fdb_lookup() of
 * kernel/patches): fdb_src asks the bridge itself, which learns or
 * refreshes the source exactly as for a received frame and answers for the
 * destination; fdb_dst reads that answer.  The kernel FDB is the only copy:
 * no mirror, no pending marks, no guard, no keep-alive, no flow cache (it
 * would skip the refresh and miss moves), and none of the windows below.
 * The call is declared __weak: on a kernel without it the object still
 * loads, the branch pruned by the verifier (the bit is off there; if set,
 * the ksym check sends every frame to Linux).
 *
 * mirror (every other kernel): the FDB mirror kept by the controller from
 * netlink, as follows.
 *
 * The mirror protocol (a stock kernel has no FDB lookup for XDP).
 *
 * Actors: the kernel FDB (the truth), the mirror (tna_fdb, written only by
 * the controller), the pending marks (tna_pend, bumped only by the fast
 * path), the controller, which learns kernel changes from netlink events.
 *
 *   P1  A mirror entry is *confirmed* while its ack equals the count of its
 *       pending slot.  fdb_src and fdb_dst use confirmed entries only; an
 *       unconfirmed one is treated as unknown (reason fdb_unconfirmed: the
 *       frame goes to Linux).
 *   P2  src_guard: before a frame goes to Linux from a source MAC that the
 *       mirror does not have confirmed on the ingress port (moved, unknown,
 *       unconfirmed; not local or sticky, which Linux never moves), it
 *       bumps the slot's count (and stamps its time).  Linux can only learn
 *       from the frame after XDP returned, i.e. after the bump.
 *   P3  The controller confirms an entry only with what the kernel holds:
 *       it reads the slot (count c, time t), then looks up the kernel's
 *       current entry, then writes it with ack = c.  A bump after the read
 *       leaves ack != count: unconfirmed.  A bump before the read must be
 *       in the kernel state it looked up: the lookup (the introspection
 *       model) must hold every event the kernel sent up to t + the learn
 *       delay (XDP returning to br_fdb_update(), the same softirq; bound in
 *       controller/fdb_mirror.h); otherwise it writes ack = c - 1 and
 *       tries again later.
 *       The model's current entry is written, never an event's payload.
 *
 * What follows.  A confirmed entry names the port the kernel has, except
 * for changes Linux makes without a frame through this fast path (a move
 * learned on a port TNA does not run on, `bridge fdb` commands, aging,
 * flush, a port leaving): those reach the mirror with the event latency.
 *   - No stale replay: a late event cannot put back an old port; the
 *     controller writes the current entry, and a move that happened in
 *     between has bumped the count.
 *   - No hidden move: a frame from a MAC on a port other than its
 *     confirmed one, or from an unconfirmed MAC, goes to Linux, which
 *     learns from it; from its confirmed port it teaches Linux nothing new.
 *   - The flow cache holds answers built from confirmed entries; the guard
 *     bumps the table generation when a mirrored MAC moves, the
 *     controller after every write, so no cached answer outlives them.
 *   - Every frame also needs the controller's trust (bpf/fpm/deadman.h):
 *     a stopped or hung controller leaves plain Linux within a bound. */
#ifndef TNA_FPM_FDB_H
#define TNA_FPM_FDB_H
#include "bpf/fpm/common.h"

#ifdef TNA_FDB_KFUNC_BUILD	/* bpf/tna_bridge_kfunc.bpf.c */
#include "kernel/fdb_kfunc.h"

static __always_inline bool fdb_kfunc_mode(void)
{
	return fpm_on(TNA_FPM_FDB_KFUNC);
}

/* kfunc mode: the bridge's receive decisions for this frame, the source
 * learned or refreshed where the bridge would (its learning flag, STP
 * state, locked ports, ageing time: kernel/README.md).  Called only for
 * frames that reach the bridge's FDB code in Linux too: after the steps
 * that pass link-local, group and local frames, non-forwarding and locked
 * ports, and those bridge-family netfilter could see.  Keeps the answer's
 * flags in p->fdb_flags and the egress in p->out_ifindex for fdb_dst. */
static __always_inline int fdb_kfunc_lookup(struct tna_pkt *p)
{
	struct tna_fdb_lookup q = {};
	__u32 f;

	if (!bpf_xdp_fdb_lookup)	/* bit set on a kernel without it */
		return TNA_REASON_FPM_OFF;
	__builtin_memcpy(q.dmac, p->eth->h_dest, 6);
	__builtin_memcpy(q.smac, p->eth->h_source, 6);
	/* untagged as far as the bridge is concerned: the VLAN module passes
	 * tagged frames before this, and without VLAN filtering the bridge
	 * ignores tags; the kernel applies the PVID itself */
	if (bpf_xdp_fdb_lookup(p->ctx, &q, TNA_FDB_LOOKUP_SZ, 0) < 0)
		return TNA_REASON_NOT_A_PORT;
	f = q.flags;
	p->fdb_flags = f;
	p->out_ifindex = q.egress_ifindex;
	/* source side: what the bridge does before it looks at the destination */
	if (f & TNA_FDB_LINK_LOCAL)
		return TNA_REASON_LINK_LOCAL;
	if (f & TNA_FDB_SRC_DENIED)
		return TNA_REASON_PORT_LOCKED;
	if (f & TNA_FDB_DROP)	/* the port table lags its STP state: Linux drops */
		return TNA_REASON_PORT_NOT_FORWARDING;
	if (f & TNA_FDB_SRC_LOCAL)	/* Linux forwards it with a warning */
		return TNA_REASON_SRC_LOCAL;
	return TNA_GO;
}

/* kfunc mode, the destination side of the answer fdb_kfunc_lookup kept. */
static __always_inline int fdb_kfunc_dst(struct tna_pkt *p)
{
	__u32 f = p->fdb_flags;

	if (f & TNA_FDB_DST_MULTICAST)
		return TNA_REASON_BCAST_MCAST;
	if (f & TNA_FDB_DST_LOCAL)
		return TNA_REASON_TO_LOCAL_MAC;
	if (f & TNA_FDB_DST_UNKNOWN)
		return TNA_REASON_DST_UNKNOWN;
	if (f & TNA_FDB_BR_PROMISC)	/* the bridge device wants a copy: the host's */
		return TNA_REASON_TO_LOCAL_MAC;
	if (!p->out_ifindex || p->out_ifindex == p->in_ifindex)
		return TNA_REASON_DST_SAME_PORT;	/* hairpin: Linux decides */
	if (f & (TNA_FDB_EGRESS_DENIED | TNA_FDB_EGRESS_BACKUP))
		return TNA_REASON_EGRESS_NOT_FORWARDING;
	return TNA_GO;
}
#else	/* the mirror-only object: not a single instruction of the above */
static __always_inline bool fdb_kfunc_mode(void)
{
	return false;
}

static __always_inline int fdb_kfunc_lookup(struct tna_pkt *p)
{
	return TNA_REASON_FPM_OFF;
}

static __always_inline int fdb_kfunc_dst(struct tna_pkt *p)
{
	return TNA_REASON_FPM_OFF;
}
#endif

/* The mirror entry of (MAC, VLAN) or NULL; *CONFIRMED says whether the
 * fast path may act on it (P1). */
static __always_inline struct tna_fdb_val *fdb_find(const __u8 *mac, __u16 vlan,
						   bool *confirmed)
{
	struct tna_fdb_key k = { .vlan = vlan };
	struct tna_fdb_val *v;
	struct tna_pend *pd;
	__u32 slot;

	__builtin_memcpy(k.mac, mac, 6);
	v = bpf_map_lookup_elem(&tna_fdb, &k);
	*confirmed = false;
	if (!v)
		return NULL;
	slot = tna_pend_slot(k.mac, vlan);
	pd = bpf_map_lookup_elem(&tna_pend, &slot);
	*confirmed = pd && READ_ONCE(v->ack) == READ_ONCE(pd->count);
	return v;
}

/* A confirmed entry or NULL: for modules that only need "where". */
static __always_inline struct tna_fdb_val *fdb_lookup(const __u8 *mac, __u16 vlan)
{
	bool ok;
	struct tna_fdb_val *v = fdb_find(mac, vlan, &ok);

	return ok ? v : NULL;
}

#endif /* TNA_FPM_FDB_H */
