/* The other end of a veth: where it is (it often lives in a container's
 * netns) and what its features are.  They decide what XDP on our end does
 * to traffic: a peer with tx checksumming sends CHECKSUM_PARTIAL frames,
 * one with TSO/GSO sends superpackets, and a redirect into our end is
 * only received when the peer has GRO or an XDP program.
 *
 * Nothing announces a change of the peer's features in our namespace, so
 * callers ask again (the controller every second).  The peer's namespace
 * is found through its nsid: the named namespaces first, then those of
 * processes.  The path that worked is remembered per port (a path, not an
 * fd: an open fd or socket would keep a deleted namespace alive). */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include "capabilities/caps.h"
#include "common/nl.h"
#include "targets/native/veth_peer.h"
#include "targets/socks.h"

struct link_info { int ifindex; int nsid; bool veth; };

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_info *p = data;
	const struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) == IFLA_LINK)
			p->ifindex = mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == IFLA_LINK_NETNSID)
			p->nsid = (int32_t)mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == IFLA_LINKINFO)
			mnl_attr_for_each_nested(b, a)
				if (mnl_attr_get_type(b) == IFLA_INFO_KIND &&
				    !strcmp(mnl_attr_get_str(b), "veth"))
					p->veth = true;
	}
	return MNL_CB_OK;
}

int tna_veth_peer_get(struct tna_nl *nl, int ifindex, int *peer_ifindex, int *nsid)
{
	char buf[TNA_NL_BUFSZ];
	struct link_info p = { 0, -1, false };
	struct nlmsghdr *nlh = tna_nl_msg(nl, buf, RTM_GETLINK, 0);	/* one reply */
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	int err;

	ifi->ifi_index = ifindex;
	err = tna_nl_talk(nl, nlh, link_cb, &p);
	if (err)
		return err;
	/* a peer in another netns may have our ifindex */
	if (!p.veth || !p.ifindex || (p.ifindex == ifindex && p.nsid < 0))
		return -ENOTSUP;
	*peer_ifindex = p.ifindex;
	*nsid = p.nsid;
	return 0;
}

static int nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct rtgenmsg))
		if (mnl_attr_get_type(a) == NETNSA_NSID)
			*(int *)data = (int32_t)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

/* The nsid the current netns gives to the netns behind FD (-1: none). */
static int nsid_of(struct tna_nl *nl, int fd)
{
	char buf[TNA_NL_BUFSZ];
	struct nlmsghdr *nlh = tna_nl_msg(nl, buf, RTM_GETNSID, NLM_F_ACK);
	struct rtgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	int id = -1;

	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, fd);
	if (tna_nl_talk(nl, nlh, nsid_cb, &id))
		return -1;
	return id;
}

/* Per port: where its peer's namespace was found last time. */
#define PATH_CACHE 64
static struct { int nsid; char path[64]; } path_cache[PATH_CACHE];
static unsigned int path_next;

static int open_checked(struct tna_nl *nl, const char *path, int nsid)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && nsid_of(nl, fd) != nsid) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int tna_veth_peer_netns(struct tna_nl *nl, int nsid)
{
	const char *dirs[] = { "/run/netns", "/proc" };
	char path[300];
	struct dirent *de;
	DIR *d;
	int fd;

	for (unsigned int i = 0; i < PATH_CACHE; i++)
		if (path_cache[i].path[0] && path_cache[i].nsid == nsid) {
			fd = open_checked(nl, path_cache[i].path, nsid);
			if (fd >= 0)
				return fd;
			path_cache[i].path[0] = 0;
		}
	for (int i = 0; i < 2; i++) {
		d = opendir(dirs[i]);
		if (!d)
			continue;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (i == 0)
				snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
			else if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
				snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
			else
				continue;
			fd = open_checked(nl, path, nsid);
			if (fd < 0)
				continue;
			closedir(d);
			if (strlen(path) < sizeof(path_cache[0].path)) {
				unsigned int k = path_next++ % PATH_CACHE;

				path_cache[k].nsid = nsid;
				snprintf(path_cache[k].path, sizeof(path_cache[k].path), "%s", path);
			}
			return fd;
		}
		closedir(d);
	}
	return -ENOENT;
}

