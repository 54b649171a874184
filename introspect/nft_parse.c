/* An nftables netlink dump into the IR of introspect/nft_ir.h, through
 * libnftnl's parsers.  Rules are the kernel's register programs: loads
 * (meta, ct, payload) into registers, bitwise masks and byte-order
 * conversions on them, then compares, ranges and set lookups that end the
 * rule when false, and an immediate verdict.  Each compare, range or
 * lookup becomes one IR match on what its register holds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/table.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/expr.h>
#include "introspect/nft_ir.h"

/* ---- registers ---- */

#define SLOTS 24		/* 32-bit registers 8..23; NFT_REG_1..4 alias them */

struct reg {
	enum { R_NONE, R_VALUE, R_OTHER } st;
	struct tna_nft_load load;
	bool host;		/* bytes still in host order */
	bool has_mask;
	uint8_t mask[16];	/* big-endian, as the IR keeps it */
	char what[40];		/* R_OTHER: what loaded it */
};

struct conv {
	const struct tna_nft_ruleset *rs;
	int family;
	const char *table;
	struct reg r[SLOTS];
	struct tna_nft_rule *out;
	int cap;
};

static int slot(uint32_t reg)
{
	if (reg >= NFT_REG_1 && reg <= NFT_REG_4)
		return 8 + (reg - NFT_REG_1) * 4;
	return reg >= 8 && reg < SLOTS ? (int)reg : -1;
}

/* A write of LEN bytes at REG: what overlapped is gone. */
static struct reg *reg_write(struct conv *c, uint32_t reg, int len)
{
	int s = slot(reg), n = (len + 3) / 4;

	if (s < 0 || s + n > SLOTS)
		return NULL;
	for (int i = 8; i < SLOTS; i++) {
		int in = c->r[i].st == R_VALUE ? (c->r[i].load.len + 3) / 4 : 1;

		if (c->r[i].st != R_NONE && i < s + n && s < i + in)
			c->r[i].st = R_NONE;
	}
	memset(&c->r[s], 0, sizeof(c->r[s]));
	return &c->r[s];
}

static struct reg *reg_read(struct conv *c, uint32_t reg)
{
	int s = slot(reg);

	return s < 0 ? NULL : &c->r[s];
}

/* Keys the kernel keeps in host byte order. */
static bool host_order(const struct tna_nft_load *l)
{
	if (l->kind == TNA_NFT_L_META)
		return l->key == NFT_META_MARK || l->key == NFT_META_IIF || l->key == NFT_META_OIF ||
		       l->key == NFT_META_IIFTYPE || l->key == NFT_META_OIFTYPE || l->key == NFT_META_LEN;
	if (l->kind == TNA_NFT_L_CT)
		return l->key == NFT_CT_STATE || l->key == NFT_CT_STATUS || l->key == NFT_CT_MARK;
	return false;
}

static int meta_len(int key)
{
	switch (key) {
	case NFT_META_IIFNAME: case NFT_META_OIFNAME: return 16;
	case NFT_META_NFPROTO: case NFT_META_L4PROTO: return 1;
	case NFT_META_PROTOCOL: return 2;
	default: return 4;
	}
}

/* Host-order bytes of a 2- or 4-byte value into big-endian. */
static void to_be(uint8_t *b, int len)
{
	if (len == 4) {
		uint32_t v;

		memcpy(&v, b, 4);
		v = htonl(v);
		memcpy(b, &v, 4);
	} else if (len == 2) {
		uint16_t v;

		memcpy(&v, b, 2);
		v = htons(v);
		memcpy(b, &v, 2);
	}
}

/* ---- IR output ---- */

static struct tna_nft_expr *add(struct conv *c)
{
	struct tna_nft_rule *r = c->out;
	struct tna_nft_expr *x;

