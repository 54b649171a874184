/* fdb_src: where Linux would learn (port learning on), the source must be
 * known on this very port; an unknown or moved source goes to Linux, which
 * learns it and tells the mirror.  A known source is stamped as used so that
 * the controller can keep the kernel entry from ageing out.  The stamp is
 * the clock user space last wrote into tna_clock (one tick per keep-alive
 * round), not a helper call per packet (bpf_ktime_get_coarse_ns() cost ~12
 * ns a packet here), and it is written once per tick, so the shared cache
 * line is not dirtied per packet. */
#ifndef TNA_FPM_FDB_SRC_H
#define TNA_FPM_FDB_SRC_H
#include "bpf/fpm/fdb.h"

/* Linux is about to move this source MAC to the ingress port.  Forget the
 * old port now, so frames to it go to Linux until the mirror hears of the
 * move from the kernel; otherwise they would still be redirected to the
 * old port for the event's latency (found by the equivalence harness's
 * mac-move frames sent back to back).  Static entries do not move. */
static __always_inline void fdb_forget_moved(struct tna_pkt *p,
					     const struct tna_fdb_val *src)
{
	struct tna_fdb_key k = { .vlan = p->vlan };

	if (src->flags & (TNA_FDB_F_STATIC | TNA_FDB_F_LOCAL))
		return;
	__builtin_memcpy(k.mac, p->eth->h_source, 6);
	bpf_map_delete_elem(&tna_fdb, &k);
	if (!p->clk) {	/* passed before fpm_clock() ran */
		__u32 zero = 0;

		p->clk = bpf_map_lookup_elem(&tna_clock, &zero);
	}
	if (p->clk)	/* invalidate flow-cache entries */
		__sync_fetch_and_add(&p->clk->gen, 1);
}

/* A frame handed to Linux for another reason (broadcast, link-local, to
 * the bridge's MAC, ...) still teaches Linux its source on a learning
 * port in learning or forwarding state: the same move as above. */
static __always_inline void fpm_fdb_src_on_pass(struct tna_pkt *p, int reason)
{
	struct tna_fdb_val *src;

	if (!fpm_on(TNA_FPM_FDB_SRC) || !p->eth || !p->in ||
	    !(p->in->flags & TNA_PORT_F_LEARNING) ||
	    (p->in->stp_state != 2 && p->in->stp_state != TNA_STP_FORWARDING))
		return;
	switch (reason) {
	case TNA_REASON_MALFORMED: case TNA_REASON_NOT_A_PORT:
	case TNA_REASON_BR_NETFILTER: case TNA_REASON_PORT_LOCKED:
	case TNA_REASON_SRC_UNKNOWN: case TNA_REASON_SRC_MOVED:
	case TNA_REASON_SRC_LOCAL:
		return;
	}
	src = fdb_lookup(p->eth->h_source, p->vlan);
	if (src && src->ifindex != p->in_ifindex)
		fdb_forget_moved(p, src);
}

static __always_inline int fpm_fdb_src(struct tna_pkt *p)
{
	struct tna_fdb_val *src;

	if (!fpm_on(TNA_FPM_FDB_SRC) || !(p->in->flags & TNA_PORT_F_LEARNING))
		return TNA_GO;
	src = fdb_lookup(p->eth->h_source, p->vlan);
	if (!src)
		return TNA_REASON_SRC_UNKNOWN;
	if (src->flags & TNA_FDB_F_LOCAL)
		return TNA_REASON_SRC_LOCAL;
	if (src->ifindex != p->in_ifindex) {
		fdb_forget_moved(p, src);
		return TNA_REASON_SRC_MOVED;
	}
	if (p->clk && src->last_used != p->clk->now)
		src->last_used = p->clk->now;
	return TNA_GO;
}

#endif /* TNA_FPM_FDB_SRC_H */
