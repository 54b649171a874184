/* Match expressions into terms of the filter program: the field's place
 * in struct tna_flt_pkt, the implied dependencies, equality and prefixes
 * as masked compares, intervals and order operators as ranges, sets as
 * LPM prefixes.  All values are big-endian byte strings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "assembler/filter_priv.h"

typedef unsigned __int128 u128;

static u128 be_get(const uint8_t *b, int len)
{
	u128 v = 0;

	for (int i = 0; i < len; i++)
		v = (v << 8) | b[i];
	return v;
}

static void be_put(uint8_t out[16], u128 v, int len)
{
	memset(out, 0, 16);
	for (int i = len - 1; i >= 0; i--, v >>= 8)
		out[i] = (uint8_t)v;
}

static u128 ones(int bits)
{
	return bits >= 128 ? ~(u128)0 : (((u128)1 << bits) - 1);
}

int tna_flt_prefixes(const uint8_t lo_b[16], const uint8_t hi_b[16], int len,
		     int (*cb)(const uint8_t data[16], int bits, void *ctx), void *ctx)
{
	int width = len * 8, r;
	u128 lo = be_get(lo_b, len), hi = be_get(hi_b, len);

	if (len < 1 || len > 16 || lo > hi)
		return -EINVAL;
	for (;;) {
		/* the largest aligned block starting at lo that stays <= hi */
		int host = 0;
		uint8_t d[16];

		while (host < width && !(lo & ((u128)1 << host)) &&
		       (lo | ones(host + 1)) <= hi)
			host++;
		be_put(d, lo, len);
		r = cb(d, width - host, ctx);
		if (r)
			return r;
		if ((lo | ones(host)) >= hi)
			return 0;
		lo = (lo | ones(host)) + 1;
	}
}

/* Where a field lives in struct tna_flt_pkt. */
static int field_off(enum tna_nft_field f, bool raw, int *off)
{
	switch (f) {
	case TNA_NFT_F_IIF: *off = TNA_FLT_OFF_IIF; return 0;
	case TNA_NFT_F_OIF: *off = TNA_FLT_OFF_OIF; return 0;
	case TNA_NFT_F_IIFNAME: *off = TNA_FLT_OFF_IIFNAME; return 0;
	case TNA_NFT_F_OIFNAME: *off = TNA_FLT_OFF_OIFNAME; return 0;
	case TNA_NFT_F_NFPROTO: *off = TNA_FLT_OFF_NFPROTO; return 0;
	case TNA_NFT_F_L4PROTO: *off = TNA_FLT_OFF_L4PROTO; return 0;
	case TNA_NFT_F_META_MARK: *off = TNA_FLT_OFF_ZERO; return 0;
	case TNA_NFT_F_IP_SADDR: case TNA_NFT_F_IP6_SADDR: *off = TNA_FLT_OFF_SADDR; return 0;
	case TNA_NFT_F_IP_DADDR: case TNA_NFT_F_IP6_DADDR: *off = TNA_FLT_OFF_DADDR; return 0;
	case TNA_NFT_F_SPORT: case TNA_NFT_F_ICMP_TYPE: *off = TNA_FLT_OFF_TH; return 0;
	case TNA_NFT_F_ICMP_CODE: *off = TNA_FLT_OFF_TH + 1; return 0;
	case TNA_NFT_F_DPORT: *off = TNA_FLT_OFF_TH + 2; return 0;
	case TNA_NFT_F_TCP_FLAGS: *off = TNA_FLT_OFF_TCPFLAGS; return 0;
	/* before conntrack a packet has no entry: `ct state` reads as
	 * invalid, any other ct key makes the rule fail (NFT_BREAK) */
	case TNA_NFT_F_CT_STATE: *off = raw ? TNA_FLT_OFF_CT_STATE_RAW : TNA_FLT_OFF_CT_STATE; return 0;
	case TNA_NFT_F_CT_STATUS: *off = TNA_FLT_OFF_CT_STATUS; return raw;
	case TNA_NFT_F_CT_MARK: *off = TNA_FLT_OFF_CT_MARK; return raw;
	case TNA_NFT_F_CT_DIRECTION: *off = TNA_FLT_OFF_CT_DIR; return raw;
	default: return -EOPNOTSUPP;
	}
}

static int term(struct fc *c, uint8_t op, int off, int len, const uint8_t *val,
		const uint8_t *mask, const uint8_t *hi, uint32_t set, const char *where)
{
	struct tna_flt_insn in = { .op = op, .off = off, .len = len, .set = set };

	if (val)
		memcpy(in.val, val, 16);
	if (mask)
		memcpy(in.mask, mask, 16);
	if (hi)
		memcpy(in.hi, hi, 16);
	return fc_emit(c, &in, where) < 0 ? -E2BIG : 0;
}

static int eq_u8(struct fc *c, int off, int v, const char *where)
{
	uint8_t val[16] = { (uint8_t)v }, mask[16] = { 0xff };

	return term(c, TNA_FLT_EQ, off, 1, val, mask, NULL, 0, where);
}

