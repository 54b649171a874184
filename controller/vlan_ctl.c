/* The controller's side of the VLAN tables (controller/vlan_sync.h):
 * which pipelines have the VLAN module, when a bridge's table is read
 * again as a whole, and the notifications that name one port. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "controller/ctl_priv.h"
#include "controller/recheck.h"

/* Test-only switch TNA_FAULT_VLAN (tests/vm/vm_vlan_equiv.sh proves with
 * it that the equivalence test can fail): "untagged" writes every VLAN as
 * untagged (tags are popped, never pushed), "stale" ignores notifications
 * (the tables keep what they had). */
static bool fault(const char *what)
{
	const char *f = getenv("TNA_FAULT_VLAN");

	return f && !strcmp(f, what);
}

static bool has_vlan(const struct br_state *b)
{
	return b->dp && (b->plan.fpms & (1ull << TNA_PFPM_VLAN));
}

/* Only attached ports matter: no other port is in the port table, so no
 * frame enters or leaves the fast path through them. */
static size_t keep_attached(const struct br_state *b, struct tna_vlan_ent *e, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (tna_ctl_is_attached(b, e[i].ifindex))
			e[k++] = e[i];
	return k;
}

static void refill(struct tna_ctl *c, struct br_state *b)
{
	struct tna_vlan_ent *want = NULL;
	size_t n = 0;
	int err = tna_vlan_read(c->nl, 0, &want, &n);

	if (err) {
		/* unknown: an empty table sends every frame to Linux */
		if (!b->vlan_failing)
			logf_(c, TNA_CTL_ERROR, "%s: cannot read the bridge VLANs (%s): VLAN table emptied",
			      b->plan.name, strerror(-err));
		n = 0;
	}
	n = keep_attached(b, want, n);
	for (size_t i = 0; fault("untagged") && i < n; i++)
		want[i].v.flags |= TNA_VLAN_F_UNTAGGED;
	err = tna_vlan_apply(b->dp, NULL, 0, true, want, n, &b->vlan_counts) || err;
	free(want);
	b->vlan_dp = err ? NULL : b->dp;	/* failed: again next turn */
	b->vlan_failing = err;
	b->vlan_n_attached = b->n_attached;
	b->vlan_reads++;
	logf_(c, TNA_CTL_VERBOSE, "%s: VLAN table read again: %zu entries (%llu set, %llu deleted so far)",
	      b->plan.name, n, (unsigned long long)b->vlan_counts.set,
	      (unsigned long long)b->vlan_counts.deleted);
}

/* Every second: a veth peer that starts putting VLAN tags in metadata
 * (tx-vlan offload; no event says so) takes its port out of the plan
 * (assembler/vlan_plan.c); the replan is a restrictive change, so the
 * bridge is held on Linux at once (controller/restrict.c). */
static void peers_again(struct tna_ctl *c)
{
	uint64_t now = now_ns();

	if (now < c->vlan_peers_ns)
		return;
	c->vlan_peers_ns = now + TNA_RECHECK_MS * 1000000ull;
	for (int i = 0; i < c->nbr; i++) {
		const struct br_state *b = &c->br[i];

		if (!has_vlan(b))
			continue;
		for (int k = 0; k < b->plan.n_ports; k++) {
			const struct tna_port_plan *pp = &b->plan.ports[k];
			struct tna_peer now_peer;

			if (!pp->accelerated)
				continue;
			tna_peer_probe(pp->ifindex, &now_peer);
			if (now_peer.known && !now_peer.tx_vlan)
				continue;
			logf_(c, TNA_CTL_INFO, "%s: port %s: its veth peer now puts VLAN tags in metadata (or cannot be read): replanning",
			      b->plan.name, pp->name);
			c->dirty = true;
			tna_ctl_note_event(c, TNA_OBJ_LINK, TNA_OP_CHANGE, NULL);
			return;
		}
	}
}

void tna_ctl_vlan_refill(struct tna_ctl *c, bool all)
{
	peers_again(c);
	for (int i = 0; i < c->nbr; i++) {
		struct br_state *b = &c->br[i];

		if (!has_vlan(b)) {
			b->vlan_dp = NULL;
			continue;
		}
		/* subscribed before the first read: nothing falls between */
		if (!c->vw && !(c->vw = tna_vlan_watch_open())) {
			logf_(c, TNA_CTL_ERROR, "VLAN notifications: %s: %s left to Linux",
			      strerror(errno), b->plan.name);
			/* without them the table cannot follow: keep it empty */
			tna_vlan_apply(b->dp, NULL, 0, true, NULL, 0, &b->vlan_counts);
			continue;
		}
		if (all || b->vlan_dp != b->dp || b->vlan_n_attached != b->n_attached)
			refill(c, b);
	}
}

/* One port named by a notification, in every VLAN pipeline it is in. */
static void port_again(struct tna_ctl *c, int ifindex)
{
	for (int i = 0; i < c->nbr; i++) {
		struct br_state *b = &c->br[i];
		struct tna_vlan_ent *want = NULL;
		size_t n = 0;
		int err;

		if (!has_vlan(b) || b->vlan_dp != b->dp || !tna_ctl_is_attached(b, ifindex))
			continue;
		err = tna_vlan_read(c->nl, ifindex, &want, &n);
		if (err)
			n = 0;	/* unknown: its entries go, its frames to Linux */
		err = tna_vlan_apply(b->dp, &ifindex, 1, false, want, n, &b->vlan_counts) || err;
		free(want);
		if (err)
			b->vlan_dp = NULL;	/* the whole table again next turn */
		logf_(c, TNA_CTL_VERBOSE, "%s: VLANs of port %d read again at %.6f: %zu entries",
		      b->plan.name, ifindex, now_real(), n);
	}
}

void tna_ctl_vlan_events(struct tna_ctl *c)
{
	int ports[64], n;
	bool lost;

	if (!c->vw)
		return;
	n = tna_vlan_watch_read(c->vw, ports, 64, &lost);
	if (fault("stale"))
		return;
	if (n < 0) {
		logf_(c, TNA_CTL_ERROR, "VLAN notifications: %s", strerror(-n));
		lost = true;
	}
	if (lost) {
		tna_ctl_vlan_refill(c, true);
		return;
	}
	for (int i = 0; i < n; i++)
		port_again(c, ports[i]);
}

bool tna_ctl_vlan_pending(const struct tna_ctl *c)
{
	return c->vw && tna_vlan_watch_pending(c->vw);
}
