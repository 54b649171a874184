/* The router side of a loaded pipeline: which ports route, as
 * what layer-3 device.  Load the pipeline with fpms including
 * TNA_FPM_IPV4 and/or TNA_FPM_IPV6 and TNA_FPM_ROUTE, add every port with
 * tna_dp__port_set() (that also fills the devmap: a routed packet can only
 * leave through a port of the pipeline), then describe each with
 * tna_dp__rif_set():
 *
 *   plain interface X:  rif(X)      = { X, mac of X, ROUTE }
 *   bridge port P of B: rif(P)      = { B, mac of B, ROUTE | BRPORT }
 *   the bridge B:       rif(B)      = { B, mac of B, BRIDGE }  (egress via FDB)
 *
 * plus TNA_RIF_F_RP_FILTER on an ingress whose rp_filter is on.
 * (controller/router_apply.h does all of this from a router plan.)
 * tna_dp__port_del() leaves the rif entry: call tna_dp__rif_del() too.
 * Returns 0 or a negative errno; prints nothing. */
#ifndef TNA_TARGETS_ROUTER_H
#define TNA_TARGETS_ROUTER_H
#include "targets/datapath.h"

struct tna_rif_cfg {
	int l3_ifindex;			/* the device Linux routes from: X or its bridge */
	uint8_t mac[6];			/* frames to this MAC are routed */
	uint8_t flags;			/* TNA_RIF_F_* */
};

/* -ERANGE: an ifindex >= TNA_MAX_IFINDEX or <= 0. */
int tna_dp__rif_set(struct tna_dp *dp, int ifindex, const struct tna_rif_cfg *cfg);
int tna_dp__rif_del(struct tna_dp *dp, int ifindex);
int tna_dp__rif_get(const struct tna_dp *dp, int ifindex, struct tna_rif_cfg *cfg);

/* The martian IPv4 sources (the box's addresses, local/broadcast/anycast
 * /32 route destinations; network order): the set becomes exactly A[0..N),
 * added before their filter bits are set, removed before bits are cleared.
 * -E2BIG beyond TNA_SRC_MARTIAN_MAX. */
int tna_dp__src_martian4_set(struct tna_dp *dp, const uint32_t *a, int n);
/* Every IPv4 source looked up in the FIB (bpf/fpm/fib.h), or not: a table
 * value of every pipeline sharing DP's maps. */
int tna_dp__src_fib_check_set(struct tna_dp *dp, bool on);

/* The IPv6 local table's /128 destinations outside multicast, link-local
 * and ::/96 (the box's addresses, anycast): with fib_direct6 they go to
 * Linux, as the full lookup would send them.  Same order as above;
 * -E2BIG beyond TNA_LOCAL6_MAX. */
int tna_dp__local6_set(struct tna_dp *dp, const uint8_t (*a)[16], int n);

/* A plain routed interface: port (forwarding, no bridge flags) + rif. */
int tna_dp__router_port_add(struct tna_dp *dp, int ifindex, const uint8_t mac[6],
			    bool rp_filter);

#endif
