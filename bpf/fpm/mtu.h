/* mtu: a frame longer than its egress port takes goes to Linux.
 *
 * Generic XDP sees the skb Linux received: from a local TCP/UDP stack on
 * a veth that is a GSO superpacket of up to 64 KB.  The kernel's redirect
 * path drops it without a word when it is longer than the egress MTU plus
 * an Ethernet header and a VLAN tag (xdp_ok_fwd_dev: GSO is not exempt),
 * where Linux would forward it and segment it on the way out.  Native
 * redirects apply the same bound.  So a frame over that bound is Linux's
 * (egress_mtu); the egress MTU is in the port table and follows link
 * changes (targets/tables.c, the controller's link events). */
#ifndef TNA_FPM_MTU_H
#define TNA_FPM_MTU_H
#include "bpf/fpm/common.h"

static __always_inline int fpm_egress_mtu(struct tna_pkt *p)
{
	__u32 len = p->ctx->data_end - p->ctx->data;

	if (len > (__u32)p->out->mtu + TNA_L2_OVERHEAD)
		return TNA_REASON_EGRESS_MTU;
	return TNA_GO;
}

#endif /* TNA_FPM_MTU_H */
