/* forward: redirect to the egress port through the devmap.  If the slot is
 * empty (port being removed) the helper returns XDP_PASS: Linux forwards. */
#ifndef TNA_FPM_FORWARD_H
#define TNA_FPM_FORWARD_H
#include "bpf/fpm/common.h"

static __always_inline int fpm_forward(struct tna_pkt *p)
{
	if (!fpm_has(p, TNA_FPM_FORWARD))
		return TNA_REASON_FPM_OFF;
	if (bpf_redirect_map(&tna_devmap, p->out->idx, XDP_PASS) != XDP_REDIRECT)
		return TNA_REASON_REDIRECT_FAILED;
	return TNA_GO;
}

#endif /* TNA_FPM_FORWARD_H */
