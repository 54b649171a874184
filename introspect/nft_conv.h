/* The state of converting one rule's register program into IR matches
 * (introspect/nft_expr.c), shared with the object parser
 * (introspect/nft_parse.c).  Private to introspect/. */
#ifndef TNA_INTROSPECT_NFT_CONV_H
#define TNA_INTROSPECT_NFT_CONV_H
#include <stdbool.h>
#include <stdint.h>
#include "introspect/nft_ir.h"

struct nftnl_expr;

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

/* Convert one expression of the rule C->out: 0 to go on, 1 when the rest
 * of the rule never runs in the fast path, or -errno. */
int tna_nft_expr_conv(struct conv *c, struct nftnl_expr *e);

#endif
