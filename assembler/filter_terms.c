/* Match expressions into terms of the filter program: where the loaded
 * bytes live in struct tna_flt_pkt for the family being compiled,
 * equality and prefixes as masked compares, intervals and orders as
 * ranges, several intervals and sets as LPM prefixes.  Loads whose value
 * is a constant of the family (meta nfproto, meta protocol) are decided
 * here.  All values are big-endian byte strings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>
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

/* Transport bytes a packet surely has: the fast path sends shorter ones
 * to Linux (bpf/fpm/filter_path.h), so a load within them never fails. */
static int th_avail(int l4proto)
{
	return l4proto == 6 ? 20 : l4proto == 17 || l4proto == 1 || l4proto == 58 ? 8 : 4;
}

/* Keys both kinds of program read the same way: 0 and *off, or 1. */
static int meta_common(int key, int n, int *off)
{
	switch (key) {
	case NFT_META_IIF: *off = TNA_FLT_OFF_IIF; return n <= 4 ? 0 : -EOPNOTSUPP;
	case NFT_META_OIF: *off = TNA_FLT_OFF_OIF; return n <= 4 ? 0 : -EOPNOTSUPP;
	case NFT_META_IIFNAME: *off = TNA_FLT_OFF_IIFNAME; return 0;
	case NFT_META_OIFNAME: *off = TNA_FLT_OFF_OIFNAME; return 0;
	/* nothing sets a mark on a packet before it reaches XDP, and a rule
	 * that sets one sends the packet to Linux */
	case NFT_META_MARK: *off = TNA_FLT_OFF_ZERO; return 0;
	}
	return 1;
}

/* An IPv4 or IPv6 header payload: the protocol, the addresses. */
static int nh_field(bool v4, int o, int n, int *off)
{
	if ((v4 && o == 9 && n == 1) || (!v4 && o == 6 && n == 1))	/* no ext. headers */
		*off = TNA_FLT_OFF_L4PROTO;
	else if (v4 && o >= 12 && o + n <= 16)
		*off = TNA_FLT_OFF_SADDR + o - 12;
	else if (v4 && o >= 16 && o + n <= 20)
		*off = TNA_FLT_OFF_DADDR + o - 16;
	else if (!v4 && o >= 8 && o + n <= 40)	/* saddr, daddr adjacent in both */
		*off = TNA_FLT_OFF_SADDR + o - 8;
	else
		return -EOPNOTSUPP;
	return 0;
}

/* Bridged frames: Ethernet fields for any frame; IP fields only where an
 * earlier term fixed the ethertype (the kernel reads them only from
 * validated IP packets, and the fields hold them only then); transport
 * fields where an earlier term fixed the protocol.  No conntrack here
 * (no nf_conntrack_bridge): ct keys stay on Linux. */
static int locate_bridge(struct fc *c, const struct tna_nft_expr *x, int *off,
			 uint8_t cval[16], bool v4)
{
	const struct tna_nft_load *l = &x->load;
	int o = l->offset, n = l->len;
	bool ip = c->rule_l3 == 0x0800 || c->rule_l3 == 0x86dd;

	switch (l->kind) {
	case TNA_NFT_L_META:
		if (meta_common(l->key, n, off) != 1)
			return meta_common(l->key, n, off);
		switch (l->key) {
		case NFT_META_PROTOCOL: *off = TNA_FLT_OFF_ETHER_TYPE; return 0;	/* untagged only */
		case NFT_META_NFPROTO: cval[0] = 7; return 1;
		case NFT_META_L4PROTO:
			/* it breaks the rule on a non-IP frame, where the field
			 * holds 0: equal to a protocol is as false as a break */
			*off = TNA_FLT_OFF_L4PROTO;
			return ip || (x->op == TNA_NFT_OP_EQ && x->n_elems == 1 && x->set < 0 &&
				      !x->has_mask && x->elems[0].lo[0] &&
				      x->elems[0].lo[0] == x->elems[0].hi[0]) ? 0 : -EOPNOTSUPP;
		}
		return -EOPNOTSUPP;
	case TNA_NFT_L_PAYLOAD:
		if (l->base == TNA_NFT_LL && o + n <= 14) {
			*off = TNA_FLT_OFF_ETHER_DADDR + o;
			return 0;
		}
		if (l->base == TNA_NFT_TH && c->rule_l4 > 0 && o + n <= th_avail(c->rule_l4)) {
			*off = TNA_FLT_OFF_TH + o;
			return 0;
		}
		if (l->base != TNA_NFT_NH || !ip)
			return -EOPNOTSUPP;
		return nh_field(v4, o, n, off);
	default:
		return -EOPNOTSUPP;
	}
}

