/* The verdict per netdev, from facts alone (no I/O): fixtures test it.
 *
 *   offload  HW_OFFLOAD advertised and the device is an NFP (by PCI id) or
 *            netdevsim: the only drivers whose offload we know.
 *   native   NETDEV_XDP_ACT_BASIC advertised.
 *   generic  anything else that can carry a port (always available).
 *   none     bridges (xdp-features 0, accelerated through their ports) and
 *            loopback.
 *
 * Blockers are listed, not hidden in the target: a foreign XDP program on
 * the hook, and, for native/offload, a device without NDO_XMIT (it cannot be
 * a redirect egress; a veth gets it only while its peer has XDP or GRO). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "capabilities/caps.h"

static void add_blocker(struct tna_caps_dev *dev, const char *fmt, ...)
{
	size_t len = strlen(dev->blockers);
	va_list ap;

	if (len && len + 2 < sizeof(dev->blockers)) {
		strcpy(dev->blockers + len, "; ");
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(dev->blockers + len, sizeof(dev->blockers) - len, fmt, ap);
	va_end(ap);
}

static void foreign_prog(struct tna_caps_dev *dev, uint32_t id,
			 const char *name, const char *mode)
{
	if (!id || !strncmp(name, TNA_PROG_NAME_PREFIX,
			    strlen(TNA_PROG_NAME_PREFIX)))
		return;
	add_blocker(dev, "foreign XDP program '%s' (id %u) attached in %s mode",
		    name[0] ? name : "?", id, mode);
}

static bool offload_driver(const struct tna_caps_dev *dev)
{
	return dev->nfp || !strcmp(dev->driver, "netdevsim") ||
	       !strcmp(dev->kind, "netdevsim");
}

void tna_caps_verdict(const struct tna_caps_sys *sys, struct tna_caps_dev *dev)
{
	uint64_t f = dev->xdp_features;
	bool known = dev->xdp_features_known;
	const char *drv = dev->driver[0] ? dev->driver :
			  dev->kind[0] ? dev->kind : "?";

	dev->best = TNA_TARGET_NONE;
	dev->reason[0] = '\0';
	dev->blockers[0] = '\0';
	dev->can_redirect_to = known && (f & TNA_NETDEV_XDP_ACT_NDO_XMIT);

	if (!strcmp(dev->kind, "loopback")) {
		snprintf(dev->reason, sizeof(dev->reason),
			 "loopback is not a forwarding port");
		return;
	}
	if (!strcmp(dev->kind, "bridge")) {
		snprintf(dev->reason, sizeof(dev->reason),
			 "a bridge is not an XDP target (xdp-features 0x%llx): "
			 "TNA accelerates its ports", (unsigned long long)f);
		return;
	}

	if (known && (f & TNA_NETDEV_XDP_ACT_HW_OFFLOAD) && offload_driver(dev)) {
		dev->best = TNA_TARGET_OFFLOAD;
		snprintf(dev->reason, sizeof(dev->reason),
			 "%s advertises hw-offload%s%s", drv,
			 dev->nfp ? " (NFP " : "", dev->nfp ? "by PCI id)" : "");
	} else if (known && (f & TNA_NETDEV_XDP_ACT_BASIC)) {
		dev->best = TNA_TARGET_NATIVE;
		snprintf(dev->reason, sizeof(dev->reason),
			 "%s advertises native XDP (basic)%s", drv,
			 f & TNA_NETDEV_XDP_ACT_HW_OFFLOAD ?
			 "; hw-offload ignored: not an NFP or netdevsim" : "");
	} else if (!known) {
		dev->best = TNA_TARGET_GENERIC;
		snprintf(dev->reason, sizeof(dev->reason),
			 "XDP features unknown (%s): generic is always available",
			 sys && !sys->netdev_genl ? "no genl netdev family" :
			 "genl netdev gave none");
	} else {
		dev->best = TNA_TARGET_GENERIC;
		snprintf(dev->reason, sizeof(dev->reason),
			 "%s has no native XDP (xdp-features 0x%llx)", drv,
			 (unsigned long long)f);
	}

	if (sys && !sys->btf)
		add_blocker(dev, "kernel has no BTF");
	foreign_prog(dev, dev->prog_id_skb, dev->prog_name_skb, "generic");
	foreign_prog(dev, dev->prog_id_drv, dev->prog_name_drv, "native");
	foreign_prog(dev, dev->prog_id_hw, dev->prog_name_hw, "offload");
	if (dev->best >= TNA_TARGET_NATIVE && !dev->can_redirect_to)
		add_blocker(dev, "no ndo-xmit: cannot be a native redirect egress%s",
			    !strcmp(dev->kind, "veth") ?
			    " (a veth gets it while its peer has an XDP program or GRO on)" : "");
}