	if (r->n_exprs == c->cap) {
		int cap = c->cap ? 2 * c->cap : 8;

		x = realloc(r->exprs, cap * sizeof(*x));
		if (!x)
			return NULL;
		r->exprs = x;
		c->cap = cap;
	}
	x = &r->exprs[r->n_exprs++];
	memset(x, 0, sizeof(*x));
	x->set = -1;
	return x;
}

/* 1: the rule ends here (nothing after an unsupported expression runs
 * in the fast path); -ENOMEM. */
static int other(struct conv *c, const char *fmt, const char *a, const char *b)
{
	struct tna_nft_expr *x = add(c);

	if (!x)
		return -ENOMEM;
	x->kind = TNA_NFT_X_OTHER;
	snprintf(x->reason, sizeof(x->reason), fmt, a, b);
	return 1;
}

/* The value a compare reads: REG's first LEN bytes. */
static int operand(struct conv *c, uint32_t reg, int len, struct reg *v, bool order)
{
	struct reg *r = reg_read(c, reg);
	char n[24];

	if (!r || r->st == R_NONE)
		return other(c, "%s%s", "uninitialised register", "");
	if (r->st == R_OTHER)
		return other(c, "%s%s", r->what, "");
	if (len > r->load.len || (r->host && (len != r->load.len || order))) {
		/* named only here: the common case never formats it */
		tna_nft_load_name(&r->load, n, sizeof(n));
		if (len > r->load.len)
			return other(c, "concatenation with %s%s", n, "");
		if (len != r->load.len)
			return other(c, "%s, part of it%s", n, "");
		return other(c, "%s, host-order range%s", n, "");
	}
	*v = *r;
	v->load.len = len;
	return 0;
}

static void data_be(const struct reg *v, uint8_t out[16], const void *d, uint32_t dlen)
{
	memset(out, 0, 16);
	memcpy(out, d, dlen > 16 ? 16 : dlen);
	if (v->host)
		to_be(out, v->load.len);
}

static struct tna_nft_expr *match(struct conv *c, const struct reg *v, enum tna_nft_op op)
{
	struct tna_nft_expr *x = add(c);

	if (!x)
		return NULL;
	x->kind = TNA_NFT_X_MATCH;
	x->load = v->load;
	x->has_mask = v->has_mask;
	memcpy(x->mask, v->mask, 16);
	x->op = op;
	return x;
}

static int one_elem(struct tna_nft_expr *x, const uint8_t lo[16], const uint8_t hi[16])
{
	x->elems = calloc(1, sizeof(*x->elems));
	if (!x->elems)
		return -ENOMEM;
	memcpy(x->elems[0].lo, lo, 16);
	memcpy(x->elems[0].hi, hi, 16);
	x->n_elems = 1;
	return 0;
}

/* ---- expressions ---- */

static int e_load(struct conv *c, struct nftnl_expr *e, const char *name)
{
	struct tna_nft_load l = {};
	uint32_t dreg;
	struct reg *r;

	char n[40];

	if (!strcmp(name, "meta")) {
		l.kind = TNA_NFT_L_META;
		l.key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
		l.len = meta_len(l.key);
		if (!nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG)) {	/* meta ... set */
			tna_nft_load_name(&l, n, sizeof(n));
			return other(c, "%s set%s", n, "");
		}
		dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG);
	} else if (!strcmp(name, "ct")) {
		l.kind = TNA_NFT_L_CT;
		l.key = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY);
		l.len = l.key == NFT_CT_DIRECTION ? 1 : 4;
		if (!nftnl_expr_is_set(e, NFTNL_EXPR_CT_DREG)) {	/* ct ... set */
			tna_nft_load_name(&l, n, sizeof(n));
			return other(c, "%s set%s", n, "");
		}
		dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_DREG);
		if (nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR))
			l.key = -1;	/* per-direction keys (tuples): not read */
	} else {
		if (!nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_DREG))
			return other(c, "payload set%s%s", "", "");
		l.kind = TNA_NFT_L_PAYLOAD;
		l.base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
		l.offset = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
		l.len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
		dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_DREG);
	}
	r = reg_write(c, dreg, l.len);
	if (!r || l.len < 1 || l.len > 16)
		return other(c, "%s load%s", name, "");
	r->st = R_VALUE;
	r->load = l;
	r->host = host_order(&l);
	return 0;
}

