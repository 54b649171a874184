/* What the controller looks at every second because no event in its
 * namespace announces it: a port's ndo-xmit (a veth gets it while its
 * peer has XDP or GRO), the veth peer's tx checksumming, and, for the
 * auto target, everything its choice rested on (controller/recheck.c). */
#ifndef TNA_CONTROLLER_RECHECK_H
#define TNA_CONTROLLER_RECHECK_H
#include <stdbool.h>

#include "assembler/plan.h"
#include "targets/datapath.h"

/* How often (ms): the bound after which a change is followed. */
#define TNA_RECHECK_MS 1000

/* Refresh the port entries of IFX (tna_dp__port_refresh).  Bit 0 of the
 * result: some port still cannot take native redirected frames; bit 1:
 * some entry changed. */
#define TNA_RECHECK_NO_XMIT	1
#define TNA_RECHECK_CHANGED	2
int tna_recheck_ports(struct tna_dp *dp, const int *ifx, int n);

struct tna_rt_state;
/* Auto: did anything a plan (NPLANS bridge plans, the router's) rested on
 * change since it was made? */
bool tna_recheck_auto(const struct tna_bridge_plan *const *plans, int nplans,
		      const struct tna_rt_state *rt);

#endif
