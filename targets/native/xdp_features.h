/* genl "netdev" constants (Debian 12 has no linux/netdev.h; docs/kernel-facts.md §1). */
#ifndef TNA_TARGETS_NATIVE_XDP_FEATURES_H
#define TNA_TARGETS_NATIVE_XDP_FEATURES_H
#define TNA_NETDEV_CMD_DEV_GET		1
#define TNA_NETDEV_A_DEV_IFINDEX	1
#define TNA_NETDEV_A_DEV_XDP_FEATURES	3
#define TNA_XDP_ACT_BASIC		1
#define TNA_XDP_ACT_REDIRECT		2
#define TNA_XDP_ACT_NDO_XMIT		4
#endif
