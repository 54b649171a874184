/* The dead-man switch, controller side (bpf/fpm/deadman.h).
 *
 * At the end of every turn of the event loop (controller/loop.c) each
 * running pipeline gets a heartbeat: the loop itself writes it, so a
 * stopped, hung or starved loop stops it, and the kernel timer withdraws
 * trust TNA_CTL_DEADMAN_NS later.  The loop turns at least every
 * TNA_CTL_BEAT_NS and does a bounded amount of work per turn.
 *
 * Trust is also withdrawn by the controller itself as soon as it knows
 * its tables are behind the kernel in a way the FDB protocol does not
 * cover: netlink events were lost (overflow, until the fresh dump is in
 * the tables) or it holds port changes it has read but not applied (the
 * test latency switch).  It is given back only once the controller has
 * caught up: the event socket found empty this turn, every noted FDB key
 * written, nothing held. */
#include <string.h>

#include "controller/ctl_priv.h"

static void trust(struct tna_ctl *c, struct tna_dp *dp, const char *name, bool on)
{
	if (tna_dp__trusted(dp) == on)
		return;
	tna_dp__trust(dp, on);
	logf_(c, TNA_CTL_INFO, "%s: %s at %.6f", name,
		     on ? "controller caught up: fast path trusts its tables again"
			: "tables behind the kernel: every frame to Linux",
		     now_real());
}

void tna_ctl_trust_all(struct tna_ctl *c, bool on)
{
	for (int i = 0; i < c->nbr; i++)
		if (c->br[i].dp)
			trust(c, c->br[i].dp, c->br[i].plan.name, on);
	if (c->rt->own)
		trust(c, c->rt->own, "router", on);
}

static void beat(struct tna_ctl *c, struct tna_dp *dp, const char *name, uint32_t *trips_seen,
		 uint64_t now, bool behind, bool caught_up, uint64_t synced)
{
	uint32_t trips;
	int ret;

	tna_ctl_note_own(c, dp);
	if (!tna_dp__deadman_armed(dp)) {
		ret = tna_dp__deadman_arm(dp, TNA_CTL_DEADMAN_NS);
		if (ret)
			logf_(c, TNA_CTL_ERROR, "%s: dead-man timer: %s", name,
				     strerror(-ret));
	}
	trips = tna_dp__deadman_trips(dp);
	if (trips != *trips_seen) {
		*trips_seen = trips;
		logf_(c, TNA_CTL_INFO,
			     "%s: dead-man switch: no heartbeat for %llu ms, the fast path stopped trusting its tables (%u time(s))",
			     name, (unsigned long long)(TNA_CTL_DEADMAN_NS / 1000000), trips);
	}
	if (behind)
		trust(c, dp, name, false);
	else if (caught_up)
		trust(c, dp, name, true);
	tna_dp__heartbeat(dp, now, synced);
}

void tna_ctl_heartbeat(struct tna_ctl *c, uint64_t now, bool idle)
{
	bool drained = c->synced >= c->turn_ns;
	bool behind, caught_up;
	uint64_t synced;

	if (c->overflow && idle && drained)
		c->overflow = false;	/* the fresh dump is in the tables */
	behind = c->evq.links || c->overflow;
	caught_up = !behind && idle && drained;
	/* What tna-deploy --sync waits for: every change the kernel notified
	 * before c->synced is in the tables, replans included. */
	synced = caught_up && !c->evq.n && !c->dirty && !c->resync &&
		 !tna_debounce_pending(&c->db) ? c->synced : 0;
	for (int i = 0; i < c->nbr; i++)
		if (c->br[i].dp)
			beat(c, c->br[i].dp, c->br[i].plan.name, &c->br[i].trips_seen, now,
			     behind, caught_up, synced);
	if (c->rt->own)
		beat(c, c->rt->own, "router", &c->rt_trips_seen, now, behind, caught_up, synced);
	if (c->last_beat_ns && now - c->last_beat_ns > c->beat_gap_max_ns)
		c->beat_gap_max_ns = now - c->last_beat_ns;
	c->last_beat_ns = now;
}

/* About to load a pipeline: a bounded step (the verifier's limits) that
 * may take 100+ ms on a loaded machine, during which the loop does not
 * turn.  The bridge being reloaded is held on Linux meanwhile; the others
 * keep their trust for TNA_CTL_GRACE_NS more, not TNA_CTL_DEADMAN_NS. */
void tna_ctl_busy(struct tna_ctl *c)
{
	uint64_t t = now_ns() + TNA_CTL_GRACE_NS - TNA_CTL_DEADMAN_NS;

	for (int i = 0; i < c->nbr; i++)
		if (c->br[i].dp)
			tna_dp__heartbeat(c->br[i].dp, t, 0);
	if (c->rt->own)
		tna_dp__heartbeat(c->rt->own, t, 0);
	c->last_beat_ns = 0;	/* not a gap of the loop */
}

void tna_ctl_turn_done(struct tna_ctl *c, uint64_t t_turn)
{
	uint64_t d = now_ns() - t_turn;

	c->turns++;
	if (d > c->turn_max_ns)
		c->turn_max_ns = d;
}

/* One line at exit (benchmarks read it): how the loop and the dead-man
 * switch did over the controller's life. */
void tna_ctl_log_health(struct tna_ctl *c)
{
	uint32_t trips = c->rt->own ? tna_dp__deadman_trips(c->rt->own) : 0;

	for (int i = 0; i < c->nbr; i++) {
		const struct tna_fdb_mirror *m = &c->br[i].mirror;

		if (!c->br[i].dp)
			continue;
		trips += tna_dp__deadman_trips(c->br[i].dp);
		if (!br_mirrored(&c->br[i]))
			continue;	/* kfunc mode: no mirror */
		logf_(c, TNA_CTL_INFO,
			     "%s: fdb mirror: %llu writes (%llu unconfirmed), %llu deletions, %llu rescans; keep-alive %llu refreshed, %llu skipped, %llu raced",
			     c->br[i].plan.name, (unsigned long long)m->sets,
			     (unsigned long long)m->unconfirmed, (unsigned long long)m->dels,
			     (unsigned long long)m->rescans, (unsigned long long)m->refreshed,
			     (unsigned long long)m->refresh_skipped,
			     (unsigned long long)m->refresh_raced);
	}
	logf_(c, TNA_CTL_INFO,
		     "loop: %llu turns, longest %.1f ms, longest gap between heartbeats %.1f ms (pipeline loads excluded), dead-man trips %u, event overflows %u + %u (ports)",
		     (unsigned long long)c->turns, c->turn_max_ns / 1e6,
		     c->beat_gap_max_ns / 1e6, trips, tna_watch_resyncs(c->w),
		     tna_port_watch_resyncs(c->pw));
}
