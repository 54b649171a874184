/* port_state: the ingress port must be a bridge port in forwarding state.
 * Learning, listening, blocking, disabled: Linux learns or drops. */
#ifndef TNA_FPM_PORT_STATE_H
#define TNA_FPM_PORT_STATE_H
#include "bpf/fpm/common.h"

/* Always runs: the port is also the stats slot. */
static __always_inline int fpm_ingress_port(struct tna_pkt *p)
{
	__u32 ifx = p->ctx->ingress_ifindex;

	p->in_ifindex = ifx;
	p->in = bpf_map_lookup_elem(&tna_ports, &ifx);
	if (!p->in || !p->in->idx)
		return TNA_REASON_NOT_A_PORT;
	/* A change that may restrict traffic is being applied: Linux decides
	 * until the fast path is rebuilt (controller/restrict.c). */
	if (p->in->stp_state == TNA_STP_HELD)
		return TNA_REASON_CONFIG_CHANGE;
	return TNA_GO;
}

static __always_inline int fpm_port_state(struct tna_pkt *p)
{
	if (fpm_has(p, TNA_FPM_PORT_STATE) && p->in->stp_state != TNA_STP_FORWARDING)
		return TNA_REASON_PORT_NOT_FORWARDING;
	return TNA_GO;
}

/* Egress: must be a port, forwarding (the FDB may point at a port that
 * just went blocking before the mirror hears of it: the port table wins). */
static __always_inline int fpm_egress_state(struct tna_pkt *p)
{
	__u32 ifx = p->out_ifindex;

	p->out = bpf_map_lookup_elem(&tna_ports, &ifx);
	if (!p->out || !p->out->idx)
		return TNA_REASON_EGRESS_NOT_FORWARDING;
	if (fpm_has(p, TNA_FPM_PORT_STATE) && p->out->stp_state != TNA_STP_FORWARDING)
		return TNA_REASON_EGRESS_NOT_FORWARDING;
	return TNA_GO;
}

#endif /* TNA_FPM_PORT_STATE_H */
