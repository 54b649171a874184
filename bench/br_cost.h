/* tna-br-cost's test bed (bench/br_cost_setup.c): a bridge in the
 * tool's private namespace, the programs it times and their tables.
 * Functions print what failed (tna-br-cost: ...) and return NULL or
 * non-zero. */
#ifndef TNA_BENCH_BR_COST_H
#define TNA_BENCH_BR_COST_H
#include <stdbool.h>
#include <stdint.h>
#include "targets/datapath.h"

#define BR_COST_FRAME_LEN 60		/* 64 B on the wire */
#define BR_COST_SRC_FIX 0x5e		/* sources on b1: 02:5e:j (the generator's) */
#define BR_COST_SRC_COMPLETE 0x5f	/* sources on b3: 02:5f:j */
#define BR_COST_DST 0xde		/* destinations on b2: 02:de:j */

/* br0 with ports b1 (peer h1 with the veth defaults: tx checksumming,
 * so b1's frames may carry partial checksums), b3 (peer h3 with tx
 * checksumming off: complete ones) and b2 (peer h2 with GRO on: a
 * redirect egress), every port forwarding. */
struct br_cost_bed {
	int br, b1, b2, b3;
	int macs;			/* pairs j < macs */
	bool complete;			/* b3's sources fit into the mirror too */
};
int br_cost_bed_build(struct br_cost_bed *bed);

/* The modules the planner picks for br0 with the native target. */
int br_cost_plan(const struct br_cost_bed *bed, uint64_t *fpms);

/* TNA as tna-deploy loads it for br0, its port table from sysfs and an
 * FDB mirror of confirmed entries: sources 02:5e:j on b1 and (where
 * bed->complete) 02:5f:j on b3, destinations 02:de:j on b2.  With SHARE: a pipeline of SHARE's map
 * family, its tables as they are. */
struct tna_dp *br_cost_load_tna(const struct br_cost_bed *bed, uint64_t fpms,
				const struct tna_dp *share);
/* The bare redirect b1 -> b2 and the two-lookup limit with b1's pairs
 * (bench_redirect.bpf.c, bench_fdb_limit.bpf.c): the program's fd, its
 * object in *OBJ (free with br_cost_unload). */
int br_cost_load_bare(const struct br_cost_bed *bed, void **obj);
int br_cost_load_fdb_limit(const struct br_cost_bed *bed, void **obj);
void br_cost_unload(void *bare, void *fdb_limit);
/* A new table generation for DP's family (what setting the bridge MAC
 * does): no flow-cache entry filled before is used again. */
void br_cost_new_gen(struct tna_dp *dp);
/* r0 = XDP_REDIRECT; exit: the timer's own floor. */
int br_cost_load_empty(void);

/* The bed's frames from sources of KIND: 64 B UDP, source 02:KIND:j,
 * destination 02:de:j, j < macs; malloc'd. */
uint8_t (*br_cost_frames(const struct br_cost_bed *bed, uint8_t kind))[BR_COST_FRAME_LEN];

#endif
