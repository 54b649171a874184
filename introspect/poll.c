/* What the kernel changes without a notification, read again on a timer.
 *
 * tna_watch_process() calls tna_model_poll() every poll interval (the
 * watch's own timerfd, TNA_WATCH_POLL_MS by default) whether or not other
 * events came, so a change of these is in the model at most one interval
 * later:
 *   - the global sysctls (ip_forward, ipv6 forwarding, the
 *     net.bridge.bridge-nf-call-* switches: no netconf event for those);
 *   - legacy xtables (iptables-legacy & co change tables with sockopts,
 *     which notify nobody);
 *   - net.ipv6.conf.<link>.disable_ipv6 of every routed interface that
 *     is not a bridge port (turning it on notifies only through the
 *     addresses and routes it removes, and a link may have none);
 *   - tcx programs of every bridge port and routed interface
 *     (BPF_PROG_QUERY; attaching one notifies nobody), unless no program
 *     that could be one is loaded anywhere (introspect/tc.c: one call per
 *     loaded program instead of two per link, when that is fewer).
 * "Routed interface" is what introspect/rules.c makes an L3 node of: a
 * link (not loopback) with an address wider than link scope.  Those and
 * the ports are the only links whose tcx and disable_ipv6 the rules read;
 * the others (a host's container-side veth peers, say) are not polled.  A
 * link that becomes one (enslaved: a link event; an address: an address
 * event) has both read at that event (introspect/parse.c), before the
 * model announces it, so the bound stays one interval for every link the
 * rules read.
 * The XDP programs of the links (attach/detach notify nobody either) are
 * read once a second by tna_model_poll_xdp(), from a link dump alone. */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/rtnetlink.h>

#include "introspect/model_priv.h"

static void poll_global(struct tna_model *m)
{
	struct tna_sysctls sys;

	memcpy(&sys, &m->sys, sizeof(sys));
	tna_sysctl_read_global(&sys);
	if (memcmp(&sys, &m->sys, sizeof(sys))) {
		memcpy(&m->sys, &sys, sizeof(sys));
		tna_model_emit(m, TNA_OBJ_SYSCTL, TNA_OP_CHANGE, &m->sys);
	}
}

/* The ifindexes of the routed interfaces, sorted (for bsearch). */
struct l3set { int *v; size_t n, cap; };

static int note_l3(const struct tna_addr *a, void *p)
{
	struct l3set *s = p;

	if (a->scope >= RT_SCOPE_LINK)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		int *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = a->ifindex;
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static bool in_l3(const struct l3set *s, int ifindex)
{
	return s->n && bsearch(&ifindex, s->v, s->n, sizeof(int), cmp_int);
}

struct poll_walk {
	const struct l3set *l3;
	bool all;		/* the address list was not read: every link */
	bool tcx;		/* a tcx program may exist: ask each link */
	int queried;		/* links whose tcx was asked for */
	struct tna_link *changed;
	size_t n, cap;
	int err;
};

static int poll_link(const struct tna_link *l, void *p)
{
	struct poll_walk *w = p;
	uint8_t tc;
	int8_t d;

	if (l->flags & 0x8 /* IFF_LOOPBACK */ ||
	    (!l->is_port && !w->all && !in_l3(w->l3, l->ifindex)))
		return 0;
	if (w->tcx) {
		tc = tna_tcx_refresh(l->tc, l->ifindex);
		w->queried++;
	} else {
		tc = (uint8_t)(l->tc & ~(TNA_TC_TCX_IN | TNA_TC_TCX_EG));
	}
	d = l->is_port ? l->disable_ipv6 : (int8_t)tna_sysctl_disable_ipv6(l->name);
	if (d == l->disable_ipv6 && tc == l->tc)
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 8;
		struct tna_link *v = realloc(w->changed, cap * sizeof(*v));

		if (!v)
			return w->err = -ENOMEM;
		w->changed = v;
		w->cap = cap;
	}
	memcpy(&w->changed[w->n], l, sizeof(*l));	/* padding too: compared bytewise */
	w->changed[w->n].disable_ipv6 = d;
	tna_link_set_tc(&w->changed[w->n++], tc);
	return 0;
}

/* The routed interfaces' and the ports' tcx, the routed interfaces'
 * disable_ipv6 (when the address list cannot be read, every link's).
 * Walks the model in place: only what changed is copied, then put. */
