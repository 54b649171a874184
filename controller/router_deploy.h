/* The router side of tna-deploy: plan the router from the model,
 * run it in its own pipeline (plain routed ports) or inside the pipeline
 * of the bridge it is composed with (a bridge with an address: one parser,
 * one devmap, bridge and router modules together), and report it.
 * Used by controller/ctl.c only.  Returns 0 or -errno; prints nothing. */
#ifndef TNA_CONTROLLER_ROUTER_DEPLOY_H
#define TNA_CONTROLLER_ROUTER_DEPLOY_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "assembler/plan.h"
#include "assembler/router_plan.h"
#include "controller/router_filter.h"
#include "targets/datapath.h"

struct tna_model;
struct json_object;

#define TNA_RT_MAX_ATTACHED 256

struct tna_rt_state {
	struct tna_router_plan plan;	/* in effect / last computed */
	struct tna_router_plan prev;	/* in effect before the last change */
	bool disabled;			/* --no-router */
	bool no_filter;			/* --no-filter: netfilter-routed families to Linux */
	enum tna_target target;		/* explicit target, or AUTO */
	bool force;
	struct tna_dp *own;		/* own pipeline (no routed bridge hosts it) */
	enum tna_target own_target;	/* the mode it was loaded for */
	struct tna_dp *host;		/* the pipeline it runs in: own or a bridge's */
	int host_bridge;		/* that bridge's ifindex, 0 = own pipeline */
	int attached[TNA_RT_MAX_ATTACHED];	/* plain routed ports attached */
	int n_attached;
	/* Where the walk of the service graph puts it (tna_ctl_rt_walk):
	 * the hosting bridge (0 own) and the plain routed ports to attach */
	int walk_host;
	int walk_ports[TNA_RT_MAX_ATTACHED];
	int n_walk;
	uint32_t xlated, xlated_all;	/* own pipeline (dry-run: measured) */
	struct tna_rtf *filter;		/* the ruleset followed (plan.nf_filter) */
	bool filter_v4, filter_v6;	/* the families it was started for */
	/* The dead-man limit its own pipelines are armed with before a port
	 * runs them, and the first heartbeat's grace (a load just took the
	 * loop's time); 0: not armed here (the controller's heartbeat does) */
	uint64_t deadman_ns, grace_ns;
	char error[160];
};

/* Replan from model M into RT->plan (nothing deployed changes).  Returns
 * 1 when the new plan differs from the one in effect, 0 when not.  (The
 * graph tells TNA's programs from foreign ones by name; DEVS, the
 * capabilities probe, are not needed for that any more.) */
struct tna_caps_dev;
int tna_rt_replan(struct tna_rt_state *rt, const struct tna_model *m,
		  const struct tna_caps_dev *devs, int ndevs);

/* Whether a plan made from M now would differ from the one in effect
 * (nothing changes; controller/restrict.c holds the ports then). */
bool tna_rt_plan_differs(const struct tna_rt_state *rt, const struct tna_model *m,
			 const struct tna_caps_dev *devs, int ndevs);

/* What the router puts into the code of the pipeline that hosts it
 * (rodata and modules, tna_rt_dp_opts): a pipeline loaded with other
 * values must be replaced, one with the same keeps running and only its
 * tables change. */
struct tna_rt_code {
	uint64_t fpms;
	uint8_t nf_routed, xfrm_routed;
	bool fib_direct4, fib_direct6;
};
/* The code the router wants in bridge BRIDGE's pipeline (0: its own). */
void tna_rt_code_for(const struct tna_rt_state *rt, int bridge, struct tna_rt_code *code);
static inline bool tna_rt_code_same(const struct tna_rt_code *a, const struct tna_rt_code *b)
{
	return a->fpms == b->fpms && a->nf_routed == b->nf_routed &&
	       a->xfrm_routed == b->xfrm_routed &&
	       a->fib_direct4 == b->fib_direct4 && a->fib_direct6 == b->fib_direct6;
}

/* The router's own pipeline for TARGET (FPMS 0: the plan's), loaded
 * beside SHARE (its maps and port slot; NULL: a fresh family). */
