/* Kept pipelines of a bridge (controller/spares.h). */

#include "controller/spares.h"

static bool same(const struct tna_spare_key *a, const struct tna_spare_key *b)
{
	return a->fpms == b->fpms && a->br_nf == b->br_nf && tna_rt_code_same(&a->rt, &b->rt);
}

struct tna_dp *tna_spares_take(struct tna_spares *sp, const struct tna_spare_key *key)
{
	for (int i = 0; i < TNA_CTL_SPARES; i++) {
		struct tna_dp *dp = sp->s[i].dp;

		if (dp && same(&sp->s[i].key, key)) {
			sp->s[i].dp = NULL;
			return dp;
		}
	}
	return NULL;
}

void tna_spares_put(struct tna_spares *sp, struct tna_dp *dp, const struct tna_spare_key *key)
{
	int slot = 0;

	if (!dp)
		return;
	for (int i = 0; i < TNA_CTL_SPARES; i++) {
		if (sp->s[i].dp && same(&sp->s[i].key, key)) {
			slot = i;	/* one per key */
			break;
		}
		if (!sp->s[i].dp || (sp->s[slot].dp && sp->s[i].used < sp->s[slot].used))
			slot = i;
	}
	tna_dp__destroy(sp->s[slot].dp);
	sp->s[slot].dp = dp;
	sp->s[slot].key = *key;
	sp->s[slot].used = ++sp->clock;
}

void tna_spares_clear(struct tna_spares *sp)
{
	for (int i = 0; i < TNA_CTL_SPARES; i++) {
		tna_dp__destroy(sp->s[i].dp);
		sp->s[i].dp = NULL;
	}
}
