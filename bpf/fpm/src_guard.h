/* src_guard: rule P2 of the mirror protocol (bpf/fpm/fdb.h).
 *
 * A frame that goes to Linux may teach the bridge its source MAC.  Unless
 * the mirror has that MAC confirmed on the ingress port (Linux then learns
 * nothing new) or Linux never moves it (local, sticky), the MAC's pending
 * slot is bumped before the frame is passed: the mirror entry, if any, is
 * unconfirmed from now on (frames from and to it go to Linux), and a
 * controller write based on a kernel state from before this frame cannot
 * confirm it.  The controller confirms it again with the kernel's entry
 * after Linux has learned.  If the entry named another port, every CPU's
 * flow cache is invalidated too (table generation).
 *
 * Linux learns only on ports with learning on, not locked, in the learning
 * and forwarding states; the port table says which (a held port's state is
 * not there: it counts as learning).  While the controller's
 * trust is withdrawn (bpf/fpm/deadman.h) the port table may be stale, so
 * every frame with a valid source bumps. */
#ifndef TNA_FPM_SRC_GUARD_H
#define TNA_FPM_SRC_GUARD_H
#include "bpf/fpm/fdb.h"

static __always_inline void fpm_src_guard(struct tna_pkt *p, int reason)
{
	void *data = (void *)(long)p->ctx->data;
	void *data_end = (void *)(long)p->ctx->data_end;
	struct ethhdr *eth = data;
	struct tna_fdb_val *src;
	struct tna_pend *pd;
	__u32 slot, now, old, word, zero = 0;
	__u64 *dirty;
	bool ok;

	/* Any module may have passed the frame, some after resizing it, some
	 * before parse_eth ran (br_netfilter): take the header afresh. */
	/* kfunc mode: no mirror to protect, the kernel's FDB is the only one */
	if (!fpm_has(p, TNA_FPM_FDB_SRC) || fdb_kfunc_mode() ||
	    (void *)(eth + 1) > data_end || !p->in ||
	    reason == TNA_REASON_MALFORMED || reason == TNA_REASON_NOT_A_PORT)
		return;
	if ((eth->h_source[0] & 1) ||	/* Linux learns valid unicast only */
	    !(eth->h_source[0] | eth->h_source[1] | eth->h_source[2] |
	      eth->h_source[3] | eth->h_source[4] | eth->h_source[5]))
		return;
	if (p->clk && READ_ONCE(p->clk->trusted)) {
		if (!(p->in->flags & TNA_PORT_F_LEARNING))
			return;
		/* A locked port (802.1X) never moves an entry: a source known
		 * on another port is dropped without roaming
		 * (br_handle_frame_finish), whatever the frame (broadcasts
		 * are passed before port_flags runs). */
		if (p->in->flags & TNA_PORT_F_LOCKED)
			return;
		/* A held port's real state is not in the table: it may learn */
		if (p->in->stp_state != TNA_STP_FORWARDING &&
		    p->in->stp_state != TNA_STP_LEARNING &&
		    p->in->stp_state != TNA_STP_HELD)
			return;
	}
	src = fdb_find(eth->h_source, p->vlan, &ok);
	if (src && ((ok && src->ifindex == p->in_ifindex) ||
		    (src->flags & (TNA_FDB_F_LOCAL | TNA_FDB_F_STICKY))))
		return;
	slot = tna_pend_slot(eth->h_source, p->vlan);
	pd = bpf_map_lookup_elem(&tna_pend, &slot);
	if (!pd)
		return;
	/* the rest first: a controller that sees the new count sees them */
	now = (__u32)(bpf_ktime_get_ns() >> TNA_PEND_SHIFT);
	old = READ_ONCE(pd->port);
	if (old != p->in_ifindex) {
		if (old)	/* the first bump of a slot mixes nothing */
			WRITE_ONCE(pd->mixed, now);
		WRITE_ONCE(pd->port, p->in_ifindex);
	}
	WRITE_ONCE(pd->when, now);
	__sync_fetch_and_add(&pd->count, 1);
	word = slot >> 6;
	dirty = bpf_map_lookup_elem(&tna_pend_dirty, &word);
	if (dirty)
		__sync_fetch_and_or(dirty, 1ULL << (slot & 63));
	/* Cached answers may name the old port (an unconfirmed entry on this
	 * very port: they name this port, which Linux now confirms). */
	if (!src || src->ifindex == p->in_ifindex)
		return;
	if (!p->clk)
		p->clk = bpf_map_lookup_elem(&tna_clock, &zero);
	if (p->clk)
		__sync_fetch_and_add(&p->clk->gen, 1);
}

#endif /* TNA_FPM_SRC_GUARD_H */
