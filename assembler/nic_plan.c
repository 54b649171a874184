/* The NIC stage of each port: which ports run bpf/tna_nic.bpf.c on their
 * NIC, in front of the host stage, and why (not).
 *
 *   port                                          NIC stage
 *   --------------------------------------------  ----------------------------
 *   not accelerated, or nothing deployed           none
 *   not an offloading device (probe verdict)       none
 *   a foreign HW-mode program on the device        none, program named
 *   the device kind's offload model refuses what   none, the model's reason;
 *     the compiled NIC stage needs                   --target offload refused
 *   otherwise                                      planned
 *
 * The model and the requirements are the ones the loader checks again
 * (targets/offload/nic.c), so nothing planned here is refused by the
 * model at load; the device itself may still refuse, and the deploy then
 * records its message in nic_reason and runs the port without a NIC
 * stage. */
#include <errno.h>
#include <string.h>

#include "assembler/plan.h"

static bool foreign_hw(const struct tna_caps_dev *c)
{
	return c->prog_id_hw && strncmp(c->prog_name_hw, TNA_PROG_NAME_PREFIX,
					strlen(TNA_PROG_NAME_PREFIX));
}

void tna_plan_nic(const struct tna_plan_bridge_in *in, const struct tna_plan_opts *o,
		  struct tna_bridge_plan *plan)
{
	const struct tna_offload_req *req = o->nic_req ? o->nic_req : tna_offload_nic_req();
	char need[160], fit[512];

	plan->n_nic = 0;
	plan->nic_insns = req ? req->insns : 0;
	if (req)
		tna_offload_req_describe(req, need, sizeof(need));
	for (int i = 0; i < plan->n_ports && i < in->n_ports; i++) {
		struct tna_port_plan *pp = &plan->ports[i];
		const struct tna_caps_dev *c = in->ports[i].caps;
		struct tna_offload_caps caps;
		int err;

		if (!pp->nic)
			continue;	/* not an offloading device */
		pp->nic = false;
		if (!plan->ok || !pp->accelerated || !c)
			continue;
		if (tna_offload_caps_for_dev(c, &caps)) {
			snprintf(pp->nic_reason, sizeof(pp->nic_reason),
				 "no offload model for driver %s", c->driver[0] ? c->driver : "?");
			continue;
		}
		snprintf(pp->nic_kind, sizeof(pp->nic_kind), "%s", caps.kind);
		if (foreign_hw(c)) {
			snprintf(pp->nic_reason, sizeof(pp->nic_reason),
				 "no NIC stage: foreign HW-mode program '%s' (id %u) on the device",
				 c->prog_name_hw, c->prog_id_hw);
			continue;
		}
		if (!req) {
			snprintf(pp->nic_reason, sizeof(pp->nic_reason),
				 "no NIC stage: its object cannot be read (%s)", strerror(errno));
			continue;
		}
		err = tna_offload_check(&caps, req, fit, sizeof(fit));
		if (err) {
			snprintf(pp->nic_reason, sizeof(pp->nic_reason),
				 "no NIC stage: %s model (%.96s): %.200s", caps.kind, caps.source, fit);
			if (o->target == TNA_TARGET_OFFLOAD && !plan->refused) {
				plan->refused = true;
				plan->ok = false;
				snprintf(plan->reason, sizeof(plan->reason),
					 "--target offload refused: port %s: %.200s", pp->name,
					 pp->nic_reason);
			}
			continue;
		}
		pp->nic = true;
		plan->n_nic++;
		snprintf(pp->nic_reason, sizeof(pp->nic_reason),
			 "NIC stage fits the %s model (%.96s): %.200s", caps.kind, caps.source, need);
	}
	if (plan->refused) {
		plan->target = TNA_TARGET_NONE;
		plan->n_nic = 0;
		for (int i = 0; i < plan->n_ports; i++) {
			plan->ports[i].nic = false;
			plan->ports[i].accelerated = false;
			plan->ports[i].target = TNA_TARGET_NONE;
		}
	}
}
