/* Inside of the controller, shared by its files (ctl.c: planning and
 * deployment; events.c: model and port events; loop.c: the event loop;
 * heartbeat.c: the dead-man switch; status.c: status JSON and the router's
 * output; restrict.c: restrictive changes first; router_filter.c: the
 * router's rules; own_xdp.c, sync.c).  Not for tools. */
#ifndef TNA_CONTROLLER_CTL_PRIV_H
#define TNA_CONTROLLER_CTL_PRIV_H
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "controller/ctl.h"
#include "controller/debounce.h"
#include "controller/event_delay.h"
#include "controller/fdb_mirror.h"
#include "controller/port_watch.h"
#include "controller/router_deploy.h"
#include "controller/spares.h"
#include "controller/vlan_sync.h"
#include "controller/xmit_watch.h"
#include "introspect/model.h"
#include "targets/datapath.h"

#define MAX_ATTACHED 256

struct br_state {
	int ifindex;
	struct tna_bridge_plan plan;	/* the plan in effect / last computed */
	struct tna_dp *dp;		/* NULL: not deployed */
	struct tna_fdb_mirror mirror;
	int attached[MAX_ATTACHED];
	int n_attached;
	uint64_t next_ka_ns;
	bool present;
	char error[160];		/* why the fast path could not load */
	/* Pipelines swapped out, kept loaded (sharing the maps) so that a
	 * change undone later (a sysctl set and reset) swaps back at once. */
	struct tna_spares spares;
	struct tna_rt_code rt_code;	/* the router's part of dp's code (tna_rt_code_for) */
	bool held;		/* its ports are held on Linux until the next replan */
	uint64_t ka_started_ns;	/* the keep-alive round in progress began */
	uint32_t trips_seen;	/* dead-man trips already logged */
	/* VLAN table (controller/vlan_ctl.c): the pipeline and the number of
	 * attached ports it was last read for as a whole */
	struct tna_dp *vlan_dp;
	int vlan_n_attached;
	uint64_t vlan_reads;
	bool vlan_failing;	/* the last read failed: retried each turn, logged once */
	struct tna_vlan_counts vlan_counts;
};

struct tna_ctl {
	struct tna_ctl_opts o;
	struct tna_model *m;
	struct tna_watch *w;
	struct tna_nl *nl;
	struct tna_caps_sys sys;
	struct tna_caps_dev *devs;
	int ndevs;
	/* netdevs to probe again in the next burst (controller/reprobe.c) */
	struct tna_ctl_stale { int *ifx; int n, cap; bool all; } stale;
	int probed_last;		/* netdevs probed in full by the last burst */
	unsigned long probed_total;
	struct br_state br[TNA_CTL_MAX_BRIDGES];
	int nbr;
	bool dirty, resync;
	unsigned long redeploys;
	unsigned long errors;		/* error lines logged (tna-stat --prometheus) */
	struct tna_debounce db;		/* pending configuration burst */
	char first_event[64];		/* first event of that burst */
	unsigned int fdb_batch;		/* FDB events in this read */
	unsigned long applied;		/* bursts applied */
	struct tna_rt_state *rt;	/* the router (controller/router_deploy.h) */
	bool rt_held;			/* the router's own ports are held on Linux */
	uint64_t auto_next_ns;		/* next look at what auto rested on */
	bool restrict_check;		/* a configuration event: may it restrict? */
	struct tna_evq evq;		/* test-only event latency (TNA_EVENT_DELAY_MS) */
	struct tna_port_watch *pw;	/* bridge ports, read ahead of the model */
	struct tna_xmit_watch *xw;	/* ports' XDP features (NULL: kernel < 6.3) */
	struct tna_peer_watch *peers;	/* link messages of veth peers (NULL: none) */
	struct tna_vlan_watch *vw;	/* VLAN notifications (opened with the first VLAN bridge) */
	uint64_t vlan_peers_ns;		/* next look at VLAN ports' veth peers */
	/* Every event the kernel sent before this (CLOCK_MONOTONIC) is in
	 * the model: the event socket was found empty then. */
	uint64_t synced;
	bool overflow;			/* events lost: trust withdrawn until caught up */
	uint64_t lost_ns;		/* when events were last lost (the resync's log line) */
	uint64_t turn_ns;		/* start of the loop's current turn */
	uint64_t next_scan_ns;		/* next look at the pending slots */
	uint64_t next_events_ns;	/* model events not read before */
	uint64_t next_second_ns;	/* next once-a-second recheck */
	uint64_t wake_ns;		/* a mirror retry is due then (0: none) */
	/* loop health, for --status: turns, the longest, the longest gap
	 * between heartbeats */
	uint64_t turns, turn_max_ns, beat_gap_max_ns, last_beat_ns;
	uint32_t rt_trips_seen;
	/* own_xdp.c: links as last seen, our root programs' ids */
	struct tna_link *seen;
	int n_seen;
#define TNA_CTL_OWN_IDS 16
	uint32_t own_ids[TNA_CTL_OWN_IDS];
	unsigned int own_next;
};

