/* The plan per port: an ordered list of stages (NIC, hooks, bridge,
 * router, filter), each with its modules, parameters, target and reasons,
 * and what stays on Linux and why.
 *
 * Built by walking the service graph (introspect/graph.h): each port
 * node, its edges (port-of -> bridge, bridge routes-via -> L3 <- router,
 * router filtered-by -> netfilter, bridge/router hooked-by -> hook), and
 * each plain routed interface (an L3 node the router routes via).  A
 * stage exists because an edge leads to its node; its modules, parameters
 * and target come from that node's plan (assembler/plan.h per bridge,
 * assembler/router_plan.h); what stays on Linux comes from the graph node
 * that blocks it (named in linux_node), or, where the graph blocks nothing,
 * from the plan's own decision (the target, e.g. auto and a TSO peer).
 * `tna-deploy --dry-run` and `--status` print exactly this list (text and
 * JSON).  No I/O; nothing prints but the print functions. */
#ifndef TNA_ASSEMBLER_STAGES_H
#define TNA_ASSEMBLER_STAGES_H
#include <stdint.h>
#include <stdio.h>

#include "assembler/plan.h"
#include "assembler/router_plan.h"

struct tna_graph;

/* In pipeline order: the order of this enum is the order of a port's list. */
enum tna_stage_kind {
	TNA_STAGE_NIC,		/* on the device, in front of the host stage */
	TNA_STAGE_HOOK_INGRESS,	/* the operator's hooks (docs/hooks.md) */
	TNA_STAGE_HOOK_CLASSIFIED,	/* at the forwarding decision of the stages below */
	TNA_STAGE_BRIDGE,
	TNA_STAGE_ROUTER,
	TNA_STAGE_FILTER,	/* compiled netfilter rules, conntrack, NAT */
	TNA_STAGE_HOOK_EGRESS,	/* egress known (a routed frame's postrouting follows) */
	TNA_STAGE__MAX
};
const char *tna_stage_kind_name(enum tna_stage_kind k);	/* "nic", "hook:ingress", ... */

struct tna_stage {
	enum tna_stage_kind kind;
	uint64_t fpms;		/* TNA_FPM_* modules of this stage, in pipeline order */
	char node[64];		/* the graph node it stands for: "bridge:br0", "router:router" */
	char params[160];	/* "keep-alive 150000 ms", "IPv4 IPv6", "drop.o: tna_hook_egress" */
	char reason[384];	/* why it runs here */
	char to_linux[384];	/* what of its traffic stays on Linux and why, "" none */
};

#define TNA_STAGES_MAX TNA_STAGE__MAX

struct tna_port_stages {
	int ifindex;
	char name[16];
	char pipeline[24];	/* bridge name, "router" (own pipeline), "" none */
	enum tna_target target;	/* TNA_TARGET_NONE: plain Linux */
	int n;
	struct tna_stage st[TNA_STAGES_MAX];
	char linux_reason[384];	/* n == 0: why the port stays on Linux */
	char linux_node[64];	/* the graph node that keeps it there, "" a plan's choice */
};

struct tna_stage_plan {
	int n_ports;
	struct tna_port_stages *ports;
	/* The bridge whose pipeline hosts the router, 0 its own pipeline:
	 * the first bridge (ifindex order) the router routes via whose plan
	 * deploys it (ok), whatever the router plan lists first. */
	int rt_host;
};

/* What the walk reads: the graph, and the plans of its nodes. */
struct tna_stage_src {
	const struct tna_graph *g;
	const struct tna_bridge_plan *const *bridges;	/* planned bridges (selected) */
	int n_bridges;
	const struct tna_router_plan *rt;	/* may be NULL: no router planned */
};

/* The stages of every port of the graph's bridges and of every
 * interface the router routes via.  0, -EINVAL (no graph) or -ENOMEM. */
int tna_stages_build(const struct tna_stage_src *src, struct tna_stage_plan *sp);
void tna_stages_free(struct tna_stage_plan *sp);

/* The ports the router attaches itself (IFX, at most MAX; their number):
 * those whose list has a router stage and no bridge stage, in its own
 * pipeline or the host's.  A port the router plan routes but the walk
 * leaves on Linux is not among them. */
int tna_stages_router_ports(const struct tna_stage_plan *sp, int *ifx, int max);

/* The port IFINDEX's list, NULL when it has none. */
const struct tna_port_stages *tna_stages_port(const struct tna_stage_plan *sp, int ifindex);

/* TNA_FPM_* modules in pipeline order: "parse_eth classify ... stats",
 * and as a JSON array of names. */
void tna_stage_fpm_names(uint64_t fpms, char *buf, size_t len);
struct json_object *tna_stage_fpm_json(uint64_t fpms);

/* assembler/stages_print.c: JSON ([{name, ifindex, pipeline, target,
 * linux_reason, linux_node, stages: [{stage, node, modules, params,
 * reason, to_linux}]}]) and text ("stages per port:"), the text printed
 * from the JSON (tna-deploy --status prints the status file's) */
struct json_object *tna_stages_to_json(const struct tna_stage_plan *sp);
void tna_stages_print_json(struct json_object *a, FILE *f);
void tna_stages_print(const struct tna_stage_plan *sp, FILE *f);

#endif
