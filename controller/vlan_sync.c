/* The kernel's bridge VLANs read, compared and written into a pipeline's
 * VLAN table, and the notification socket (controller/vlan_sync.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_bridge.h>
#include <linux/rtnetlink.h>

#include "controller/vlan_sync.h"

/* Attributes of a BRIDGE_VLANDB_ENTRY newer than Debian 12's headers */
#define VLANDB_ENTRY_NEIGH_SUPPRESS	9
#define BR_STATE_FORWARDING_		3

/* A growing array of entries. */
struct ents {
	struct tna_vlan_ent *e;
	size_t n, cap;
};

static int push(struct ents *a, int ifindex, uint16_t vid, const struct tna_vlan_val *v)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 256;
		struct tna_vlan_ent *e = realloc(a->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		a->e = e;
		a->cap = cap;
	}
	a->e[a->n++] = (struct tna_vlan_ent){ .ifindex = ifindex, .vid = vid, .v = *v };
	return 0;
}

struct read_ctx {
	struct ents a;
	int err;
};

static int put(struct read_ctx *c, int ifindex, uint16_t vid, const struct tna_vlan_val *v)
{
	if (!c->err)
		c->err = push(&c->a, ifindex, vid, v);
	return c->err;
}

/* One BRIDGE_VLANDB_ENTRY: a VLAN or a range of VLANs with the same
 * flags and options. */
static void entry(struct read_ctx *c, int ifindex, const struct nlattr *nest)
{
	const struct bridge_vlan_info *info = NULL;
	struct tna_vlan_val v = { 0 };
	uint16_t end = 0;
	uint8_t state = BR_STATE_FORWARDING_;
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
		case BRIDGE_VLANDB_ENTRY_INFO:
			if (mnl_attr_get_payload_len(a) >= sizeof(*info))
				info = mnl_attr_get_payload(a);
			break;
		case BRIDGE_VLANDB_ENTRY_RANGE:
			if (mnl_attr_get_payload_len(a) >= 2)
				end = mnl_attr_get_u16(a);
			break;
		case BRIDGE_VLANDB_ENTRY_STATE:
			if (mnl_attr_get_payload_len(a) >= 1)
				state = mnl_attr_get_u8(a);
			break;
		case BRIDGE_VLANDB_ENTRY_TUNNEL_INFO:	/* a VLAN-to-tunnel mapping */
			v.flags |= TNA_VLAN_F_LINUX;
			break;
		case VLANDB_ENTRY_NEIGH_SUPPRESS:	/* Linux answers ARP/ND itself */
			if (mnl_attr_get_payload_len(a) >= 1 && mnl_attr_get_u8(a))
				v.flags |= TNA_VLAN_F_LINUX;
			break;
		}
	}
	if (!info || !info->vid || info->vid > 4094)
		return;
	if (info->flags & BRIDGE_VLAN_INFO_UNTAGGED)
		v.flags |= TNA_VLAN_F_UNTAGGED;
	if (state == BR_STATE_FORWARDING_)
		v.flags |= TNA_VLAN_F_FORWARDING;
	if (info->flags & BRIDGE_VLAN_INFO_PVID) {
		struct tna_vlan_val pv = { .pvid = info->vid };

		put(c, ifindex, 0, &pv);
	}
	if (end < info->vid || end > 4094)
		end = info->vid;
	for (uint32_t vid = info->vid; vid <= end && !c->err; vid++)
		put(c, ifindex, vid, &v);
}

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct read_ctx *c = data;
	const struct br_vlan_msg *bvm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWVLAN || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*bvm)))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*bvm))
		if ((mnl_attr_get_type(a) & NLA_TYPE_MASK) == BRIDGE_VLANDB_ENTRY)
			entry(c, (int)bvm->ifindex, a);
	return c->err ? MNL_CB_ERROR : MNL_CB_OK;
}

int tna_vlan_read(struct tna_nl *nl, int ifindex, struct tna_vlan_ent **out, size_t *n)
{
	char buf[256];
	struct nlmsghdr *nlh = tna_nl_msg(nl, buf, RTM_GETVLAN, NLM_F_DUMP);
	struct br_vlan_msg *bvm = mnl_nlmsg_put_extra_header(nlh, sizeof(*bvm));
	struct read_ctx c = { .a = { .e = *out, .n = *n, .cap = *n } };
	int err;

	bvm->family = AF_BRIDGE;
	bvm->ifindex = ifindex;
	err = tna_nl_talk(nl, nlh, on_msg, &c);
	*out = c.a.e;
	*n = c.a.n;
	if (c.err)
		return c.err;
	/* gone, or not (or no longer) a bridge port: it has no VLANs */
	if (ifindex && (err == -ENODEV || err == -EINVAL))
		return 0;
	return err;
}

static int ent_cmp(const void *x, const void *y)
{
	const struct tna_vlan_ent *a = x, *b = y;

	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	return (int)a->vid - (int)b->vid;
}

static bool in_ports(int ifindex, const int *ports, int n)
{
	for (int i = 0; i < n; i++)
		if (ports[i] == ifindex)
			return true;
	return false;
}

struct have_ctx {
	const int *ports;
	int n_ports;
	bool all;
	struct ents a;
	int err;
};

