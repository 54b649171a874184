/* The JSON of `nft -j -n list ruleset` into the IR of introspect/nft_ir.h.
 * Matches are normalised here (field, mask, operator, big-endian
 * intervals) and their implicit dependencies made explicit; what the fast
 * path does not evaluate becomes TNA_NFT_X_OTHER with the reason name. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <json-c/json.h>
#include "introspect/nft_ir.h"

static const struct { enum tna_nft_field f; const char *name; int len; } fields[] = {
	{ TNA_NFT_F_NONE, "none", 0 },
	{ TNA_NFT_F_IIF, "meta iif", 4 }, { TNA_NFT_F_OIF, "meta oif", 4 },
	{ TNA_NFT_F_IIFNAME, "meta iifname", 16 }, { TNA_NFT_F_OIFNAME, "meta oifname", 16 },
	{ TNA_NFT_F_NFPROTO, "meta nfproto", 1 }, { TNA_NFT_F_L4PROTO, "meta l4proto", 1 },
	{ TNA_NFT_F_META_MARK, "meta mark", 4 },
	{ TNA_NFT_F_IP_SADDR, "ip saddr", 4 }, { TNA_NFT_F_IP_DADDR, "ip daddr", 4 },
	{ TNA_NFT_F_IP6_SADDR, "ip6 saddr", 16 }, { TNA_NFT_F_IP6_DADDR, "ip6 daddr", 16 },
	{ TNA_NFT_F_SPORT, "th sport", 2 }, { TNA_NFT_F_DPORT, "th dport", 2 },
	{ TNA_NFT_F_TCP_FLAGS, "tcp flags", 1 },
	{ TNA_NFT_F_ICMP_TYPE, "icmp type", 1 }, { TNA_NFT_F_ICMP_CODE, "icmp code", 1 },
	{ TNA_NFT_F_CT_STATE, "ct state", 4 }, { TNA_NFT_F_CT_STATUS, "ct status", 4 },
	{ TNA_NFT_F_CT_MARK, "ct mark", 4 }, { TNA_NFT_F_CT_DIRECTION, "ct direction", 1 },
};

int tna_nft_field_len(enum tna_nft_field f)
{
	return f > 0 && f < TNA_NFT_F_MAX ? fields[f].len : 0;
}

const char *tna_nft_field_name(enum tna_nft_field f)
{
	return f >= 0 && f < TNA_NFT_F_MAX ? fields[f].name : "?";
}

static void other(struct tna_nft_expr *x, const char *fmt, ...)
{
	va_list ap;

	x->kind = TNA_NFT_X_OTHER;
	va_start(ap, fmt);
	vsnprintf(x->reason, sizeof(x->reason), fmt, ap);
	va_end(ap);
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}

static void put_be(uint8_t out[16], int len, uint64_t v)
{
	memset(out, 0, 16);
	for (int i = len - 1; i >= 0; i--, v >>= 8)
		out[i] = v & 0xff;
}

static bool addr_field(enum tna_nft_field f)
{
	return f == TNA_NFT_F_IP_SADDR || f == TNA_NFT_F_IP_DADDR ||
	       f == TNA_NFT_F_IP6_SADDR || f == TNA_NFT_F_IP6_DADDR;
}

/* One scalar of field F (number or string) into big-endian bytes.
 * 1: a name with a trailing '*' (prefix of *plen bytes). */
