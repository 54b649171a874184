/* Per-netdev probing in the current network namespace: rtnetlink for the
 * link, genl netdev for XDP features, ethtool (netlink and ioctl) for
 * offload flags, channels and driver, sysfs for the PCI ids.  Read-only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>

#include "capabilities/caps.h"
#include "common/nl.h"

struct probe_ctx {
	struct tna_nl *rt, *genl;
	uint16_t netdev_id, ethtool_id;
	bool have_netdev, have_ethtool;
};

static int ctx_open(struct probe_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->rt = tna_nl_open(NETLINK_ROUTE);
	if (!c->rt)
		return -errno;
	/* Missing genl families only make facts unknown. */
	c->genl = tna_nl_open(NETLINK_GENERIC);
	if (c->genl) {
		c->have_netdev = !tna_genl_resolve(c->genl, TNA_NETDEV_FAMILY_NAME,
						   &c->netdev_id, NULL, NULL);
		c->have_ethtool = !tna_genl_resolve(c->genl, ETHTOOL_GENL_NAME,
						    &c->ethtool_id, NULL, NULL);
	}
	return 0;
}

static void ctx_close(struct probe_ctx *c)
{
	tna_nl_close(c->rt);
	tna_nl_close(c->genl);
}

static int netdev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct tna_caps_dev *dev = data;
	uint64_t feat;
	uint32_t zc;
	int ifindex = 0;

	if (tna_caps_parse_netdev_msg(nlh, &ifindex, &feat, &zc) == 0 &&
	    ifindex == dev->ifindex) {
		dev->xdp_features = feat;
		dev->xdp_zc_max_segs = zc;
		dev->xdp_features_known = true;
	}
	return MNL_CB_OK;
}

static void probe_xdp_features(struct probe_ctx *c, struct tna_caps_dev *dev)
{
	char buf[256];
	struct nlmsghdr *nlh;

	if (!c->have_netdev)
		return;
	/* Not a dump: NLM_F_ACK ends the read (docs/kernel-facts.md §1). */
	nlh = tna_nl_msg(c->genl, buf, c->netdev_id, NLM_F_ACK);
	tna_genl_hdr(nlh, TNA_NETDEV_CMD_DEV_GET, TNA_NETDEV_FAMILY_VERSION);
	mnl_attr_put_u32(nlh, TNA_NETDEV_A_DEV_IFINDEX, (uint32_t)dev->ifindex);
	tna_nl_talk(c->genl, nlh, netdev_cb, dev);
}

static struct nlmsghdr *ethtool_req(struct probe_ctx *c, char *buf,
				    uint8_t cmd, int ifindex)
{
	struct nlmsghdr *nlh = tna_nl_msg(c->genl, buf, c->ethtool_id, NLM_F_ACK);
	struct nlattr *hdr;

	tna_genl_hdr(nlh, cmd, ETHTOOL_GENL_VERSION);
	hdr = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_HEADER);
	mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX, (uint32_t)ifindex);
	mnl_attr_nest_end(nlh, hdr);
	return nlh;
}

static int features_cb(const struct nlmsghdr *nlh, void *data)
{
	int *on = data;
	int r = tna_caps_parse_features_msg(nlh, "hw-tc-offload");

	if (r >= 0)
		*on = r;
	return MNL_CB_OK;
}

static int channels_cb(const struct nlmsghdr *nlh, void *data)
{
	tna_caps_parse_channels_msg(nlh, data);
	return MNL_CB_OK;
}

static void probe_ethtool_nl(struct probe_ctx *c, struct tna_caps_dev *dev)
{
	char buf[256];

	dev->hw_tc_offload = -1;
	if (!c->have_ethtool)
		return;
	tna_nl_talk(c->genl, ethtool_req(c, buf, ETHTOOL_MSG_FEATURES_GET,
					 dev->ifindex),
		    features_cb, &dev->hw_tc_offload);
	/* Drivers without get_channels answer EOPNOTSUPP: stays unknown. */
	tna_nl_talk(c->genl, ethtool_req(c, buf, ETHTOOL_MSG_CHANNELS_GET,
					 dev->ifindex),
		    channels_cb, dev);
}

