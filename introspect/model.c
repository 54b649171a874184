/* The model container: its tables, accessors, events and comparison. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "common/nl.h"
#include "introspect/model_priv.h"

#define KEY(k, n, field) do { memcpy((k) + (n), &(field), sizeof(field)); (n) += sizeof(field); } while (0)

static size_t link_key(const void *p, uint8_t k[TNA_SET_KEYMAX])
{
	const struct tna_link *l = p;
	size_t n = 0;

	KEY(k, n, l->ifindex);
	return n;
}

static size_t fdb_key(const void *p, uint8_t k[TNA_SET_KEYMAX])
{
	const struct tna_fdb *f = p;
	size_t n = 0;

	KEY(k, n, f->master);
	KEY(k, n, f->mac);
	KEY(k, n, f->vlan);
	return n;
}

static size_t addr_key(const void *p, uint8_t k[TNA_SET_KEYMAX])
{
	const struct tna_addr *a = p;
	size_t n = 0;

	KEY(k, n, a->ifindex);
	KEY(k, n, a->family);
	KEY(k, n, a->prefixlen);
	KEY(k, n, a->addr);
	return n;
}

static size_t route_key(const void *p, uint8_t k[TNA_SET_KEYMAX])
{
	const struct tna_route *r = p;
	size_t n = 0;

	KEY(k, n, r->family);
	KEY(k, n, r->dst_len);
	KEY(k, n, r->tos);
	KEY(k, n, r->type);
	KEY(k, n, r->table);
	KEY(k, n, r->priority);
	KEY(k, n, r->oif);
	KEY(k, n, r->dst);
	/* gateway too: IPv4 keeps same-prefix routes that differ in hop */
	memcpy(k + n, r->gateway, 16);
	n += 16;
	return n;
}

static size_t rule_key(const void *p, uint8_t k[TNA_SET_KEYMAX])
{
	/* All but the interface names and flags (52 bytes). */
	const struct tna_rule *r = p;
	size_t n = 0;

	KEY(k, n, r->family);
	KEY(k, n, r->action);
	KEY(k, n, r->src_len);
	KEY(k, n, r->dst_len);
	KEY(k, n, r->table);
	KEY(k, n, r->priority);
	KEY(k, n, r->fwmark);
	KEY(k, n, r->fwmask);
	memcpy(k + n, r->src, 16);
	n += 16;
	memcpy(k + n, r->dst, 16);
	n += 16;
	return n;
}

static size_t neigh_key(const void *p, uint8_t k[TNA_SET_KEYMAX])
{
	const struct tna_neigh *e = p;
	size_t n = 0;

	KEY(k, n, e->ifindex);
	KEY(k, n, e->family);
	KEY(k, n, e->addr);
	return n;
}

void tna_model_init(struct tna_model *m)
{
	memset(m, 0, sizeof(*m));
	tna_set_init(&m->set[TNA_SET_LINK], sizeof(struct tna_link), link_key);
	tna_set_init(&m->set[TNA_SET_FDB], sizeof(struct tna_fdb), fdb_key);
	tna_set_init(&m->set[TNA_SET_ADDR], sizeof(struct tna_addr), addr_key);
	tna_set_init(&m->set[TNA_SET_ROUTE], sizeof(struct tna_route), route_key);
	tna_set_init(&m->set[TNA_SET_RULE], sizeof(struct tna_rule), rule_key);
	tna_set_init(&m->set[TNA_SET_NEIGH], sizeof(struct tna_neigh), neigh_key);
	memset(&m->sys, -1, sizeof(m->sys));
}

void tna_model_fini(struct tna_model *m)
{
	for (int i = 0; i < TNA_SET_N; i++)
		tna_set_clear(&m->set[i]);
	tna_nl_close(m->nl);
	m->nl = NULL;
}

struct tna_model *tna_model_new(void)
{
	struct tna_model *m = malloc(sizeof(*m));

	if (!m)
		return NULL;
	tna_model_init(m);
	return m;
}

void tna_model_free(struct tna_model *m)
{
	if (!m)
		return;
	tna_model_fini(m);
	free(m);
}

struct tna_nl *tna_model_nl(struct tna_model *m)
{
	if (!m->nl)
		m->nl = tna_nl_open(NETLINK_ROUTE);
	return m->nl;
}

const char *tna_obj_name(enum tna_obj obj)
{
	static const char *const n[] = { "link", "fdb", "addr", "route", "rule",
		"neigh", "sysctl", "netfilter", "resync", "xfrm" };

	return (unsigned)obj < sizeof(n) / sizeof(n[0]) ? n[obj] : "?";
}

const char *tna_op_name(enum tna_op op)
{
	static const char *const n[] = { "add", "change", "del" };

	return (unsigned)op < 3 ? n[op] : "?";
}

