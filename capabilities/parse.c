/* Parsers of the netlink messages the probe reads: genl netdev DEV_GET,
 * ethtool FEATURES_GET / CHANNELS_GET and rtnetlink RTM_NEWLINK.  They take
 * one message and no socket, so recorded messages (tests/fixtures/) drive
 * them.  Unknown attributes are skipped: newer kernels add some. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "capabilities/caps.h"

static void copy_str(char *dst, size_t len, const struct nlattr *a)
{
	size_t n = mnl_attr_get_payload_len(a);
	const char *s = mnl_attr_get_payload(a);

	if (n && s[n - 1] == '\0')
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static bool is_genl(const struct nlmsghdr *nlh)
{
	return nlh->nlmsg_len >= mnl_nlmsg_size(GENL_HDRLEN);
}

int tna_caps_parse_netdev_msg(const struct nlmsghdr *nlh, int *ifindex,
			      uint64_t *xdp_features, uint32_t *zc_max_segs)
{
	const struct nlattr *a;
	bool have_idx = false, have_feat = false;

	if (!is_genl(nlh))
		return -EINVAL;
	*xdp_features = 0;
	if (zc_max_segs)
		*zc_max_segs = 0;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(a)) {
		case TNA_NETDEV_A_DEV_IFINDEX:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EINVAL;
			*ifindex = (int)mnl_attr_get_u32(a);
			have_idx = true;
			break;
		case TNA_NETDEV_A_DEV_XDP_FEATURES:
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -EINVAL;
			*xdp_features = mnl_attr_get_u64(a);
			have_feat = true;
			break;
		case TNA_NETDEV_A_DEV_XDP_ZC_MAX_SEGS:
			if (zc_max_segs && mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				*zc_max_segs = mnl_attr_get_u32(a);
			break;
		}
	}
	if (!have_idx)
		return -EINVAL;
	return have_feat ? 0 : -ENODATA;
}

/* Is bit NAME set in a verbose ethtool bitset?  With NOMASK only set bits
 * are listed; without, a set bit carries the VALUE flag. */
static int bitset_has(const struct nlattr *set, const char *name)
{
	const struct nlattr *a, *bit, *f;
	bool nomask = false;
	int found = 0;

	mnl_attr_for_each_nested(a, set)
		if (mnl_attr_get_type(a) == ETHTOOL_A_BITSET_NOMASK)
			nomask = true;
	mnl_attr_for_each_nested(a, set) {
		if (mnl_attr_get_type(a) != ETHTOOL_A_BITSET_BITS)
			continue;
		mnl_attr_for_each_nested(bit, a) {
			const char *bname = NULL;
			bool value = false;

			if (mnl_attr_get_type(bit) != ETHTOOL_A_BITSET_BITS_BIT)
				continue;
			mnl_attr_for_each_nested(f, bit) {
				if (mnl_attr_get_type(f) == ETHTOOL_A_BITSET_BIT_NAME &&
				    mnl_attr_validate(f, MNL_TYPE_NUL_STRING) >= 0)
					bname = mnl_attr_get_str(f);
				else if (mnl_attr_get_type(f) == ETHTOOL_A_BITSET_BIT_VALUE)
					value = true;
			}
			if (bname && !strcmp(bname, name))
				found = nomask || value;
		}
	}
	return found;
}

int tna_caps_parse_features_msg(const struct nlmsghdr *nlh, const char *name)
{
	return tna_caps_parse_features_set(nlh, ETHTOOL_A_FEATURES_ACTIVE, name);
}

int tna_caps_parse_features_set(const struct nlmsghdr *nlh, int set, const char *name)
{
	const struct nlattr *a;
	int ret = -EINVAL;

	if (!is_genl(nlh))
		return -EINVAL;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != set)
			continue;
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			return -EINVAL;
		ret = bitset_has(a, name);
	}
	return ret;
}

int tna_caps_parse_channels_msg(const struct nlmsghdr *nlh,
				struct tna_caps_dev *dev)
{
	const struct nlattr *a;
	bool any = false;

	if (!is_genl(nlh))
		return -EINVAL;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		uint32_t *dst = NULL;

		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_CHANNELS_RX_COUNT:	dst = &dev->channels_rx; break;
		case ETHTOOL_A_CHANNELS_TX_COUNT:	dst = &dev->channels_tx; break;
		case ETHTOOL_A_CHANNELS_COMBINED_COUNT:	dst = &dev->channels_combined; break;
		case ETHTOOL_A_CHANNELS_HEADER:		any = true; break;
		}
		if (dst && mnl_attr_validate(a, MNL_TYPE_U32) >= 0) {
			*dst = mnl_attr_get_u32(a);
			any = true;
		}
	}
	if (!any)
		return -EINVAL;
	dev->channels_known = true;
	return 0;
}

static void parse_xdp(const struct nlattr *nest, struct tna_caps_dev *dev)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			continue;
		switch (mnl_attr_get_type(a)) {
		case IFLA_XDP_SKB_PROG_ID: dev->prog_id_skb = mnl_attr_get_u32(a); break;
		case IFLA_XDP_DRV_PROG_ID: dev->prog_id_drv = mnl_attr_get_u32(a); break;
		case IFLA_XDP_HW_PROG_ID:  dev->prog_id_hw = mnl_attr_get_u32(a); break;
		}
	}
}

int tna_caps_parse_link_msg(const struct nlmsghdr *nlh,
			    struct tna_caps_dev *dev)
{
	const struct ifinfomsg *ifi;
	const struct nlattr *a, *i;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return -EINVAL;
	ifi = mnl_nlmsg_get_payload(nlh);
	dev->ifindex = ifi->ifi_index;
	dev->up = ifi->ifi_flags & IFF_UP;
	if (ifi->ifi_type == ARPHRD_LOOPBACK)
		snprintf(dev->kind, sizeof(dev->kind), "loopback");
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			copy_str(dev->name, sizeof(dev->name), a);
			break;
		case IFLA_MASTER:
			if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				dev->master_ifindex = (int)mnl_attr_get_u32(a);
			break;
		case IFLA_LINK:
			/* The kernel sends it only for stacked devices; a
			 * veth peer in another netns may have our ifindex. */
			if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				dev->link_ifindex = (int)mnl_attr_get_u32(a);
			break;
		case IFLA_LINK_NETNSID:
			dev->link_other_netns = true;
			break;
		case IFLA_PARENT_DEV_NAME:
			copy_str(dev->parent_dev, sizeof(dev->parent_dev), a);
			break;
		case IFLA_PARENT_DEV_BUS_NAME:
			copy_str(dev->parent_bus, sizeof(dev->parent_bus), a);
			break;
		case IFLA_LINKINFO:
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
				break;
			mnl_attr_for_each_nested(i, a)
				if (mnl_attr_get_type(i) == IFLA_INFO_KIND)
					copy_str(dev->kind, sizeof(dev->kind), i);
			break;
		case IFLA_XDP:
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) >= 0)
				parse_xdp(a, dev);
			break;
		}
	}
	if (!dev->name[0])
		return -EINVAL;
	return 0;
}