struct tna_dp *tna_rt_load_own(const struct tna_rt_state *rt, enum tna_target target,
			       uint64_t fpms, bool force, const struct tna_dp *share);
/* Its attach mode for TARGET (tna-deploy's --target). */
enum tna_target tna_rt_own_target(const struct tna_rt_state *rt, enum tna_target target);

/* The bridge that hosts the router as the walk decided, 0 none; and
 * whether the walk has IFINDEX as a plain routed port. */
int tna_rt_host_bridge(const struct tna_rt_state *rt);
bool tna_rt_routes(const struct tna_rt_state *rt, int ifindex);

/* Add the router's modules and switches to the load options of the
 * pipeline that hosts it. */
void tna_rt_dp_opts(const struct tna_rt_state *rt, struct tna_dp_opts *o);

/* Apply the plan to HOST (bridge ifindex HOST_BRIDGE, or 0 and a NULL
 * HOST for its own pipeline, loaded here for TARGET), start following the
 * ruleset when the plan filters (controller/router_filter.h), and attach
 * the plain routed ports.  On error what was attached stays (reported in error). */
int tna_rt_start(struct tna_rt_state *rt, struct tna_dp *host, int host_bridge,
		 enum tna_target target);

/* Arm a fresh own pipeline's dead-man switch (deadman_ns) before a port
 * runs it: tna-deploy --sync then waits for its first synced heartbeat. */
void tna_rt_arm(const struct tna_rt_state *rt, struct tna_dp *dp);

/* The ruleset follower the plan asks for (plan.nf_filter), started on DP
 * into *F (NULL when the plan has none); 0 or -errno. */
int tna_rt_filter_start(struct tna_rt_state *rt, struct tna_dp *dp, struct tna_rtf **f);
/* Whether the follower running is not the one the plan asks for (none
 * and some, other families). */
bool tna_rt_filter_differs(const struct tna_rt_state *rt);
/* NF (may be NULL) follows the ruleset from now on; the old one stops. */
void tna_rt_filter_swap(struct tna_rt_state *rt, struct tna_rtf *nf);

/* Attach the routed port IFINDEX (its entries set) to the running
 * router; on failure its entries go and RT->error says why. */
int tna_rt_attach(struct tna_rt_state *rt, int ifindex);

/* Detach the routed ports (and free the own pipeline).  HOST_GONE: the
 * hosting pipeline was destroyed already (its links went with it). */
void tna_rt_stop(struct tna_rt_state *rt, bool host_gone);

/* The hosting bridge's pipeline was swapped for NDP (same maps). */
static inline void tna_rt_host_replaced(struct tna_rt_state *rt, struct tna_dp *ndp)
{
	rt->host = ndp;
	tna_rtf_host_replaced(rt->filter, ndp);
}

/* Look again at what the routed ports' devices decide and no event here
 * announces (ndo-xmit, the veth peer's tx checksumming, the MTU):
 * tna_dp__port_refresh().  True when some port still cannot take native
 * redirected frames. */
bool tna_rt_recheck_xmit(struct tna_rt_state *rt);

/* A link event for IFINDEX: refresh its port entry (MTU) at once. */
void tna_rt_link_changed(struct tna_rt_state *rt, int ifindex);

/* Auto: has anything the plan's target choice rested on changed (a veth
 * peer's TSO, GRO, tx checksumming, a routed port's ndo-xmit)? */
bool tna_rt_inputs_changed(const struct tna_rt_state *rt);

/* Load the own pipeline and an all-modules build (never attached) for
 * the xlated counts of --dry-run. */
int tna_rt_measure(struct tna_rt_state *rt, enum tna_target target);

/* "parse_eth classify ... ipv4 ipv6 route" */
void tna_rt_fpm_names(uint64_t fpms, char *buf, size_t len);

void tna_rt_print(const struct tna_rt_state *rt, const char *host_name,
		  uint64_t host_fpms, FILE *f);
struct json_object *tna_rt_to_json(const struct tna_rt_state *rt, const char *host_name,
				   uint64_t host_fpms);

#endif
