/* A bridge with VLAN filtering (802.1Q): what its plan adds.
 *
 * The VLAN module (bpf/fpm/vlan.h) gives each frame its VLAN (tag or
 * pvid), admits it as the ingress port's VLANs and their states say,
 * looks the FDB up per VLAN and pushes or pops the tag per egress port.
 * The flow cache is left out: it is keyed without VLAN.  The VLAN table is
 * the controller's (controller/vlan_sync.c), read from the kernel.  An
 * 802.1ad bridge is blocked in the service graph (introspect/rules.c)
 * and stays with Linux. */
#include <string.h>
#include <json-c/json.h>

#include "assembler/plan.h"

void tna_plan_vlan(const struct tna_plan_bridge_in *in, struct tna_bridge_plan *plan)
{
	plan->vlan_filtering = in->vlan_filtering;
	if (!in->vlan_filtering)
		return;
	plan->fpms |= 1ull << TNA_PFPM_VLAN;
	plan->fpms &= ~(1ull << TNA_PFPM_FLOW_CACHE);
}

/* A VLAN tag that travels as skb metadata (a veth peer that "inserts
 * tags in hardware", the default; a NIC that strips them on receive) is
 * not in the frame XDP sees, generic or native: the frame would look
 * untagged and take the port's pvid.  Only veth ports whose peer inserts
 * tags into the frame itself are accelerated (the controller looks again
 * every second: controller/vlan_ctl.c). */
bool tna_plan_vlan_port(const struct tna_plan_bridge_in *in, const struct tna_plan_port_in *p,
			struct tna_port_plan *pp)
{
	if (!in->vlan_filtering)
		return false;
	if (strcmp(p->kind, "veth"))
		snprintf(pp->reason, sizeof(pp->reason),
			 "VLAN filtering: a %s port may strip VLAN tags on receive, where XDP "
			 "does not see them: its frames go to Linux", p->kind[0] ? p->kind : "physical");
	else if (!p->peer.known)
		snprintf(pp->reason, sizeof(pp->reason),
			 "VLAN filtering: its veth peer cannot be read (tags it sends may "
			 "travel as metadata, which XDP does not see): its frames go to Linux");
	else if (p->peer.tx_vlan)
		snprintf(pp->reason, sizeof(pp->reason),
			 "VLAN filtering: its veth peer puts VLAN tags in metadata XDP does not "
			 "see (txvlan): its frames go to Linux (ethtool -K <peer> txvlan off)");
	else
		return false;
	pp->accelerated = false;
	return true;
}

void tna_plan_vlan_print(const struct tna_bridge_plan *p, FILE *f)
{
	if (!p->vlan_filtering || !(p->fpms & (1ull << TNA_PFPM_VLAN)))
		return;
	fprintf(f, "  vlan:      802.1Q filtering in XDP: VLAN from the tag or the port's pvid,\n"
		"             admitted when the port is a forwarding member, FDB per VLAN,\n"
		"             tag pushed/popped per egress port; table from the kernel's bridge\n"
		"             VLANs; priority tags, 802.1ad tags, VLANs not on the port, per-VLAN\n"
		"             options (neigh_suppress, tunnels) to Linux; no flow cache\n");
}

void tna_plan_vlan_json(const struct tna_bridge_plan *p, struct json_object *o)
{
	json_object_object_add(o, "vlan_filtering", json_object_new_boolean(p->vlan_filtering));
}
