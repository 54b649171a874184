/* The controller behind tna-deploy: plans every selected bridge of the
 * current netns, deploys the fast path, keeps it coherent (FDB mirror,
 * keep-alive) and redeploys when the configuration changes.  Prints
 * nothing itself: progress and errors go through the log callback. */
#ifndef TNA_CONTROLLER_CTL_H
#define TNA_CONTROLLER_CTL_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "assembler/plan.h"

#define TNA_CTL_MAX_BRIDGES 64

enum tna_ctl_log { TNA_CTL_INFO, TNA_CTL_VERBOSE, TNA_CTL_ERROR };

struct tna_ctl_opts {
	size_t sz;
	enum tna_target target;		/* TNA_PLAN_AUTO or explicit */
	bool force;
	const char *const *bridges;	/* names, NULL/0 = every bridge */
	int n_bridges;
	void (*log)(void *ctx, enum tna_ctl_log level, const char *msg);
	void *log_ctx;
	bool verbose;			/* TNA_CTL_VERBOSE messages wanted */
	const char *state_path;		/* JSON status file, NULL = none */
	/* Debouncing of configuration events (controller/debounce.h): apply
	 * a burst once no event came for quiet_ms, at most max_ms after its
	 * first event.  0 = defaults (5 and 20 ms). */
	unsigned int debounce_quiet_ms, debounce_max_ms;
	/* Interval of the poll of what sends no event (introspect/poll.c):
	 * bounds how late such a change is seen.  0 = TNA_WATCH_POLL_MS. */
	unsigned int poll_ms;
	/* Do not deploy the router (controller/router_deploy.h) even when
	 * forwarding is on and there is something to route. */
	bool no_router;
	/* Keep every routed family that netfilter sees on Linux, as if the
	 * rules could not be compiled (controller/router_filter.h). */
	bool no_filter;
};

struct tna_ctl;

/* Dumps the model (subscribing to its events) and probes capabilities.
 * NULL + errno on failure. */
struct tna_ctl *tna_ctl_new(const struct tna_ctl_opts *opts);

/* Plan every selected bridge without touching anything.  With LOAD, load
 * each plan's pipeline and an all-modules build (never attached) to fill
 * the xlated instruction counts.  -ENODEV: a named bridge does not exist
 * (message logged).  Plans are valid until the next call. */
int tna_ctl_plan(struct tna_ctl *c, bool load);
int tna_ctl_n_plans(const struct tna_ctl *c);
const struct tna_bridge_plan *tna_ctl_plan_get(const struct tna_ctl *c, int i);

/* Deploy the plans: load, fill ports and FDB, attach.  -EPERM/-EEXIST/...
 * when a bridge that could be deployed failed (message logged); refused
 * plans give -EINVAL. */
int tna_ctl_deploy(struct tna_ctl *c);

/* Bridges whose fast path is attached now. */
int tna_ctl_n_running(const struct tna_ctl *c);

/* Event loop (model events, FDB mirror, keep-alive, redeploys) until
 * SIGFD is readable: a signalfd, or any pollable fd the caller wants to be
 * woken by (tna-deploy: an epoll fd of its signalfd and netns watch; it
 * calls again when it decides to go on); -1 for none.  0 then. */
int tna_ctl_run(struct tna_ctl *c, int sigfd);

/* The router: planned with the bridges by tna_ctl_plan(), deployed by
 * tna_ctl_deploy() in its own pipeline or in the one of the bridge it is
 * composed with.  Print/JSON of its plan and where it runs. */
int tna_ctl_router_running(const struct tna_ctl *c);
void tna_ctl_router_print(const struct tna_ctl *c, FILE *f);
struct json_object *tna_ctl_router_json(const struct tna_ctl *c);

/* The plans as stages per port (assembler/stages.h), walked on the
 * service graph of the model planned from (controller/stage_plan.c):
 * what --dry-run prints, and the status JSON's "stages".  0 or -errno;
 * tna_stages_free() it. */
struct tna_stage_plan;
int tna_ctl_stages(const struct tna_ctl *c, struct tna_stage_plan *sp);

/* Detach everything and free (restores what TNA changed). */
void tna_ctl_free(struct tna_ctl *c);

/* From any process in the netns: wait until the running controller (if
 * any) has applied every change the kernel notified before this call
 * (controller/sync.c).  0, -ETIMEDOUT. */
int tna_ctl_sync(unsigned int timeout_ms);

/* Status as JSON (json-c object) of what is deployed now. */
struct json_object *tna_ctl_status_json(const struct tna_ctl *c);

#endif
