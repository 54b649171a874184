/* fdb_dst: the destination must be known and confirmed (else Linux
 * floods, or knows better: bpf/fpm/fdb.h), not local (else Linux delivers
 * it up), and not on the ingress port (Linux applies its hairpin setting).
 * In kfunc mode the same questions are put to the answer of fdb_src's
 * call, plus what only the kernel knows (egress denied, promiscuous). */
#ifndef TNA_FPM_FDB_DST_H
#define TNA_FPM_FDB_DST_H
#include "bpf/fpm/fdb.h"

static __always_inline int fpm_fdb_dst(struct tna_pkt *p)
{
	struct tna_fdb_val *dst;
	bool ok;

	if (!fpm_has(p, TNA_FPM_FDB_DST))
		return TNA_REASON_FPM_OFF;
	if (fdb_kfunc_mode())	/* fdb_src's call answered */
		return fdb_kfunc_dst(p);
	dst = fdb_find(p->eth->h_dest, p->vlan, &ok);
	if (!dst)
		return TNA_REASON_DST_UNKNOWN;
	if (dst->flags & TNA_FDB_F_LOCAL)
		return TNA_REASON_TO_LOCAL_MAC;
	if (!ok)
		return TNA_REASON_FDB_UNCONFIRMED;
	if (dst->ifindex == p->in_ifindex)
		return TNA_REASON_DST_SAME_PORT;
	p->out_ifindex = dst->ifindex;
	return TNA_GO;
}

#endif /* TNA_FPM_FDB_DST_H */
