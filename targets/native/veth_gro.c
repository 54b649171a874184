/* Native redirect into a veth needs its peer (often in a container's netns)
 * to run XDP or have GRO on.  Turn GRO on for the peer only when asked, and
 * remember it so it can be put back. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include "targets/datapath.h"
#include "targets/native/veth_peer.h"

static int gro(int netns_fd, int ifindex, int set, bool *was_on)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GGRO };
	struct ifreq ifr = { .ifr_ifindex = ifindex };
	int s = tna_socket_in(netns_fd), err = 0;

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
	bool was_on = false;
	int err;

	memset(undo, 0, sizeof(*undo));
	err = tna_veth_peer_open(ifindex, &undo->peer_ifindex, &undo->netns_fd);
	if (!err)
		err = gro(undo->netns_fd, undo->peer_ifindex, 1, &was_on);
	if (!err)
		undo->changed = !was_on;
	if (err && undo->netns_fd >= 0) {
		close(undo->netns_fd);
		undo->netns_fd = -1;
	}
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
