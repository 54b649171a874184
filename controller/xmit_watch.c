/* The XDP-features socket of controller/xmit_watch.h. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "capabilities/netdev_genl.h"
#include "common/nl.h"
#include "controller/xmit_watch.h"

#define XW_BUFSZ (32 * 1024)
#define XW_MAX_READS 64

struct tna_xmit_watch {
	struct mnl_socket *s;
	uint16_t family;
	unsigned int overflows;
	char *buf;
	void (*cb)(void *ctx, int ifindex, uint64_t xdp_features);
	void *ctx;
};

struct tna_xmit_watch *tna_xmit_watch_open(void)
{
	struct tna_xmit_watch *w = calloc(1, sizeof(*w));
	struct tna_nl *req = tna_nl_open(NETLINK_GENERIC);
	uint32_t group;
	int e, ret;

	if (!w || !req)
		goto err;
	ret = tna_genl_resolve(req, TNA_NETDEV_FAMILY_NAME, &w->family,
			       TNA_NETDEV_MCGRP_MGMT, &group);
	if (ret) {
		errno = -ret;
		goto err;
	}
	w->buf = malloc(XW_BUFSZ);
	/* one small message per device change: 1 MiB holds any burst */
	w->s = tna_nl_listen(NETLINK_GENERIC, &group, 1, 1 << 20);
	if (!w->buf || !w->s)
		goto err;
	tna_nl_close(req);
	return w;
err:
	e = errno;
	tna_nl_close(req);
	tna_xmit_watch_close(w);
	errno = e;
	return NULL;
}

void tna_xmit_watch_close(struct tna_xmit_watch *w)
{
	if (!w)
		return;
	if (w->s)
		mnl_socket_close(w->s);
	free(w->buf);
	free(w);
}

int tna_xmit_watch_fd(const struct tna_xmit_watch *w)
{
	return w ? mnl_socket_get_fd(w->s) : -1;
}

unsigned int tna_xmit_watch_overflows(const struct tna_xmit_watch *w)
{
	return w ? w->overflows : 0;
}

/* One netdev notification -> the callback (attributes we do not know are
 * skipped: newer kernels add some). */
static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct tna_xmit_watch *w = data;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	uint64_t feat = 0;
	bool have = false;
	int ifindex = 0;

	if (nlh->nlmsg_type != w->family || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*g)) ||
	    (g->cmd != TNA_NETDEV_CMD_DEV_ADD_NTF && g->cmd != TNA_NETDEV_CMD_DEV_CHANGE_NTF))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		if (mnl_attr_get_type(a) == TNA_NETDEV_A_DEV_IFINDEX &&
		    mnl_attr_get_payload_len(a) == sizeof(uint32_t))
			ifindex = (int)mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == TNA_NETDEV_A_DEV_XDP_FEATURES &&
			 mnl_attr_get_payload_len(a) == sizeof(uint64_t)) {
			feat = mnl_attr_get_u64(a);
			have = true;
		}
	}
	if (ifindex > 0 && have)
		w->cb(w->ctx, ifindex, feat);
	return MNL_CB_OK;
}

int tna_xmit_watch_process(struct tna_xmit_watch *w,
			   void (*cb)(void *ctx, int ifindex, uint64_t xdp_features),
			   void *ctx)
{
	bool lost = false;
	int ret = 0;

	if (!w)
		return 0;
	w->cb = cb;
	w->ctx = ctx;
	for (int reads = 0; reads < XW_MAX_READS; reads++) {
		ssize_t n = recv(mnl_socket_get_fd(w->s), w->buf, XW_BUFSZ, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {	/* lost some: every port again */
				w->overflows++;
				lost = true;
				continue;
			}
			ret = errno == EAGAIN ? 0 : -errno;
			break;
		}
		mnl_cb_run(w->buf, n, 0, 0, on_msg, w);
	}
	if (lost)
		cb(ctx, 0, 0);
	return ret;
}