void tna_model_emit(struct tna_model *m, enum tna_obj obj, enum tna_op op, const void *item)
{
	if (m->cb)
		m->cb(m->cb_ctx, obj, op, item);
}

int tna_model_put(struct tna_model *m, enum tna_set_id id, const void *item)
{
	int r = tna_set_put(&m->set[id], item, NULL);

	if (r == TNA_SET_ADDED)
		tna_model_emit(m, tna_set_obj(id), TNA_OP_ADD, item);
	else if (r == TNA_SET_CHANGED)
		tna_model_emit(m, tna_set_obj(id), TNA_OP_CHANGE, item);
	return r < 0 ? r : 0;
}

int tna_model_del(struct tna_model *m, enum tna_set_id id, const void *probe)
{
	union { struct tna_link l; struct tna_fdb f; struct tna_route r;
		struct tna_rule u; struct tna_neigh n; struct tna_addr a; } old;

	if (tna_set_del(&m->set[id], probe, &old))
		tna_model_emit(m, tna_set_obj(id), TNA_OP_DEL, &old);
	return 0;
}

struct merge_ctx { struct tna_model *m; enum tna_set_id id; struct tna_set *fresh; };

static int gone(const void *item, void *p)
{
	struct merge_ctx *c = p;

	return !tna_set_find(c->fresh, item);
}

static void emit_del(const void *item, void *p)
{
	struct merge_ctx *c = p;

	tna_model_emit(c->m, tna_set_obj(c->id), TNA_OP_DEL, item);
}

static int put_one(const void *item, void *p)
{
	struct merge_ctx *c = p;

	tna_model_put(c->m, c->id, item);
	return 0;
}

void tna_model_merge_set(struct tna_model *m, enum tna_set_id id, struct tna_set *fresh)
{
	struct merge_ctx c = { m, id, fresh };

	if (!m->cb) {		/* nobody listens: just take the fresh table */
		tna_set_move(&m->set[id], fresh);
		return;
	}
	tna_set_remove_if(&m->set[id], gone, emit_del, &c);
	tna_set_for_each(fresh, put_one, &c);
	tna_set_clear(fresh);
}

void tna_model_merge(struct tna_model *m, struct tna_model *fresh)
{
	/* Links first so that listeners know a port before its FDB. */
	for (int i = 0; i < TNA_SET_N; i++)
		tna_model_merge_set(m, i, &fresh->set[i]);
	if (memcmp(&m->sys, &fresh->sys, sizeof(m->sys))) {
		memcpy(&m->sys, &fresh->sys, sizeof(m->sys));
		tna_model_emit(m, TNA_OBJ_SYSCTL, TNA_OP_CHANGE, &m->sys);
	}
	if (memcmp(&m->nf, &fresh->nf, sizeof(m->nf))) {
		memcpy(&m->nf, &fresh->nf, sizeof(m->nf));	/* padding too */
		tna_model_emit(m, TNA_OBJ_NETFILTER, TNA_OP_CHANGE, &m->nf);
	}
	if (memcmp(&m->xfrm, &fresh->xfrm, sizeof(m->xfrm))) {
		memcpy(&m->xfrm, &fresh->xfrm, sizeof(m->xfrm));
		tna_model_emit(m, TNA_OBJ_XFRM, TNA_OP_CHANGE, &m->xfrm);
	}
}

struct purge_ctx { struct tna_model *m; int ifindex; enum tna_set_id id; };

static int refers(const void *item, void *p)
{
	const struct purge_ctx *c = p;

	switch (c->id) {
	case TNA_SET_FDB: {
		const struct tna_fdb *f = item;
		return f->port == c->ifindex || f->master == c->ifindex;
	}
	case TNA_SET_ADDR:
		return ((const struct tna_addr *)item)->ifindex == c->ifindex;
	case TNA_SET_ROUTE:
		return ((const struct tna_route *)item)->oif == c->ifindex;
	case TNA_SET_NEIGH:
		return ((const struct tna_neigh *)item)->ifindex == c->ifindex;
	default:	/* rules name interfaces; they outlive them */
		return 0;
	}
}

static void purge_emit(const void *item, void *p)
{
	const struct purge_ctx *c = p;

	tna_model_emit(c->m, tna_set_obj(c->id), TNA_OP_DEL, item);
}

void tna_model_purge_ifindex(struct tna_model *m, int ifindex)
{
	for (enum tna_set_id id = TNA_SET_FDB; id < TNA_SET_N; id++) {
		struct purge_ctx c = { m, ifindex, id };

		tna_set_remove_if(&m->set[id], refers, purge_emit, &c);
	}
}

/* ---- accessors ---- */

