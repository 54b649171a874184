/* The bridge-port socket of controller/port_watch.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "common/nl.h"
#include "controller/port_watch.h"

#define PW_BUFSZ (64 * 1024)
#define PW_MAX_READS 256

struct tna_port_watch {
	struct mnl_socket *s;
	struct tna_nl *req;		/* for dumps */
	struct tna_port_info *tab;	/* by ifindex */
	int cap;
	unsigned int resyncs;
	char *buf;
	void (*cb)(void *ctx, int ifindex, const struct tna_port_info *pi);
	void *ctx;
	uint8_t *seen;		/* during a resync dump: ports it listed */
	bool dumping;
};

static const struct tna_port_info unknown;

const struct tna_port_info *tna_port_watch_get(const struct tna_port_watch *w, int ifindex)
{
	return w && ifindex > 0 && ifindex < w->cap ? &w->tab[ifindex] : &unknown;
}

void tna_port_watch_set(struct tna_port_watch *w, int ifindex, const struct tna_port_info *pi)
{
	if (ifindex <= 0)
		return;
	if (ifindex >= w->cap) {
		int cap = w->cap ? w->cap : 64;
		struct tna_port_info *t;

		while (cap <= ifindex)
			cap *= 2;
		t = realloc(w->tab, cap * sizeof(*t));
		if (!t)
			return;		/* unknown: the model's view is used */
		memset(t + w->cap, 0, (cap - w->cap) * sizeof(*t));
		w->tab = t;
		w->cap = cap;
	}
	w->tab[ifindex] = *pi;
	w->tab[ifindex].known = true;
}

/* One AF_BRIDGE link message (event or dump reply) -> the callback. */
static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct tna_port_watch *w = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct tna_port_info pi = { .known = true, .from_dump = w->dumping };
	const struct nlattr *a;

	if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)) || ifi->ifi_family != AF_BRIDGE)
		return MNL_CB_OK;
	if (nlh->nlmsg_type == RTM_NEWLINK) {
		mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
			switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
			case IFLA_MASTER:
				if (mnl_attr_get_payload_len(a) >= 4)
					pi.master = (int)mnl_attr_get_u32(a);
				break;
			case IFLA_PROTINFO:	/* sent without NLA_F_NESTED */
				pi.is_port = true;
				tna_brport_parse(a, &pi.port);
				break;
			}
		}
	}
	/* the bridge device itself has no port view */
	if (!pi.is_port && nlh->nlmsg_type == RTM_NEWLINK)
		return MNL_CB_OK;
	if (w->seen && ifi->ifi_index > 0 && ifi->ifi_index < w->cap)
		w->seen[ifi->ifi_index] = 1;
	w->cb(w->ctx, ifi->ifi_index, &pi);
	return MNL_CB_OK;
}

static int dump(struct tna_port_watch *w)
{
	char buf[256];
	struct nlmsghdr *nlh = tna_nl_msg(w->req, buf, RTM_GETLINK, NLM_F_DUMP);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	int ret;

	ifi->ifi_family = AF_BRIDGE;
	w->dumping = true;
	ret = tna_nl_talk(w->req, nlh, on_msg, w);
	w->dumping = false;
	return ret;
}

static void store(void *ctx, int ifindex, const struct tna_port_info *pi)
{
	tna_port_watch_set(ctx, ifindex, pi);
}

struct tna_port_watch *tna_port_watch_open(void)
{
	struct tna_port_watch *w = calloc(1, sizeof(*w));
	uint32_t g = RTNLGRP_LINK;
	int ret;

	if (!w)
		return NULL;
	w->buf = malloc(PW_BUFSZ);
	/* link events are few: a few MiB hold any burst of them */
	w->s = tna_nl_listen(NETLINK_ROUTE, &g, 1, 4 << 20);
	w->req = tna_nl_open(NETLINK_ROUTE);
	if (!w->buf || !w->s || !w->req)
		goto err;
	/* Subscribed first, dumped second: nothing falls between. */
	w->cb = store;
	w->ctx = w;
	ret = dump(w);
	if (ret) {
		errno = -ret;
		goto err;
	}
	return w;
err: {
		int e = errno;
		tna_port_watch_close(w);
		errno = e;
	}
	return NULL;
}

void tna_port_watch_close(struct tna_port_watch *w)
{
	if (!w)
		return;
	if (w->s)
		mnl_socket_close(w->s);
	tna_nl_close(w->req);
	free(w->tab);
	free(w->buf);
	free(w);
}

int tna_port_watch_fd(const struct tna_port_watch *w)
{
	return mnl_socket_get_fd(w->s);
}

unsigned int tna_port_watch_resyncs(const struct tna_port_watch *w)
{
	return w->resyncs;
}

/* After an overflow: the dump reports every port there is; ports known
 * before that it does not list have left their bridge meanwhile. */
static int resync(struct tna_port_watch *w)
{
	struct tna_port_info gone = { .known = true };
	int cap = w->cap, ret;

	w->resyncs++;
	w->seen = calloc(cap ? cap : 1, 1);
	if (!w->seen)
		return -ENOMEM;
	ret = dump(w);
	for (int i = 1; !ret && i < cap; i++)
		if (w->tab[i].is_port && !w->seen[i])
			w->cb(w->ctx, i, &gone);
	free(w->seen);
	w->seen = NULL;
	return ret;
}

int tna_port_watch_process(struct tna_port_watch *w,
			   void (*cb)(void *ctx, int ifindex, const struct tna_port_info *pi),
			   void *ctx)
{
	int ret = 0;

	w->cb = cb;
	w->ctx = ctx;
	for (int reads = 0; reads < PW_MAX_READS; reads++) {
		ssize_t n = recv(mnl_socket_get_fd(w->s), w->buf, PW_BUFSZ, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {	/* lost some: every port again */
				ret = resync(w);
				if (ret)
					break;
				continue;
			}
			ret = errno == EAGAIN ? 0 : -errno;
			break;
		}
		mnl_cb_run(w->buf, n, 0, 0, on_msg, w);
	}
	w->cb = store;
	w->ctx = w;
	return ret;
}
