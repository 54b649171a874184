/* port_flags: bridge port options.  Locked ports (802.1X, MAB) and ports
 * with features the fast path does not reproduce send everything to Linux;
 * isolation is only a question when both ends are isolated. */
#ifndef TNA_FPM_PORT_FLAGS_H
#define TNA_FPM_PORT_FLAGS_H
#include "bpf/fpm/common.h"

static __always_inline int fpm_port_flags_in(struct tna_pkt *p)
{
	if (!fpm_on(TNA_FPM_PORT_FLAGS))
		return TNA_GO;
	if (p->in->flags & TNA_PORT_F_LOCKED)
		return TNA_REASON_PORT_LOCKED;
	if (p->in->flags & TNA_PORT_F_SLOWPATH)
		return TNA_REASON_PORT_SLOWPATH;
	return TNA_GO;
}

/* Frames to this port must meet its qdisc or egress filters: Linux. */
static __always_inline int fpm_egress_linux(const struct tna_port *out)
{
	return (out->flags & TNA_PORT_F_EGRESS_LINUX) ? TNA_REASON_EGRESS_QDISC : TNA_GO;
}

static __always_inline int fpm_port_flags_out(struct tna_pkt *p)
{
	if (p->out->flags & (TNA_PORT_F_NO_XMIT | TNA_PORT_F_EGRESS_LINUX)) {
		if (p->out->flags & TNA_PORT_F_NO_XMIT)	/* native: frame would be lost */
			return TNA_REASON_EGRESS_NO_XMIT;
		return fpm_egress_linux(p->out);
	}
	if (!fpm_on(TNA_FPM_PORT_FLAGS))
		return TNA_GO;
	if (p->in->flags & p->out->flags & TNA_PORT_F_ISOLATED)
		return TNA_REASON_PORT_ISOLATED;
	if (p->out->flags & TNA_PORT_F_SLOWPATH)
		return TNA_REASON_PORT_SLOWPATH;
	return TNA_GO;
}

#endif /* TNA_FPM_PORT_FLAGS_H */