/* The dead-man switch (controller/heartbeat.c): trust goes when the loop's
 * heartbeat is older than TNA_CTL_DEADMAN_NS, at most one timer tick
 * (TNA_DEADMAN_TICK_NS) later; the loop turns at least every
 * TNA_CTL_BEAT_NS.  Plain Linux at most 450 ms after the loop stopped. */
#define TNA_CTL_DEADMAN_NS	(400 * 1000000ull)
#define TNA_CTL_BEAT_NS		(100 * 1000000ull)
/* The loop's nice value (it must turn, also on a busy machine). */
#define TNA_CTL_NICE		(-10)
/* The dead-man limit while the loop loads a pipeline (tna_ctl_busy). */
#define TNA_CTL_GRACE_NS	(1000 * 1000000ull)

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

__attribute__((format(printf, 3, 4)))
static inline void logf_(struct tna_ctl *c, enum tna_ctl_log lvl, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (lvl == TNA_CTL_ERROR)
		c->errors++;
	if (!c->o.log || (lvl == TNA_CTL_VERBOSE && !c->o.verbose))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	c->o.log(c->o.log_ctx, lvl, buf);
}

/* Deployed with the FDB mirror (not the kfunc): events, scans and
 * keep-alive rounds feed it. */
static inline bool br_mirrored(const struct br_state *b)
{
	return b->dp && b->plan.fdb_mode == TNA_FDB_MODE_MIRROR;
}

static inline struct br_state *br_find(struct tna_ctl *c, int ifindex)
{
	int i;

	for (i = 0; i < c->nbr; i++)
		if (c->br[i].ifindex == ifindex)
			return &c->br[i];
	return NULL;
}

/* Wall-clock time for log lines that benchmarks match with their own
 * timestamps (bench/reconfig.sh). */
static inline double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}


/* ctl.c */
int tna_ctl_plan_one(struct tna_ctl *c, int ifindex, struct tna_bridge_plan *p);
struct tna_ctl_collect { struct tna_ctl *c; int ifx[TNA_CTL_MAX_BRIDGES]; int n; };
int tna_ctl_collect_bridge(const struct tna_link *l, void *ctx);

/* reprobe.c: the capabilities of the namespace's netdevs */
/* Probe IFINDEX again in the next burst (a link event named it). */
void tna_ctl_probe_mark(struct tna_ctl *c, int ifindex);
/* Probe every netdev again in the next burst. */
void tna_ctl_probe_mark_all(struct tna_ctl *c);
/* Probe every netdev now. */
int tna_ctl_reprobe(struct tna_ctl *c);
/* Probe what may have changed since the last probe (every netdev when
 * marked so, when there was none, or with TNA_PROBE_ALL set). */
int tna_ctl_reprobe_changed(struct tna_ctl *c);
/* The port table entry of a bridge port: STP state and flags from BP,
 * egress to Linux from L's qdisc and filters (L may be NULL). */
void tna_ctl_brport_cfg(const struct tna_brport_info *bp, const struct tna_link *l,
			struct tna_port_cfg *cfg);
/* Same for link L as a port of BRIDGE, from the newest state (the port
 * watch's, else the model's); false when it is not a port of BRIDGE. */
bool tna_ctl_port_cfg(struct tna_ctl *c, int bridge, const struct tna_link *l,
		      struct tna_port_cfg *cfg);
bool tna_ctl_is_attached(const struct br_state *b, int ifx);
void tna_ctl_teardown(struct tna_ctl *c, struct br_state *b);
/* Replan bridge B after a change and apply the difference. */
void tna_ctl_redeploy(struct tna_ctl *c, struct br_state *b);
/* router_swap.c: the router where its plan wants it (moved there, or
 * started); a change of its plan applied where it runs (1: done, or it
 * failed and the router was stopped), or 0: it moves (tna_ctl_rt_sync). */
int tna_ctl_rt_sync(struct tna_ctl *c);
int tna_ctl_rt_change(struct tna_ctl *c);
/* router_move.c: the running router moved into WANT (the pipeline of
 * bridge WANT_BRIDGE) or, WANT NULL, a fresh own pipeline, its ports
 * switched one link update each; 0, or -errno with it where it was. */
int tna_ctl_rt_move(struct tna_ctl *c, struct tna_dp *want, int want_bridge);
/* A port no longer routed whose link the router holds, moved to bridge
 * pipeline TO (-ENOENT: not the router's); a routed port attached, its
 * link taken over from a bridge's pipeline it left if it is there. */
