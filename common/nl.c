/* Netlink request/reply with the kernel's extended ack kept for the user. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "common/nl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

struct tna_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	char errmsg[256];
};

struct tna_nl *tna_nl_open(int bus)
{
	struct tna_nl *nl = calloc(1, sizeof(*nl));
	int one = 1;

	if (!nl)
		return NULL;
	nl->sock = mnl_socket_open(bus);
	if (!nl->sock)
		goto err;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err_sock;
	/* Both are best effort: old kernels lack them, the text is a bonus. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return nl;

err_sock:
	{
		int e = errno;
		mnl_socket_close(nl->sock);
		errno = e;
	}
err:
	{
		int e = errno;
		free(nl);
		errno = e;
	}
	return NULL;
}

struct mnl_socket *tna_nl_listen(int bus, const uint32_t *groups, int n, int rcvbuf)
{
	struct mnl_socket *s = mnl_socket_open2(bus, SOCK_NONBLOCK | SOCK_CLOEXEC);
	int e, fd;

	if (!s)
		return NULL;
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;
	for (int i = 0; i < n; i++)
		if (mnl_socket_setsockopt(s, NETLINK_ADD_MEMBERSHIP, (void *)&groups[i], sizeof(groups[i])) < 0)
			goto err;
	fd = mnl_socket_get_fd(s);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return s;
err:
	e = errno;
	mnl_socket_close(s);
	errno = e;
	return NULL;
}

void tna_nl_close(struct tna_nl *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sock);
	free(nl);
}

struct mnl_socket *tna_nl_mnl(struct tna_nl *nl) { return nl->sock; }
int tna_nl_fd(const struct tna_nl *nl) { return mnl_socket_get_fd(nl->sock); }
const char *tna_nl_errmsg(const struct tna_nl *nl) { return nl->errmsg; }

struct nlmsghdr *tna_nl_msg(struct tna_nl *nl, void *buf, uint16_t type,
			    uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

/* NLMSG_ERROR: error 0 is the ack; otherwise keep NLMSGERR_ATTR_MSG. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct tna_nl *nl = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;

	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = sizeof(*err);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += MNL_ALIGN(mnl_nlmsg_get_payload_len(&err->msg));
		mnl_attr_for_each(attr, nlh, off) {
			if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
				snprintf(nl->errmsg, sizeof(nl->errmsg), "%s",
					 mnl_attr_get_str(attr));
		}
	}
	errno = -err->error;
	return MNL_CB_ERROR;
}

/* Run one received buffer: returns 1 when the request is finished (done,
 * ack or error; *ret says which), 0 to read on. */
static int run_replies(struct tna_nl *nl, const struct nlmsghdr *req,
		       const void *buf, int len, mnl_cb_t cb, void *data,
		       int *ret)
{
	const struct nlmsghdr *m = buf;

	for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
		if (m->nlmsg_seq != req->nlmsg_seq || m->nlmsg_pid != nl->portid)
			continue;	/* a stale reply of an earlier request */
		if (m->nlmsg_type == NLMSG_ERROR) {
			*ret = error_cb(m, nl) == MNL_CB_ERROR ? -errno : 0;
			return 1;
		}
		if (m->nlmsg_type == NLMSG_DONE)
			return 1;
		if (m->nlmsg_type >= NLMSG_MIN_TYPE && cb) {
			errno = 0;
			if (cb(m, data) == MNL_CB_ERROR) {
				*ret = errno ? -errno : -EINVAL;
				return 1;
			}
		}
		/* a get without ack or dump has one answer: this one */
		if (m->nlmsg_type >= NLMSG_MIN_TYPE && !(req->nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP)))
			return 1;
	}
	return 0;
}

/* What one read takes: the kernel sizes each part of a dump to the largest
 * read so far, capped at 32 KiB, and some dumps restart from the beginning
 * of their table for every part (the bridge FDB walks its whole list to
 * the resume point: a dump of 200k entries took 1.6 s with 16 KiB reads,
 * 0.9 s with 32 KiB). */
#define TNA_NL_RECVSZ (32 * 1024)

int tna_nl_talk(struct tna_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		void *data)
{
	char *buf;
	int ret = 0;

	nl->errmsg[0] = '\0';
	buf = malloc(TNA_NL_RECVSZ);
	if (!buf)
		return -ENOMEM;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, buf, TNA_NL_RECVSZ);

		if (n < 0) {
			ret = -errno;
			break;
		}
		if (run_replies(nl, nlh, buf, (int)n, cb, data, &ret))
			break;
	}
out:
	free(buf);
	return ret;
}

void tna_genl_hdr(struct nlmsghdr *nlh, uint8_t cmd, uint8_t version)
{
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = cmd;
	g->version = version;
}

struct family_req {
	const char *group;
	uint16_t id;
	uint32_t group_id;
	int have_id, have_group;
};

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_req *req = data;
	const struct nlattr *a, *grp, *ga;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) >= 0) {
				req->id = mnl_attr_get_u16(a);
				req->have_id = 1;
			}
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			if (!req->group)
				break;
			mnl_attr_for_each_nested(grp, a) {
				const char *name = NULL;
				uint32_t gid = 0;
				int have = 0;

				mnl_attr_for_each_nested(ga, grp) {
					if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_NAME &&
					    mnl_attr_validate(ga, MNL_TYPE_NUL_STRING) >= 0)
						name = mnl_attr_get_str(ga);
					else if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_ID &&
						 mnl_attr_validate(ga, MNL_TYPE_U32) >= 0) {
						gid = mnl_attr_get_u32(ga);
						have = 1;
					}
				}
				if (name && have && !strcmp(name, req->group)) {
					req->group_id = gid;
					req->have_group = 1;
				}
			}
			break;
		}
	}
	return MNL_CB_OK;
}

int tna_genl_resolve(struct tna_nl *nl, const char *family, uint16_t *id,
		     const char *group, uint32_t *group_id)
{
	char buf[512];
	struct family_req req = { .group = group };
	struct nlmsghdr *nlh = tna_nl_msg(nl, buf, GENL_ID_CTRL, NLM_F_ACK);
	int ret;

	tna_genl_hdr(nlh, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family);
	ret = tna_nl_talk(nl, nlh, family_cb, &req);
	if (ret)
		return ret;
	if (!req.have_id)
		return -ENOENT;
	*id = req.id;
	if (group) {
		if (!req.have_group)
			return -ENOENT;
		*group_id = req.group_id;
	}
	return 0;
}