static int lpm_add(const uint8_t data[16], int bits, void *ctx)
{
	struct fc *c = ctx;
	struct tna_flt_prog *p = c->p;

	if (p->n_lpm == c->cap_lpm) {
		int cap = c->cap_lpm ? 2 * c->cap_lpm : 64;
		struct tna_flt_lpm *n;

		if (cap > TNA_FLT_MAX_SET_ELEMS / 2)
			return -E2BIG;
		n = realloc(p->lpm, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		p->lpm = n;
		c->cap_lpm = cap;
	}
	p->lpm[p->n_lpm].set = p->n_sets;
	p->lpm[p->n_lpm].plen = bits;
	memcpy(p->lpm[p->n_lpm].data, data, 16);
	p->n_lpm++;
	return 0;
}

/* A new set id holding ELEMS; its id. */
static int new_set(struct fc *c, const struct tna_nft_elem *e, int n, int len, uint32_t *id)
{
	for (int i = 0; i < n; i++) {
		int r = tna_flt_prefixes(e[i].lo, e[i].hi, len, lpm_add, c);

		if (r)
			return r;
	}
	*id = c->p->n_sets++;
	return 0;
}

/* [lo, hi] is a prefix over LEN bytes: its mask in *pm. */
static bool is_prefix(const struct tna_nft_elem *e, int len, uint8_t pm[16])
{
	u128 lo = be_get(e->lo, len), hi = be_get(e->hi, len), host = lo ^ hi;

	if ((host & (host + 1)) || (lo & host))
		return false;
	be_put(pm, ones(len * 8) & ~host, len);
	return true;
}

/* The comparison itself, on field offset OFF of LEN bytes. */
static int compare(struct fc *c, const struct tna_nft_expr *x, int off, int len,
		   const char *where, char *why, size_t whylen)
{
	uint8_t full[16], mask[16], lo[16], hi[16], pm[16];
	bool ne = x->op == TNA_NFT_OP_NE;
	u128 v, max = ones(len * 8);

	be_put(full, max, len);
	memcpy(mask, x->has_mask ? x->mask : full, 16);
	if (x->set >= 0 || x->n_elems > 1) {
		const struct tna_nft_set *st = x->set >= 0 ? &c->rs->sets[x->set] : NULL;
		uint32_t id;
		int r;

		if (st && st->unsupported[0])
			return snprintf(why, whylen, "%s", st->unsupported), -EOPNOTSUPP;
		if (st && st->key_len != len)
			return snprintf(why, whylen, "set @%s of %s", st->name, st->type), -EOPNOTSUPP;
		if (st && c->set_id[x->set] >= 0) {
			id = c->set_id[x->set];
		} else {
			r = st ? new_set(c, st->elems, st->n_elems, len, &id) :
				 new_set(c, x->elems, x->n_elems, len, &id);
			if (r)
				return r;
			if (st)
				c->set_id[x->set] = id;
		}
		return term(c, ne ? TNA_FLT_NSET : TNA_FLT_SET, off, len, NULL, mask, NULL, id, where);
	}
	if (x->n_elems != 1)
		return snprintf(why, whylen, "empty value"), -EOPNOTSUPP;
	v = be_get(x->elems[0].lo, len);
	switch (x->op) {
	case TNA_NFT_OP_EQ:
	case TNA_NFT_OP_NE:
		if (is_prefix(&x->elems[0], len, pm)) {
			for (int i = 0; i < 16; i++)
				mask[i] &= pm[i];
			return term(c, ne ? TNA_FLT_NE : TNA_FLT_EQ, off, len, x->elems[0].lo,
				    mask, NULL, 0, where);
		}
		return term(c, ne ? TNA_FLT_NRANGE : TNA_FLT_RANGE, off, len, x->elems[0].lo,
			    mask, x->elems[0].hi, 0, where);
	case TNA_NFT_OP_ANY:	/* (field & value) != 0 */
		for (int i = 0; i < 16; i++)
			mask[i] &= x->elems[0].lo[i];
		memset(lo, 0, 16);
		return term(c, TNA_FLT_NE, off, len, lo, mask, NULL, 0, where);
	case TNA_NFT_OP_LT:
		if (!v)
			return 1;
		be_put(lo, 0, len), be_put(hi, v - 1, len);
		break;
	case TNA_NFT_OP_GT:
		if (v == max)
			return 1;
		be_put(lo, v + 1, len), be_put(hi, max, len);
		break;
	case TNA_NFT_OP_LE:
		be_put(lo, 0, len), be_put(hi, v, len);
		break;
	case TNA_NFT_OP_GE:
		be_put(lo, v, len), be_put(hi, max, len);
		break;
	}
	return term(c, TNA_FLT_RANGE, off, len, lo, mask, hi, 0, where);
}

int fc_match(struct fc *c, const struct tna_nft_expr *x, const char *where,
	     char *why, size_t whylen)
{
	int nfproto = c->fam == TNA_FLT_V4 ? TNA_NFT_IP : TNA_NFT_IP6;
	int off, len = tna_nft_field_len(x->field), r;

	/* implied dependencies first, as nft evaluates them */
	if (x->nfproto && x->nfproto != nfproto)
		return 1;
	if (x->l4proto >= 0 && (r = eq_u8(c, TNA_FLT_OFF_L4PROTO, x->l4proto, where)))
		return r;
	r = field_off(x->field, c->raw, &off);
	if (r < 0)
		return snprintf(why, whylen, "%s", tna_nft_field_name(x->field)), -EOPNOTSUPP;
	if (r > 0)
		return 1;	/* a ct key before conntrack: the rule breaks */
	if ((x->field == TNA_NFT_F_IP_SADDR || x->field == TNA_NFT_F_IP_DADDR) && c->fam != TNA_FLT_V4)
		return 1;
	if ((x->field == TNA_NFT_F_IP6_SADDR || x->field == TNA_NFT_F_IP6_DADDR) && c->fam != TNA_FLT_V6)
		return 1;
	return compare(c, x, off, len, where, why, whylen);
}
