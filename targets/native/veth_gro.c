/* Native redirect into a veth needs its peer (often in a container's netns)
 * to run XDP or have GRO on.  Turn GRO on for the peer only when asked, and
 * remember it so it can be put back. */
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
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include "common/nl.h"
#include "targets/datapath.h"

struct peer { int ifindex; int nsid; };

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct peer *p = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) == IFLA_LINK)
			p->ifindex = mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == IFLA_LINK_NETNSID)
			p->nsid = (int32_t)mnl_attr_get_u32(a);
	}
	return MNL_CB_OK;
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

/* An fd of the netns with id NSID: named ones first, then processes'. */
static int netns_fd_of(struct tna_nl *nl, int nsid)
{
	const char *dirs[] = { "/run/netns", "/proc" };
	char path[300];
	struct dirent *de;
	DIR *d;
	int fd;

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
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (nsid_of(nl, fd) == nsid) {
				closedir(d);
				return fd;
			}
			close(fd);
		}
		closedir(d);
	}
	return -ENOENT;
}

/* An AF_INET socket in the netns behind NETNS_FD (-1: current). */
static int socket_in(int netns_fd)
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

static int gro(int netns_fd, int ifindex, int set, bool *was_on)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GGRO };
	struct ifreq ifr = { .ifr_ifindex = ifindex };
	int s = socket_in(netns_fd), err = 0;

	if (s < 0)
		return s;
	if (ioctl(s, SIOCGIFNAME, &ifr)) {
		err = -errno;
		goto out;
	}
	ifr.ifr_data = (void *)&ev;
	if (ioctl(s, SIOCETHTOOL, &ifr)) {
		err = -errno;
		goto out;
	}
	if (was_on)
		*was_on = ev.data;
	if (set >= 0 && (int)!!ev.data != set) {
		ev.cmd = ETHTOOL_SGRO;
		ev.data = set;
		if (ioctl(s, SIOCETHTOOL, &ifr))
			err = -errno;
	}
out:
	close(s);
	return err;
}

int tna_peer_gro_enable(int ifindex, struct tna_gro_undo *undo)
{
	char buf[TNA_NL_BUFSZ];
	struct peer p = { 0, -1 };
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct tna_nl *nl;
	bool was_on = false;
	int err;

	memset(undo, 0, sizeof(*undo));
	undo->netns_fd = -1;
	nl = tna_nl_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	nlh = tna_nl_msg(nl, buf, RTM_GETLINK, NLM_F_ACK);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	err = tna_nl_talk(nl, nlh, link_cb, &p);
	if (err)
		goto out;
	/* a peer in another netns may have our ifindex */
	if (!p.ifindex || (p.ifindex == ifindex && p.nsid < 0)) {
		err = -ENOTSUP;		/* not a veth (no peer) */
		goto out;
	}
	if (p.nsid >= 0) {
		undo->netns_fd = netns_fd_of(nl, p.nsid);
		if (undo->netns_fd < 0) {
			err = undo->netns_fd;
			goto out;
		}
	}
	undo->peer_ifindex = p.ifindex;
	err = gro(undo->netns_fd, p.ifindex, 1, &was_on);
	if (!err)
		undo->changed = !was_on;
out:
	if (err && undo->netns_fd >= 0) {
		close(undo->netns_fd);
		undo->netns_fd = -1;
	}
	tna_nl_close(nl);
	return err;
}

int tna_peer_gro_undo(struct tna_gro_undo *undo)
{
	int err = 0;

	if (undo->changed)
		err = gro(undo->netns_fd, undo->peer_ifindex, 0, NULL);
	if (undo->netns_fd >= 0)
		close(undo->netns_fd);
	undo->netns_fd = -1;
	undo->changed = false;
	return err;
}