static void poll_links(struct tna_model *m)
{
	static struct l3set l3;	/* kept: no allocation per tick */
	static int queried = 1, nprogs, since;
	struct poll_walk w = { .l3 = &l3, .tcx = true };

	/* Listing the programs costs one call per program, asking the
	 * links two per link: list them when that is cheaper (the last
	 * counts; the programs' at least once a second), and when no tcx
	 * program can exist, ask no link. */
	if (nprogs + 1 < 2 * queried || ++since >= 1000 / TNA_WATCH_POLL_MS) {
		int r = tna_tcx_possible(&nprogs);

		since = 0;
		if (r < 0)
			nprogs = 1 << 20;	/* cannot list: ask the links */
		w.tcx = r != 0;
	}
	l3.n = 0;
	w.all = tna_model_for_each_addr(m, note_l3, &l3) != 0;
	qsort(l3.v, l3.n, sizeof(int), cmp_int);
	tna_model_for_each_link(m, poll_link, &w);
	if (w.tcx)
		queried = w.queried;
	for (size_t i = 0; i < w.n; i++)
		tna_model_put(m, TNA_SET_LINK, &w.changed[i]);
	free(w.changed);
}

void tna_model_l3_refresh(struct tna_model *m, int ifindex)
{
	const struct tna_link *old = tna_model_link(m, ifindex);
	struct tna_link l;

	if (!old)
		return;
	memcpy(&l, old, sizeof(l));	/* padding too: items are compared bytewise */
	tna_link_set_tc(&l, tna_tcx_refresh(l.tc, ifindex));
	if (!l.is_port)
		l.disable_ipv6 = (int8_t)tna_sysctl_disable_ipv6(l.name);
	if (memcmp(&l, old, sizeof(l)))
		tna_model_put(m, TNA_SET_LINK, &l);
}

void tna_model_poll(struct tna_model *m)
{
	struct tna_netfilter nf;	/* compared bytewise: copied with memcpy */

	poll_global(m);
	poll_links(m);
	memcpy(&nf, &m->nf, sizeof(nf));
	tna_nf_read_source(&nf, TNA_NF_LEGACY);
	if (memcmp(&nf, &m->nf, sizeof(nf))) {
		memcpy(&m->nf, &nf, sizeof(nf));
		tna_model_emit(m, TNA_OBJ_NETFILTER, TNA_OP_CHANGE, &m->nf);
	}
}

void tna_prog_name(uint32_t id, char name[16])
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = id ? bpf_prog_get_fd_by_id(id) : -1;

	name[0] = 0;
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		snprintf(name, 16, "%s", info.name);
	close(fd);
}

/* Per-link sysctls (and "all"): a netconf event said one changed. */
int tna_model_reread_link_sysctls(struct tna_model *m)
{
	size_t n;
	struct tna_link *a = tna_model_links_copy(m, &n);

	if (!a)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		tna_sysctl_read_link(&a[i]);
		tna_model_put(m, TNA_SET_LINK, &a[i]);
	}
	free(a);
	poll_global(m);
	return 0;
}

/* tc of every link (the dump; a shared block changed): one qdisc dump
 * for all of them. */
int tna_model_reread_tc(struct tna_model *m)
{
	static struct tna_tc_qdiscs qd;
	struct tna_link *a;
	size_t n;
	int ret;

	if (!tna_model_nl(m))
		return -errno;
	ret = tna_tc_qdiscs_read(m->nl, &qd);
	if (ret)
		return ret;
	a = tna_model_links_copy(m, &n);
	if (!a)
		return -ENOMEM;
	for (size_t i = 0; i < n && !ret; i++) {
		uint8_t tc = 0;

		ret = tna_tc_read(m->nl, a[i].ifindex, &qd, &tc);
		if (!ret && tc != a[i].tc) {
			tna_link_set_tc(&a[i], tc);
			ret = tna_model_put(m, TNA_SET_LINK, &a[i]);
		}
	}
	free(a);
	return ret;
}

int tna_model_poll_xdp(struct tna_model *m)
{
	struct tna_model fresh;
	struct tna_link *a = NULL;
	size_t n = 0;
	int ret;

	tna_model_init(&fresh);
	fresh.nl = m->nl;	/* borrowed */
	fresh.xdp_only = true;	/* no sysctl, name or tc reads per link */
	ret = tna_model_dump_links(&fresh);
	fresh.nl = NULL;
	if (!ret && !(a = tna_model_links_copy(m, &n)))
		ret = -ENOMEM;
	for (size_t i = 0; !ret && i < n; i++) {
		const struct tna_link *f = tna_set_find(&fresh.set[TNA_SET_LINK], &a[i]);

		if (!f || (f->xdp_prog_id == a[i].xdp_prog_id && f->xdp_mode == a[i].xdp_mode))
			continue;
		a[i].xdp_prog_id = f->xdp_prog_id;
		a[i].xdp_mode = f->xdp_mode;
		tna_prog_name(f->xdp_prog_id, a[i].xdp_prog_name);
		tna_model_put(m, TNA_SET_LINK, &a[i]);
	}
	free(a);
	tna_model_fini(&fresh);
	return ret;
}
