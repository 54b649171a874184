/* The controller's once-a-second looks: see controller/recheck.h. */
#include <stdlib.h>

#include "controller/recheck.h"
#include "controller/router_deploy.h"

static uint64_t every(void)
{
	static uint64_t every_ns;

	if (!every_ns) {
		const char *ms = getenv("TNA_TEST_RECHECK_MS");	/* test switch */

		every_ns = (ms && atoll(ms) > 0 ? (uint64_t)atoll(ms) : TNA_RECHECK_MS) * 1000000ull;
	}
	return every_ns;
}

uint64_t tna_recheck_tick_ns(void)
{
	uint64_t e = every(), second = TNA_RECHECK_MS * 1000000ull;

	return e < second ? e : second;
}

bool tna_recheck_due(uint64_t now)
{
	static uint64_t next_ns;
	uint64_t every_ns = every();

	if (now < next_ns)
		return false;
	next_ns = now + every_ns;
	return true;
}

bool tna_recheck_ports(struct tna_dp *dp, const int *ifx, int n)
{
	bool changed = false;

	for (int i = 0; i < n; i++)
		if (tna_dp__port_refresh(dp, ifx[i]) > 0)
			changed = true;
	return changed;
}

bool tna_recheck_auto(const struct tna_bridge_plan *const *plans, int nplans,
		      const struct tna_rt_state *rt)
{
	for (int i = 0; i < nplans; i++)
		if (tna_plan_inputs_changed(plans[i]))
			return true;
	return tna_rt_inputs_changed(rt);
}