static int scalar(enum tna_nft_field f, json_object *v, uint8_t out[16], int *plen)
{
	int len = tna_nft_field_len(f);
	const char *s;

	*plen = len;
	if (json_object_is_type(v, json_type_int)) {
		int64_t n = json_object_get_int64(v);

		if (n < 0 || (len < 8 && (uint64_t)n >> (8 * len)))
			return -ERANGE;
		if (addr_field(f) || f == TNA_NFT_F_IIFNAME || f == TNA_NFT_F_OIFNAME)
			return -EINVAL;
		put_be(out, len, n);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return -EINVAL;
	s = json_object_get_string(v);
	memset(out, 0, 16);
	if (f == TNA_NFT_F_IP_SADDR || f == TNA_NFT_F_IP_DADDR)
		return inet_pton(AF_INET, s, out) == 1 ? 0 : -EINVAL;
	if (f == TNA_NFT_F_IP6_SADDR || f == TNA_NFT_F_IP6_DADDR)
		return inet_pton(AF_INET6, s, out) == 1 ? 0 : -EINVAL;
	if (f == TNA_NFT_F_IIFNAME || f == TNA_NFT_F_OIFNAME) {
		size_t n = strlen(s);

		if (n && s[n - 1] == '*' && (n < 2 || s[n - 2] != '\\')) {
			if (n - 1 > 15)
				return -EINVAL;
			memcpy(out, s, n - 1);
			*plen = n - 1;
			return 1;
		}
		if (n > 15 || strchr(s, '\\'))
			return -EINVAL;
		memcpy(out, s, n);
		return 0;
	}
	if (f == TNA_NFT_F_IIF || f == TNA_NFT_F_OIF) {
		unsigned int ifx = if_nametoindex(s);

		if (!ifx)
			return -ENODEV;
		put_be(out, 4, ifx);
		return 0;
	}
	return -EINVAL;		/* a symbol: we read numeric output only */
}

/* Bytes of F's length: v | ~mask over the last BITS bits. */
static void fill_hi(uint8_t hi[16], const uint8_t lo[16], int len, int plen_bits)
{
	memcpy(hi, lo, 16);
	for (int b = plen_bits; b < len * 8; b++)
		hi[b / 8] |= 0x80 >> (b % 8);
}

static void clear_host(uint8_t lo[16], int len, int plen_bits)
{
	for (int b = plen_bits; b < len * 8; b++)
		lo[b / 8] &= ~(0x80 >> (b % 8));
}

/* One element (value, prefix, range, or {"elem": {"val": ...}}). */
static int element(enum tna_nft_field f, json_object *v, struct tna_nft_elem *e)
{
	int len = tna_nft_field_len(f), plen, r;
	json_object *p, *a, *l;

	if (json_object_is_type(v, json_type_object) && json_object_object_get_ex(v, "elem", &p)) {
		json_object *val;

		/* per-element timeouts and counters change without events */
		if (json_object_object_get_ex(p, "timeout", &a) ||
		    json_object_object_get_ex(p, "expires", &a) ||
		    json_object_object_get_ex(p, "counter", &a))
			return -EOPNOTSUPP;
		if (!json_object_object_get_ex(p, "val", &val))
			return -EINVAL;
		return element(f, val, e);
	}
	if (json_object_is_type(v, json_type_object) && json_object_object_get_ex(v, "prefix", &p)) {
		if (!json_object_object_get_ex(p, "addr", &a) || !json_object_object_get_ex(p, "len", &l) ||
		    (r = scalar(f, a, e->lo, &plen)) != 0)
			return -EINVAL;
		plen = json_object_get_int(l);
		if (plen < 0 || plen > len * 8)
			return -EINVAL;
		clear_host(e->lo, len, plen);
		fill_hi(e->hi, e->lo, len, plen);
		return 0;
	}
	if (json_object_is_type(v, json_type_object) && json_object_object_get_ex(v, "range", &p)) {
		if (!json_object_is_type(p, json_type_array) || json_object_array_length(p) != 2 ||
		    scalar(f, json_object_array_get_idx(p, 0), e->lo, &plen) ||
		    scalar(f, json_object_array_get_idx(p, 1), e->hi, &plen) ||
		    memcmp(e->lo, e->hi, 16) > 0)
			return -EINVAL;
		return 0;
	}
	r = scalar(f, v, e->lo, &plen);
	if (r < 0)
		return r;
	fill_hi(e->hi, e->lo, len, plen * 8);	/* plen < len: a name prefix */
	return 0;
}

static int elements(enum tna_nft_field f, json_object *arr, struct tna_nft_elem **out, int *n)
{
	size_t cnt = json_object_array_length(arr);

	*n = 0;
	*out = calloc(cnt ? cnt : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		int r = element(f, json_object_array_get_idx(arr, i), &(*out)[i]);

		if (r)
			return r;
		(*n)++;
	}
	return 0;
}

static bool inetlike(int family)
{
	return family != TNA_NFT_IP && family != TNA_NFT_IP6;
}

/* The name of an expression object: {"fib": {...}} -> "fib". */
static const char *first_key(json_object *o)
{
	struct json_object_iterator it = json_object_iter_begin(o), end = json_object_iter_end(o);

	return json_object_iter_equal(&it, &end) ? "expression" : json_object_iter_peek_name(&it);
}

/* The left side: which field, with which implied dependencies. */
static int left_side(json_object *l, int family, struct tna_nft_expr *x)
{
	json_object *p;
	const char *proto, *fld, *key;

	x->l4proto = -1;
	if (json_object_object_get_ex(l, "&", &p)) {
		json_object *m;
		int len, plen;

		if (!json_object_is_type(p, json_type_array) || json_object_array_length(p) != 2)
			return other(x, "bitwise"), 0;
		if (left_side(json_object_array_get_idx(p, 0), family, x) || x->kind == TNA_NFT_X_OTHER)
			return 0;
		len = tna_nft_field_len(x->field);
		m = json_object_array_get_idx(p, 1);
		memset(x->mask, 0, 16);
		if (json_object_is_type(m, json_type_array)) {
			for (size_t i = 0; i < json_object_array_length(m); i++) {
				uint8_t b[16];

				if (scalar(x->field, json_object_array_get_idx(m, i), b, &plen))
					return other(x, "%s mask", tna_nft_field_name(x->field)), 0;
				for (int k = 0; k < len; k++)
					x->mask[k] |= b[k];
			}
		} else if (scalar(x->field, m, x->mask, &plen)) {
			return other(x, "%s mask", tna_nft_field_name(x->field)), 0;
		}
		x->has_mask = true;
		return 0;
	}
	if (json_object_object_get_ex(l, "meta", &p)) {
		static const struct { const char *k; enum tna_nft_field f; } m[] = {
			{ "iif", TNA_NFT_F_IIF }, { "oif", TNA_NFT_F_OIF },
			{ "iifname", TNA_NFT_F_IIFNAME }, { "oifname", TNA_NFT_F_OIFNAME },
			{ "nfproto", TNA_NFT_F_NFPROTO }, { "l4proto", TNA_NFT_F_L4PROTO },
			{ "mark", TNA_NFT_F_META_MARK },
		};
		key = str_of(p, "key");
		for (size_t i = 0; key && i < sizeof(m) / sizeof(m[0]); i++)
			if (!strcmp(key, m[i].k))
				return x->field = m[i].f, 0;
		return other(x, "meta %s", key ? key : "?"), 0;
	}
	if (json_object_object_get_ex(l, "ct", &p)) {
		static const struct { const char *k; enum tna_nft_field f; } m[] = {
			{ "state", TNA_NFT_F_CT_STATE }, { "status", TNA_NFT_F_CT_STATUS },
			{ "mark", TNA_NFT_F_CT_MARK }, { "direction", TNA_NFT_F_CT_DIRECTION },
		};
		key = str_of(p, "key");
		if (key && !str_of(p, "dir") && !str_of(p, "family"))
			for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
				if (!strcmp(key, m[i].k))
					return x->field = m[i].f, 0;
		return other(x, "ct %s", key ? key : "?"), 0;
	}
	if (!json_object_object_get_ex(l, "payload", &p))
		return other(x, "%s", first_key(l)), 0;
	proto = str_of(p, "protocol");
	fld = str_of(p, "field");
	if (!proto || !fld)
		return other(x, "raw payload"), 0;
	if (!strcmp(proto, "ip") || !strcmp(proto, "ip6")) {
		bool six = proto[2] == '6';

		if (inetlike(family))
			x->nfproto = six ? TNA_NFT_IP6 : TNA_NFT_IP;
		if (!strcmp(fld, "saddr"))
			x->field = six ? TNA_NFT_F_IP6_SADDR : TNA_NFT_F_IP_SADDR;
		else if (!strcmp(fld, "daddr"))
			x->field = six ? TNA_NFT_F_IP6_DADDR : TNA_NFT_F_IP_DADDR;
		else if (!strcmp(fld, six ? "nexthdr" : "protocol"))
			x->field = TNA_NFT_F_L4PROTO;	/* the planner keeps extension headers on Linux */
		else
			other(x, "%s %s", proto, fld);
		return 0;
	}
	if (!strcmp(proto, "icmp") || !strcmp(proto, "icmpv6")) {
		bool six = proto[4] == 'v';

		if (inetlike(family))
			x->nfproto = six ? TNA_NFT_IP6 : TNA_NFT_IP;
		x->l4proto = six ? 58 : 1;
		if (!strcmp(fld, "type"))
			x->field = TNA_NFT_F_ICMP_TYPE;
		else if (!strcmp(fld, "code"))
			x->field = TNA_NFT_F_ICMP_CODE;
		else
			other(x, "%s %s", proto, fld);
		return 0;
	}
	{
		static const struct { const char *p; int l4; } l4[] = {
			{ "tcp", 6 }, { "udp", 17 }, { "udplite", 136 }, { "sctp", 132 },
			{ "dccp", 33 }, { "th", -1 },
		};
		for (size_t i = 0; i < sizeof(l4) / sizeof(l4[0]); i++) {
			if (strcmp(proto, l4[i].p))
				continue;
			x->l4proto = l4[i].l4;
			if (!strcmp(fld, "sport"))
				x->field = TNA_NFT_F_SPORT;
			else if (!strcmp(fld, "dport"))
				x->field = TNA_NFT_F_DPORT;
			else if (!strcmp(proto, "tcp") && !strcmp(fld, "flags"))
				x->field = TNA_NFT_F_TCP_FLAGS;
			else
				other(x, "%s %s", proto, fld);
			return 0;
		}
	}
	return other(x, "%s %s", proto, fld), 0;
}

struct pctx {
	struct tna_nft_ruleset *rs;
	int family;
	const char *table;
};

static int match(struct pctx *c, json_object *m, struct tna_nft_expr *x)
{
	static const struct { const char *s; enum tna_nft_op op; } ops[] = {
		{ "==", TNA_NFT_OP_EQ }, { "!=", TNA_NFT_OP_NE }, { "<", TNA_NFT_OP_LT },
		{ ">", TNA_NFT_OP_GT }, { "<=", TNA_NFT_OP_LE }, { ">=", TNA_NFT_OP_GE },
		{ "in", TNA_NFT_OP_ANY },
	};
	json_object *l, *r, *s;
	const char *op = str_of(m, "op");
	int found = 0, len, r2;

	x->kind = TNA_NFT_X_MATCH;
	x->set = -1;
	if (!op || !json_object_object_get_ex(m, "left", &l) ||
	    !json_object_object_get_ex(m, "right", &r))
		return other(x, "match"), 0;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(op, ops[i].s)) {
			x->op = ops[i].op;
			found = 1;
		}
	if (!found)
		return other(x, "operator %s", op), 0;
	if (!json_object_is_type(l, json_type_object))
		return other(x, "match"), 0;
	if (json_object_object_get_ex(l, "concat", &s))
		return other(x, "concatenation"), 0;
	r2 = left_side(l, c->family, x);
	if (r2 || x->kind == TNA_NFT_X_OTHER)
		return r2;
	len = tna_nft_field_len(x->field);
	if (json_object_is_type(r, json_type_string) && json_object_get_string(r)[0] == '@') {
		if (x->op != TNA_NFT_OP_EQ && x->op != TNA_NFT_OP_NE)
			return other(x, "set with %s", op), 0;
		x->set = tna_nft_set_find(c->rs, c->family, c->table, json_object_get_string(r) + 1);
		if (x->set < 0)
			return other(x, "unknown set"), 0;
		return 0;
	}
	if (json_object_is_type(r, json_type_object) && json_object_object_get_ex(r, "set", &s)) {
		if (x->op != TNA_NFT_OP_EQ && x->op != TNA_NFT_OP_NE)
			return other(x, "set with %s", op), 0;
		if (!json_object_is_type(s, json_type_array))
			return other(x, "set"), 0;
		r2 = elements(x->field, s, &x->elems, &x->n_elems);
		if (r2 == -ENOMEM)
			return r2;
		if (r2)
			return other(x, "%s set element", tna_nft_field_name(x->field)), 0;
		return 0;
	}
	x->elems = calloc(1, sizeof(*x->elems));
	if (!x->elems)
		return -ENOMEM;
	x->n_elems = 1;
	if (json_object_is_type(r, json_type_array)) {	/* flags, OR-ed */
		for (size_t i = 0; i < json_object_array_length(r); i++) {
			uint8_t b[16];
			int plen;

			if (scalar(x->field, json_object_array_get_idx(r, i), b, &plen))
				return other(x, "%s value", tna_nft_field_name(x->field)), 0;
			for (int k = 0; k < len; k++)
				x->elems[0].lo[k] |= b[k];
		}
		memcpy(x->elems[0].hi, x->elems[0].lo, 16);
	} else if (element(x->field, r, &x->elems[0])) {
		return other(x, "%s value", tna_nft_field_name(x->field)), 0;
	}
	if (x->op != TNA_NFT_OP_EQ && x->op != TNA_NFT_OP_NE &&
	    memcmp(x->elems[0].lo, x->elems[0].hi, 16))
		return other(x, "%s with an interval", op), 0;
	return 0;
}

