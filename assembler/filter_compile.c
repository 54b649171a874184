/* The nftables compiler: see assembler/filter_compile.h.  This file lays
 * out the program (segments, base chains in priority order, regular
 * chains) and compiles rules and verdicts; filter_terms.c turns matches
 * into terms. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>
#include "assembler/filter_priv.h"

#define PRIO_CONNTRACK	(-200)
#define PRIO_NAT_DST	(-100)
#define PRIO_NAT_SRC	100

int fc_emit(struct fc *c, const struct tna_flt_insn *in)
{
	struct tna_flt_prog *p = c->p;

	if (p->n_insns >= TNA_FLT_MAX_INSNS)
		return -E2BIG;
	if (p->n_insns == c->cap_insns) {	/* grow: most programs are small */
		int cap = c->cap_insns ? 2 * c->cap_insns : 256;
		struct tna_flt_insn *n = realloc(p->insn, cap * sizeof(*n));
		int *w;

		if (!n)
			return -ENOMEM;
		p->insn = n;
		w = realloc(p->insn_rule, cap * sizeof(*w));
		if (!w)
			return -ENOMEM;
		p->insn_rule = w;
		c->cap_insns = cap;
	}
	p->insn[p->n_insns] = *in;
	p->insn_rule[p->n_insns] = c->cur_rule;
	return p->n_insns++;
}

void tna_flt_rule_where(const struct tna_flt_rule_id *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s %.60s %.60s, rule handle %llu", tna_nft_family_name(r->family),
		 r->table, r->chain, (unsigned long long)r->handle);
}

/* Remember the rule being compiled (no formatting: most never need it). */
static int rule_begin(struct fc *c, const struct tna_nft_chain *ch, const struct tna_nft_rule *ru)
{
	struct tna_flt_prog *p = c->p;
	struct tna_flt_rule_id *id;

	if (p->n_rules == c->cap_rules) {
		int cap = c->cap_rules ? 2 * c->cap_rules : 64;

		id = realloc(p->rules, cap * sizeof(*id));
		if (!id)
			return -ENOMEM;
		p->rules = id;
		c->cap_rules = cap;
	}
	id = &p->rules[p->n_rules];
	id->family = ch->family;
	memcpy(id->table, ch->table, sizeof(id->table));
	memcpy(id->chain, ch->name, sizeof(id->chain));
	id->handle = ru->handle;
	c->cur_rule = p->n_rules++;
	return 0;
}

