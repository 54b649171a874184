/* Links as last seen by the controller, to tell our own XDP attach and
 * detach (nothing to replan) from a real change.  The model re-reads XDP
 * state and reports it as a link change; the ids of our root programs
 * (current and recent: a detach reports the id we just released) are
 * ours. */
#include <stdlib.h>
#include <string.h>

#include "controller/ctl_priv.h"

const struct tna_link *tna_ctl_link_seen(const struct tna_ctl *c, int ifindex)
{
	if (ifindex <= 0 || ifindex >= c->n_seen || !c->seen[ifindex].ifindex)
		return NULL;
	return &c->seen[ifindex];
}

void tna_ctl_link_seen_set(struct tna_ctl *c, enum tna_op op, const struct tna_link *l)
{
	if (l->ifindex <= 0 || l->ifindex >= TNA_MAX_IFINDEX)
		return;
	if (l->ifindex >= c->n_seen) {
		int n = c->n_seen ? c->n_seen : 64;
		struct tna_link *a;

		while (n <= l->ifindex)
			n *= 2;
		a = realloc(c->seen, n * sizeof(*a));
		if (!a)
			return;
		memset(a + c->n_seen, 0, (n - c->n_seen) * sizeof(*a));
		c->seen = a;
		c->n_seen = n;
	}
	if (op == TNA_OP_DEL)
		memset(&c->seen[l->ifindex], 0, sizeof(*l));
	else
		memcpy(&c->seen[l->ifindex], l, sizeof(*l));
}

/* Remember the root program id of a running pipeline (each turn). */
void tna_ctl_note_own(struct tna_ctl *c, const struct tna_dp *dp)
{
	uint32_t id = dp ? tna_dp__root_id(dp) : 0;

	if (!id)
		return;
	for (int i = 0; i < TNA_CTL_OWN_IDS; i++)
		if (c->own_ids[i] == id)
			return;
	c->own_ids[c->own_next++ % TNA_CTL_OWN_IDS] = id;
}

bool tna_ctl_own_prog(struct tna_ctl *c, uint32_t id)
{
	if (!id)
		return true;
	for (int i = 0; i < TNA_CTL_OWN_IDS; i++)
		if (c->own_ids[i] == id)
			return true;
	return false;
}

static int seen_one(const struct tna_link *l, void *ctx)
{
	tna_ctl_link_seen_set(ctx, TNA_OP_ADD, l);
	return 0;
}

/* Before the first deployment: every link as it is without our programs,
 * and (after it) the ids of the programs it attached, so that the events
 * of our own first attach are told apart too. */
void tna_ctl_own_start(struct tna_ctl *c, bool deployed)
{
	if (!deployed) {
		tna_model_for_each_link(c->m, seen_one, c);
		return;
	}
	for (int i = 0; i < c->nbr; i++)
		tna_ctl_note_own(c, c->br[i].dp);
	tna_ctl_note_own(c, c->rt->host);
}