static int e_bitwise(struct conv *c, struct nftnl_expr *e)
{
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_LEN), ml = 0, xl = 0;
	const uint8_t *mask = nftnl_expr_get_data(e, NFTNL_EXPR_BITWISE_MASK, &ml);
	const uint8_t *xr = nftnl_expr_get_data(e, NFTNL_EXPR_BITWISE_XOR, &xl);
	struct reg v, *d;
	uint8_t m[16];
	int r;

	if (nftnl_expr_is_set(e, NFTNL_EXPR_BITWISE_OP) &&
	    nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_OP) != NFT_BITWISE_BOOL)
		return other(c, "bitwise shift%s%s", "", "");
	for (uint32_t i = 0; xr && i < xl; i++)
		if (xr[i])
			return other(c, "bitwise xor%s%s", "", "");
	if (!mask || ml != len || len > 16)
		return other(c, "bitwise%s%s", "", "");
	if ((r = operand(c, nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_SREG), len, &v, false)))
		return r;
	data_be(&v, m, mask, ml);
	for (int i = 0; i < 16; i++)
		v.mask[i] = (v.has_mask ? v.mask[i] : 0xff) & m[i];
	v.has_mask = true;
	d = reg_write(c, nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_DREG), len);
	if (!d)
		return other(c, "bitwise%s%s", "", "");
	*d = v;
	return 0;
}

static int e_byteorder(struct conv *c, struct nftnl_expr *e)
{
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_LEN);
	uint32_t size = nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_SIZE);
	struct reg *s = reg_read(c, nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_SREG)), v, *d;

	/* hton of a host-order key: the register then holds what we keep */
	if (!s || s->st != R_VALUE || !s->host || s->load.len != (int)len || size != len ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_OP) != NFT_BYTEORDER_HTON)
		return other(c, "byteorder%s%s", "", "");
	v = *s;
	v.host = false;
	d = reg_write(c, nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_DREG), len);
	if (!d)
		return other(c, "byteorder%s%s", "", "");
	*d = v;
	return 0;
}

static int e_cmp(struct conv *c, struct nftnl_expr *e)
{
	static const enum tna_nft_op ops[] = { [NFT_CMP_EQ] = TNA_NFT_OP_EQ,
		[NFT_CMP_NEQ] = TNA_NFT_OP_NE, [NFT_CMP_LT] = TNA_NFT_OP_LT,
		[NFT_CMP_LTE] = TNA_NFT_OP_LE, [NFT_CMP_GT] = TNA_NFT_OP_GT,
		[NFT_CMP_GTE] = TNA_NFT_OP_GE };
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP), dl = 0;
	const void *d = nftnl_expr_get_data(e, NFTNL_EXPR_CMP_DATA, &dl);
	struct tna_nft_expr *x;
	uint8_t val[16];
	struct reg v;
	int r;

	if (op > NFT_CMP_GTE || !d || dl < 1 || dl > 16)
		return other(c, "cmp%s%s", "", "");
	r = operand(c, nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_SREG), dl, &v,
		    op != NFT_CMP_EQ && op != NFT_CMP_NEQ);
	if (r)
		return r;
	data_be(&v, val, d, dl);
	x = match(c, &v, ops[op]);
	return !x ? -ENOMEM : one_elem(x, val, val);
}

