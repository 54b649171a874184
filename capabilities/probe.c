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

/* A link message without IFLA_INFO_KIND: a device with a parent on a bus
 * is a physical one. */
static void fill_kind(struct tna_caps_dev *dev)
{
	if (!dev->kind[0])
		snprintf(dev->kind, sizeof(dev->kind), "%s",
			 dev->parent_bus[0] ? "physical" : "other");
}

/* Everything after the link message: the device is already named. */
static void probe_rest(struct probe_ctx *c, struct tna_caps_dev *dev)
{
	dev->fresh = true;
	probe_drvinfo(dev);
	probe_xdp_features(c, dev);
	probe_ethtool_nl(c, dev);
	if (tna_caps_sysfs_pci("/sys", dev) == 0)
		tna_caps_pci_name(dev->pci_vendor, dev->pci_device,
				  dev->pci_name, sizeof(dev->pci_name));
	fill_kind(dev);
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

/* --- the update: only what may have changed ---------------------------- */

static int by_ifindex_key(const void *key, const void *elem)
{
	int k = *(const int *)key, i = ((const struct tna_caps_dev *)elem)->ifindex;

	return (k > i) - (k < i);
}

static struct tna_caps_dev *dev_find(struct tna_caps_dev *devs, int n, int ifindex)
{
	return n ? bsearch(&ifindex, devs, (size_t)n, sizeof(*devs), by_ifindex_key) : NULL;
}

struct feat_dump {
	struct tna_caps_dev *devs;
	int n;
};

static int feat_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct feat_dump *fd = data;
	struct tna_caps_dev *dev;
	uint64_t feat;
	uint32_t zc;
	int ifindex = 0;

	if (tna_caps_parse_netdev_msg(nlh, &ifindex, &feat, &zc) == 0 &&
	    (dev = dev_find(fd->devs, fd->n, ifindex))) {
		dev->xdp_features = feat;
		dev->xdp_zc_max_segs = zc;
		dev->xdp_features_known = true;
	}
	return MNL_CB_OK;
}

/* The XDP features of every netdev in one dump: they change without any
 * rtnetlink message (a veth gains ndo-xmit when its peer, maybe in another
 * namespace, gets an XDP program or GRO), so they are read on every
 * update; one round trip is cheap. */
static int dump_xdp_features(struct probe_ctx *c, struct tna_caps_dev *devs, int n)
{
	struct feat_dump fd = { devs, n };
	char buf[256];
	struct nlmsghdr *nlh;

	if (!c->have_netdev)
		return 0;	/* unknown for all, as probe_xdp_features() leaves them */
	nlh = tna_nl_msg(c->genl, buf, c->netdev_id, NLM_F_DUMP);
	tna_genl_hdr(nlh, TNA_NETDEV_CMD_DEV_GET, TNA_NETDEV_FAMILY_VERSION);
	return tna_nl_talk(c->genl, nlh, feat_dump_cb, &fd);
}

/* Is NOW (fresh link facts) the netdev OLD was probed as?  Driver, bus and
 * PCI function stay with a netdev for its life: a driver is bound or
 * unbound by unregistering it.  A rename or a new parent is probed again
 * all the same (the sysfs path is by name).  A kind the link message does
 * not give was derived from the parent and sysfs ("physical", "virtio"). */
static bool same_netdev(const struct tna_caps_dev *old, const struct tna_caps_dev *now)
{
	return !strcmp(old->name, now->name) &&
	       (!now->kind[0] || !strcmp(old->kind, now->kind)) &&
	       !strcmp(old->parent_bus, now->parent_bus) &&
	       !strcmp(old->parent_dev, now->parent_dev);
}

/* The facts of OLD that are not re-read each update into NOW. */
static void keep_facts(const struct tna_caps_dev *old, struct tna_caps_dev *now)
{
	if (!now->kind[0])
		memcpy(now->kind, old->kind, sizeof(now->kind));
	memcpy(now->driver, old->driver, sizeof(now->driver));
	memcpy(now->bus_info, old->bus_info, sizeof(now->bus_info));
	memcpy(now->pci_slot, old->pci_slot, sizeof(now->pci_slot));
	now->pci_vendor = old->pci_vendor;
	now->pci_device = old->pci_device;
	now->pci_known = old->pci_known;
	now->nfp = old->nfp;
	memcpy(now->pci_name, old->pci_name, sizeof(now->pci_name));
	now->hw_tc_offload = old->hw_tc_offload;
	now->channels_known = old->channels_known;
	now->channels_rx = old->channels_rx;
	now->channels_tx = old->channels_tx;
	now->channels_combined = old->channels_combined;
}

/* A program's name belongs to its id for the program's life. */
static void prog_name_kept(uint32_t id, char *name, size_t len, uint32_t old_id,
			   const char *old_name)
{
	if (id && id == old_id)
		snprintf(name, len, "%s", old_name);
	else
		prog_name(id, name, len);
}

static bool listed(const int *ifx, int n, int ifindex)
{
	for (int i = 0; i < n; i++)
		if (ifx[i] == ifindex)
			return true;
	return false;
}

int tna_caps_probe_update(struct tna_caps_dev **devs, int *n, const int *stale,
			  int nstale)
{
	struct probe_ctx c;
	struct link_list l = { 0 };
	int ret, i, probed = 0;
	bool feat_ok;

	ret = ctx_open(&c);
	if (ret)
		return ret;
	ret = get_links(&c, 0, &l);
	if (ret) {
		free(l.devs);
		goto out;
	}
	qsort(l.devs, (size_t)l.n, sizeof(*l.devs), by_ifindex);
	feat_ok = dump_xdp_features(&c, l.devs, l.n) == 0;
	for (i = 0; i < l.n; i++) {
		struct tna_caps_dev *d = &l.devs[i];
		const struct tna_caps_dev *old = dev_find(*devs, *n, d->ifindex);
		const struct tna_caps_dev *m;

		if (!old || listed(stale, nstale, d->ifindex) || !same_netdev(old, d)) {
			/* the dump's features are replaced by the same read */
			d->xdp_features_known = false;
			probe_rest(&c, d);
			probed++;
			continue;
		}
		keep_facts(old, d);
		if (!feat_ok)
			probe_xdp_features(&c, d);
		/* the master's name from the same dump, no lookup per port */
		if (d->master_ifindex && !d->master[0] &&
		    (m = dev_find(l.devs, l.n, d->master_ifindex)))
			memcpy(d->master, m->name, sizeof(d->master));
		else if (d->master_ifindex && !d->master[0] &&
			 !if_indextoname((unsigned)d->master_ifindex, d->master))
			d->master[0] = '\0';
		prog_name_kept(d->prog_id_skb, d->prog_name_skb, sizeof(d->prog_name_skb),
			       old->prog_id_skb, old->prog_name_skb);
		prog_name_kept(d->prog_id_drv, d->prog_name_drv, sizeof(d->prog_name_drv),
			       old->prog_id_drv, old->prog_name_drv);
		prog_name_kept(d->prog_id_hw, d->prog_name_hw, sizeof(d->prog_name_hw),
			       old->prog_id_hw, old->prog_name_hw);
		tna_caps_verdict(NULL, d);
	}
	free(*devs);
	*devs = l.devs;
	*n = l.n;
	ret = probed;
out:
	ctx_close(&c);
	return ret;
}

int tna_caps_probe_all(struct tna_caps_dev **devs, int *n)
{
	int ret;

	*devs = NULL;
	*n = 0;
	ret = tna_caps_probe_update(devs, n, NULL, 0);	/* all of them new */
	return ret < 0 ? ret : 0;
}
