/* The one place the fast path asks "where is this MAC": the FDB mirror
 * kept by the controller from netlink.  When capabilities report the
 * kfunc_fdb_lookup of kernel/, this is where bpf_xdp_fdb_lookup() goes (a
 * rodata switch, the mirror, its pending marks and the guard pruned away):
 * the kernel's own table then answers, and the windows described below do
 * not exist.  Nothing else changes.
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