static int e_range(struct conv *c, struct nftnl_expr *e)
{
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP), fl = 0, tl = 0;
	const void *from = nftnl_expr_get_data(e, NFTNL_EXPR_RANGE_FROM_DATA, &fl);
	const void *to = nftnl_expr_get_data(e, NFTNL_EXPR_RANGE_TO_DATA, &tl);
	struct tna_nft_expr *x;
	uint8_t lo[16], hi[16];
	struct reg v;
	int r;

	if (!from || !to || fl != tl || fl < 1 || fl > 16 || op > NFT_RANGE_NEQ)
		return other(c, "range%s%s", "", "");
	if ((r = operand(c, nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_SREG), fl, &v, true)))
		return r;
	data_be(&v, lo, from, fl);
	data_be(&v, hi, to, tl);
	if (memcmp(lo, hi, 16) > 0)
		return other(c, "empty range%s%s", "", "");
	x = match(c, &v, op == NFT_RANGE_EQ ? TNA_NFT_OP_EQ : TNA_NFT_OP_NE);
	return !x ? -ENOMEM : one_elem(x, lo, hi);
}

static int e_lookup(struct conv *c, struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
	int set = name ? tna_nft_set_find(c->rs, c->family, c->table, name) : -1;
	uint32_t flags = nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_FLAGS) ?
			 nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS) : 0;
	const struct tna_nft_set *st;
	struct tna_nft_expr *x;
	struct reg v;
	int r;

	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG))
		return other(c, "map%s%s", "", "");
	if (set < 0)
		return other(c, "lookup in an unknown set%s%s", "", "");
	st = &c->rs->sets[set];
	if (st->unsupported[0])
		return other(c, "%s%s", st->unsupported, "");
	r = operand(c, nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_SREG), st->key_len, &v, st->interval);
	if (r)
		return r;
	x = match(c, &v, flags & NFT_LOOKUP_F_INV ? TNA_NFT_OP_NE : TNA_NFT_OP_EQ);
	if (!x)
		return -ENOMEM;
	/* host-order exact keys: the IR keeps them big-endian, per match */
	x->elems = calloc(st->n_elems ? st->n_elems : 1, sizeof(*x->elems));
	if (!x->elems)
		return -ENOMEM;
	x->n_elems = st->n_elems;
	for (int i = 0; i < st->n_elems; i++) {
		x->elems[i] = st->elems[i];
		if (v.host) {
			to_be(x->elems[i].lo, st->key_len);
			to_be(x->elems[i].hi, st->key_len);
		}
	}
	x->set = set;
	return 0;
}

static int e_immediate(struct conv *c, struct nftnl_expr *e)
{
	uint32_t dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG), dl = 0;
	struct tna_nft_expr *x;
	struct reg *r;
	int v;

	if (dreg != NFT_REG_VERDICT) {	/* data for a statement (NAT, ...) */
		nftnl_expr_get_data(e, NFTNL_EXPR_IMM_DATA, &dl);
		r = reg_write(c, dreg, dl ? dl : 4);
		if (r) {
			r->st = R_OTHER;
			snprintf(r->what, sizeof(r->what), "immediate data");
		}
		return 0;
	}
	v = (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
	x = add(c);
	if (!x)
		return -ENOMEM;
	x->kind = TNA_NFT_X_VERDICT;
	switch (v) {
	case NF_ACCEPT: x->verdict = TNA_NFT_V_ACCEPT; break;
	case NF_DROP: x->verdict = TNA_NFT_V_DROP; break;
	case NFT_CONTINUE: x->verdict = TNA_NFT_V_CONTINUE; break;
	case NFT_RETURN: x->verdict = TNA_NFT_V_RETURN; break;
	case NFT_JUMP: x->verdict = TNA_NFT_V_JUMP; break;
	case NFT_GOTO: x->verdict = TNA_NFT_V_GOTO; break;
	default:
		x->kind = TNA_NFT_X_OTHER;
		snprintf(x->reason, sizeof(x->reason), "verdict %d", v);
		return 1;
	}
	if (x->verdict == TNA_NFT_V_JUMP || x->verdict == TNA_NFT_V_GOTO)
		snprintf(x->target, sizeof(x->target), "%s",
			 nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN) ?: "");
	return 1;			/* nothing after a verdict */
}

