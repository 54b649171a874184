/* vlan: only in the pipeline of a bridge with VLAN filtering.  Tagged
 * frames go to Linux (tag handling is not done here yet); untagged frames
 * belong to the ingress port's pvid and may leave untagged only through a
 * port whose pvid is the same and untagged. */
#ifndef TNA_FPM_VLAN_H
#define TNA_FPM_VLAN_H
#include "bpf/fpm/common.h"

static __always_inline int fpm_vlan_in(struct tna_pkt *p)
{
	__be16 proto = p->eth->h_proto;

	if (!fpm_on(TNA_FPM_VLAN))
		return TNA_GO;
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD))
		return TNA_REASON_VLAN_TAGGED;
	if (!p->in->pvid)
		return TNA_REASON_VLAN_NO_PVID;
	p->vlan = p->in->pvid;
	return TNA_GO;
}

static __always_inline int fpm_vlan_out(struct tna_pkt *p)
{
	if (!fpm_on(TNA_FPM_VLAN))
		return TNA_GO;
	if (p->out->pvid != p->vlan || !(p->out->flags & TNA_PORT_F_UNTAGGED))
		return TNA_REASON_VLAN_EGRESS;
	return TNA_GO;
}

#endif /* TNA_FPM_VLAN_H */
