/* The router's netfilter stage under tna-deploy: when the plan evaluates
 * a family's rules in the fast path (tna_router_plan.nf_filter), the
 * ruleset is followed into the pipeline that hosts the router
 * (controller/filter_follow.h: read, compile, load into the half of the
 * program table no packet uses, switch) from before its ports are
 * attached until the router stops.  A change the compiler cannot
 * evaluate sends the family to Linux at the switch (a program that passes
 * all of it, reason nf_hook); the replan that follows makes it nf_routed.
 *
 * The follower's sockets and a timer (conntrack sysctls and legacy tables,
 * which send no events: every TNA_RTF_TICK_MS) are behind one epoll fd the
 * controller's loop waits on.  Returns 0 or -errno; prints nothing. */
#ifndef TNA_CONTROLLER_ROUTER_FILTER_H
#define TNA_CONTROLLER_ROUTER_FILTER_H
#include <stdbool.h>
#include <stdio.h>

#include "controller/filter_follow.h"

#define TNA_RTF_TICK_MS 500

struct tna_rtf;
struct tna_rt_state;
struct json_object;

/* Follow the ruleset into DP for the routed families V4/V6 and load the
 * first program (before any port of the router is attached). */
struct tna_rtf *tna_rtf_start(struct tna_dp *dp, bool v4, bool v6, int *err);
void tna_rtf_stop(struct tna_rtf *f);
/* The pipeline was replaced by one sharing its maps. */
void tna_rtf_host_replaced(struct tna_rtf *f, struct tna_dp *dp);
/* The fd to wait on (readable: call tna_rtf_process), -1 for none. */
int tna_rtf_fd(const struct tna_rtf *f);
/* Follow what came: 1 when a new program was loaded, 0 nothing, -errno. */
int tna_rtf_process(struct tna_rtf *f);
const struct tna_nf_follow_report *tna_rtf_report(const struct tna_rtf *f);

/* The generation file of scripts that wait until a ruleset change is in
 * effect (tests/filter/nft-sync.sh): /run/tna-filter-gen.NETNS with the
 * kernel ruleset generation the fast path enforces; NULL removes it. */
void tna_rtf_gen_file(const struct tna_nf_follow_report *r);

/* "  netfilter: gen 3 (ruleset 17), 42 instructions, ..." for --status. */
void tna_rtf_print(const struct tna_rtf *f, FILE *out);
struct json_object *tna_rtf_to_json(const struct tna_rtf *f);

#endif