static int expr_cb(struct nftnl_expr *e, void *data)
{
	struct conv *c = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	int r;

	if (!name)
		r = other(c, "expression%s%s", "", "");
	else if (!strcmp(name, "meta") || !strcmp(name, "ct") || !strcmp(name, "payload"))
		r = e_load(c, e, name);
	else if (!strcmp(name, "bitwise"))
		r = e_bitwise(c, e);
	else if (!strcmp(name, "byteorder"))
		r = e_byteorder(c, e);
	else if (!strcmp(name, "cmp"))
		r = e_cmp(c, e);
	else if (!strcmp(name, "range"))
		r = e_range(c, e);
	else if (!strcmp(name, "lookup"))
		r = e_lookup(c, e);
	else if (!strcmp(name, "immediate"))
		r = e_immediate(c, e);
	else if (!strcmp(name, "match") || !strcmp(name, "target"))
		r = other(c, "xt %s %s", name, nftnl_expr_get_str(e, !strcmp(name, "match") ?
					NFTNL_EXPR_MT_NAME : NFTNL_EXPR_TG_NAME) ?: "");
	else
		r = other(c, "%s%s", name, "");	/* counter, log, limit, nat, ... */
	if (r == 1 && c->out->n_exprs) {
		/* statements that register conntrack, or may (xt matches) */
		static const char *const ct[] = { "ct", "notrack", "nat", "masq", "redir",
			"connlimit", "flow_offload", "synproxy", "objref", "match", "target" };
		struct tna_nft_expr *x = &c->out->exprs[c->out->n_exprs - 1];

		for (size_t i = 0; name && i < sizeof(ct) / sizeof(ct[0]); i++)
			x->ct |= x->kind == TNA_NFT_X_OTHER && !strcmp(name, ct[i]);
	}
	return r;
}

/* ---- objects ---- */

