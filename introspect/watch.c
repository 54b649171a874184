/* Multicast subscriptions that keep a model current.  On overflow
 * (ENOBUFS) the queued events are dropped and the model is dumped again:
 * applying the events that follow a snapshot converges, because every
 * event carries the full state of its object. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>

#include "common/nl.h"
#include "introspect/model_priv.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct tna_watch {
	struct tna_model *m;
	struct mnl_socket *rt, *nf, *xfrm;
	int epfd;
	int tfd;		/* poll timer (timerfd), in the epoll set */
	unsigned int resyncs;
	char *buf;
	struct timespec xdp_checked;
};

/* Attaching or detaching XDP sends no notification: the XDP state of the
 * links is read again at most this often (ms), at a poll tick. */
#define XDP_RECHECK_MS 1000

#define WATCH_BUFSZ (64 * 1024)
/* Reads per tna_watch_process() call: a steady event storm must not keep
 * the caller from its other fds; what is left keeps the fd readable. */
#define WATCH_MAX_READS 256

static const unsigned int rt_groups[] = {
	RTNLGRP_LINK, RTNLGRP_NEIGH, RTNLGRP_TC,
	RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
	RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,
	RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE,
	RTNLGRP_IPV4_NETCONF, RTNLGRP_IPV6_NETCONF,
	RTNLGRP_NEXTHOP,
};

static struct mnl_socket *open_sub(int bus, const unsigned int *groups, size_t n)
{
	struct mnl_socket *s = mnl_socket_open2(bus, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (!s)
		return NULL;
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;
	for (size_t i = 0; i < n; i++) {
		int g = (int)groups[i];

		/* IPv6 groups fail only when IPv6 is off, nexthops before
		 * 5.3; the rest must work. */
		if (mnl_socket_setsockopt(s, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0 &&
		    groups[i] != RTNLGRP_IPV6_IFADDR && groups[i] != RTNLGRP_IPV6_ROUTE &&
		    groups[i] != RTNLGRP_IPV6_RULE && groups[i] != RTNLGRP_IPV6_NETCONF &&
		    groups[i] != RTNLGRP_NEXTHOP)
			goto err;
	}
	return s;
err: {
		int e = errno;
		mnl_socket_close(s);
		errno = e;
	}
	return NULL;
}

struct tna_watch *tna_watch_open(struct tna_model *m, tna_model_cb cb, void *ctx)
{
	static const unsigned int nf_groups[] = { NFNLGRP_NFTABLES };
	static const unsigned int xfrm_groups[] = { XFRMNLGRP_SA, XFRMNLGRP_POLICY };
	struct tna_watch *w = calloc(1, sizeof(*w));
	struct epoll_event ev = { .events = EPOLLIN };
	int ret;

	if (!w)
		return NULL;
	w->m = m;
	w->epfd = -1;
	w->tfd = -1;
	w->buf = malloc(WATCH_BUFSZ);
	w->rt = open_sub(NETLINK_ROUTE, rt_groups, sizeof(rt_groups) / sizeof(rt_groups[0]));
	if (!w->buf || !w->rt)
		goto err;
	/* nftables and xfrm events are optional: a kernel without nf_tables
	 * or xfrm has none (and nothing of theirs to bypass). */
	w->nf = open_sub(NETLINK_NETFILTER, nf_groups, 1);
	w->xfrm = open_sub(NETLINK_XFRM, xfrm_groups, 2);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0)
		goto err;
	ev.data.ptr = w->rt;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, mnl_socket_get_fd(w->rt), &ev) < 0)
		goto err;
	if (w->nf) {
		ev.data.ptr = w->nf;
		if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, mnl_socket_get_fd(w->nf), &ev) < 0)
			goto err;
	}
	if (w->xfrm) {
		ev.data.ptr = w->xfrm;
		if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, mnl_socket_get_fd(w->xfrm), &ev) < 0)
			goto err;
	}
	/* What changes without a notification is polled on a timer of its
	 * own: no other event is needed to notice it (introspect/poll.c). */
	w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	ev.data.ptr = &w->tfd;
	if (w->tfd < 0 || epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->tfd, &ev) < 0 ||
	    tna_watch_set_poll_ms(w, TNA_WATCH_POLL_MS))
		goto err;
	m->cb = cb;
	m->cb_ctx = ctx;
	/* Subscribed first, dumped second: nothing falls between. */
	ret = tna_model_dump(m);
	if (ret) {
		errno = -ret;
		goto err;
	}
	return w;
