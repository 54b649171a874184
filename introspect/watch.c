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
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>

#include "common/nl.h"
#include "introspect/model_priv.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct tna_watch {
	struct tna_model *m;
	struct mnl_socket *rt, *nf;
	int epfd;
	unsigned int resyncs;
	char *buf;
	struct timespec xdp_checked;
};

/* Attaching or detaching XDP sends no notification: the XDP state of the
 * links is read again at most this often (ms), from tna_watch_process(). */
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
	struct tna_watch *w = calloc(1, sizeof(*w));
	struct epoll_event ev = { .events = EPOLLIN };
	int ret;

	if (!w)
		return NULL;
	w->m = m;
	w->epfd = -1;
	w->buf = malloc(WATCH_BUFSZ);
	w->rt = open_sub(NETLINK_ROUTE, rt_groups, sizeof(rt_groups) / sizeof(rt_groups[0]));
	if (!w->buf || !w->rt)
		goto err;
	/* nftables events are optional: a kernel without nf_tables has none. */
	w->nf = open_sub(NETLINK_NETFILTER, nf_groups, 1);
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
	if (w->epfd >= 0)
		close(w->epfd);
	free(w->buf);
	free(w);
}

int tna_watch_fd(const struct tna_watch *w) { return w->epfd; }
unsigned int tna_watch_resyncs(const struct tna_watch *w) { return w->resyncs; }

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

static int resync(struct tna_watch *w)
{
	int ret;

	drain(w->rt, w->buf);
	if (w->nf)
		drain(w->nf, w->buf);
	ret = tna_model_dump(w->m);
	w->resyncs++;
	tna_model_emit(w->m, TNA_OBJ_RESYNC, TNA_OP_CHANGE, NULL);
	return ret;
}

struct collect { struct tna_link *a; size_t n, max; };

static int collect_link(const void *item, void *p)
{
	struct collect *c = p;

	if (c->n < c->max)
		memcpy(&c->a[c->n++], item, sizeof(struct tna_link));	/* padding too */
	return 0;
}

/* Per-link forwarding sysctls: a netconf event said one changed. */
static int reread_link_sysctls(struct tna_model *m)
{
	struct collect c = { .max = m->set[TNA_SET_LINK].count };

	c.a = calloc(c.max ? c.max : 1, sizeof(*c.a));
	if (!c.a)
		return -ENOMEM;
	tna_set_for_each(&m->set[TNA_SET_LINK], collect_link, &c);
	for (size_t i = 0; i < c.n; i++) {
		tna_sysctl_read_link(&c.a[i]);
		tna_model_put(m, TNA_SET_LINK, &c.a[i]);
	}
	free(c.a);
	return 0;
}

static int64_t ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static int xdp_recheck(struct tna_model *m)
{
	struct tna_model fresh;
	struct collect c = { .max = m->set[TNA_SET_LINK].count };
	int ret;

	tna_model_init(&fresh);
	fresh.nl = m->nl;	/* borrowed */
	ret = tna_model_dump_links(&fresh);
	fresh.nl = NULL;
	c.a = calloc(c.max ? c.max : 1, sizeof(*c.a));
	if (!ret && !c.a)
		ret = -ENOMEM;
	if (!ret)
		tna_set_for_each(&m->set[TNA_SET_LINK], collect_link, &c);
	for (size_t i = 0; !ret && i < c.n; i++) {
		const struct tna_link *f = tna_set_find(&fresh.set[TNA_SET_LINK], &c.a[i]);

		if (!f || (f->xdp_prog_id == c.a[i].xdp_prog_id && f->xdp_mode == c.a[i].xdp_mode))
			continue;
		c.a[i].xdp_prog_id = f->xdp_prog_id;
		c.a[i].xdp_mode = f->xdp_mode;
		tna_model_put(m, TNA_SET_LINK, &c.a[i]);
	}
	free(c.a);
	tna_model_fini(&fresh);
	return ret;
}

/* Re-read what changes without a notification of its own. */
static int follow_up(struct tna_watch *w, bool nft_dirty)
{
	struct tna_model *m = w->m;
	unsigned int pending = m->pending;
	struct tna_sysctls sys;
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
		reread_link_sysctls(m);
	if (ms_since(&w->xdp_checked) >= XDP_RECHECK_MS) {
		clock_gettime(CLOCK_MONOTONIC, &w->xdp_checked);
		if (!ret)
			ret = xdp_recheck(m);
	}

	/* No events at all for net.bridge.* sysctls and legacy xtables:
	 * they are read again on every call. */
	memcpy(&sys, &m->sys, sizeof(sys));
	tna_sysctl_read_global(&sys);
	if (memcmp(&sys, &m->sys, sizeof(sys))) {
		memcpy(&m->sys, &sys, sizeof(sys));
		tna_model_emit(m, TNA_OBJ_SYSCTL, TNA_OP_CHANGE, &m->sys);
	}
	memcpy(&nf, &m->nf, sizeof(nf));
	if (nft_dirty)
		tna_nf_read_source(&nf, TNA_NF_NFTABLES);
	tna_nf_read_source(&nf, TNA_NF_LEGACY);
	if (memcmp(&nf, &m->nf, sizeof(nf))) {
		memcpy(&m->nf, &nf, sizeof(nf));
		tna_model_emit(m, TNA_OBJ_NETFILTER, TNA_OP_CHANGE, &m->nf);
	}
	return ret;
}

int tna_watch_process(struct tna_watch *w)
{
	/* Without an nftables subscription, read the ruleset every time. */
	bool nft_dirty = !w->nf;
	int ret = 0;

	for (int reads = 0; reads < WATCH_MAX_READS; reads++) {
		ssize_t n = recv(mnl_socket_get_fd(w->rt), w->buf, WATCH_BUFSZ, MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const void *)w->buf;
		int len = (int)n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {	/* events were lost */
				ret = resync(w);
				if (ret)
					return ret;
				continue;
			}
			if (errno == EAGAIN)
				break;
			return -errno;
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			tna_model_apply(w->m, nlh);
	}
	for (int reads = 0; w->nf && reads < WATCH_MAX_READS; reads++) {
		ssize_t n = recv(mnl_socket_get_fd(w->nf), w->buf, WATCH_BUFSZ, MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != ENOBUFS)
			break;
		nft_dirty = true;	/* any nftables change: read the summary again */
	}
	return follow_up(w, nft_dirty) ?: ret;
}
