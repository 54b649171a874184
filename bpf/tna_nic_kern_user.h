/* The NIC stage (bpf/tna_nic.bpf.c): what user space writes into its
 * configuration and reads from its counters.  Shared by the program and
 * targets/offload/.  Both maps are one-entry arrays of small values: they
 * must fit the smallest device we know (netdevsim: 2 entries per map; an
 * NFP: key + value, each rounded up to 8 bytes, within the firmware's
 * element size, 64 B on the cards documented in targets/offload/README.md). */
#ifndef TNA_NIC_KERN_USER_H
#define TNA_NIC_KERN_USER_H
#include <linux/types.h>

/* tna_nic_cfg[0].flags: which drops are on.  An all-zero entry (the state
 * before user space configured the port) passes every frame. */
#define TNA_NIC_F_DROP_INVALID_SRC	0x1	/* multicast or all-zero source MAC */
#define TNA_NIC_F_DROP_PAUSE		0x2	/* 802.3x pause, 01:80:c2:00:00:01 */
#define TNA_NIC_F_DROP_NOT_FWD		0x4	/* port blocking or listening */
#define TNA_NIC_F_BRIDGE_PORT		(TNA_NIC_F_DROP_INVALID_SRC |	\
					 TNA_NIC_F_DROP_PAUSE |		\
					 TNA_NIC_F_DROP_NOT_FWD)

/* STP states (BR_STATE_*) in which Linux drops every frame that is not
 * link-local and not MRP/CFM, without learning from it. */
#define TNA_NIC_STP_LISTENING	1
#define TNA_NIC_STP_BLOCKING	4

/* Read by the program (never written by it: NFP firmware allows a 32-bit
 * word of a map value to be either read or atomically added, not both). */
struct tna_nic_cfg {
	__u32 flags;			/* TNA_NIC_F_* */
	__u32 stp_state;		/* BR_STATE_* of the port */
};

/* Only atomically added by the program, read by user space.  Counted
 * per action and reason so tna-stat can put them next to the host stage's. */
#define TNA_NIC_COUNTERS(X)						\
	X(passed,		"passed")				\
	X(passed_bytes,		"passed_bytes")				\
	X(drop_invalid_src,	"invalid_src")				\
	X(drop_pause,		"pause")				\
	X(drop_not_fwd,		"port_not_forwarding")
#define TNA_NIC_FIELD_(id, name) __u64 id;
struct tna_nic_cnt {
	TNA_NIC_COUNTERS(TNA_NIC_FIELD_)
};
#undef TNA_NIC_FIELD_

/* Names user space looks for on a device (tna-stat, tna-probe). */
#define TNA_NIC_PROG_NAME	"tna_nic"
#define TNA_NIC_MAP_CFG		"tna_nic_cfg"
#define TNA_NIC_MAP_CNT		"tna_nic_cnt"

#endif /* TNA_NIC_KERN_USER_H */
