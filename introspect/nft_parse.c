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
#include "introspect/nft_conv.h"

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
			err = tna_nft_expr_conv(&c, e);
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
