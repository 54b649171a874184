/* One nftables rule's register program into IR matches (see
 * introspect/nft_parse.c): loads (meta, ct, payload) into registers,
 * bitwise masks and byte-order conversions on them, then compares, ranges
 * and set lookups that end the rule when false, and an immediate verdict.
 * Each compare, range or lookup becomes one IR match on what its register
 * holds. */
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
#include "introspect/nft_conv.h"

/* ---- registers ---- */

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

int tna_nft_expr_conv(struct conv *c, struct nftnl_expr *e)
{
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

