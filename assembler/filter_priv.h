/* Inside the nftables compiler (assembler/filter_compile.c and
 * filter_terms.c): the compile context and what the two halves share. */
#ifndef TNA_ASSEMBLER_FILTER_PRIV_H
#define TNA_ASSEMBLER_FILTER_PRIV_H
#include "assembler/filter_compile.h"

struct fc {
	const struct tna_nft_ruleset *rs;
	struct tna_flt_prog *p;
	int cap_insns, cap_lpm, cap_notes;
	int *set_id;		/* rs->sets index -> id in this program, -1 none yet */
	int fam;		/* TNA_FLT_V4 / V6 / BR being compiled */
	bool raw;		/* a chain before conntrack (prerouting < -200) */
	bool stateful;
	int rule_l4;		/* l4proto an earlier term of this rule fixed, -1 */
	int rule_l3;		/* bridge: ethertype an earlier term fixed, -1 */
	int cur_rule;		/* index into p->rules of the rule being compiled, -1 */
	int base_family, base_hook;	/* the base chain the code is reached from */
	int cap_rules;
};

/* Append one instruction (of rule c->cur_rule); its index, or -E2BIG. */
int fc_emit(struct fc *c, const struct tna_flt_insn *in);
int fc_note(struct fc *c, const char *reason, const char *where, bool whole_hook);

/* The terms of one match expression, appended.  1: the match can never
 * be true here (the rule is dead from this point); 0: terms emitted
 * (maybe none); -EOPNOTSUPP with *why set: evaluate it on Linux. */
int fc_match(struct fc *c, const struct tna_nft_expr *x, char *why, size_t whylen);

#endif