static int msg_family(const struct nlmsghdr *nlh)
{
	return ((const struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->nfgen_family;
}

struct table { int family; char name[TNA_NFT_NAME]; bool dormant; };
struct parse {
	struct tna_nft_ruleset *rs;
	struct table *tables;
	int n_tables;
	/* set element keys before intervals are built: per set */
	struct rawkey { int set; uint8_t key[16]; bool end; } *keys;
	int n_keys, cap_keys;
};

static bool dormant(const struct parse *p, int family, const char *table)
{
	for (int i = 0; i < p->n_tables; i++)
		if (p->tables[i].family == family && !strcmp(p->tables[i].name, table))
			return p->tables[i].dormant;
	return false;
}

static int on_table(struct parse *p, const struct nlmsghdr *nlh)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct table *n;
	int err = -EINVAL;

	if (!t)
		return -ENOMEM;
	if (nftnl_table_nlmsg_parse(nlh, t) < 0)
		goto out;
	n = realloc(p->tables, (p->n_tables + 1) * sizeof(*n));
	err = -ENOMEM;
	if (!n)
		goto out;
	p->tables = n;
	n = &p->tables[p->n_tables++];
	n->family = msg_family(nlh);
	snprintf(n->name, sizeof(n->name), "%s", nftnl_table_get_str(t, NFTNL_TABLE_NAME) ?: "");
	n->dormant = nftnl_table_is_set(t, NFTNL_TABLE_FLAGS) &&
		     (nftnl_table_get_u32(t, NFTNL_TABLE_FLAGS) & NFT_TABLE_F_DORMANT);
	err = 0;
out:
	nftnl_table_free(t);
	return err;
}

static int on_chain(struct parse *p, const struct nlmsghdr *nlh)
{
	struct tna_nft_ruleset *rs = p->rs;
	struct nftnl_chain *ch = nftnl_chain_alloc();
	struct tna_nft_chain *o, *n;
	const char *type;
	int err = -EINVAL;

	if (!ch)
		return -ENOMEM;
	if (nftnl_chain_nlmsg_parse(nlh, ch) < 0)
		goto out;
	err = -ENOMEM;
	n = realloc(rs->chains, (rs->n_chains + 1) * sizeof(*n));
	if (!n)
		goto out;
	rs->chains = n;
	o = &rs->chains[rs->n_chains++];
	memset(o, 0, sizeof(*o));
	o->family = msg_family(nlh);
	snprintf(o->table, sizeof(o->table), "%s", nftnl_chain_get_str(ch, NFTNL_CHAIN_TABLE) ?: "");
	snprintf(o->name, sizeof(o->name), "%s", nftnl_chain_get_str(ch, NFTNL_CHAIN_NAME) ?: "");
	o->handle = nftnl_chain_get_u64(ch, NFTNL_CHAIN_HANDLE);
	o->hook = TNA_NFT_H_NONE;
	if (nftnl_chain_is_set(ch, NFTNL_CHAIN_HOOKNUM)) {
		uint32_t h = nftnl_chain_get_u32(ch, NFTNL_CHAIN_HOOKNUM);

		o->base = true;
		o->hook = o->family == TNA_NFT_NETDEV ? TNA_NFT_H_INGRESS + (int)h : (int)h;
		o->prio = (int32_t)nftnl_chain_get_u32(ch, NFTNL_CHAIN_PRIO);
		type = nftnl_chain_get_str(ch, NFTNL_CHAIN_TYPE);
		o->type = type && !strcmp(type, "nat") ? TNA_NFT_T_NAT :
			  type && !strcmp(type, "route") ? TNA_NFT_T_ROUTE : TNA_NFT_T_FILTER;
		o->policy_drop = nftnl_chain_is_set(ch, NFTNL_CHAIN_POLICY) &&
				 nftnl_chain_get_u32(ch, NFTNL_CHAIN_POLICY) == NF_DROP;
	}
	err = 0;
out:
	nftnl_chain_free(ch);
	return err;
}

static int on_set(struct parse *p, const struct nlmsghdr *nlh)
{
	struct tna_nft_ruleset *rs = p->rs;
	struct nftnl_set *s = nftnl_set_alloc();
	struct tna_nft_set *o, *n;
	uint32_t flags;
	int err = -EINVAL;

	if (!s)
		return -ENOMEM;
	if (nftnl_set_nlmsg_parse(nlh, s) < 0)
		goto out;
	err = -ENOMEM;
	n = realloc(rs->sets, (rs->n_sets + 1) * sizeof(*n));
	if (!n)
		goto out;
	rs->sets = n;
	o = &rs->sets[rs->n_sets++];
	memset(o, 0, sizeof(*o));
	o->family = msg_family(nlh);
	snprintf(o->table, sizeof(o->table), "%s", nftnl_set_get_str(s, NFTNL_SET_TABLE) ?: "");
	snprintf(o->name, sizeof(o->name), "%s", nftnl_set_get_str(s, NFTNL_SET_NAME) ?: "");
	o->key_len = nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN);
	flags = nftnl_set_is_set(s, NFTNL_SET_FLAGS) ? nftnl_set_get_u32(s, NFTNL_SET_FLAGS) : 0;
	o->interval = flags & NFT_SET_INTERVAL;
	if (flags & (NFT_SET_MAP | NFT_SET_OBJECT))
		snprintf(o->unsupported, sizeof(o->unsupported), "map");
	else if (flags & NFT_SET_CONCAT || o->key_len < 1 || o->key_len > 16)
		snprintf(o->unsupported, sizeof(o->unsupported), "set of concatenations");
	else if (flags & (NFT_SET_TIMEOUT | NFT_SET_EVAL) || nftnl_set_is_set(s, NFTNL_SET_TIMEOUT))
		snprintf(o->unsupported, sizeof(o->unsupported), "set updated from the datapath");
	else if (flags & NFT_SET_EXPR || nftnl_set_is_set(s, NFTNL_SET_EXPR) ||
		 nftnl_set_is_set(s, NFTNL_SET_EXPRESSIONS))
		snprintf(o->unsupported, sizeof(o->unsupported), "set with statements");
	err = 0;
out:
	nftnl_set_free(s);
	return err;
}