const struct tna_link *tna_model_link(const struct tna_model *m, int ifindex)
{
	struct tna_link probe = { .ifindex = ifindex };

	return tna_set_find(&m->set[TNA_SET_LINK], &probe);
}

struct name_ctx { const char *name; const struct tna_link *found; };

static int by_name(const void *item, void *p)
{
	struct name_ctx *c = p;
	const struct tna_link *l = item;

	if (strcmp(l->name, c->name))
		return 0;
	c->found = l;
	return 1;
}

const struct tna_link *tna_model_link_by_name(const struct tna_model *m, const char *name)
{
	struct name_ctx c = { name, NULL };

	tna_set_for_each(&m->set[TNA_SET_LINK], by_name, &c);
	return c.found;
}

const struct tna_fdb *tna_model_fdb_lookup(const struct tna_model *m, int master,
					   const uint8_t mac[6], uint16_t vlan)
{
	struct tna_fdb probe = { .master = master, .vlan = vlan };

	memcpy(probe.mac, mac, 6);
	return tna_set_find(&m->set[TNA_SET_FDB], &probe);
}

struct links_copy { struct tna_link *a; size_t n, max; };

static int copy_link(const void *item, void *p)
{
	struct links_copy *c = p;

	if (c->n < c->max)
		memcpy(&c->a[c->n++], item, sizeof(struct tna_link));	/* padding too */
	return 0;
}

struct tna_link *tna_model_links_copy(const struct tna_model *m, size_t *n)
{
	struct links_copy c = { .max = m->set[TNA_SET_LINK].count };

	c.a = calloc(c.max ? c.max : 1, sizeof(*c.a));
	if (c.a)
		tna_set_for_each((struct tna_set *)&m->set[TNA_SET_LINK], copy_link, &c);
	*n = c.n;
	return c.a;
}

const struct tna_sysctls *tna_model_sysctls(const struct tna_model *m) { return &m->sys; }
const struct tna_netfilter *tna_model_netfilter(const struct tna_model *m) { return &m->nf; }
const struct tna_xfrm *tna_model_xfrm(const struct tna_model *m) { return &m->xfrm; }

size_t tna_model_count(const struct tna_model *m, int obj)
{
	return obj >= 0 && obj < TNA_SET_N ? m->set[obj].count : 0;
}

#define FOR_EACH(fn, type, id)							\
int fn(const struct tna_model *m, int (*cb)(const type *, void *), void *ctx)	\
{										\
	return tna_set_for_each(&m->set[id], (int (*)(const void *, void *))cb, ctx); \
}
FOR_EACH(tna_model_for_each_link, struct tna_link, TNA_SET_LINK)
FOR_EACH(tna_model_for_each_fdb, struct tna_fdb, TNA_SET_FDB)
FOR_EACH(tna_model_for_each_addr, struct tna_addr, TNA_SET_ADDR)
FOR_EACH(tna_model_for_each_route, struct tna_route, TNA_SET_ROUTE)
FOR_EACH(tna_model_for_each_rule, struct tna_rule, TNA_SET_RULE)
FOR_EACH(tna_model_for_each_neigh, struct tna_neigh, TNA_SET_NEIGH)

/* ---- comparison ---- */

/* Copies with the fields that change without a notification cleared. */
static void normalise(enum tna_set_id id, const void *in, void *out, size_t sz)
{
	memcpy(out, in, sz);
	if (id == TNA_SET_LINK) {
		struct tna_link *l = out;

		/* With STP on, a topology change sets ageing_time to
		 * 2 * forward_delay and back, both without a notification. */
		if (l->is_bridge && l->br.stp_state)
			l->br.ageing_time = 0;
	} else if (id == TNA_SET_FDB) {
		struct tna_fdb *f = out;

		if (f->type == TNA_FDB_DYNAMIC)
			f->state = 0;	/* REACHABLE <-> STALE as it ages */
	} else if (id == TNA_SET_NEIGH) {
		struct tna_neigh *n = out;

		/* REACHABLE -> DELAY -> PROBE is not notified */
		n->state &= NUD_PERMANENT | NUD_NOARP | NUD_FAILED | NUD_INCOMPLETE;
	}
}

