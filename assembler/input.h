/* Planner input from the live system: the introspection model and its
 * service graph (why a bridge or port cannot be accelerated: the graph's
 * reasons, introspect/rules.c) and the capabilities probe. */
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

#endif
