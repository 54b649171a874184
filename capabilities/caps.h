/* The capabilities manager: what the kernel and each netdev of the current
 * network namespace can do for XDP, and the best target per netdev.
 *
 * Nothing here changes the system: kernel features are probed by loading
 * tiny programs (never by comparing version strings), netdevs by netlink
 * dumps, ethtool ioctls and sysfs reads.  Parsing is kept apart from I/O
 * (tna_caps_parse_*, tna_caps_sysfs_pci) so recorded messages and fixture
 * trees can drive it.  Functions return 0 or a negative errno and never
 * print. */
#ifndef TNA_CAPABILITIES_CAPS_H
#define TNA_CAPABILITIES_CAPS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "capabilities/netdev_genl.h"

enum tna_target {
	TNA_TARGET_NONE = 0,
	TNA_TARGET_GENERIC,
	TNA_TARGET_NATIVE,
	TNA_TARGET_OFFLOAD,
};

/* "none", "generic", "native", "offload" ("?" when out of range). */
const char *tna_target_name(enum tna_target t);
/* The inverse of tna_target_name(); anything else (also "auto") is -EINVAL. */
int tna_target_parse(const char *s, enum tna_target *t);

/* Names of NETDEV_XDP_ACT_* bits: "basic", "redirect", "ndo-xmit",
 * "xsk-zerocopy", "hw-offload", "rx-sg", "ndo-xmit-sg"; NULL for others. */
const char *tna_xdp_act_name(uint64_t bit);
/* "basic,redirect,rx-sg" ("?" for unnamed bits), "0" for none, "unknown"
 * when !KNOWN; returns BUF. */
char *tna_xdp_features_str(uint64_t flags, bool known, char *buf, size_t len);

/* XDP programs whose name starts with this are TNA's own, all others are
 * foreign (a blocker: we never replace a program we did not load). */
#define TNA_PROG_NAME_PREFIX "tna"

struct tna_caps_sys {			/* kernel-wide facts */
	char kernel_release[65];	/* reported, never trusted */
	bool btf, bpffs, jit_enabled;
	int unpriv_bpf_disabled;	/* sysctl value, -1 unreadable */
	bool helper_redirect_map, helper_fib_lookup, helper_adjust_head,
	     helper_adjust_tail, helper_tail_call;
	bool kfunc_ct_lookup, kfunc_ct_release;
	int ct_opts_size;		/* sizeof(struct bpf_ct_opts), 0 unknown */
	bool kfunc_fdb_lookup;		/* bpf_xdp_fdb_lookup (kernel/ patch) */
	bool live_frames;		/* BPF_F_TEST_XDP_LIVE_FRAMES works */
	bool netdev_genl;		/* genl "netdev" family present */
	bool ethtool_genl;		/* genl "ethtool" family present */
};

struct tna_caps_dev {
	int ifindex;
	char name[16];
	char kind[16];		/* "veth", "bridge", "physical", "virtio", ... */
	int master_ifindex;	/* 0: none */
	char master[16];	/* its name, "" when none or unknown */
	int link_ifindex;	/* IFLA_LINK (veth peer), 0 none */
	bool link_other_netns;	/* that peer lives in another netns */
	bool up;		/* IFF_UP */
	char parent_bus[16], parent_dev[32];	/* IFLA_PARENT_DEV_{BUS_,}NAME */

	char driver[32], bus_info[32];		/* ETHTOOL_GDRVINFO */

	char pci_slot[16];	/* "0000:00:03.0", "" when not on PCI */
	uint16_t pci_vendor, pci_device;
	bool pci_known;
	bool nfp;		/* Netronome/Corigine NFP, by numeric id */
	char pci_name[96];	/* libpci's name for the ids, may be "" */

	bool xdp_features_known;	/* genl netdev answered for it */
	uint64_t xdp_features;		/* NETDEV_XDP_ACT_* */
	uint32_t xdp_zc_max_segs;

	int hw_tc_offload;	/* 1 on, 0 off, -1 unknown */
	bool channels_known;
	uint32_t channels_rx, channels_tx, channels_combined;