static int on_elems(struct parse *p, const struct nlmsghdr *nlh)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it = NULL;
	struct nftnl_set_elem *el;
	struct tna_nft_set *st;
	int set, err = -EINVAL;

	if (!s)
		return -ENOMEM;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) < 0)
		goto out;
	set = tna_nft_set_find(p->rs, msg_family(nlh), nftnl_set_get_str(s, NFTNL_SET_TABLE) ?: "",
			       nftnl_set_get_str(s, NFTNL_SET_NAME) ?: "");
	err = 0;
	if (set < 0)
		goto out;
	st = &p->rs->sets[set];
	it = nftnl_set_elems_iter_create(s);
	err = -ENOMEM;
	if (!it)
		goto out;
	while ((el = nftnl_set_elems_iter_next(it))) {
		uint32_t kl = 0, fl = 0;
		const void *k = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY, &kl);
		uint32_t flags = nftnl_set_elem_is_set(el, NFTNL_SET_ELEM_FLAGS) ?
				 nftnl_set_elem_get_u32(el, NFTNL_SET_ELEM_FLAGS) : 0;
		struct rawkey *rk;

		(void)fl;
		if (flags & NFT_SET_ELEM_CATCHALL || !k || (int)kl != st->key_len ||
		    nftnl_set_elem_is_set(el, NFTNL_SET_ELEM_TIMEOUT) ||
		    nftnl_set_elem_is_set(el, NFTNL_SET_ELEM_EXPIRATION) ||
		    nftnl_set_elem_is_set(el, NFTNL_SET_ELEM_EXPR) ||
		    nftnl_set_elem_is_set(el, NFTNL_SET_ELEM_EXPRESSIONS) ||
		    nftnl_set_elem_is_set(el, NFTNL_SET_ELEM_KEY_END)) {
			snprintf(st->unsupported, sizeof(st->unsupported), "set element with state");
			continue;
		}
		if (p->n_keys == p->cap_keys) {
			int cap = p->cap_keys ? 2 * p->cap_keys : 64;

			rk = realloc(p->keys, cap * sizeof(*rk));
			if (!rk)
				goto out;
			p->keys = rk;
			p->cap_keys = cap;
		}
		rk = &p->keys[p->n_keys++];
		memset(rk, 0, sizeof(*rk));
		rk->set = set;
		memcpy(rk->key, k, kl);
		rk->end = flags & NFT_SET_ELEM_INTERVAL_END;
	}
	err = 0;
out:
	if (it)
		nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);
	return err;
}

static int key_order(const void *a, const void *b)
{
	const struct rawkey *x = a, *y = b;
	int d = x->set - y->set;

	if (d)
		return d;
	d = memcmp(x->key, y->key, 16);
	if (d)
		return d;
	return (int)y->end - (int)x->end;	/* an end before a start at one key */
}

/* Elements into intervals: an interval set lists starts and (exclusive)
 * ends; a plain set lists single keys. */
