// SPDX-License-Identifier: GPL-2.0
#include "tools/sysfs_port.h"
#include "common/text.h"

void tna_sysfs_port_cfg(const char *br, const char *port, struct tna_port_cfg *cfg)
{
	cfg->stp_state = tna_read_int(0, "/sys/class/net/%s/brif/%s/state", br, port);
	if (tna_read_int(1, "/sys/class/net/%s/brport/%s", port, "learning"))
		cfg->flags |= TNA_PORT_F_LEARNING;
	if (tna_read_int(0, "/sys/class/net/%s/brport/%s", port, "isolated"))
		cfg->flags |= TNA_PORT_F_ISOLATED;
	if (tna_read_int(1, "/sys/class/net/%s/brport/%s", port, "unicast_flood"))
		cfg->flags |= TNA_PORT_F_FLOOD;
}