err: {
		int e = errno;
		tna_watch_close(w);
		errno = e;
	}
	return NULL;
}

void tna_watch_close(struct tna_watch *w)
{
	if (!w)
		return;
	if (w->m) {
		w->m->cb = NULL;
		w->m->cb_ctx = NULL;
	}
	if (w->rt)
		mnl_socket_close(w->rt);
	if (w->nf)
		mnl_socket_close(w->nf);
	if (w->xfrm)
		mnl_socket_close(w->xfrm);
	if (w->epfd >= 0)
		close(w->epfd);
	if (w->tfd >= 0)
		close(w->tfd);
	free(w->buf);
	free(w);
}

int tna_watch_fd(const struct tna_watch *w) { return w->epfd; }
unsigned int tna_watch_resyncs(const struct tna_watch *w) { return w->resyncs; }

int tna_watch_set_poll_ms(struct tna_watch *w, unsigned int ms)
{
	struct itimerspec it = { 0 };
	/* test switch: a poll so slow that only events can tell a change
	 * in time (tests of what is read at an event instead of polled) */
	const char *t = getenv("TNA_TEST_POLL_MS");

	if (t && atoi(t) > 0)
		ms = (unsigned int)atoi(t);
	it.it_interval.tv_sec = ms / 1000;
	it.it_interval.tv_nsec = (long)(ms % 1000) * 1000000;
	it.it_value = it.it_interval;
	return timerfd_settime(w->tfd, 0, &it, NULL) ? -errno : 0;
}

