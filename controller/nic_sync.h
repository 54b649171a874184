/* The NIC stages of a deployed bridge: attached, configured and detached
 * as its plan says (assembler/nic_plan.c decides), next to the host
 * stage's links.  Part of the controller; see controller/ctl.c. */
#ifndef TNA_CONTROLLER_NIC_SYNC_H
#define TNA_CONTROLLER_NIC_SYNC_H
#include "controller/ctl.h"
#include "controller/port_watch.h"
#include "introspect/model.h"
#include "targets/datapath.h"

/* Make the NIC stages of DP follow plan P: attach the planned ones on
 * ports the host stage is attached to, detach the others, configure each
 * from the port's real state: PW's where it knows the port (it is read
 * ahead of the model M, so its state is newer), else M's.  A device that
 * refuses gets its port's nic cleared in P, with the device's message in
 * nic_reason. */
void tna_nic_sync(struct tna_dp *dp, struct tna_bridge_plan *p, const struct tna_model *m,
		  const struct tna_port_watch *pw, const struct tna_caps_dev *devs, int ndevs,
		  const struct tna_ctl_opts *o);

/* Port IFINDEX changed (STP STATE, membership): its NIC stage follows at
 * once.  LEFT: no longer a port of this bridge, the NIC stage passes
 * everything until the replan detaches it. */
void tna_nic_port_state(struct tna_dp *dp, int ifindex, bool left, unsigned int state);

/* Once per turn of the controller's loop: feeds the NIC stages' watchdog
 * (targets/offload/watchdog.h), lowers *TIMEOUT_MS (poll) to its period
 * while NIC stages are attached, and sets *DIRTY and a zero *TIMEOUT_MS
 * after it detached them, so that the replan attaches them again in this
 * turn (not at the next event or keep-alive).  Test switch: while the file
 * named by TNA_TEST_HANG_FILE exists, the loop hangs here. */
void tna_nic_tick(int *timeout_ms, bool *dirty, const struct tna_ctl_opts *o);

#endif
