/* Inside of the controller, shared by its files (ctl.c: deploy and the
 * event loop; status.c: status JSON and the router's output; restrict.c:
 * restrictive changes first).  Not for tools. */
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
#include "controller/router_deploy.h"
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
	/* The pipeline swapped out last, kept loaded (sharing the maps) so
	 * that a change undone later (isolated on/off) swaps back at once. */
	struct tna_dp *spare;
	uint64_t spare_fpms;
	bool spare_br_nf;
	uint8_t spare_mac[6];
	bool no_xmit;		/* some port cannot be a native redirect egress yet */
	bool held;		/* its ports are held on Linux until the next replan */
};

struct tna_ctl {
	struct tna_ctl_opts o;
	struct tna_model *m;
	struct tna_watch *w;
	struct tna_nl *nl;
	struct tna_caps_sys sys;
	struct tna_caps_dev *devs;
	int ndevs;
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
};

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
void tna_ctl_port_cfg(const struct tna_link *l, struct tna_port_cfg *cfg);
int tna_ctl_plan_one(struct tna_ctl *c, int ifindex, struct tna_bridge_plan *p);
/* status.c */
void tna_ctl_write_state(struct tna_ctl *c);
/* restrict.c */
void tna_ctl_hold(struct tna_ctl *c, struct br_state *b, const char *why);
void tna_ctl_restrict_check(struct tna_ctl *c);
void tna_ctl_unhold(struct tna_ctl *c);
void tna_ctl_rehold_router(struct tna_ctl *c);

#endif
