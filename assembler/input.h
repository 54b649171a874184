/* Planner input from the live system: the introspection model (bridge,
 * ports, netfilter summary, sysctls) and the capabilities probe. */
#ifndef TNA_ASSEMBLER_INPUT_H
#define TNA_ASSEMBLER_INPUT_H
#include "assembler/plan.h"
#include "introspect/model.h"

/* Fill IN for bridge BRIDGE_IFINDEX.  DEVS (N entries, may be NULL) are
 * the probed netdevs of the same netns.  in->ports is malloc'd: free it
 * with tna_plan_input_free().  -ENODEV when it is not a bridge. */
int tna_plan_input_build(const struct tna_model *m,
			 const struct tna_caps_dev *devs, int n,
			 int bridge_ifindex, struct tna_plan_bridge_in *in);
void tna_plan_input_free(struct tna_plan_bridge_in *in);

/* Rules of the netfilter summary that br_netfilter would show bridged
 * frames of FAMILY (TNA_NF_IPV4/IPV6/ARP): rules and drop policies at
 * prerouting, forward and postrouting, inet chains counting for IPv4 and
 * IPv6; -1 when neither nftables nor legacy tables could be read. */
int tna_nf_rules_for_bridged(const struct tna_netfilter *nf,
			     enum tna_nf_family family);
/* nftables/ebtables chains that see bridged frames without br_netfilter:
 * bridge family at prerouting/forward/postrouting, netdev family
 * (ingress/egress of a port would be bypassed by XDP). */
int tna_nf_bridge_chains(const struct tna_netfilter *nf);

#endif