static int collect(int ifindex, uint16_t vid, const struct tna_vlan_val *v, void *data)
{
	struct have_ctx *h = data;

	if (!h->all && !in_ports(ifindex, h->ports, h->n_ports))
		return 0;
	return h->err = push(&h->a, ifindex, vid, v);
}

static const struct tna_vlan_ent *find(const struct tna_vlan_ent *e, size_t n,
				       const struct tna_vlan_ent *k)
{
	return bsearch(k, e, n, sizeof(*e), ent_cmp);
}

static void note(int *first, int err)
{
	if (err && !*first)
		*first = err;
}

int tna_vlan_apply(struct tna_dp *dp, const int *ports, int n_ports, bool all,
		   struct tna_vlan_ent *want, size_t n, struct tna_vlan_counts *c)
{
	struct have_ctx h = { .ports = ports, .n_ports = n_ports, .all = all };
	const struct tna_vlan_ent *o;
	int err, first = 0;
	size_t i;

	err = tna_dp__vlan_for_each(dp, collect, &h);
	if (err || h.err) {
		free(h.a.e);
		return err ? err : h.err;
	}
	qsort(want, n, sizeof(*want), ent_cmp);
	qsort(h.a.e, h.a.n, sizeof(*h.a.e), ent_cmp);
	/* what the kernel no longer has goes first */
	for (i = 0; i < h.a.n; i++) {
		if (find(want, n, &h.a.e[i]))
			continue;
		err = tna_dp__vlan_del(dp, h.a.e[i].ifindex, h.a.e[i].vid);
		note(&first, err);
		err ? c->errors++ : c->deleted++;
	}
	for (i = 0; i < n; i++) {
		if (!all && !in_ports(want[i].ifindex, ports, n_ports))
			continue;
		o = find(h.a.e, h.a.n, &want[i]);
		if (o && !memcmp(&o->v, &want[i].v, sizeof(o->v)))
			continue;
		err = tna_dp__vlan_set(dp, want[i].ifindex, want[i].vid, &want[i].v);
		if (err && o)	/* the old entry must not stay: Linux then */
			tna_dp__vlan_del(dp, want[i].ifindex, want[i].vid);
		note(&first, err);
		err ? c->errors++ : c->set++;
	}
	free(h.a.e);
	return first;
}

/* --- notifications ------------------------------------------------- */

#define VW_BUFSZ (64 * 1024)
#define VW_MAX_READS 256

struct tna_vlan_watch {
	struct mnl_socket *s;
	char *buf;
};

struct tna_vlan_watch *tna_vlan_watch_open(void)
{
	struct tna_vlan_watch *w = calloc(1, sizeof(*w));
	const uint32_t g[] = { RTNLGRP_BRVLAN, RTNLGRP_LINK };
	int e;

	if (!w)
		return NULL;
	w->buf = malloc(VW_BUFSZ);
	/* 1 MiB, best effort: an overflow is repaired by reading everything again */
	w->s = tna_nl_listen(NETLINK_ROUTE, g, 2, 1 << 20);
	if (!w->buf || !w->s) {
		e = errno ? errno : ENOMEM;
		tna_vlan_watch_close(w);
		errno = e;
		return NULL;
	}
	return w;
}

void tna_vlan_watch_close(struct tna_vlan_watch *w)
{
	if (!w)
		return;
	if (w->s)
		mnl_socket_close(w->s);
	free(w->buf);
	free(w);
}

int tna_vlan_watch_fd(const struct tna_vlan_watch *w)
{
	return w ? mnl_socket_get_fd(w->s) : -1;
}

bool tna_vlan_watch_pending(const struct tna_vlan_watch *w)
{
	struct pollfd p = { .fd = tna_vlan_watch_fd(w), .events = POLLIN };

	return w && poll(&p, 1, 0) > 0;
}

/* The port a message names: a VLAN notification, or a bridge port's own
 * (AF_BRIDGE) link message: a port's MST states change its VLANs' states
 * with only that to say so. */
static int port_named(const struct nlmsghdr *nlh)
{
	const struct br_vlan_msg *bvm = mnl_nlmsg_get_payload(nlh);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	switch (nlh->nlmsg_type) {
	case RTM_NEWVLAN:
	case RTM_DELVLAN:
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*bvm)))
			return 0;
		return (int)bvm->ifindex;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)) || ifi->ifi_family != AF_BRIDGE)
			return 0;
		return ifi->ifi_index;
	}
	return 0;
}

int tna_vlan_watch_read(struct tna_vlan_watch *w, int *ports, int max, bool *lost)
{
	int n = 0;

	*lost = false;
	for (int r = 0; r < VW_MAX_READS; r++) {
		ssize_t got = mnl_socket_recvfrom(w->s, w->buf, VW_BUFSZ);
		const struct nlmsghdr *nlh;
		int len = (int)got;

		if (got < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return n;
			if (errno == ENOBUFS) {
				*lost = true;
				continue;	/* drain what is left */
			}
			return -errno;
		}
		for (nlh = (void *)w->buf; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			int ifx = port_named(nlh);

			if (ifx <= 0)
				continue;
			if (in_ports(ifx, ports, n))
				continue;
			if (n == max)
				*lost = true;
			else
				ports[n++] = ifx;
		}
	}
	return n;	/* more to read: the fd stays readable */
}
