/* The genl "netdev" family (kernel >= 6.3).  Debian 12's linux-libc-dev
 * (6.1) has no <linux/netdev.h>, so the uapi values are spelled out here
 * (include/uapi/linux/netdev.h).  Names carry a TNA_ prefix so that a newer
 * system header can be included next to this one. */
#ifndef TNA_CAPS_NETDEV_GENL_H
#define TNA_CAPS_NETDEV_GENL_H

#define TNA_NETDEV_FAMILY_NAME		"netdev"
#define TNA_NETDEV_FAMILY_VERSION	1
#define TNA_NETDEV_MCGRP_MGMT		"mgmt"

enum tna_netdev_xdp_act {
	TNA_NETDEV_XDP_ACT_BASIC	= 1,
	TNA_NETDEV_XDP_ACT_REDIRECT	= 2,
	TNA_NETDEV_XDP_ACT_NDO_XMIT	= 4,
	TNA_NETDEV_XDP_ACT_XSK_ZEROCOPY	= 8,
	TNA_NETDEV_XDP_ACT_HW_OFFLOAD	= 16,
	TNA_NETDEV_XDP_ACT_RX_SG	= 32,
	TNA_NETDEV_XDP_ACT_NDO_XMIT_SG	= 64,
};

enum {
	TNA_NETDEV_A_DEV_IFINDEX = 1,		/* u32 */
	TNA_NETDEV_A_DEV_PAD,
	TNA_NETDEV_A_DEV_XDP_FEATURES,		/* u64, NETDEV_XDP_ACT_* */
	TNA_NETDEV_A_DEV_XDP_ZC_MAX_SEGS,	/* u32 */
	TNA_NETDEV_A_DEV_XDP_RX_METADATA_FEATURES, /* u64 */
	TNA_NETDEV_A_DEV_XSK_FEATURES,		/* u64 */
};

enum {
	TNA_NETDEV_CMD_DEV_GET = 1,
	TNA_NETDEV_CMD_DEV_ADD_NTF,
	TNA_NETDEV_CMD_DEV_DEL_NTF,
	TNA_NETDEV_CMD_DEV_CHANGE_NTF,
};

#endif