static int expr(struct pctx *c, json_object *e, struct tna_nft_expr *x)
{
	static const struct { const char *k; enum tna_nft_verdict v; } verdicts[] = {
		{ "accept", TNA_NFT_V_ACCEPT }, { "drop", TNA_NFT_V_DROP },
		{ "continue", TNA_NFT_V_CONTINUE }, { "return", TNA_NFT_V_RETURN },
		{ "jump", TNA_NFT_V_JUMP }, { "goto", TNA_NFT_V_GOTO },
	};
	static const char *const nat[] = { "masquerade", "snat", "dnat", "redirect" };
	struct json_object_iterator it;
	const char *k;
	json_object *v;

	memset(x, 0, sizeof(*x));
	x->set = -1;
	x->l4proto = -1;
	if (!json_object_is_type(e, json_type_object) || json_object_object_length(e) != 1)
		return other(x, "expression"), 0;
	it = json_object_iter_begin(e);
	k = json_object_iter_peek_name(&it);
	v = json_object_iter_peek_value(&it);
	if (!strcmp(k, "match"))
		return match(c, v, x);
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		const char *t;

		if (strcmp(k, verdicts[i].k))
			continue;
		x->kind = TNA_NFT_X_VERDICT;
		x->verdict = verdicts[i].v;
		if (x->verdict == TNA_NFT_V_JUMP || x->verdict == TNA_NFT_V_GOTO) {
			t = json_object_is_type(v, json_type_object) ? str_of(v, "target") : NULL;
			if (!t)
				return other(x, "%s to a verdict map", k), 0;
			snprintf(x->target, sizeof(x->target), "%s", t);
		}
		return 0;
	}
	for (size_t i = 0; i < sizeof(nat) / sizeof(nat[0]); i++)
		if (!strcmp(k, nat[i])) {
			x->kind = TNA_NFT_X_NAT;
			snprintf(x->reason, sizeof(x->reason), "%s", k);
			return 0;
		}
	if (!strcmp(k, "mangle")) {
		json_object *key, *w;
		const char *what = "?";

		if (json_object_object_get_ex(v, "key", &key)) {
			if (json_object_object_get_ex(key, "meta", &w))
				what = str_of(w, "key");
			else if (json_object_object_get_ex(key, "ct", &w))
				what = str_of(w, "key");
			else if (json_object_object_get_ex(key, "payload", &w))
				what = str_of(w, "field");
			return other(x, "%s %s set", json_object_object_get_ex(key, "ct", &w) ? "ct" :
				     json_object_object_get_ex(key, "meta", &w) ? "meta" : "payload",
				     what ? what : "?"), 0;
		}
		return other(x, "mangle"), 0;
	}
	return other(x, "%s", k), 0;
}

