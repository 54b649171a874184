/* The controller's event loop: reads port changes ahead of model events
 * (what it does with each: controller/events.c), the FDB mirror
 * protocol's writes and scans, the keep-alive, rechecks, replans, and the
 * heartbeat of the dead-man switch.  Each turn does a bounded amount of
 * work, so the heartbeat keeps coming under event floods and long
 * keep-alive rounds. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>

#include "common/nl.h"
#include "controller/ctl_priv.h"
#include "controller/nic_sync.h"
#include "controller/peer_watch.h"
#include "controller/recheck.h"

/* --- event loop ------------------------------------------------------- */

/* Where a burst's time went (ms), for its "applied" line. */
struct burst_times {
	double probe, router, bridges, rest;
};

static double ms_since(uint64_t *t)
{
	uint64_t n = now_ns();
	double ms = (n - *t) / 1e6;

	*t = n;
	return ms;
}

/* Which netdevs the burst probed in full (tests match the names). */
static void log_probed(struct tna_ctl *c)
{
	char names[256] = "";
	size_t len = 0;

	for (int i = 0; i < c->ndevs && len < sizeof(names); i++)
		if (c->devs[i].fresh)
			len += (size_t)snprintf(names + len, sizeof(names) - len, " %s",
						c->devs[i].name);
	logf_(c, TNA_CTL_VERBOSE, "capabilities: %d of %d netdevs probed in full:%s",
	      c->probed_last, c->ndevs, c->probed_last ? names : " none");
}

static void replan_all(struct tna_ctl *c, struct burst_times *bt)
{
	int i, ret;

	uint64_t t0 = now_ns();

	c->dirty = false;
	/* only what may have changed: controller/reprobe.c */
	ret = tna_ctl_reprobe_changed(c);
	bt->probe = ms_since(&t0);
	if (ret)
		logf_(c, TNA_CTL_ERROR, "capabilities probe failed: keeping the last one");
	else
		log_probed(c);
	t0 = now_ns();	/* that verbose line counts in no column */
	/* New bridges, vanished ones. */
	{
		struct tna_ctl_collect k = { .c = c };
		int j;

		for (i = 0; i < c->nbr; i++)
			c->br[i].present = false;
		tna_model_for_each_link(c->m, tna_ctl_collect_bridge, &k);
		for (j = 0; j < k.n; j++) {
			struct br_state *b = br_find(c, k.ifx[j]);

			if (!b && c->nbr < TNA_CTL_MAX_BRIDGES) {
				b = &c->br[c->nbr++];
				memset(b, 0, sizeof(*b));
				b->ifindex = k.ifx[j];
			}
			if (b)
				b->present = true;
		}
	}
	/* The router first (controller/router_swap.c): its tables change in
	 * place, or its own pipeline is swapped.  When it moves
	 * (controller/router_move.c), out of a bridge's pipeline it moves
	 * now, before that bridge's redeploy takes the router's code away;
	 * into one, after the bridges (tna_ctl_rt_sync). */
	ret = tna_rt_replan(c->rt, c->m, c->devs, c->ndevs);
	if (ret >= 0 && c->rt->plan.ok && tna_ctl_rt_walk(c))
		ret = -ENOMEM;
	if (ret < 0) {
		logf_(c, TNA_CTL_ERROR, "router: planning failed (%s): plain Linux", strerror(-ret));
		tna_rt_stop(c->rt, false);
		c->rt->plan.ok = false;
	} else if (ret > 0) {
		logf_(c, TNA_CTL_INFO, "router: plan changed: %s", c->rt->plan.reason);
		if (!tna_ctl_rt_change(c) && c->rt->host_bridge && !tna_rt_host_bridge(c->rt))
			tna_ctl_rt_sync(c);
	}
	bt->router = ms_since(&t0);
	for (i = 0; i < c->nbr; i++) {
		struct br_state *b = &c->br[i];

		if (!b->present) {
			tna_ctl_teardown(c, b);
			continue;
		}
		/* After an overflow the model merges a fresh dump and emits the
		 * differences (FDB adds/dels reach the mirror through tna_ctl_on_event):
		 * no clear-and-refill, which would send everything to Linux for
		 * a moment. */
		tna_ctl_redeploy(c, b);
	}
	bt->bridges = ms_since(&t0);
	tna_ctl_rt_sync(c);
	tna_ctl_rehold_router(c);	/* a restarted router stays held too */
	c->resync = false;
	tna_ctl_write_state(c);
	bt->rest = ms_since(&t0);
}