int tna_watch_set_rcvbuf(struct tna_watch *w, int bytes)
{
	int fd = mnl_socket_get_fd(w->rt);

	/* SO_RCVBUFFORCE ignores rmem_max when we may; else the plain one. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) < 0)
		return -errno;
	return 0;
}

/* Throw away what is queued (after an overflow it is incomplete anyway). */
static void drain(struct mnl_socket *s, char *buf)
{
	for (int i = 0; i < 1 << 16; i++) {
		ssize_t n = recv(mnl_socket_get_fd(s), buf, WATCH_BUFSZ, MSG_DONTWAIT);

		if (n < 0 && errno != ENOBUFS && errno != EINTR)
			return;
	}
}

/* Events were lost: listeners hear it at once (RESYNC, op ADD: what they
 * built from the model is behind until further notice), then every
 * difference the fresh dump brings, then RESYNC, op CHANGE: the model
 * equals a dump taken after the loss. */
static int resync(struct tna_watch *w)
{
	int ret;

	tna_model_emit(w->m, TNA_OBJ_RESYNC, TNA_OP_ADD, NULL);
	drain(w->rt, w->buf);
	if (w->nf)
		drain(w->nf, w->buf);
	if (w->xfrm)
		drain(w->xfrm, w->buf);
	ret = tna_model_dump(w->m);
	w->resyncs++;
	tna_model_emit(w->m, TNA_OBJ_RESYNC, TNA_OP_CHANGE, NULL);
	return ret;
}

static int64_t ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Re-read what changes without a notification of its own: what pending
 * events asked for, and, at a tick of the poll timer, what no event
 * tells (introspect/poll.c). */
static int follow_up(struct tna_watch *w, bool nft_dirty, bool xfrm_dirty, bool tick)
{
	struct tna_model *m = w->m;
	unsigned int pending = m->pending;
	struct tna_netfilter nf;	/* compared bytewise: copied with memcpy */
	int ret = 0;

	m->pending = 0;
	if (pending & TNA_NEED_ROUTES) {	/* e.g. IPv4 flushes routes silently */
		struct tna_set fresh;

		tna_set_init(&fresh, m->set[TNA_SET_ROUTE].item_size, m->set[TNA_SET_ROUTE].key);
		ret = tna_model_dump_routes(m, &fresh);
		if (!ret)
			tna_model_merge_set(m, TNA_SET_ROUTE, &fresh);
		else
			m->pending |= TNA_NEED_ROUTES;	/* not silently stale: again next call */
		tna_set_clear(&fresh);
	}
	if (pending & TNA_NEED_SYSCTL)
		tna_model_reread_link_sysctls(m);
	if ((pending & TNA_NEED_TC) && tna_model_reread_tc(m))
		m->pending |= TNA_NEED_TC;	/* again next call */
	if (nft_dirty) {
		memcpy(&nf, &m->nf, sizeof(nf));
		tna_nf_read_source(&nf, TNA_NF_NFTABLES);
		if (memcmp(&nf, &m->nf, sizeof(nf))) {
			memcpy(&m->nf, &nf, sizeof(nf));
			tna_model_emit(m, TNA_OBJ_NETFILTER, TNA_OP_CHANGE, &m->nf);
		}
	}
	if (xfrm_dirty) {
		struct tna_xfrm x;

		tna_xfrm_read(&x);
		if (memcmp(&x, &m->xfrm, sizeof(x))) {
			memcpy(&m->xfrm, &x, sizeof(x));
			tna_model_emit(m, TNA_OBJ_XFRM, TNA_OP_CHANGE, &m->xfrm);
		}
	}
	if (!tick)
		return ret;
	tna_model_poll(m);
	if (ms_since(&w->xdp_checked) >= XDP_RECHECK_MS) {
		clock_gettime(CLOCK_MONOTONIC, &w->xdp_checked);
		if (!ret)
			ret = tna_model_poll_xdp(m);
	}
	return ret;
}

/* Read what a summary-only subscription queued; whether anything came
 * (or was lost: either way the summary is read again). */
static bool drained(struct mnl_socket *s, char *buf)
{
	bool any = false;

	for (int reads = 0; reads < WATCH_MAX_READS; reads++) {
		ssize_t n = recv(mnl_socket_get_fd(s), buf, WATCH_BUFSZ, MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != ENOBUFS)
			break;
		any = true;
	}
	return any;
}

int tna_watch_process(struct tna_watch *w)
{
	uint64_t ticks = 0;
	bool tick = read(w->tfd, &ticks, sizeof(ticks)) == sizeof(ticks) && ticks;
	/* Without an nftables subscription, read the ruleset at each tick. */
	bool nft_dirty = !w->nf && tick, xfrm_dirty = !w->xfrm && tick;
	int ret = 0;

	for (int reads = 0; reads < WATCH_MAX_READS; reads++) {
		ssize_t n = recv(mnl_socket_get_fd(w->rt), w->buf, WATCH_BUFSZ, MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const void *)w->buf;
		int len = (int)n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {	/* events were lost */
				/* and the caller's other work waited for the
				 * dump: it gets its turn before more events */
				ret = resync(w);
				if (ret)
					return ret;
				break;
			}
			if (errno == EAGAIN)
				break;
			return -errno;
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			tna_model_apply(w->m, nlh);
	}
	/* any nftables change: read the summary again; a policy or SA
	 * changed: count them again */
	nft_dirty |= w->nf && drained(w->nf, w->buf);
	xfrm_dirty |= w->xfrm && drained(w->xfrm, w->buf);
	return follow_up(w, nft_dirty, xfrm_dirty, tick) ?: ret;
}