static int chain_obj(struct pctx *c, json_object *o)
{
	static const char *const hooks[] = { "prerouting", "input", "forward", "output",
					     "postrouting", "ingress", "egress" };
	struct tna_nft_ruleset *rs = c->rs;
	struct tna_nft_chain *ch, *n;
	const char *s;
	json_object *v;

	n = realloc(rs->chains, (rs->n_chains + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	rs->chains = n;
	ch = &rs->chains[rs->n_chains++];
	memset(ch, 0, sizeof(*ch));
	ch->family = c->family;
	ch->hook = TNA_NFT_H_NONE;
	snprintf(ch->table, sizeof(ch->table), "%s", c->table);
	snprintf(ch->name, sizeof(ch->name), "%s", (s = str_of(o, "name")) ? s : "");
	if (json_object_object_get_ex(o, "handle", &v))
		ch->handle = json_object_get_int64(v);
	if ((s = str_of(o, "hook"))) {
		ch->base = true;
		for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
			if (!strcmp(s, hooks[i]))
				ch->hook = i;
		if (json_object_object_get_ex(o, "prio", &v))
			ch->prio = json_object_get_int(v);
		s = str_of(o, "type");
		ch->type = s && !strcmp(s, "nat") ? TNA_NFT_T_NAT :
			   s && !strcmp(s, "route") ? TNA_NFT_T_ROUTE : TNA_NFT_T_FILTER;
		s = str_of(o, "policy");
		ch->policy_drop = s && !strcmp(s, "drop");
	}
	return 0;
}

static void set_type(struct tna_nft_set *st, json_object *type)
{
	static const struct { const char *t; enum tna_nft_field f; } m[] = {
		{ "ipv4_addr", TNA_NFT_F_IP_SADDR }, { "ipv6_addr", TNA_NFT_F_IP6_SADDR },
		{ "inet_service", TNA_NFT_F_DPORT }, { "inet_proto", TNA_NFT_F_L4PROTO },
		{ "ifname", TNA_NFT_F_IIFNAME }, { "iface_index", TNA_NFT_F_IIF },
		{ "mark", TNA_NFT_F_META_MARK }, { "ct_state", TNA_NFT_F_CT_STATE },
		{ "icmp_type", TNA_NFT_F_ICMP_TYPE }, { "icmpv6_type", TNA_NFT_F_ICMP_TYPE },
		{ "icmp_code", TNA_NFT_F_ICMP_CODE }, { "tcp_flag", TNA_NFT_F_TCP_FLAGS },
		{ "nf_proto", TNA_NFT_F_NFPROTO },
	};
	const char *t = json_object_is_type(type, json_type_string) ? json_object_get_string(type) : NULL;

	snprintf(st->type, sizeof(st->type), "%s", t ? t : "concatenation");
	for (size_t i = 0; t && i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(t, m[i].t))
			st->key = m[i].f;
	st->key_len = tna_nft_field_len(st->key);
	if (!st->key)
		snprintf(st->unsupported, sizeof(st->unsupported), "set of %s", st->type);
}

static int set_obj(struct pctx *c, json_object *o, bool is_map)
{
	struct tna_nft_ruleset *rs = c->rs;
	struct tna_nft_set *st, *n;
	json_object *v;
	const char *s;
	int r;

	n = realloc(rs->sets, (rs->n_sets + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	rs->sets = n;
	st = &rs->sets[rs->n_sets++];
	memset(st, 0, sizeof(*st));
	st->family = c->family;
	st->is_map = is_map;
	snprintf(st->table, sizeof(st->table), "%s", c->table);
	snprintf(st->name, sizeof(st->name), "%s", (s = str_of(o, "name")) ? s : "");
	json_object_object_get_ex(o, "type", &v);
	set_type(st, v);
	if (is_map)
		snprintf(st->unsupported, sizeof(st->unsupported), "map");
	/* contents that change without a ruleset event */
	if (json_object_object_get_ex(o, "flags", &v) && json_object_is_type(v, json_type_array))
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			s = json_object_get_string(json_object_array_get_idx(v, i));
			if (s && (!strcmp(s, "timeout") || !strcmp(s, "dynamic")))
				snprintf(st->unsupported, sizeof(st->unsupported), "set with %s", s);
		}
	if (json_object_object_get_ex(o, "timeout", &v) || json_object_object_get_ex(o, "stmt", &v))
		snprintf(st->unsupported, sizeof(st->unsupported), "set with timeouts or statements");
	if (st->unsupported[0] || !json_object_object_get_ex(o, "elem", &v))
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return snprintf(st->unsupported, sizeof(st->unsupported), "set elements"), 0;
	r = elements(st->key, v, &st->elems, &st->n_elems);
	if (r == -ENOMEM)
		return r;
	if (r)
		snprintf(st->unsupported, sizeof(st->unsupported), "set element");
	return 0;
}

static int rule_obj(struct pctx *c, json_object *o)
{
	struct tna_nft_chain *ch = NULL;
	struct tna_nft_rule *r, *n;
	const char *name = str_of(o, "chain");
	json_object *v, *ex;
	size_t cnt;

	for (int i = 0; name && i < c->rs->n_chains; i++)
		if (c->rs->chains[i].family == c->family && !strcmp(c->rs->chains[i].table, c->table) &&
		    !strcmp(c->rs->chains[i].name, name))
			ch = &c->rs->chains[i];
	if (!ch || !json_object_object_get_ex(o, "expr", &ex) || !json_object_is_type(ex, json_type_array))
		return -EINVAL;
	n = realloc(ch->rules, (ch->n_rules + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	ch->rules = n;
	r = &ch->rules[ch->n_rules++];
	memset(r, 0, sizeof(*r));
	if (json_object_object_get_ex(o, "handle", &v))
		r->handle = json_object_get_int64(v);
	cnt = json_object_array_length(ex);
	r->exprs = calloc(cnt ? cnt : 1, sizeof(*r->exprs));
	if (!r->exprs)
		return -ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		int e = expr(c, json_object_array_get_idx(ex, i), &r->exprs[i]);

		r->n_exprs++;
		if (e)
			return e;
	}
	return 0;
}

static int family_of(const char *s)
{
	static const struct { const char *n; int f; } m[] = {
		{ "ip", TNA_NFT_IP }, { "ip6", TNA_NFT_IP6 }, { "inet", TNA_NFT_INET },
		{ "arp", TNA_NFT_ARP }, { "bridge", TNA_NFT_BRIDGE }, { "netdev", TNA_NFT_NETDEV },
	};
	for (size_t i = 0; s && i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(s, m[i].n))
			return m[i].f;
	return -1;
}

/* pass 0: chains and sets; pass 1: rules (they name both) */
static int objects(struct tna_nft_ruleset *rs, json_object *arr, int pass)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *item = json_object_array_get_idx(arr, i), *o;
		struct pctx c = { .rs = rs };
		int r = 0;

		if (!json_object_is_type(item, json_type_object))
			return -EINVAL;
		if (pass == 0 && json_object_object_get_ex(item, "chain", &o)) {
			c.family = family_of(str_of(o, "family"));
			c.table = str_of(o, "table");
			r = c.family < 0 || !c.table ? -EINVAL : chain_obj(&c, o);
		} else if (pass == 0 && (json_object_object_get_ex(item, "set", &o) ||
					 json_object_object_get_ex(item, "map", &o))) {
			c.family = family_of(str_of(o, "family"));
			c.table = str_of(o, "table");
			r = c.family < 0 || !c.table ? -EINVAL :
			    set_obj(&c, o, json_object_object_get_ex(item, "map", NULL));
		} else if (pass == 1 && json_object_object_get_ex(item, "rule", &o)) {
			c.family = family_of(str_of(o, "family"));
			c.table = str_of(o, "table");
			r = c.family < 0 || !c.table ? -EINVAL : rule_obj(&c, o);
		}
		if (r)
			return r;
	}
	return 0;
}

int tna_nft_parse(const char *json, struct tna_nft_ruleset *rs)
{
	json_object *root, *arr;
	int r = -EINVAL;

	if (!json || !rs)
		return -EINVAL;
	memset(rs, 0, sizeof(*rs));
	root = json_tokener_parse(json);
	if (root && json_object_object_get_ex(root, "nftables", &arr) &&
	    json_object_is_type(arr, json_type_array)) {
		r = objects(rs, arr, 0);
		if (!r)
			r = objects(rs, arr, 1);
	}
	json_object_put(root);
	if (r)
		tna_nft_free(rs);
	return r;
}