int fc_note(struct fc *c, const char *reason, const char *where, bool whole_hook)
{
	struct tna_flt_prog *p = c->p;
	struct tna_flt_note *n;

	for (int i = 0; i < p->n_notes; i++)	/* an inet chain is compiled twice */
		if (!strncmp(p->notes[i].reason, reason, sizeof(p->notes[i].reason) - 1) &&
		    !strncmp(p->notes[i].where, where, sizeof(p->notes[i].where) - 1))
			return 0;
	if (p->n_notes == c->cap_notes) {
		int cap = c->cap_notes ? 2 * c->cap_notes : 8;

		n = realloc(p->notes, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		p->notes = n;
		c->cap_notes = cap;
	}
	n = &p->notes[p->n_notes++];
	snprintf(n->reason, sizeof(n->reason), "%s", reason);
	snprintf(n->where, sizeof(n->where), "%s", where);
	n->whole_hook = whole_hook;
	n->family = c->base_family;
	n->hook = c->base_hook;
	return 0;
}

/* Regular chains to emit, and the jumps that wait for their address. */
struct pending {
	const struct tna_nft_chain *ch;
	bool raw;
	int start;		/* -1 until emitted */
	int family, hook;	/* of the base chain that reached it first */
};
struct fixup { int insn; int pending; };
struct layout {
	struct pending *pend;
	int n_pend, cap_pend;
	struct fixup *fix;
	int n_fix, cap_fix;
};

static int want_chain(struct layout *l, const struct tna_nft_chain *ch, bool raw)
{
	for (int i = 0; i < l->n_pend; i++)
		if (l->pend[i].ch == ch && l->pend[i].raw == raw)
			return i;
	if (l->n_pend == l->cap_pend) {
		int cap = l->cap_pend ? 2 * l->cap_pend : 8;
		struct pending *n = realloc(l->pend, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		l->pend = n;
		l->cap_pend = cap;
	}
	l->pend[l->n_pend] = (struct pending){ ch, raw, -1, 0, 0 };
	return l->n_pend++;
}

static int add_fixup(struct layout *l, int insn, int pending)
{
	if (l->n_fix == l->cap_fix) {
		int cap = l->cap_fix ? 2 * l->cap_fix : 16;
		struct fixup *n = realloc(l->fix, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		l->fix = n;
		l->cap_fix = cap;
	}
	l->fix[l->n_fix++] = (struct fixup){ insn, pending };
	return 0;
}

static int punt(struct fc *c, const char *reason, const char *where, bool hook)
{
	struct tna_flt_insn in = { .op = TNA_FLT_PUNT,
				   .aux = hook ? TNA_REASON_NF_HOOK : TNA_REASON_NF_RULE };
	char buf[160];
	int r;

	if (!where) {
		tna_flt_rule_where(&c->p->rules[c->cur_rule], buf, sizeof(buf));
		where = buf;
	}
	r = fc_note(c, reason, where, hook);
	return r ? r : fc_emit(c, &in);
}

/* A bridged frame: the IPv4/IPv6 ethertype the rule requires anywhere
 * (nft puts it after `meta l4proto`), or -1.  A frame of another type
 * never matches such a rule, so its earlier IP terms may be read as if
 * the type were known: where they would break the rule in the kernel,
 * here they only lead to the ethertype compare that fails. */
static int rule_ethertype(const struct tna_nft_rule *ru)
{
	for (int e = 0; e < ru->n_exprs; e++) {
		const struct tna_nft_expr *x = &ru->exprs[e];
		bool ll = x->load.kind == TNA_NFT_L_PAYLOAD && x->load.base == TNA_NFT_LL &&
			  x->load.offset == 12;
		bool meta = x->load.kind == TNA_NFT_L_META && x->load.key == NFT_META_PROTOCOL;
		int t;

		if (x->kind == TNA_NFT_X_OTHER || x->kind == TNA_NFT_X_VERDICT)
			break;
		if (!(ll || meta) || x->load.len != 2 || x->op != TNA_NFT_OP_EQ || x->set >= 0 ||
		    x->n_elems != 1 || x->has_mask || memcmp(x->elems[0].lo, x->elems[0].hi, 16))
			continue;
		t = x->elems[0].lo[0] << 8 | x->elems[0].lo[1];
		if (t == 0x0800 || t == 0x86dd)
			return t;
	}
	return -1;
}

/* One rule: its terms, then its verdict; `next` of every term is the
 * first instruction after the rule. */
static int rule(struct fc *c, struct layout *l, const struct tna_nft_chain *ch,
		const struct tna_nft_rule *ru)
{
	int start = c->p->n_insns, r;
	char why[48];

	if ((r = rule_begin(c, ch, ru)))
		return r;
	c->rule_l4 = c->rule_l3 = -1;
	if (c->fam == TNA_FLT_BR)
		c->rule_l3 = rule_ethertype(ru);
	for (int e = 0; e < ru->n_exprs && r >= 0; e++) {
		const struct tna_nft_expr *x = &ru->exprs[e];
		struct tna_flt_insn in = {};

		switch (x->kind) {
		case TNA_NFT_X_MATCH:
			r = fc_match(c, x, why, sizeof(why));
			if (r == 1) {		/* never true here: the rule is dead */
				c->p->n_insns = start;
				return 0;
			}
			if (r == -EOPNOTSUPP)
				r = punt(c, why, NULL, false), e = ru->n_exprs;
			break;
		case TNA_NFT_X_VERDICT:
			switch (x->verdict) {
			case TNA_NFT_V_ACCEPT: in.op = TNA_FLT_ACCEPT; break;
			case TNA_NFT_V_DROP: in.op = TNA_FLT_DROP; break;
			case TNA_NFT_V_CONTINUE: in.op = TNA_FLT_CONTINUE; break;
			case TNA_NFT_V_RETURN: in.op = TNA_FLT_RETURN; break;
			case TNA_NFT_V_JUMP: in.op = TNA_FLT_JUMP; break;
			case TNA_NFT_V_GOTO: in.op = TNA_FLT_GOTO; break;
			default: return -EINVAL;
			}
			if (in.op == TNA_FLT_JUMP || in.op == TNA_FLT_GOTO) {
				const struct tna_nft_chain *t =
					tna_nft_chain_find(c->rs, ch->family, ch->table, x->target);
				int pi;

				if (!t || t->base)
					return -EINVAL;	/* nft refuses both */
				pi = want_chain(l, t, c->raw);
				if (pi >= 0 && l->pend[pi].start < 0 && !l->pend[pi].family) {
					l->pend[pi].family = c->base_family;
					l->pend[pi].hook = c->base_hook;
				}
				r = pi < 0 ? pi : fc_emit(c, &in);
				if (r >= 0)
					r = add_fixup(l, r, pi);
			} else {
				r = fc_emit(c, &in);
			}
			e = ru->n_exprs;	/* nothing runs after a verdict */
			break;
		case TNA_NFT_X_OTHER:
			r = punt(c, x->reason, NULL, false);
			e = ru->n_exprs;
			break;
		}
	}
	if (r < 0)
		return r;
	for (int i = start; i < c->p->n_insns; i++)
		c->p->insn[i].next = c->p->n_insns;
	return 0;
}

static int chain_body(struct fc *c, struct layout *l, const struct tna_nft_chain *ch)
{
	for (int i = 0; i < ch->n_rules; i++) {
		int r = rule(c, l, ch, &ch->rules[i]);

		if (r)
			return r;
	}
	return 0;
}

static bool in_family(int chain_family, int fam)
{
	if (fam == TNA_FLT_BR)
		return chain_family == TNA_NFT_BRIDGE;
	return chain_family == TNA_NFT_INET ||
	       chain_family == (fam == TNA_FLT_V4 ? TNA_NFT_IP : TNA_NFT_IP6);
}

static int seg_of(const struct tna_nft_chain *ch)
{
	if (ch->family == TNA_NFT_BRIDGE)	/* no conntrack, no NAT around them */
		return ch->hook == TNA_NFT_H_PREROUTING ? TNA_FLT_PRE :
		       ch->hook == TNA_NFT_H_FORWARD ? TNA_FLT_FWD : TNA_FLT_POST;
	if (ch->hook == TNA_NFT_H_PREROUTING)
		return ch->prio < PRIO_CONNTRACK ? TNA_FLT_PRE_RAW :
		       ch->prio < PRIO_NAT_DST ? TNA_FLT_PRE : TNA_FLT_PRE_NAT;
	if (ch->hook == TNA_NFT_H_FORWARD)
		return TNA_FLT_FWD;
	return ch->prio < PRIO_NAT_SRC ? TNA_FLT_POST : TNA_FLT_POST_NAT;
}

/* A filter chain at the priority of conntrack or NAT itself runs before
 * or after them in registration order, which we cannot see. */
static bool ambiguous(const struct fc *c, const struct tna_nft_chain *ch, bool nat)
{
	if (c->fam == TNA_FLT_BR)
		return false;
	if (ch->hook == TNA_NFT_H_PREROUTING)
		return (c->stateful && ch->prio == PRIO_CONNTRACK) || (nat && ch->prio == PRIO_NAT_DST);
	return ch->hook == TNA_NFT_H_POSTROUTING && nat && ch->prio == PRIO_NAT_SRC;
}

static int by_order(const void *a, const void *b)
{
	const struct tna_nft_chain *x = *(const struct tna_nft_chain *const *)a;
	const struct tna_nft_chain *y = *(const struct tna_nft_chain *const *)b;
	int s;

	if (x->hook != y->hook)
		return x->hook == TNA_NFT_H_PREROUTING ? -1 : y->hook == TNA_NFT_H_PREROUTING ? 1 :
		       x->hook == TNA_NFT_H_FORWARD ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if ((s = strcmp(x->table, y->table)))
		return s;
	return x->handle < y->handle ? -1 : x->handle > y->handle;
}

static bool path_hook(enum tna_nft_hook h)
{
	return h == TNA_NFT_H_PREROUTING || h == TNA_NFT_H_FORWARD || h == TNA_NFT_H_POSTROUTING;
}

/* One family's program: its base chains by segment, then the regular
 * chains they reach. */
static int family(struct fc *c, bool nat)
{
	const struct tna_nft_ruleset *rs = c->rs;
	const struct tna_nft_chain **base;
	struct layout l = {};
	bool punt_hook[TNA_FLT_SEGS] = {};
	char hook_why[2][200] = {};	/* prerouting, postrouting */
	int hook_fam[2] = {};
	int nb = 0, r = 0;

	base = calloc(rs->n_chains ? rs->n_chains : 1, sizeof(*base));
	if (!base)
		return -ENOMEM;
	for (int i = 0; i < rs->n_chains; i++) {
		const struct tna_nft_chain *ch = &rs->chains[i];

		if (ch->base && ch->type == TNA_NFT_T_FILTER && path_hook(ch->hook) &&
		    in_family(ch->family, c->fam))
			base[nb++] = ch;
	}
	qsort(base, nb, sizeof(*base), by_order);
	/* a hook with an ambiguous chain: all of its segments on Linux */
	for (int i = 0; i < nb; i++)
		if (ambiguous(c, base[i], nat)) {
			int h = base[i]->hook;

			for (int s = 0; s < TNA_FLT_SEGS; s++)
				if ((h == TNA_NFT_H_PREROUTING && s <= TNA_FLT_PRE_NAT) ||
				    (h == TNA_NFT_H_POSTROUTING && s >= TNA_FLT_POST))
					punt_hook[s] = true;
			hook_fam[h == TNA_NFT_H_PREROUTING ? 0 : 1] = base[i]->family;
			snprintf(hook_why[h == TNA_NFT_H_PREROUTING ? 0 : 1], sizeof(hook_why[0]),
				 "%s %s: %s %.40s %.40s (priority %d)",
				 c->fam == TNA_FLT_V4 ? "IPv4" : "IPv6",
				 h == TNA_NFT_H_PREROUTING ? "prerouting" : "postrouting",
				 tna_nft_family_name(base[i]->family), base[i]->table, base[i]->name,
				 base[i]->prio);
		}
	for (int s = 0; s < TNA_FLT_SEGS && !r; s++) {
		struct tna_flt_seg_ref *ref = &c->p->seg[c->fam][s];
		int prev_policy = -1;

		ref->start = ref->policy = TNA_FLT_END;
		if (punt_hook[s]) {
			c->cur_rule = -1;
			c->base_family = hook_fam[s <= TNA_FLT_PRE_NAT ? 0 : 1];
			c->base_hook = s <= TNA_FLT_PRE_NAT ? TNA_NFT_H_PREROUTING : TNA_NFT_H_POSTROUTING;
			r = punt(c, "a chain at the priority of conntrack or NAT",
				 hook_why[s <= TNA_FLT_PRE_NAT ? 0 : 1], true);
			if (r >= 0)
				ref->start = ref->policy = r, r = 0;
			continue;
		}
		for (int i = 0; i < nb && !r; i++) {
			struct tna_flt_insn pol = { .op = TNA_FLT_POLICY, .arg = TNA_FLT_END,
						    .aux = TNA_FLT_END };
			int start = c->p->n_insns, at;

			if (seg_of(base[i]) != s)
				continue;
			c->raw = s == TNA_FLT_PRE_RAW && c->stateful && c->fam != TNA_FLT_BR;
			c->base_family = base[i]->family;
			c->base_hook = base[i]->hook;
			if ((r = chain_body(c, &l, base[i])))
				break;
			pol.val[0] = base[i]->policy_drop;
			c->cur_rule = -1;
			at = fc_emit(c, &pol);
			if (at < 0) {
				r = at;
				break;
			}
			if (prev_policy < 0) {
				ref->start = start;
				ref->policy = at;
			} else {
				c->p->insn[prev_policy].arg = start;
				c->p->insn[prev_policy].aux = at;
			}
			prev_policy = at;
		}
	}
	/* regular chains, in the order first reached (more may be added) */
	for (int i = 0; i < l.n_pend && !r; i++) {
		struct tna_flt_insn ret = { .op = TNA_FLT_RETURN };
		int at;

		c->raw = l.pend[i].raw;
		c->base_family = l.pend[i].family;
		c->base_hook = l.pend[i].hook;
		l.pend[i].start = c->p->n_insns;
		if (!(r = chain_body(c, &l, l.pend[i].ch))) {
			c->cur_rule = -1;
			r = (at = fc_emit(c, &ret)) < 0 ? at : 0;	/* falling off the end */
		}
	}
	for (int i = 0; i < l.n_fix && !r; i++)
		c->p->insn[l.fix[i].insn].arg = l.pend[l.fix[i].pending].start;
	free(l.pend);
	free(l.fix);
	free(base);
	return r;
}

/* Conntrack runs for forwarded packets when anything in the ip/ip6/inet
 * tables needs it (ct matches and statements, NAT chains, xt matches that
 * may be conntrack's) or the caller knows it runs. */
static bool uses_conntrack(const struct tna_nft_ruleset *rs, bool *nat4, bool *nat6)
{
	bool ct = false;

	for (int i = 0; i < rs->n_chains; i++) {
		const struct tna_nft_chain *ch = &rs->chains[i];

		if (ch->family != TNA_NFT_IP && ch->family != TNA_NFT_IP6 && ch->family != TNA_NFT_INET)
			continue;
		if (ch->base && ch->type == TNA_NFT_T_NAT) {
			*nat4 |= ch->family != TNA_NFT_IP6;
			*nat6 |= ch->family != TNA_NFT_IP;
			ct = true;
		}
		for (int r = 0; r < ch->n_rules; r++)
			for (int e = 0; e < ch->rules[r].n_exprs; e++) {
				const struct tna_nft_expr *x = &ch->rules[r].exprs[e];

				ct |= (x->kind == TNA_NFT_X_OTHER && x->ct) ||
				      (x->kind == TNA_NFT_X_MATCH && x->load.kind == TNA_NFT_L_CT);
			}
	}
	return ct;
}

/* Bridge-family chains that routed packets through a bridge meet:
 * prerouting and input on the way in, output and postrouting on the way
 * out (br_dev_xmit).  Not compiled for the routed path: those packets go
 * to Linux. */
static uint32_t bridge_flags(const struct tna_nft_ruleset *rs)
{
	uint32_t f = 0;

	for (int i = 0; i < rs->n_chains; i++) {
		const struct tna_nft_chain *ch = &rs->chains[i];

		if (ch->family != TNA_NFT_BRIDGE || !ch->base || (!ch->n_rules && !ch->policy_drop))
			continue;
		if (ch->hook == TNA_NFT_H_PREROUTING || ch->hook == TNA_NFT_H_INPUT)
			f |= TNA_FLT_F_BR_LOCAL;
		if (ch->hook == TNA_NFT_H_OUTPUT || ch->hook == TNA_NFT_H_POSTROUTING)
			f |= TNA_FLT_F_BR_OUT;
	}
	return f;
}

static bool uses_names(const struct tna_flt_prog *p)
{
	for (int i = 0; i < p->n_insns; i++) {
		const struct tna_flt_insn *in = &p->insn[i];

		if (in->op >= TNA_FLT_EQ && in->op <= TNA_FLT_NSET &&
		    (in->off == TNA_FLT_OFF_IIFNAME || in->off == TNA_FLT_OFF_OIFNAME))
			return true;
	}
	return false;
}

int tna_flt_compile(const struct tna_nft_ruleset *rs, const struct tna_flt_opts *o,
		    struct tna_flt_prog *p)
{
	struct fc c = { .rs = rs, .p = p, .cur_rule = -1 };
	bool nat4 = false, nat6 = false;
	int r = 0;

	if (!rs || !o || !p)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	c.set_id = malloc((rs->n_sets ? rs->n_sets : 1) * sizeof(int));
	if (!c.set_id) {
		r = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < rs->n_sets; i++)
		c.set_id[i] = -1;
	for (int f = 0; f < TNA_FLT_FAMS; f++)
		for (int s = 0; s < TNA_FLT_SEGS; s++)
			p->seg[f][s].start = p->seg[f][s].policy = TNA_FLT_END;
	c.stateful = uses_conntrack(rs, &nat4, &nat6) || o->conntrack_active;
	p->flags = (c.stateful ? TNA_FLT_F_CT : 0) | (nat4 ? TNA_FLT_F_NAT4 : 0) |
		   (nat6 ? TNA_FLT_F_NAT6 : 0);
	if (o->v4) {
		c.fam = TNA_FLT_V4;
		r = family(&c, nat4);
	}
	if (!r && o->v6) {
		c.fam = TNA_FLT_V6;	/* an inet set keeps its id: same elements */
		r = family(&c, nat6);
	}
	if (!r && o->bridge) {
		c.fam = TNA_FLT_BR;
		r = family(&c, false);
	}
	if (!r)
		p->flags |= bridge_flags(rs);
	if (!r && uses_names(p))
		p->flags |= TNA_FLT_F_NAMES;
out:
	free(c.set_id);
	if (r)
		tna_flt_prog_free(p);
	return r;
}

void tna_flt_prog_free(struct tna_flt_prog *p)
{
	if (!p)
		return;
	free(p->insn);
	free(p->insn_rule);
	free(p->rules);
	free(p->lpm);
	free(p->notes);
	memset(p, 0, sizeof(*p));
}
