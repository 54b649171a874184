/* What the controller looks at every second as a backstop: the veth
 * peer's tx checksumming and TSO (heard from the peer's link messages,
 * controller/peer_watch.h), for the auto target everything its choice
 * rested on, and a port's ndo-xmit (a veth has it while its peer has XDP
 * or GRO; announced, controller/xmit_watch.h).  The recheck catches lost
 * messages and kernels without the notification (controller/recheck.c). */
#ifndef TNA_CONTROLLER_RECHECK_H
#define TNA_CONTROLLER_RECHECK_H
#include <stdbool.h>
#include <stdint.h>

#include "assembler/plan.h"
#include "targets/datapath.h"

/* How often (ms): the bound after which a change is followed. */
#define TNA_RECHECK_MS 1000

/* Is the recheck due at NOW (CLOCK_MONOTONIC ns; called every
 * tna_recheck_tick_ns())?  Always, unless the test-only switch
 * TNA_TEST_RECHECK_MS stretches it (a test that must see a change
 * followed by its notification, not by the recheck) or shortens it (a
 * test of many rechecks). */
bool tna_recheck_due(uint64_t now);
/* How often the once-a-second block runs: TNA_RECHECK_MS, or the test
 * switch's interval when that is shorter. */
uint64_t tna_recheck_tick_ns(void);

/* Refresh the port entries of IFX (tna_dp__port_refresh): true when
 * some entry changed.  Called inside the once-a-second block's pass
 * (tna_dp__pass_begin in controller/loop.c): the ports share its sockets. */
bool tna_recheck_ports(struct tna_dp *dp, const int *ifx, int n);

struct tna_rt_state;
/* Auto: did anything a plan (NPLANS bridge plans, the router's) rested on
 * change since it was made? */
bool tna_recheck_auto(const struct tna_bridge_plan *const *plans, int nplans,
		      const struct tna_rt_state *rt);

#endif