static int build_sets(struct parse *p)
{
	qsort(p->keys, p->n_keys, sizeof(*p->keys), key_order);
	for (int i = 0; i < p->n_keys;) {
		struct tna_nft_set *st = &p->rs->sets[p->keys[i].set];
		int j = i, n = 0, len = st->key_len;
		const uint8_t *open = NULL;

		while (j < p->n_keys && p->keys[j].set == p->keys[i].set)
			j++;
		st->elems = calloc(j - i, sizeof(*st->elems));
		if (!st->elems)
			return -ENOMEM;
		for (int k = i; k < j; k++) {
			struct rawkey *rk = &p->keys[k];

			if (!st->interval) {
				memcpy(st->elems[n].lo, rk->key, 16);
				memcpy(st->elems[n++].hi, rk->key, 16);
			} else if (!rk->end) {
				open = rk->key;
			} else if (open) {
				uint8_t hi[16];
				int b = len - 1;

				memcpy(hi, rk->key, 16);	/* end - 1, big-endian */
				while (b >= 0 && hi[b] == 0)
					hi[b--] = 0xff;
				if (b >= 0)
					hi[b]--;
				memcpy(st->elems[n].lo, open, 16);
				memcpy(st->elems[n++].hi, hi, 16);
				open = NULL;
			}
		}
		if (open) {			/* open to the end of the key space */
			memcpy(st->elems[n].lo, open, 16);
			memset(st->elems[n].hi, 0xff, len);
			n++;
		}
		st->n_elems = n;
		i = j;
	}
	return 0;
}

static int on_rule(struct parse *p, const struct nlmsghdr *nlh)
{
	struct tna_nft_ruleset *rs = p->rs;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct tna_nft_chain *ch = NULL;
	struct tna_nft_rule *o;
	struct conv c = { .rs = rs };
	const char *table, *chain;
	int err = -EINVAL;

	if (!r)
		return -ENOMEM;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0)
		goto out;
	c.family = msg_family(nlh);
	table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE) ?: "";
	chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN) ?: "";
	c.table = table;
	ch = (struct tna_nft_chain *)tna_nft_chain_find(rs, c.family, table, chain);
	err = 0;
	if (!ch)		/* a chain made after the chain dump: genid catches it */
		goto out;
	err = -ENOMEM;
	o = realloc(ch->rules, (ch->n_rules + 1) * sizeof(*o));
	if (!o)
		goto out;
	ch->rules = o;
	c.out = o = &ch->rules[ch->n_rules++];
	memset(o, 0, sizeof(*o));
	o->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	err = 0;
	{
		struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
		struct nftnl_expr *e;

		if (!it) {
			err = -ENOMEM;
			goto out;
		}
		/* 1 ends the walk: what follows never runs in the fast path */
		while (!err && (e = nftnl_expr_iter_next(it)))
			err = expr_cb(e, &c);
		nftnl_expr_iter_destroy(it);
		err = err < 0 ? err : 0;
	}
out:
	nftnl_rule_free(r);
	return err;
}

/* Walk the messages of BUF calling FN for those of type CMD. */
static int each(struct parse *p, const void *buf, size_t len, uint8_t cmd,
		int (*fn)(struct parse *, const struct nlmsghdr *))
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		int err;

		if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_NFTABLES || (nlh->nlmsg_type & 0xff) != cmd)
			continue;
		if ((err = fn(p, nlh)))
			return err;
	}
	return left ? -EINVAL : 0;
}

int tna_nft_parse(const void *buf, size_t len, struct tna_nft_ruleset *rs)
{
	struct parse p = { .rs = rs };
	int err;

	if (!buf || !rs)
		return -EINVAL;
	memset(rs, 0, sizeof(*rs));
	if ((err = each(&p, buf, len, NFT_MSG_NEWTABLE, on_table)) ||
	    (err = each(&p, buf, len, NFT_MSG_NEWCHAIN, on_chain)) ||
	    (err = each(&p, buf, len, NFT_MSG_NEWSET, on_set)) ||
	    (err = each(&p, buf, len, NFT_MSG_NEWSETELEM, on_elems)) ||
	    (err = build_sets(&p)) ||
	    (err = each(&p, buf, len, NFT_MSG_NEWRULE, on_rule)))
		goto out;
	/* a dormant table's chains are not registered at any hook */
	for (int i = 0; i < rs->n_chains; i++)
		if (rs->chains[i].base && dormant(&p, rs->chains[i].family, rs->chains[i].table))
			rs->chains[i].base = false;
out:
	free(p.tables);
	free(p.keys);
	if (err)
		tna_nft_free(rs);
	return err;
}
