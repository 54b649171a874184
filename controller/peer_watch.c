/* The veth-peer socket of controller/peer_watch.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "common/nl.h"
#include "controller/peer_watch.h"
#include "targets/native/veth_peer.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define PW_MAX 512		/* ports of every pipeline (255 per deployment) */
#define PW_BUFSZ (32 * 1024)
#define PW_MAX_READS 256	/* per turn: the rest waits for the next one */

struct peer { int port, nsid, peer; };

struct tna_peer_watch {
	struct mnl_socket *s;
	struct tna_nl *req;
	int ports[PW_MAX];
	int n_ports;
	struct peer peers[PW_MAX];
	int n_peers;
	bool stale;		/* read the peers again: one moved or went */
	char *buf;
};

struct tna_peer_watch *tna_peer_watch_open(void)
{
	struct tna_peer_watch *w = calloc(1, sizeof(*w));
	uint32_t group = RTNLGRP_LINK;
	int one = 1, e;

	if (!w)
		return NULL;
	w->buf = malloc(PW_BUFSZ);
	w->req = tna_nl_open(NETLINK_ROUTE);
	/* every link change of every namespace with an nsid: 4 MiB */
	w->s = tna_nl_listen(NETLINK_ROUTE, &group, 1, 4 << 20);
	if (!w->buf || !w->req || !w->s)
		goto err;
	if (setsockopt(mnl_socket_get_fd(w->s), SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, &one,
		       sizeof(one)) < 0)
		goto err;
	return w;
err:
	e = errno;
	tna_peer_watch_close(w);
	errno = e;
	return NULL;
}

void tna_peer_watch_close(struct tna_peer_watch *w)
{
	if (!w)
		return;
	if (w->s)
		mnl_socket_close(w->s);
	tna_nl_close(w->req);
	free(w->buf);
	free(w);
}

int tna_peer_watch_fd(const struct tna_peer_watch *w)
{
	return w ? mnl_socket_get_fd(w->s) : -1;
}

/* Each port's peer read again (one RTM_GETLINK per port).  A port whose
 * link could not be read (deleted, maybe about to come back with the same
 * ifindex) leaves the table stale: read again on the next call.  Not a
 * veth: nothing to hear. */
static void read_peers(struct tna_peer_watch *w)
{
	w->n_peers = 0;
	w->stale = false;
	for (int i = 0; i < w->n_ports; i++) {
		struct peer *p = &w->peers[w->n_peers];
		int err = tna_veth_peer_get(w->req, w->ports[i], &p->peer, &p->nsid);

		if (!err) {
			p->port = w->ports[i];
			w->n_peers++;
		} else if (err != -ENOTSUP) {
			w->stale = true;
		}
	}
}

void tna_peer_watch_ports(struct tna_peer_watch *w, const int *ifx, int n)
{
	if (!w)
		return;
	if (n > PW_MAX)
		n = PW_MAX;
	if (!w->stale && n == w->n_ports && !memcmp(ifx, w->ports, n * sizeof(*ifx)))
		return;
	memcpy(w->ports, ifx, n * sizeof(*ifx));
	w->n_ports = n;
	read_peers(w);
}

/* The port whose peer is link IFINDEX of namespace NSID (-1: ours), 0. */
static int port_of(const struct tna_peer_watch *w, int nsid, int ifindex)
{
	for (int i = 0; i < w->n_peers; i++)
		if (w->peers[i].peer == ifindex && w->peers[i].nsid == nsid)
			return w->peers[i].port;
	return 0;
}

static bool watched(const struct tna_peer_watch *w, int ifindex)
{
	for (int i = 0; i < w->n_ports; i++)
		if (w->ports[i] == ifindex)
			return true;
	return false;
}

static bool seen(const int *hit, int n_hit, int port)
{
	for (int k = 0; k < n_hit; k++)
		if (hit[k] == port)
			return true;
	return false;
}

/* A link message that says the link went to another namespace. */
static bool moved(const struct nlmsghdr *h)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, h, sizeof(struct ifinfomsg))
		if (mnl_attr_get_type(a) == IFLA_NEW_NETNSID)
			return true;
	return false;
}

/* The nsid of the namespace a message came from (-1: ours, no cmsg). */
static int msg_nsid(struct msghdr *mh)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == SOL_NETLINK && cm->cmsg_type == NETLINK_LISTEN_ALL_NSID &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(int)))
			return *(int *)CMSG_DATA(cm);
	return -1;
}

int tna_peer_watch_process(struct tna_peer_watch *w, void (*cb)(void *ctx, int ifindex),
			   void *ctx)
{
	int hit[PW_MAX], n_hit = 0, ret = 0;
	bool lost = false;

	if (!w)
		return 0;
	for (int reads = 0; reads < PW_MAX_READS; reads++) {
		char ctl[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { w->buf, PW_BUFSZ };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		ssize_t n = recvmsg(mnl_socket_get_fd(w->s), &mh, MSG_DONTWAIT);
		int nsid, len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				lost = true;
				continue;
			}
			ret = errno == EAGAIN ? 0 : -errno;
			break;
		}
		nsid = msg_nsid(&mh);
		len = (int)n;
		for (struct nlmsghdr *h = (void *)w->buf; mnl_nlmsg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
			const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
			int port;

			if ((h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) ||
			    h->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
				continue;
			port = port_of(w, nsid, ifi->ifi_index);
			/* A peer leaving its namespace (deleted, or moved: then
			 * its new one gets an nsid here) or a port of ours
			 * deleted (it may come back with the same ifindex):
			 * the table is read again below.  A moved peer's port
			 * is looked at too: a change heard before the table
			 * knew its new place was not matched.  A bridge's own
			 * message (AF_BRIDGE: a port released) is no link
			 * going away. */
			if (h->nlmsg_type == RTM_DELLINK) {
				if (ifi->ifi_family != AF_UNSPEC)
					continue;
				if (port || (nsid < 0 && watched(w, ifi->ifi_index)))
					w->stale = true;
				if (!port || !moved(h))
					continue;
			}
			if (!port)
				continue;
			/* a burst (ethtool -K sends several) is one look */
			if (!seen(hit, n_hit, port) && n_hit < PW_MAX)
				hit[n_hit++] = port;
		}
	}
	if (lost || w->stale)
		read_peers(w);
	if (lost)
		cb(ctx, 0);
	else
		for (int k = 0; k < n_hit; k++)
			cb(ctx, hit[k]);
	return ret;
}