int tna_socket_in(int netns_fd)
{
	int self, s, err;

	if (netns_fd < 0)
		return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	if (setns(netns_fd, CLONE_NEWNET)) {
		err = -errno;
		close(self);
		return err;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	err = s < 0 ? -errno : s;
	if (setns(self, CLONE_NEWNET) && s >= 0) {	/* cannot happen: we came from there */
		close(s);
		err = -errno;
	}
	close(self);
	return err;
}

/* A netlink socket of BUS in the netns behind NETNS_FD (-1: current). */
static struct tna_nl *nl_open_in(int netns_fd, int bus)
{
	struct tna_nl *nl;
	int self, err;

	if (netns_fd < 0)
		return tna_nl_open(bus);
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return NULL;
	if (setns(netns_fd, CLONE_NEWNET)) {
		err = errno;
		close(self);
		errno = err;
		return NULL;
	}
	nl = tna_nl_open(bus);
	err = errno;
	if (setns(self, CLONE_NEWNET) && nl) {	/* cannot happen: we came from there */
		err = errno;
		tna_nl_close(nl);
		nl = NULL;
	}
	close(self);
	errno = err;
	return nl;
}

static bool any(const struct nlmsghdr *nlh, int set, const char *const *names)
{
	for (; *names; names++)
		if (tna_caps_parse_features_set(nlh, set, *names) > 0)
			return true;
	return false;
}

static int features_cb(const struct nlmsghdr *nlh, void *data)
{
	static const char *const csum[] = { "tx-checksum-ip-generic", "tx-checksum-ipv4",
					    "tx-checksum-ipv6", NULL };
	/* TCP only: a peer that would send UDP GSO superpackets (an app
	 * using UDP_SEGMENT) is not looked at, see the README */
	static const char *const tso[] = { "tx-tcp-segmentation", "tx-tcp6-segmentation", NULL };
	static const char *const gro[] = { "rx-gro", NULL };
	static const char *const vlan[] = { "tx-vlan-hw-insert", "tx-vlan-stag-hw-insert", NULL };
	struct tna_veth_peer_features *f = data;

	f->tx_csum = any(nlh, ETHTOOL_A_FEATURES_ACTIVE, csum);
	f->tso_wanted = any(nlh, ETHTOOL_A_FEATURES_WANTED, tso);
	f->tso = any(nlh, ETHTOOL_A_FEATURES_ACTIVE, tso);
	f->gro = any(nlh, ETHTOOL_A_FEATURES_ACTIVE, gro);
	f->tx_vlan = any(nlh, ETHTOOL_A_FEATURES_ACTIVE, vlan);
	return MNL_CB_OK;
}

int tna_veth_peer_open(int ifindex, int *peer_ifindex, int *netns_fd)
{
	struct tna_nl *nl = tna_nl_open(NETLINK_ROUTE);
	int nsid, err;

	*netns_fd = -1;
	if (!nl)
		return -errno;
	err = tna_veth_peer_get(nl, ifindex, peer_ifindex, &nsid);
	if (!err && nsid >= 0) {
		*netns_fd = tna_veth_peer_netns(nl, nsid);
		if (*netns_fd < 0) {
			err = *netns_fd;
			*netns_fd = -1;
		}
	}
	tna_nl_close(nl);
	return err;
}

/* The genl socket of the namespace with id NSID (-1: ours): the one kept
 * for the pass, else a new one in the namespace found through RTNL. */
static struct tna_nl *genl_of(struct tna_nl *rtnl, int nsid, bool *reused)
{
	struct tna_nl *nl = tna_socks_genl(nsid);
	int fd = -1, err;

	if (nl) {
		*reused = true;
		return nl;
	}
	if (nsid >= 0) {
		fd = tna_veth_peer_netns(rtnl, nsid);
		if (fd < 0) {
			errno = -fd;
			return NULL;
		}
	}
	nl = nl_open_in(fd, NETLINK_GENERIC);
	err = errno;
	if (fd >= 0)
		close(fd);
	errno = err;
	return nl;
}

/* One try; *REUSED: a kept socket or remembered family id was used. */
static int features_once(int ifindex, struct tna_veth_peer_features *f, bool again,
			 bool *reused)
{
	struct tna_nl *rtnl, *genl;
	char buf[256];
	struct nlmsghdr *nlh;
	struct nlattr *hdr;
	int peer, nsid, err;
	uint16_t family;

	memset(f, 0, sizeof(*f));
	rtnl = tna_socks_rtnl(reused);
	if (!rtnl)
		return -errno;
	err = tna_veth_peer_get(rtnl, ifindex, &peer, &nsid);
	genl = err ? NULL : genl_of(rtnl, nsid, reused);
	if (!err && !genl)
		err = -errno;
	/* -ENOTSUP (not a veth) is an answer, not a failed socket */
	tna_socks_put_rtnl(rtnl, err && err != -ENOTSUP);
	if (err)
		return err;
	err = tna_socks_family(genl, "ethtool", &family, again, reused);
	if (err)
		goto out;
	nlh = tna_nl_msg(genl, buf, family, 0);	/* a get: the reply ends it */
	tna_genl_hdr(nlh, ETHTOOL_MSG_FEATURES_GET, ETHTOOL_GENL_VERSION);
	hdr = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_HEADER);
	mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX, (uint32_t)peer);
	mnl_attr_nest_end(nlh, hdr);
	f->peer_ifindex = peer;
	err = tna_nl_talk(genl, nlh, features_cb, f);
out:
	tna_socks_put_genl(nsid, genl, err < 0);
	return err;
}

int tna_veth_peer_features(int ifindex, struct tna_veth_peer_features *f)
{
	bool reused = false;
	int err = features_once(ifindex, f, false, &reused);

	/* a kept socket or id that failed: once more with fresh ones, so
	 * the answer is what a first read would give */
	if (err && err != -ENOTSUP && reused)
		err = features_once(ifindex, f, true, &reused);
	return err;
}