	uint32_t prog_id_skb, prog_id_drv, prog_id_hw;	/* attached, 0 none */
	char prog_name_skb[16], prog_name_drv[16], prog_name_hw[16];

	enum tna_target best;	/* verdict */
	char reason[128];	/* why this target */
	char blockers[256];	/* "; "-separated, "" if nothing blocks */
	bool can_redirect_to;	/* may be a native redirect egress (NDO_XMIT) */
	bool fresh;		/* probed in full (not kept) by the last probe */
};

int tna_caps_probe_system(struct tna_caps_sys *sys);
/* One netdev of the current netns; -ENODEV when there is no such ifindex. */
int tna_caps_probe_dev(int ifindex, struct tna_caps_dev *dev);
/* Every netdev of the current netns, by ifindex; *devs malloc'd, caller
 * frees. */
int tna_caps_probe_all(struct tna_caps_dev **devs, int *n);
/* The same, keeping what cannot have changed: *DEVS (*N, sorted by
 * ifindex, from an earlier probe) is replaced.  Read again for every
 * netdev: its link (one dump: name, master, peer, up, attached programs)
 * and its XDP features (one genl dump: they change without an rtnetlink
 * message).  Probed in full (driver, PCI, ethtool features and channels,
 * marked fresh): netdevs that are new, renamed, of another kind or parent,
 * or listed in STALE.  Program names are kept per program id.  Returns how
 * many were probed in full, or a negative errno (*DEVS then unchanged). */
int tna_caps_probe_update(struct tna_caps_dev **devs, int *n, const int *stale,
			  int nstale);
/* The verdict alone (best, reason, blockers, can_redirect_to) from facts
 * already filled in.  SYS may be NULL (kernel-wide facts then ignored). */
void tna_caps_verdict(const struct tna_caps_sys *sys, struct tna_caps_dev *dev);

/* --- Parsing, separate from I/O so that recorded messages drive it --- */

/* A genl netdev DEV_GET reply or notification: ifindex and XDP features.
 * Returns 0, -EINVAL when malformed or without ifindex, -ENODATA when it
 * carries no XDP features. */
int tna_caps_parse_netdev_msg(const struct nlmsghdr *nlh, int *ifindex,
			      uint64_t *xdp_features, uint32_t *zc_max_segs);
/* An ethtool FEATURES_GET reply: 1 when feature NAME (e.g. "hw-tc-offload")
 * is active, 0 when not, -EINVAL when malformed. */
int tna_caps_parse_features_msg(const struct nlmsghdr *nlh, const char *name);
/* The same for bitset SET of the reply: ETHTOOL_A_FEATURES_ACTIVE, or
 * ETHTOOL_A_FEATURES_WANTED (what the user asked for, before the driver
 * had its say: a veth's peer keeps TSO wanted while native XDP on its
 * other end turns it off). */
int tna_caps_parse_features_set(const struct nlmsghdr *nlh, int set, const char *name);
/* An ethtool CHANNELS_GET reply into dev->channels_*. */
int tna_caps_parse_channels_msg(const struct nlmsghdr *nlh,
				struct tna_caps_dev *dev);
/* An RTM_NEWLINK message: ifindex, name, kind, master, peer, parent device,
 * attached XDP program ids.  -EINVAL when it is not one. */
int tna_caps_parse_link_msg(const struct nlmsghdr *nlh,
			    struct tna_caps_dev *dev);

/* Find the PCI function behind dev (by SYSROOT/class/net/NAME/device, else
 * dev->bus_info, else the parent device; walking up from e.g. a virtio
 * device) and fill pci_slot, pci_vendor, pci_device, pci_known, nfp, and
 * driver when still empty.  SYSROOT is "/sys" or a fixture tree.
 * -ENOENT when the device is not on PCI. */
int tna_caps_sysfs_pci(const char *sysroot, struct tna_caps_dev *dev);
bool tna_caps_pci_is_nfp(uint16_t vendor, uint16_t device);
/* libpci's "vendor device" name for the ids into BUF ("" when unknown). */
void tna_caps_pci_name(uint16_t vendor, uint16_t device, char *buf,
		       size_t len);

#endif