static void describe(enum tna_set_id id, const void *item, char *buf, size_t len)
{
	switch (id) {
	case TNA_SET_LINK: {
		const struct tna_link *l = item;
		snprintf(buf, len, "link %d %s master %d port %d state %u flags %#x oper %u "
			 "mtu %u mac %02x:%02x:%02x:%02x:%02x:%02x br stp %u age %u fd %u vf %u "
			 "mc %u gfm %#x nf %d/%d/%d xdp %u/%u tc %#x fwd %d/%d rpf %d noipv6 %d link %d",
			 l->ifindex, l->name, l->master, l->is_port, l->port.state, l->flags,
			 l->operstate, l->mtu, l->mac[0], l->mac[1], l->mac[2], l->mac[3],
			 l->mac[4], l->mac[5], l->br.stp_state, l->br.ageing_time,
			 l->br.forward_delay, l->br.vlan_filtering, l->br.mcast_snooping,
			 l->br.group_fwd_mask, l->br.nf_call_iptables, l->br.nf_call_ip6tables,
			 l->br.nf_call_arptables, l->xdp_prog_id, l->xdp_mode, l->tc,
			 l->ip4_forwarding, l->ip6_forwarding, l->rp_filter, l->disable_ipv6, l->link);
		break;
	}
	case TNA_SET_FDB: {
		const struct tna_fdb *f = item;
		snprintf(buf, len, "fdb %02x:%02x:%02x:%02x:%02x:%02x vlan %u port %d master %d type %d",
			 f->mac[0], f->mac[1], f->mac[2], f->mac[3], f->mac[4], f->mac[5],
			 f->vlan, f->port, f->master, f->type);
		break;
	}
	case TNA_SET_ADDR: {
		const struct tna_addr *a = item;
		snprintf(buf, len, "addr if %d family %u /%u flags %#x", a->ifindex,
			 a->family, a->prefixlen, a->flags);
		break;
	}
	case TNA_SET_ROUTE: {
		const struct tna_route *r = item;
		snprintf(buf, len, "route family %u table %u /%u oif %d type %u metric %u",
			 r->family, r->table, r->dst_len, r->oif, r->type, r->priority);
		break;
	}
	case TNA_SET_RULE: {
		const struct tna_rule *r = item;
		snprintf(buf, len, "rule family %u pref %u table %u", r->family,
			 r->priority, r->table);
		break;
	}
	case TNA_SET_NEIGH: {
		const struct tna_neigh *n = item;
		snprintf(buf, len, "neigh if %d family %u state %#x", n->ifindex,
			 n->family, n->state);
		break;
	}
	default:
		snprintf(buf, len, "?");
	}
}

struct diff_ctx {
	const struct tna_set *other;
	enum tna_set_id id;
	const char *side;	/* "only in a", "differs" */
	bool check_value;
	int count;
	char *buf;
	size_t len, used;
};

static void note(struct diff_ctx *c, const char *what, enum tna_set_id id, const void *item)
{
	char d[400];

	c->count++;
	if (!c->buf || c->used + 1 >= c->len)
		return;
	describe(id, item, d, sizeof(d));
	c->used += snprintf(c->buf + c->used, c->len - c->used, "%s: %s\n", what, d);
	if (c->used >= c->len)
		c->used = c->len - 1;
}

static int diff_one(const void *item, void *p)
{
	struct diff_ctx *c = p;
	const void *o = tna_set_find(c->other, item);
	uint8_t x[sizeof(struct tna_route) + sizeof(struct tna_link)];
	uint8_t y[sizeof(x)];
	size_t sz = c->other->item_size;

	if (!o) {
		note(c, c->side, c->id, item);
		return 0;
	}
	if (!c->check_value)
		return 0;
	normalise(c->id, item, x, sz);
	normalise(c->id, o, y, sz);
	if (memcmp(x, y, sz)) {
		note(c, "differs (a)", c->id, item);
		note(c, "differs (b)", c->id, o);
		c->count--;
	}
	return 0;
}

int tna_model_diff(const struct tna_model *a, const struct tna_model *b, char *buf, size_t len)
{
	struct diff_ctx c = { .buf = buf, .len = len };

	if (buf && len)
		buf[0] = '\0';
	for (enum tna_set_id id = 0; id < TNA_SET_N; id++) {
		c.id = id;
		c.other = &b->set[id];
		c.side = "only in a";
		c.check_value = true;
		tna_set_for_each(&a->set[id], diff_one, &c);
		c.other = &a->set[id];
		c.side = "only in b";
		c.check_value = false;
		tna_set_for_each(&b->set[id], diff_one, &c);
	}
	if (memcmp(&a->sys, &b->sys, sizeof(a->sys))) {
		c.count++;
		if (buf && c.used + 1 < len)
			c.used += snprintf(buf + c.used, len - c.used, "sysctls differ\n");
	}
	if (memcmp(&a->nf, &b->nf, sizeof(a->nf))) {
		c.count++;
		if (buf && c.used + 1 < len)
			c.used += snprintf(buf + c.used, len - c.used, "netfilter summary differs\n");
	}
	if (memcmp(&a->xfrm, &b->xfrm, sizeof(a->xfrm))) {
		c.count++;
		if (buf && c.used + 1 < len)
			snprintf(buf + c.used, len - c.used, "xfrm counts differ\n");
	}
	return c.count;
}
