/* port_flags: bridge port options.  Locked ports (802.1X, MAB) and ports
 * with features the fast path does not reproduce send everything to Linux;
 * isolation is only a question when both ends are isolated (frames the
 * bridge floods are Linux's anyway: it leaves isolated ports out).
 *
 * They are port table values, and every bridge pipeline checks them: a
 * port made isolated, locked or slow-path is one table write, not a new
 * pipeline.  The hot path pays one test per side: the reasons are told
 * apart only once a frame is known to go to Linux. */
#ifndef TNA_FPM_PORT_FLAGS_H
#define TNA_FPM_PORT_FLAGS_H
#include "bpf/fpm/common.h"

static __always_inline int fpm_port_flags_in(struct tna_pkt *p)
{
	if (!fpm_has(p, TNA_FPM_PORT_FLAGS) ||
	    !(p->in->flags & (TNA_PORT_F_LOCKED | TNA_PORT_F_SLOWPATH)))
		return TNA_GO;
	if (p->in->flags & TNA_PORT_F_LOCKED)
		return TNA_REASON_PORT_LOCKED;
	return TNA_REASON_PORT_SLOWPATH;
}

/* Frames to this port must meet its qdisc or egress filters: Linux. */
static __always_inline int fpm_egress_linux(const struct tna_port *out)
{
	return (out->flags & TNA_PORT_F_EGRESS_LINUX) ? TNA_REASON_EGRESS_QDISC : TNA_GO;
}

/* One test for everything that sends a frame to this port to Linux: the
 * egress's own flags, and isolation (bit set in both ports' flags). */
static __always_inline int fpm_port_flags_out(struct tna_pkt *p)
{
	__u8 out = p->out->flags, in = fpm_has(p, TNA_FPM_PORT_FLAGS) ? p->in->flags : 0;
	__u8 slow = fpm_has(p, TNA_FPM_PORT_FLAGS) ? TNA_PORT_F_SLOWPATH : 0;

	if (!((out & (TNA_PORT_F_NO_XMIT | TNA_PORT_F_EGRESS_LINUX | slow)) |
	      (in & out & TNA_PORT_F_ISOLATED)))
		return TNA_GO;
	if (out & TNA_PORT_F_NO_XMIT)	/* native: frame would be lost */
		return TNA_REASON_EGRESS_NO_XMIT;
	if (out & TNA_PORT_F_EGRESS_LINUX)
		return fpm_egress_linux(p->out);
	if (in & out & TNA_PORT_F_ISOLATED)
		return TNA_REASON_PORT_ISOLATED;
	return TNA_REASON_PORT_SLOWPATH;
}

#endif /* TNA_FPM_PORT_FLAGS_H */
