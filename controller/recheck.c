/* The controller's once-a-second looks: see controller/recheck.h. */
#include "controller/recheck.h"
#include "controller/router_deploy.h"

int tna_recheck_ports(struct tna_dp *dp, const int *ifx, int n)
{
	struct tna_port_cfg cfg;
	int ret = 0;

	for (int i = 0; i < n; i++) {
		if (tna_dp__port_refresh(dp, ifx[i]) > 0)
			ret |= TNA_RECHECK_CHANGED;
		if (!tna_dp__port_get(dp, ifx[i], &cfg) && (cfg.flags & TNA_PORT_F_NO_XMIT))
			ret |= TNA_RECHECK_NO_XMIT;
	}
	return ret;
}

bool tna_recheck_auto(const struct tna_bridge_plan *const *plans, int nplans,
		      const struct tna_rt_state *rt)
{
	for (int i = 0; i < nplans; i++)
		if (tna_plan_inputs_changed(plans[i]))
			return true;
	return tna_rt_inputs_changed(rt);
}
