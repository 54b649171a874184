/* SPDX-License-Identifier: GPL-2.0 */
/* The test tools' way to configure a bridge port: its STP state and flags
 * as sysfs shows them now (the controller follows netlink instead). */
#ifndef TNA_TOOLS_SYSFS_PORT_H
#define TNA_TOOLS_SYSFS_PORT_H
#include "targets/datapath.h"

/* Fill cfg with the STP state and the learning, isolated and unicast-flood
 * flags of bridge br's port port. */
void tna_sysfs_port_cfg(const char *br, const char *port, struct tna_port_cfg *cfg);

#endif