/* Replan and redeploy once for the whole burst; the log line says which
 * event started it, when the new datapath was in place (every table and
 * the prog array written, held ports released) and where the time went:
 * waiting (debounce and the turn), capabilities probe, router, bridges
 * (plans, pipeline loads, attach), the rest (state file, VLANs, unhold). */
static void apply_burst(struct tna_ctl *c)
{
	unsigned int n = c->db.events;
	uint64_t first = c->db.first_ns, t0 = now_ns(), t;
	unsigned long before = c->redeploys;
	bool resync = c->resync;
	struct burst_times bt;

	replan_all(c, &bt);
	c->applied++;
	tna_debounce_reset(&c->db);
	t = now_ns();
	tna_ctl_vlan_refill(c, true);	/* before the ports are released */
	tna_ctl_unhold(c);
	bt.rest += ms_since(&t);
	logf_(c, TNA_CTL_INFO,
	      "applied %u event(s) (first: %s%s) at %.6f, %.1f ms after the first: %s "
	      "(waited %.1f, probe %.1f, router %.1f, bridges %.1f, rest %.1f ms)",
	      n, n ? c->first_event : "none", resync ? ", full resync" : "",
	      now_real(), first ? (now_ns() - first) / 1e6 : 0.0,
	      c->redeploys != before ? "datapath redeployed" : "port table updated",
	      first ? (t0 - first) / 1e6 : 0.0, bt.probe, bt.router, bt.bridges, bt.rest);
}

