/* The plan per port: an ordered list of stages (NIC, bridge, router,
 * filter, ...), each with its modules, parameters, target and reasons,
 * and what stays on Linux and why.  Built from the planners' results
 * (assembler/plan.h per bridge, assembler/router_plan.h), which read the
 * service graph's reasons; `tna-deploy --dry-run` prints exactly this
 * list (text and JSON).  No I/O; nothing prints but the print functions. */
#ifndef TNA_ASSEMBLER_STAGES_H
#define TNA_ASSEMBLER_STAGES_H
#include <stdint.h>
#include <stdio.h>

#include "assembler/plan.h"
#include "assembler/router_plan.h"

enum tna_stage_kind {
	TNA_STAGE_NIC,		/* on the device, in front of the host stage */
	TNA_STAGE_BRIDGE,
	TNA_STAGE_ROUTER,
	TNA_STAGE_FILTER,	/* compiled netfilter rules, conntrack, NAT */
	TNA_STAGE__MAX
};
const char *tna_stage_kind_name(enum tna_stage_kind k);

struct tna_stage {
	enum tna_stage_kind kind;
	uint64_t fpms;		/* TNA_FPM_* modules of this stage, in pipeline order */
	char params[160];	/* "keep-alive 150000 ms", "IPv4 IPv6", ... */
	char reason[384];	/* why it runs here */
	char to_linux[256];	/* what of its traffic stays on Linux and why, "" none */
};

#define TNA_STAGES_MAX 4

struct tna_port_stages {
	int ifindex;
	char name[16];
	char pipeline[24];	/* bridge name, "router" (own pipeline), "" none */
	enum tna_target target;	/* TNA_TARGET_NONE: plain Linux */
	int n;
	struct tna_stage st[TNA_STAGES_MAX];
	char linux_reason[384];	/* n == 0: why the port stays on Linux */
};

struct tna_stage_plan {
	int n_ports;
	struct tna_port_stages *ports;
};

/* The stages of every port of BRIDGES (N of them) and of the router plan
 * RT (may be NULL), which runs in the pipeline of bridge ifindex
 * RT_HOST (0: its own).  0 or -ENOMEM. */
int tna_stages_build(const struct tna_bridge_plan *const *bridges, int n,
		     const struct tna_router_plan *rt, int rt_host,
		     struct tna_stage_plan *sp);
void tna_stages_free(struct tna_stage_plan *sp);

/* TNA_FPM_* modules in pipeline order: "parse_eth classify ... stats",
 * and as a JSON array of names. */
void tna_stage_fpm_names(uint64_t fpms, char *buf, size_t len);
struct json_object *tna_stage_fpm_json(uint64_t fpms);

void tna_stages_print(const struct tna_stage_plan *sp, FILE *f);
struct json_object *tna_stages_to_json(const struct tna_stage_plan *sp);

#endif
