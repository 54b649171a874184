/* What the netfilter fast path would leave to Linux in the current
 * ruleset, for the service graph (tna-probe --graph): the compiler's notes
 * (assembler/filter_compile.h), by the family and hook of the base chain
 * they are reached from.  The graph shows the configuration; the
 * compiler is the one place that knows the subset, so it is asked. */
#include <stdio.h>
#include <string.h>
#include "introspect/model.h"
#include "introspect/nft_ir.h"
#include "assembler/filter_compile.h"

void tna_nft_fp_notes(struct tna_netfilter *nf)
{
	struct tna_flt_opts o = { .v4 = true, .v6 = true };
	struct tna_nft_ruleset rs;
	struct tna_flt_prog p;

	nf->n_fp_notes = 0;
	if (tna_nft_read(&rs))
		return;
	if (!tna_flt_compile(&rs, &o, &p)) {
		for (int i = 0; i < p.n_notes && nf->n_fp_notes < TNA_NF_MAX_FP_NOTES; i++) {
			struct tna_nf_fp_note *n = &nf->fp_notes[nf->n_fp_notes++];

			n->family = p.notes[i].family;
			n->hook = p.notes[i].hook;
			snprintf(n->text, sizeof(n->text), "%.50s: %.90s%s", p.notes[i].reason,
				 p.notes[i].where, p.notes[i].whole_hook ? " (whole hook)" : "");
		}
		tna_flt_prog_free(&p);
	}
	tna_nft_free(&rs);
}