static int min_ms(int a, int b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

static int ms_until(uint64_t t, uint64_t now)
{
	return t <= now ? 0 : (int)((t - now + 999999) / 1000000ull);
}

/* The start of a keep-alive round of mirrored bridge B when due; returns
 * the ms until the next one. */
static int keepalive_timer(struct tna_ctl *c, struct br_state *b, uint64_t now)
{
	int n;

	if (now >= b->next_ka_ns) {
		n = tna_fdb_keepalive_start(&b->mirror, now, b->plan.ageing_time_cs * 10000000ull);
		if (n < 0)
			logf_(c, TNA_CTL_ERROR, "%s: keep-alive: %s", b->plan.name, strerror(-n));
		b->ka_started_ns = now;
		b->next_ka_ns = now + b->plan.keepalive_ms * 1000000ull;
	}
	return ms_until(b->next_ka_ns, now);
}

/* Timers: every TNA_RECHECK_MS what no event announces (routed ports'
 * ndo-xmit, checksums of the veth peer and MTU; the same for native
 * bridge ports; auto's inputs), and per bridge in FDB mirror mode the
 * start of a keep-alive round.  Returns the poll() timeout. */
static int timers(struct tna_ctl *c, uint64_t now)
{
	int i, next_ms;

	if (now >= c->next_second_ns) {
		bool recheck = tna_recheck_due(now);

		c->next_second_ns = now + tna_recheck_tick_ns();
		tna_dp__pass_begin();	/* every port below shares the sockets */
		if (c->rt->host && recheck)
			tna_rt_recheck_xmit(c->rt);
		if (recheck)
			tna_ctl_recheck_auto(c);
		/* the peers of ports attached since (the table reads
		 * nothing when the ports are the same: a peer's move is
		 * heard, controller/peer_watch.h) */
		tna_ctl_peers_watched(c);
		for (i = 0; i < c->nbr && recheck; i++) {
			struct br_state *b = &c->br[i];

			if (!b->dp || b->plan.target != TNA_TARGET_NATIVE)
				continue;
			/* a port whose veth peer has neither XDP nor GRO
			 * cannot take redirected frames, one whose peer
			 * offloads tx checksums sends partial ones:
			 * port_refresh reads both again */
			if (tna_recheck_ports(b->dp, b->attached, b->n_attached))
				logf_(c, TNA_CTL_VERBOSE, "%s: port entries follow their devices (ndo-xmit, veth peer checksumming)",
				      b->plan.name);
		}
		tna_dp__pass_end();
		tna_ctl_write_state(c);		/* --status: counters, loop health */
	}
	next_ms = ms_until(c->next_second_ns, now);
	for (i = 0; i < c->nbr; i++)
		if (br_mirrored(&c->br[i]))	/* kfunc mode: no keep-alive */
			next_ms = min_ms(next_ms, keepalive_timer(c, &c->br[i], now));
	return next_ms;
}

/* Bounded work per turn, so that the heartbeat keeps coming under event
 * floods and large keep-alive rounds. */
#define TURN_BUDGET_NS	(3 * 1000000ull)
/* The bitmap of bumped slots is read at most this often. */
#define SCAN_EVERY_NS	(2 * 1000000ull)
/* Model events are read at most this often: an event flood is then read
 * in batches, not a few events per wake-up (each read also re-reads
 * what has no notification).  Port changes have a socket of their own. */
#define EVENTS_EVERY_NS	(1 * 1000000ull)

/* The FDB mirror's writes, scans and keep-alive steps of one turn.
 * Returns true when work is left for the next turn. */
static bool mirror_work(struct tna_ctl *c, uint64_t now)
{
	uint64_t deadline = now + TURN_BUDGET_NS;
	bool more = false;
	int i;

	for (i = 0; i < c->nbr; i++) {
		struct br_state *b = &c->br[i];
		uint64_t due;

		if (!br_mirrored(b))
			continue;
		if (now >= c->next_scan_ns) {
			struct tna_ctl_scan sn = { c, b };

			tna_fdb_mirror_scan(&b->mirror, tna_ctl_note_scanned, &sn);
		}
		more |= tna_fdb_mirror_flush(&b->mirror, c->m, now, c->synced, deadline) > 0;
		due = tna_fdb_mirror_retry_due(&b->mirror);
		if (due && (!c->wake_ns || due < c->wake_ns))
			c->wake_ns = due;
		if (tna_fdb_keepalive_busy(&b->mirror)) {
			size_t left = tna_fdb_keepalive_step(&b->mirror, c->m, c->nl, c->synced,
							     deadline);

			if (left)
				more = true;
			else if (b->mirror.ka_n)
				logf_(c, TNA_CTL_VERBOSE,
					     "%s: keep-alive refreshed %llu in %.1f ms (%llu skipped: not as in the kernel)",
					     b->plan.name, (unsigned long long)b->mirror.ka_refreshed,
					     (now_ns() - b->ka_started_ns) / 1e6,
					     (unsigned long long)b->mirror.ka_skipped);
		}
	}
	if (now >= c->next_scan_ns)
		c->next_scan_ns = now + SCAN_EVERY_NS;
	return more;
}

/* Model events, when there are some (READABLE: poll() said so); then, if
 * the socket is empty, every event the kernel sent before T is in the
 * model. */
static void read_events(struct tna_ctl *c, bool readable)
{
	struct pollfd p = { .fd = tna_watch_fd(c->w), .events = POLLIN };
	uint64_t t;
	int ret;

	if (readable) {
		c->next_events_ns = now_ns() + EVENTS_EVERY_NS;
		ret = tna_watch_process(c->w);
		if (ret < 0 && ret != -EAGAIN)
			logf_(c, TNA_CTL_ERROR, "netlink events: %s", strerror(-ret));
	}
	t = now_ns();
	if (poll(&p, 1, 0) == 0 && !tna_ctl_vlan_pending(c))
		c->synced = t;
}

int tna_ctl_run(struct tna_ctl *c, int sigfd)
{
	struct pollfd pfd[7];
	int timeout, ret;
	bool more = false;
	uint64_t t[5];

	/* The dead-man switch needs this loop to turn at least every few
	 * hundred ms: ahead of ordinary processes (load generators, builds)
	 * on a busy machine.  Not fatal when not allowed. */
	errno = 0;
	if (getpriority(PRIO_PROCESS, 0) > TNA_CTL_NICE && !errno &&
	    setpriority(PRIO_PROCESS, 0, TNA_CTL_NICE))
		logf_(c, TNA_CTL_VERBOSE, "nice %d: %s", TNA_CTL_NICE, strerror(errno));
	tna_ctl_write_state(c);
	for (;;) {
		uint64_t now = now_ns(), t_turn, t_poll;

		timeout = timers(c, now);
		tna_nic_tick(&timeout, &c->dirty, &c->o);	/* NIC stages' watchdog */
		if (more)		/* work left from the last turn */
			timeout = 0;
		timeout = min_ms(timeout, tna_debounce_timeout_ms(&c->db, now));
		timeout = min_ms(timeout, tna_evq_timeout_ms(&c->evq, now));
		if (c->wake_ns)
			timeout = min_ms(timeout, ms_until(c->wake_ns, now));
		/* the heartbeat comes from this loop: never sleep long */
		timeout = min_ms(timeout, (int)(TNA_CTL_BEAT_NS / 1000000ull));
		/* model events: not before their batch time */
		pfd[0] = (struct pollfd){ .fd = now < c->next_events_ns ? -1 : tna_watch_fd(c->w),
					  .events = POLLIN };
		if (now < c->next_events_ns)
			timeout = min_ms(timeout, ms_until(c->next_events_ns, now));
		pfd[1] = (struct pollfd){ .fd = tna_port_watch_fd(c->pw), .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		pfd[3] = (struct pollfd){ .fd = tna_rtf_fd(c->rt->filter), .events = POLLIN };
		pfd[4] = (struct pollfd){ .fd = tna_vlan_watch_fd(c->vw), .events = POLLIN };
		pfd[5] = (struct pollfd){ .fd = tna_xmit_watch_fd(c->xw), .events = POLLIN };
		pfd[6] = (struct pollfd){ .fd = tna_peer_watch_fd(c->peers), .events = POLLIN };
		t_poll = now_ns();
		ret = poll(pfd, 7, timeout);	/* negative fds are skipped */
		if (ret < 0 && errno != EINTR)
			return -errno;
		t_turn = c->turn_ns = now_ns();
		if (sigfd >= 0 && (pfd[2].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(sigfd, &si, sizeof(si)) == sizeof(si))
				logf_(c, TNA_CTL_VERBOSE, "signal %u: detaching", si.ssi_signo);
			return 0;
		}
		/* A port that stopped taking redirected frames loses them
		 * until its entry says so: before anything else. */
		if (pfd[5].revents & POLLIN)
			tna_ctl_xmit_now(c);
		/* A peer that starts sending partial checksums: same. */
		if (pfd[6].revents & POLLIN)
			tna_ctl_peers_now(c);
		/* Rule changes first: the switch is what their window waits for
		 * (controller/router_filter.c). */
		if (pfd[3].revents & POLLIN)
			tna_ctl_rtf_process(c);
		/* Ports first: a port change must not wait behind FDB floods. */
		if (pfd[1].revents & POLLIN)
			tna_ctl_ports_now(c);
		/* VLAN tables: a new pipeline or port set, then notifications */
		tna_ctl_vlan_refill(c, false);
		if (pfd[4].revents & POLLIN)
			tna_ctl_vlan_events(c);
		c->fdb_batch = 0;
		t[0] = now_ns();
		read_events(c, pfd[0].revents & POLLIN);
		t[1] = now_ns();
		c->wake_ns = 0;
		tna_ctl_events_due(c);
		if (c->restrict_check)
			tna_ctl_restrict_check(c);
		t[2] = now_ns();
		more = mirror_work(c, t[2]);
		t[3] = now_ns();
		if (c->fdb_batch)
			logf_(c, TNA_CTL_VERBOSE, "fdb: applied %u change(s) at %.6f",
				     c->fdb_batch, now_real());
		if ((c->dirty || c->resync) &&
		    (!tna_debounce_pending(&c->db) || tna_debounce_due(&c->db, now_ns())))
			apply_burst(c);
		t[4] = now_ns();
		tna_ctl_heartbeat(c, t[4], !more);
		/* what a long turn spent its time on (dead-man trips) */
		if (t[4] - now > TNA_CTL_BEAT_NS + 20000000ull)
			logf_(c, TNA_CTL_VERBOSE,
				     "slow turn: %.1f ms (timers %.1f, poll %.1f of %d, ports %.1f, events %.1f, held events %.1f, fdb mirror %.1f, replan %.1f)",
				     (t[4] - now) / 1e6, (t_poll - now) / 1e6, (t_turn - t_poll) / 1e6,
				     timeout, (t[0] - t_turn) / 1e6, (t[1] - t[0]) / 1e6,
				     (t[2] - t[1]) / 1e6, (t[3] - t[2]) / 1e6, (t[4] - t[3]) / 1e6);
		tna_ctl_turn_done(c, t_turn);
	}
}