int tna_ctl_rt_give(struct tna_ctl *c, struct tna_dp *to, int ifindex);
void tna_ctl_rt_attach(struct tna_ctl *c, int ifindex);
/* fdb_mode.c: TNA_FDB_MODE (auto, mirror), and the mirror of a freshly
 * loaded pipeline filled and its keep-alive scheduled (mirror mode only) */
int tna_ctl_fdb_mode_opt(struct tna_ctl *c, bool *mirror);
void tna_ctl_fdb_start(struct tna_ctl *c, struct br_state *b);
/* status.c */
void tna_ctl_write_state(struct tna_ctl *c);
/* stage_plan.c: tna_ctl_stages() as JSON (NULL: out of memory); the
 * ports whose stage list runs bridge P's stage (IFX, at most MAX): the
 * ports its pipeline attaches.  Their number or -errno. */
struct json_object *tna_ctl_stages_json(const struct tna_ctl *c);
/* the router's host and plain routed ports from the walk, into c->rt
 * (walk_host, walk_ports): 0 or -errno */
int tna_ctl_rt_walk(struct tna_ctl *c);
int tna_ctl_stage_members(const struct tna_ctl *c, const struct tna_bridge_plan *p,
			  int *ifx, int max);
static inline bool tna_ifx_in(const int *ifx, int n, int ifindex)
{
	for (int i = 0; i < n; i++)
		if (ifx[i] == ifindex)
			return true;
	return false;
}
/* restrict.c */
void tna_ctl_hold(struct tna_ctl *c, struct br_state *b, const char *why);
void tna_ctl_restrict_check(struct tna_ctl *c);
void tna_ctl_unhold(struct tna_ctl *c);
void tna_ctl_rehold_router(struct tna_ctl *c);
void tna_ctl_hold_router(struct tna_ctl *c, const char *why);
/* router_filter.c: the router's ruleset follower has something */
void tna_ctl_rtf_process(struct tna_ctl *c);

/* events.c */
void tna_ctl_on_event(void *ctx, enum tna_obj obj, enum tna_op op, const void *item);
/* A configuration event: start or extend the pending burst. */
void tna_ctl_note_event(struct tna_ctl *c, enum tna_obj obj, enum tna_op op, const void *item);
/* Read and apply the port watch's pending messages now (e.g. after a
 * pipeline load, before the port table is written). */
void tna_ctl_ports_now(struct tna_ctl *c);
/* xmit_follow.c: the ports whose XDP features the kernel announced
 * derived again now; auto: replan when what a plan rested on changed. */
void tna_ctl_xmit_now(struct tna_ctl *c);
/* A veth peer's link message (controller/peer_watch.h): its port entries
 * and auto's plan follow in the same turn; the set of peers watched. */
void tna_ctl_peers_now(struct tna_ctl *c);
void tna_ctl_peers_watched(struct tna_ctl *c);
void tna_ctl_recheck_auto(struct tna_ctl *c);
/* The events the test latency switch held back whose time has come. */
void tna_ctl_events_due(struct tna_ctl *c);
/* A key the pending scan found (CTX: a struct tna_ctl_scan). */
struct tna_ctl_scan { struct tna_ctl *c; struct br_state *b; };
void tna_ctl_note_scanned(void *ctx, const uint8_t mac[6], uint16_t vlan);

/* vlan_ctl.c: the VLAN tables read again as a whole where the pipeline
 * or its ports changed (ALL: every VLAN bridge, after a replan); the
 * ports notifications name; whether notifications wait to be read. */
void tna_ctl_vlan_refill(struct tna_ctl *c, bool all);
void tna_ctl_vlan_events(struct tna_ctl *c);
bool tna_ctl_vlan_pending(const struct tna_ctl *c);

/* heartbeat.c: end of a turn (IDLE: no work left for the next one) */
void tna_ctl_heartbeat(struct tna_ctl *c, uint64_t now, bool idle);
void tna_ctl_trust_all(struct tna_ctl *c, bool on);
void tna_ctl_turn_done(struct tna_ctl *c, uint64_t t_turn);
void tna_ctl_busy(struct tna_ctl *c);
void tna_ctl_log_health(struct tna_ctl *c);

/* own_xdp.c */
const struct tna_link *tna_ctl_link_seen(const struct tna_ctl *c, int ifindex);
void tna_ctl_link_seen_set(struct tna_ctl *c, enum tna_op op, const struct tna_link *l);
void tna_ctl_note_own(struct tna_ctl *c, const struct tna_dp *dp);
bool tna_ctl_own_prog(struct tna_ctl *c, uint32_t id);
/* Called before (DEPLOYED false) and after the first deployment. */
void tna_ctl_own_start(struct tna_ctl *c, bool deployed);

#endif
