/* tc: what sees a link's traffic that an XDP fast path would bypass.
 *
 *   ingress: filters on its ingress or clsact qdisc (those of a shared
 *            block bound to it too: a per-device filter dump lists them),
 *            tcx ingress programs;
 *   egress:  a qdisc somebody configured (tbf, htb, a child of mq, ...:
 *            every qdisc but ingress/clsact that has a handle; the kernel's
 *            defaults have handle 0), clsact egress filters, tcx egress
 *            programs.  XDP_REDIRECT transmits without the egress qdisc.
 *
 * Filters and qdiscs notify (RTNLGRP_TC, a shared block's filters with
 * tcm_ifindex TCM_IFINDEX_MAGIC_BLOCK); tcx programs do not: they are
 * queried with BPF_PROG_QUERY at each poll tick (introspect/poll.c),
 * unless no program that could be one is loaded (tna_tcx_possible). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "common/nl.h"
#include "introspect/model_priv.h"

#ifndef TC_H_CLSACT
#define TC_H_CLSACT TC_H_INGRESS
#endif
#ifndef TC_H_MIN_INGRESS
#define TC_H_MIN_INGRESS 0xFFF2U
#define TC_H_MIN_EGRESS 0xFFF3U
#endif
/* enum bpf_attach_type (uapi >= 6.6; the build headers may be older) */
#define TCX_INGRESS 46
#define TCX_EGRESS 47

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWTFILTER)
		(*(int *)data)++;
	return MNL_CB_OK;
}

static int filters(struct tna_nl *nl, int ifindex, uint32_t parent, bool *has)
{
	char buf[128];
	struct nlmsghdr *nlh = tna_nl_msg(nl, buf, RTM_GETTFILTER, NLM_F_DUMP);
	struct tcmsg *t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));
	int n = 0, ret;

	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = ifindex;
	t->tcm_parent = parent;
	ret = tna_nl_talk(nl, nlh, count_cb, &n);
	/* no such qdisc or link: no filters */
	if (ret && ret != -EINVAL && ret != -ENOENT && ret != -ENODEV)
		return ret;
	*has = n > 0;
	return 0;
}

static int qdisc_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);
	struct tna_tc_qdiscs *q = data;

	if (nlh->nlmsg_type != RTM_NEWQDISC || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*t)) ||
	    !t->tcm_handle || t->tcm_parent == TC_H_INGRESS)
		return MNL_CB_OK;
	if (q->n < TNA_TC_QDISCS_MAX)
		q->ifindex[q->n++] = t->tcm_ifindex;
	else
		q->all = true;
	return MNL_CB_OK;
}

/* The kernel dumps the qdiscs of every device (tcm_ifindex does not
 * filter): one dump serves all links. */
int tna_tc_qdiscs_read(struct tna_nl *nl, struct tna_tc_qdiscs *q)
{
	char buf[128];
	struct nlmsghdr *nlh = tna_nl_msg(nl, buf, RTM_GETQDISC, NLM_F_DUMP);
	struct tcmsg *t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));

	q->n = 0;
	q->all = false;
	t->tcm_family = AF_UNSPEC;
	return tna_nl_talk(nl, nlh, qdisc_cb, q);
}

static bool configured(const struct tna_tc_qdiscs *q, int ifindex)
{
	if (q->all)
		return true;	/* more than we keep: assume one here */
	for (int i = 0; i < q->n; i++)
		if (q->ifindex[i] == ifindex)
			return true;
	return false;
}

static bool tcx_attached(int ifindex, int type)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)ifindex;	/* target_ifindex */
	a.query.attach_type = (uint32_t)type;
	/* EINVAL: a kernel without tcx, nothing attached that way */
	return !syscall(__NR_bpf, BPF_PROG_QUERY, &a, sizeof(a)) && a.query.prog_cnt > 0;
}

uint8_t tna_tcx_read(int ifindex)
{
	return (tcx_attached(ifindex, TCX_INGRESS) ? TNA_TC_TCX_IN : 0) |
	       (tcx_attached(ifindex, TCX_EGRESS) ? TNA_TC_TCX_EG : 0);
}

/* Every tcx program is a SCHED_CLS program, held while attached: while
 * no SCHED_CLS program is loaded anywhere, no link has a tcx program.
 * Program ids are allocated cyclically (not reused), so the type of an id
 * seen before is known: one BPF_PROG_GET_NEXT_ID per loaded program (a
 * spinlock) replaces two BPF_PROG_QUERY per link (rtnl_lock each) on a
 * box without tc programs.  Ids kept sorted, as the walk returns them. */
struct prog_type { uint32_t id; bool cls; };
struct prog_types { struct prog_type *v; size_t n, cap; };

static int prog_types_add(struct prog_types *t, uint32_t id, bool cls)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct prog_type *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = (struct prog_type){ .id = id, .cls = cls };
	return 0;
}

static int prog_is_cls(uint32_t id)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id), ret;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;	/* gone meanwhile */
	memset(&info, 0, sizeof(info));
	ret = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : info.type == BPF_PROG_TYPE_SCHED_CLS;
	close(fd);
	return ret;
}

int tna_tcx_possible(int *nprogs)
{
	static struct prog_types seen, next;
	struct prog_types t;
	uint32_t id = 0;
	size_t j = 0;
	int cls = 0, ret = 0;

	next.n = 0;
	while (!bpf_prog_get_next_id(id, &id)) {
		int c;

		while (j < seen.n && seen.v[j].id < id)
			j++;
		c = j < seen.n && seen.v[j].id == id ? seen.v[j].cls : prog_is_cls(id);
		if (c < 0 || (ret = prog_types_add(&next, id, c)))
			return c < 0 ? c : ret;
		cls |= c;
	}
	if (errno != ENOENT)
		return -errno;
	t = seen;
	seen = next;
	next = t;
	*nprogs = (int)seen.n;
	return cls;
}

uint8_t tna_tcx_refresh(uint8_t tc, int ifindex)
{
	return (uint8_t)((tc & ~(TNA_TC_TCX_IN | TNA_TC_TCX_EG)) | tna_tcx_read(ifindex));
}

int tna_tc_read(struct tna_nl *nl, int ifindex, const struct tna_tc_qdiscs *qd, uint8_t *tc)
{
	static struct tna_tc_qdiscs own;
	bool in = false, eg = false, q;
	int ret;

	ret = filters(nl, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS), &in);
	if (!ret)
		ret = filters(nl, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS), &eg);
	if (!ret && !qd) {
		ret = tna_tc_qdiscs_read(nl, &own);
		qd = &own;
	}
	if (ret)
		return ret;
	q = configured(qd, ifindex);
	*tc = (in ? TNA_TC_IN_FILTERS : 0) | (eg ? TNA_TC_EG_FILTERS : 0) |
	      (q ? TNA_TC_EG_QDISC : 0) | tna_tcx_read(ifindex);
	return 0;
}

void tna_link_set_tc(struct tna_link *l, uint8_t tc)
{
	l->tc = tc;
	l->tc_filters = tc & (TNA_TC_IN_FILTERS | TNA_TC_TCX_IN);
	l->tc_egress = tc & (TNA_TC_EG_FILTERS | TNA_TC_EG_QDISC | TNA_TC_TCX_EG);
}
