/* fdb_src, kfunc mode (bpf/fpm/fdb.h): the kernel learns or refreshes
 * the source as the bridge would, and answers for the destination too.
 *
 * fdb_src, mirror mode: where Linux would learn (port learning on), the source must be
 * known and confirmed on this very port (bpf/fpm/fdb.h); an unknown, moved
 * or unconfirmed source goes to Linux, which learns it and tells the
 * mirror.  A known source is stamped as used so that
 * the controller can keep the kernel entry from ageing out.  The stamp is
 * the clock user space last wrote into tna_clock (one tick per keep-alive
 * round), not a helper call per packet (bpf_ktime_get_coarse_ns() cost ~12
 * ns a packet here), and it is written once per tick, so the shared cache
 * line is not dirtied per packet. */
#ifndef TNA_FPM_FDB_SRC_H
#define TNA_FPM_FDB_SRC_H
#include "bpf/fpm/fdb.h"

static __always_inline int fpm_fdb_src(struct tna_pkt *p)
{
	struct tna_fdb_val *src;
	bool ok;

	if (fdb_kfunc_mode())	/* learns where the bridge would */
		return fpm_has(p, TNA_FPM_FDB_SRC) ? fdb_kfunc_lookup(p) : TNA_GO;
	if (!fpm_has(p, TNA_FPM_FDB_SRC) || !(p->in->flags & TNA_PORT_F_LEARNING))
		return TNA_GO;
	src = fdb_find(p->eth->h_source, p->vlan, &ok);
	if (!src)
		return TNA_REASON_SRC_UNKNOWN;
	if (src->flags & TNA_FDB_F_LOCAL)
		return TNA_REASON_SRC_LOCAL;
	if (!ok)
		return TNA_REASON_FDB_UNCONFIRMED;
	if (src->ifindex != p->in_ifindex)
		return TNA_REASON_SRC_MOVED;
	if (p->clk && src->last_used != p->tick)
		src->last_used = p->tick;
	return TNA_GO;
}

#endif /* TNA_FPM_FDB_SRC_H */
