/* src_guard: keep the mirror from forwarding to a port Linux just left.
 *
 * A frame that goes to Linux teaches the bridge its source MAC.  If the
 * mirror still has that MAC on another port (a host moved), Linux moves the
 * entry now, but the mirror only hears of it through a netlink event a
 * moment later; in between, the fast path would send frames for the MAC to
 * the old port.  So before passing such a frame, drop the stale mirror entry
 * and invalidate every CPU's flow cache: frames for the MAC then go to Linux
 * (dst_unknown) until the controller mirrors the new port. */
#ifndef TNA_FPM_SRC_GUARD_H
#define TNA_FPM_SRC_GUARD_H
#include "bpf/fpm/fdb.h"

static __always_inline void fpm_src_guard(struct tna_pkt *p, int reason)
{
	void *data = (void *)(long)p->ctx->data;
	void *data_end = (void *)(long)p->ctx->data_end;
	struct tna_fdb_key k = { .vlan = p->vlan };
	struct ethhdr *eth = data;
	struct tna_fdb_val *src;
	__u32 zero = 0;

	/* Any module may have passed the frame, some after resizing it: take
	 * the header afresh rather than trust p->eth on every path. */
	if (!fpm_on(TNA_FPM_FDB_SRC) || !p->eth || (void *)(eth + 1) > data_end || !p->in ||
	    !(p->in->flags & TNA_PORT_F_LEARNING) ||
	    reason == TNA_REASON_MALFORMED || reason == TNA_REASON_NOT_A_PORT)
		return;
	/* A locked port (802.1X) never moves an entry: a source known on
	 * another port is dropped without roaming (br_handle_frame_finish),
	 * whatever the frame (broadcasts are passed before port_flags runs). */
	if (p->in->flags & TNA_PORT_F_LOCKED)
		return;
	/* Linux learns in the learning and forwarding states only */
	if (p->in->stp_state != TNA_STP_FORWARDING && p->in->stp_state != TNA_STP_LEARNING)
		return;
	src = fdb_lookup(eth->h_source, p->vlan);
	if (!src || src->ifindex == p->in_ifindex || (src->flags & TNA_FDB_F_LOCAL) ||
	    (src->flags & TNA_FDB_F_STATIC))
		return;
	__builtin_memcpy(k.mac, eth->h_source, 6);
	bpf_map_delete_elem(&tna_fdb, &k);
	if (!p->clk)
		p->clk = bpf_map_lookup_elem(&tna_clock, &zero);
	if (p->clk)
		__sync_fetch_and_add(&p->clk->gen, 1);
}

#endif /* TNA_FPM_SRC_GUARD_H */
