/* The router plan applied to a pipeline: see controller/router_apply.h. */
#include <errno.h>
#include <string.h>
#include "controller/router_apply.h"

int tna_router_plan_apply(struct tna_dp *dp, const struct tna_router_plan *plan,
			  int *attach, int max, int *n_attach)
{
	int err;

	if (!dp || !plan || (max && !attach))
		return -EINVAL;
	if (n_attach)
		*n_attach = 0;
	if (!plan->ok)
		return 0;
	err = tna_dp__src_martian4_set(dp, plan->martian4, plan->n_martian4);
	if (err)
		return err;
	for (int i = 0; i < plan->n_ifs; i++) {
		const struct tna_router_if_plan *f = &plan->ifs[i];
		struct tna_rif_cfg rif = { .l3_ifindex = f->l3_ifindex, .flags = f->rif_flags };

		memcpy(rif.mac, f->mac, 6);
		if (f->routed) {
			if (n_attach && *n_attach >= max)
				return -ENOSPC;
			err = tna_dp__router_port_add(dp, f->ifindex, f->mac,
						      f->rif_flags & TNA_RIF_F_RP_FILTER);
			if (!err)	/* the rif as planned (other flags too) */
				err = tna_dp__rif_set(dp, f->ifindex, &rif);
			if (!err && f->egress_linux) {
				struct tna_port_cfg c;

				err = tna_dp__port_get(dp, f->ifindex, &c);
				c.flags = (uint8_t)((c.flags & ~TNA_PORT_F_NO_XMIT) |
						    TNA_PORT_F_EGRESS_LINUX);
				if (!err)
					err = tna_dp__port_set(dp, f->ifindex, &c);
			}
			if (err)
				return err;
			if (n_attach)
				attach[(*n_attach)++] = f->ifindex;
		} else if (f->bridge || f->brport) {
			err = tna_dp__rif_set(dp, f->ifindex, &rif);
			if (err)
				return err;
		}
	}
	return 0;
}
