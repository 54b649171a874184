/* The router plan (assembler/router_plan.h) applied to a loaded pipeline
 * (targets/router.h): what tna-deploy calls once the pipeline holding the
 * router modules is loaded and the bridge plan's ports are set.
 * Returns 0 or a negative errno; prints nothing. */
#ifndef TNA_CONTROLLER_ROUTER_APPLY_H
#define TNA_CONTROLLER_ROUTER_APPLY_H
#include "assembler/router_plan.h"
#include "targets/router.h"

/* Also on a running pipeline (the tables in place).  Plain routed
 * interfaces (of those, only the ONLY[N_ONLY] ones when ONLY is not NULL:
 * the ports the walk of the service graph routes; the rest get no entry):
 * rif, then the port entry (a port held on Linux stays held);
 * a bridge with an address: its rif {bridge, mac, BRIDGE}; its ports:
 * rif {bridge, bridge mac, ROUTE | BRPORT [| RP_FILTER]} (the ports
 * themselves come from the bridge plan).  ATTACH gets the ifindexes this
 * added as ports (to attach), *N_ATTACH their number (capacity MAX). */
int tna_router_plan_apply(struct tna_dp *dp, const struct tna_router_plan *plan,
			  const int *only, int n_only, int *attach, int max, int *n_attach);

/* The rifs OLD listed that NP does not (the entries of interfaces that
 * left the router): removed from DP.  Routed ports are detached by the
 * caller first. */
void tna_router_plan_drop_rifs(struct tna_dp *dp, const struct tna_router_plan *old,
			       const struct tna_router_plan *np);

#endif