/* Where LEN bytes of load L live in the packet's fields.  1: the load
 * has a constant value here (*cval); 2: the load itself makes the rule
 * fail here (a ct key before conntrack); -EOPNOTSUPP. */
static int locate(struct fc *c, const struct tna_nft_expr *x, int *off, uint8_t cval[16])
{
	const struct tna_nft_load *l = &x->load;
	bool br = c->fam == TNA_FLT_BR;
	bool v4 = br ? c->rule_l3 == 0x0800 : c->fam == TNA_FLT_V4;
	int o = l->offset, n = l->len;

	memset(cval, 0, 16);
	if (br)
		return locate_bridge(c, x, off, cval, v4);
	switch (l->kind) {
	case TNA_NFT_L_META:
		if (meta_common(l->key, n, off) != 1)
			return meta_common(l->key, n, off);
		switch (l->key) {
		case NFT_META_L4PROTO: *off = TNA_FLT_OFF_L4PROTO; return 0;
		case NFT_META_NFPROTO: cval[0] = v4 ? 2 : 10; return 1;
		case NFT_META_PROTOCOL: cval[0] = v4 ? 0x08 : 0x86; cval[1] = v4 ? 0x00 : 0xdd; return 1;
		}
		return -EOPNOTSUPP;
	case TNA_NFT_L_CT:
		if (l->key == NFT_CT_STATE) {
			*off = c->raw ? TNA_FLT_OFF_CT_STATE_RAW : TNA_FLT_OFF_CT_STATE;
			return 0;
		}
		if (l->key != NFT_CT_STATUS && l->key != NFT_CT_MARK && l->key != NFT_CT_DIRECTION)
			return -EOPNOTSUPP;
		if (c->raw)	/* no entry yet: nft_ct_get_eval breaks */
			return 2;
		*off = l->key == NFT_CT_STATUS ? TNA_FLT_OFF_CT_STATUS :
		       l->key == NFT_CT_MARK ? TNA_FLT_OFF_CT_MARK : TNA_FLT_OFF_CT_DIR;
		return 0;
	case TNA_NFT_L_PAYLOAD:
		if (l->base == TNA_NFT_TH) {
			if (o + n > th_avail(c->rule_l4))
				return -EOPNOTSUPP;
			*off = TNA_FLT_OFF_TH + o;
			return 0;
		}
		if (l->base != TNA_NFT_NH)
			return -EOPNOTSUPP;
		return nh_field(v4, o, n, off);
	}
	return -EOPNOTSUPP;
}

static int term(struct fc *c, uint8_t op, int off, int len, const uint8_t *val,
		const uint8_t *mask, const uint8_t *hi, uint32_t set)
{
	struct tna_flt_insn in = { .op = op, .off = off, .len = len, .set = set };

	if (val)
		memcpy(in.val, val, 16);
	if (mask)
		memcpy(in.mask, mask, 16);
	if (hi)
		memcpy(in.hi, hi, 16);
	return fc_emit(c, &in) < 0 ? -E2BIG : 0;
}