/* A possibly unterminated fixed-size kernel string into DST. */
static void copy_fixed(char *dst, size_t dlen, const char *src, size_t slen)
{
	size_t n = strnlen(src, slen);

	if (n >= dlen)
		n = dlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* No ethtool netlink message carries driver and bus info (docs/kernel-facts.md §2). */
static void probe_drvinfo(struct tna_caps_dev *dev)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev->name);
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0) {
		copy_fixed(dev->driver, sizeof(dev->driver), info.driver,
			   sizeof(info.driver));
		copy_fixed(dev->bus_info, sizeof(dev->bus_info), info.bus_info,
			   sizeof(info.bus_info));
	}
	close(fd);
}

static void prog_name(uint32_t id, char *buf, size_t len)
{
	struct bpf_prog_info info = { 0 };
	uint32_t ilen = sizeof(info);
	int fd;

	buf[0] = '\0';
	if (!id)
		return;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return;
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen) == 0)
		copy_fixed(buf, len, info.name, sizeof(info.name));
	close(fd);
}

/* Everything after the link message: the device is already named. */
static void probe_rest(struct probe_ctx *c, struct tna_caps_dev *dev)
{
	probe_drvinfo(dev);
	probe_xdp_features(c, dev);
	probe_ethtool_nl(c, dev);
	if (tna_caps_sysfs_pci("/sys", dev) == 0)
		tna_caps_pci_name(dev->pci_vendor, dev->pci_device,
				  dev->pci_name, sizeof(dev->pci_name));
	if (!dev->kind[0])
		snprintf(dev->kind, sizeof(dev->kind), "%s",
			 dev->parent_bus[0] ? "physical" : "other");
	if (dev->master_ifindex && !dev->master[0] &&
	    !if_indextoname((unsigned)dev->master_ifindex, dev->master))
		dev->master[0] = '\0';
	prog_name(dev->prog_id_skb, dev->prog_name_skb, sizeof(dev->prog_name_skb));
	prog_name(dev->prog_id_drv, dev->prog_name_drv, sizeof(dev->prog_name_drv));
	prog_name(dev->prog_id_hw, dev->prog_name_hw, sizeof(dev->prog_name_hw));
	tna_caps_verdict(NULL, dev);
}

struct link_list {
	struct tna_caps_dev *devs;
	int n, cap;
	int err;
};

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_list *l = data;
	struct tna_caps_dev *d;

	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 16;

		d = realloc(l->devs, (size_t)cap * sizeof(*d));
		if (!d) {
			l->err = -ENOMEM;
			return MNL_CB_OK;
		}
		l->devs = d;
		l->cap = cap;
	}
	d = &l->devs[l->n];
	memset(d, 0, sizeof(*d));
	if (tna_caps_parse_link_msg(nlh, d) == 0)
		l->n++;
	return MNL_CB_OK;
}

static int get_links(struct probe_ctx *c, int ifindex, struct link_list *l)
{
	char buf[256];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int ret;

	nlh = tna_nl_msg(c->rt, buf, RTM_GETLINK, ifindex ? NLM_F_ACK : NLM_F_DUMP);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ret = tna_nl_talk(c->rt, nlh, link_cb, l);
	return ret ? ret : l->err;
}

int tna_caps_probe_dev(int ifindex, struct tna_caps_dev *dev)
{
	struct probe_ctx c;
	struct link_list l = { 0 };
	int ret;

	if (ifindex <= 0)
		return -ENODEV;
	ret = ctx_open(&c);
	if (ret)
		return ret;
	ret = get_links(&c, ifindex, &l);
	if (!ret && l.n != 1)
		ret = -ENODEV;
	if (!ret) {
		*dev = l.devs[0];
		probe_rest(&c, dev);
	}
	free(l.devs);
	ctx_close(&c);
	return ret;
}

static int by_ifindex(const void *a, const void *b)
{
	const struct tna_caps_dev *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int tna_caps_probe_all(struct tna_caps_dev **devs, int *n)
{
	struct probe_ctx c;
	struct link_list l = { 0 };
	int ret, i;

	*devs = NULL;
	*n = 0;
	ret = ctx_open(&c);
	if (ret)
		return ret;
	ret = get_links(&c, 0, &l);
	if (ret) {
		free(l.devs);
		goto out;
	}
	qsort(l.devs, (size_t)l.n, sizeof(*l.devs), by_ifindex);
	for (i = 0; i < l.n; i++)
		probe_rest(&c, &l.devs[i]);
	*devs = l.devs;
	*n = l.n;
out:
	ctx_close(&c);
	return ret;
}
