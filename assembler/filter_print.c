/* A compiled filter program as text: one line per instruction with the
 * rule it came from, the segments, the sets and what stays on Linux. */
#include <stdio.h>
#include "assembler/filter_compile.h"

static const char *op_name(int op)
{
	static const char *const n[] = { "?", "eq", "ne", "range", "nrange", "set", "nset",
					 "accept", "drop", "punt", "jump", "goto", "return",
					 "continue", "policy" };

	return op > 0 && op <= TNA_FLT_POLICY ? n[op] : "?";
}

static void field_at(FILE *f, int off)
{
	static const struct { int off; const char *name; } m[] = {
		{ TNA_FLT_OFF_SADDR, "saddr" }, { TNA_FLT_OFF_DADDR, "daddr" },
		{ TNA_FLT_OFF_IIFNAME, "iifname" }, { TNA_FLT_OFF_OIFNAME, "oifname" },
		{ TNA_FLT_OFF_IIF, "iif" }, { TNA_FLT_OFF_OIF, "oif" },
		{ TNA_FLT_OFF_L4PROTO, "l4proto" }, { TNA_FLT_OFF_CT_DIR, "ct_dir" },
		{ TNA_FLT_OFF_CT_STATE, "ct_state" }, { TNA_FLT_OFF_CT_STATUS, "ct_status" },
		{ TNA_FLT_OFF_CT_MARK, "ct_mark" }, { TNA_FLT_OFF_CT_STATE_RAW, "ct_state(raw)" },
		{ TNA_FLT_OFF_ZERO, "mark" }, { TNA_FLT_OFF_TH, "th" },
		{ TNA_FLT_OFF_ETHER_DADDR, "ether" }, { TNA_FLT_OFF_ETHER_TYPE, "ether_type" },
	};
	const char *best = "?";
	int base = 0;

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (m[i].off <= off && m[i].off >= base)
			best = m[i].name, base = m[i].off;
	if (off == base)
		fprintf(f, "%s", best);
	else
		fprintf(f, "%s+%d", best, off - base);
}

static void hex(FILE *f, const uint8_t *b, int len)
{
	for (int i = 0; i < len; i++)
		fprintf(f, "%02x", b[i]);
}

void tna_flt_prog_print(const struct tna_flt_prog *p, FILE *f)
{
	static const char *const seg[] = { "pre_raw", "pre", "pre_nat", "fwd", "post", "post_nat" };

	fprintf(f, "filter program: %d instructions, %d rules, %d sets (%d prefixes), flags%s%s%s%s\n",
		p->n_insns, p->n_rules, p->n_sets, p->n_lpm,
		p->flags & TNA_FLT_F_CT ? " ct" : "", p->flags & TNA_FLT_F_NAT4 ? " nat4" : "",
		p->flags & TNA_FLT_F_NAT6 ? " nat6" : "", p->flags & TNA_FLT_F_NAMES ? " names" : "");
	for (int fam = 0; fam < TNA_FLT_FAMS; fam++)
		for (int s = 0; s < TNA_FLT_SEGS; s++)
			if (p->seg[fam][s].start != TNA_FLT_END)
				fprintf(f, "  %s %-8s starts at %u (policy %u)\n",
					fam == TNA_FLT_BR ? "br" : fam ? "v6" : "v4",
					seg[s], p->seg[fam][s].start, p->seg[fam][s].policy);
	for (int i = 0; i < p->n_insns; i++) {
		const struct tna_flt_insn *in = &p->insn[i];

		fprintf(f, "  %4d %-8s", i, op_name(in->op));
		if (in->op >= TNA_FLT_EQ && in->op <= TNA_FLT_NSET) {
			fputc(' ', f);
			field_at(f, in->off);
			fprintf(f, "/%u ", in->len);
			if (in->op == TNA_FLT_SET || in->op == TNA_FLT_NSET)
				fprintf(f, "set %u", in->set);
			else
				hex(f, in->val, in->len);
			if (in->op == TNA_FLT_RANGE || in->op == TNA_FLT_NRANGE)
				fputc('-', f), hex(f, in->hi, in->len);
			fputs(" mask ", f);
			hex(f, in->mask, in->len);
			fprintf(f, " else %u", in->next);
		} else if (in->op == TNA_FLT_JUMP || in->op == TNA_FLT_GOTO) {
			fprintf(f, " %u", in->arg);
		} else if (in->op == TNA_FLT_POLICY) {
			fprintf(f, " %s, next %u/%u", in->val[0] ? "drop" : "accept", in->arg, in->aux);
		} else if (in->op == TNA_FLT_PUNT) {
			fprintf(f, " %s", in->aux == TNA_REASON_NF_HOOK ? "nf_hook" : "nf_rule");
		}
		if (p->insn_rule[i] >= 0 && p->insn_rule[i] < p->n_rules) {
			char w[160];

			tna_flt_rule_where(&p->rules[p->insn_rule[i]], w, sizeof(w));
			fprintf(f, "   # %s", w);
		}
		fputc('\n', f);
	}
	for (int i = 0; i < p->n_notes; i++)
		fprintf(f, "  to Linux: %s: %s%s\n", p->notes[i].where, p->notes[i].reason,
			p->notes[i].whole_hook ? " (whole hook)" : "");
}
