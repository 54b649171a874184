/* The router plan (assembler/router_plan.h) applied to a loaded pipeline
 * (targets/router.h): what tna-deploy calls once the pipeline holding the
 * router modules is loaded and the bridge plan's ports are set.
 * Returns 0 or a negative errno; prints nothing. */
#ifndef TNA_CONTROLLER_ROUTER_APPLY_H
#define TNA_CONTROLLER_ROUTER_APPLY_H
#include "assembler/router_plan.h"
#include "targets/router.h"

/* Plain routed interfaces: tna_dp__router_port_add (port + rif, rp_filter
 * flag); a bridge with an address: its rif {bridge, mac, BRIDGE}; its ports:
 * rif {bridge, bridge mac, ROUTE | BRPORT [| RP_FILTER]} (the ports
 * themselves come from the bridge plan).  ATTACH gets the ifindexes this
 * added as ports (to attach), *N_ATTACH their number (capacity MAX). */
int tna_router_plan_apply(struct tna_dp *dp, const struct tna_router_plan *plan,
			  int *attach, int max, int *n_attach);

#endif