static int lpm_add(const uint8_t data[16], int bits, void *ctx)
{
	struct fc *c = ctx;
	struct tna_flt_prog *p = c->p;

	if (p->n_lpm == c->cap_lpm) {
		int cap = c->cap_lpm ? 2 * c->cap_lpm : 64;
		struct tna_flt_lpm *n;

		if (p->n_lpm >= TNA_FLT_MAX_SET_ELEMS / 2)
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

/* A new set id holding the elements (of LEN bytes): its id. */
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

/* [lo, hi] is a prefix over LEN bytes: its mask in PM. */
static bool is_prefix(const struct tna_nft_elem *e, int len, uint8_t pm[16])
{
	u128 lo = be_get(e->lo, len), hi = be_get(e->hi, len), host = lo ^ hi;

	if ((host & (host + 1)) || (lo & host))
		return false;
	be_put(pm, ones(len * 8) & ~host, len);
	return true;
}

/* The match on a constant C: true or false now. */
static bool holds(const struct tna_nft_expr *x, const uint8_t cval[16])
{
	int len = x->load.len;
	uint8_t v[16];
	bool in = false;
	u128 cv, e;

	for (int i = 0; i < 16; i++)
		v[i] = i < len ? cval[i] & (x->has_mask ? x->mask[i] : 0xff) : 0;
	cv = be_get(v, len);
	for (int i = 0; i < x->n_elems; i++)
		in |= cv >= be_get(x->elems[i].lo, len) && cv <= be_get(x->elems[i].hi, len);
	e = x->n_elems ? be_get(x->elems[0].lo, len) : 0;
	switch (x->op) {
	case TNA_NFT_OP_EQ: return in;
	case TNA_NFT_OP_NE: return !in;
	case TNA_NFT_OP_LT: return cv < e;
	case TNA_NFT_OP_GT: return cv > e;
	case TNA_NFT_OP_LE: return cv <= e;
	case TNA_NFT_OP_GE: return cv >= e;
	}
	return false;
}

/* The comparison itself, on field offset OFF of LEN bytes. */
static int compare(struct fc *c, const struct tna_nft_expr *x, int off)
{
	int len = x->load.len;
	uint8_t full[16], mask[16], lo[16] = {}, hi[16] = {}, pm[16];
	bool ne = x->op == TNA_NFT_OP_NE;
	u128 v, max = ones(len * 8);

	be_put(full, max, len);
	for (int i = 0; i < 16; i++)
		mask[i] = x->has_mask ? x->mask[i] & full[i] : full[i];
	if (x->set >= 0 || x->n_elems != 1) {
		uint32_t id;
		int r;

		if (x->op != TNA_NFT_OP_EQ && x->op != TNA_NFT_OP_NE)
			return -EINVAL;
		if (x->set >= 0 && c->set_id[x->set] >= 0) {
			id = c->set_id[x->set];
		} else {
			r = new_set(c, x->elems, x->n_elems, len, &id);
			if (r)
				return r;
			if (x->set >= 0)
				c->set_id[x->set] = id;
		}
		return term(c, ne ? TNA_FLT_NSET : TNA_FLT_SET, off, len, NULL, mask, NULL, id);
	}
	v = be_get(x->elems[0].lo, len);
	switch (x->op) {
	case TNA_NFT_OP_EQ:
	case TNA_NFT_OP_NE:
		if (is_prefix(&x->elems[0], len, pm)) {
			for (int i = 0; i < 16; i++)
				mask[i] &= pm[i];
			return term(c, ne ? TNA_FLT_NE : TNA_FLT_EQ, off, len, x->elems[0].lo,
				    mask, NULL, 0);
		}
		return term(c, ne ? TNA_FLT_NRANGE : TNA_FLT_RANGE, off, len, x->elems[0].lo,
			    mask, x->elems[0].hi, 0);
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
	return term(c, TNA_FLT_RANGE, off, len, lo, mask, hi, 0);
}

/* A later term on th bytes may rely on an earlier `l4proto == N`, one on
 * IP fields of a bridged frame on an earlier `ether type == 0x0800`. */
static void note_l4(struct fc *c, const struct tna_nft_expr *x, int off)
{
	bool one = x->op == TNA_NFT_OP_EQ && x->n_elems == 1 && x->set < 0 && !x->has_mask &&
		   !memcmp(x->elems[0].lo, x->elems[0].hi, 16);

	if (one && off == TNA_FLT_OFF_L4PROTO)
		c->rule_l4 = x->elems[0].lo[0];
	if (one && off == TNA_FLT_OFF_ETHER_TYPE && x->load.len == 2)
		c->rule_l3 = x->elems[0].lo[0] << 8 | x->elems[0].lo[1];
}

/* A readable name for a load the fast path does not evaluate. */
static void why_load(const struct fc *c, const struct tna_nft_load *l, char *why, size_t len)
{
	static const char *const ip[] = { "ip version", "ip dscp", "ip length", "ip length",
		"ip id", "ip id", "ip frag-off", "ip frag-off", "ip ttl", "ip protocol",
		"ip checksum", "ip checksum" };
	static const char *const ip6[] = { "ip6 version", "ip6 flowlabel", "ip6 flowlabel",
		"ip6 flowlabel", "ip6 length", "ip6 length", "ip6 nexthdr", "ip6 hoplimit" };

	if (l->kind == TNA_NFT_L_PAYLOAD && l->base == TNA_NFT_NH && c->fam == TNA_FLT_V4 &&
	    l->offset < 12)
		snprintf(why, len, "%s", ip[l->offset]);
	else if (l->kind == TNA_NFT_L_PAYLOAD && l->base == TNA_NFT_NH && c->fam == TNA_FLT_V6 &&
		 l->offset < 8)
		snprintf(why, len, "%s", ip6[l->offset]);
	else if (l->kind == TNA_NFT_L_PAYLOAD && l->base == TNA_NFT_TH)
		snprintf(why, len, "transport header bytes %d-%d without their protocol",
			 l->offset, l->offset + l->len - 1);
	else
		tna_nft_load_name(l, why, len);
}

int fc_match(struct fc *c, const struct tna_nft_expr *x, char *why, size_t whylen)
{
	uint8_t cval[16];
	int off = 0, r;

	r = locate(c, x, &off, cval);
	if (r == 1)
		return holds(x, cval) ? 0 : 1;
	if (r == 2)
		return 1;
	if (r < 0) {
		why_load(c, &x->load, why, whylen);
		return -EOPNOTSUPP;
	}
	r = compare(c, x, off);
	if (!r)
		note_l4(c, x, off);
	return r;
}
