/* Pipelines swapped out, kept loaded (sharing the bridge's maps): a
 * change undone later (a sysctl set and reset), or a configuration seen before
 * (an IPsec policy added again), swaps one back in at once instead of
 * loading and verifying it again (tens of ms; over 100 ms on a busy
 * machine).  A pipeline's code is fixed by its key: modules, the
 * br_netfilter switch and the router's part (the bridge's MAC is in a
 * table shared by them all); the least recently used one goes when the
 * set is full. */
#ifndef TNA_CONTROLLER_SPARES_H
#define TNA_CONTROLLER_SPARES_H
#include <stdbool.h>
#include <stdint.h>

#include "controller/router_deploy.h"
#include "targets/datapath.h"

#define TNA_CTL_SPARES	4

struct tna_spare_key {
	uint64_t fpms;
	bool br_nf;
	struct tna_rt_code rt;
};

struct tna_spares {
	struct {
		struct tna_dp *dp;	/* NULL: free */
		struct tna_spare_key key;
		uint64_t used;		/* when put: the oldest goes first */
	} s[TNA_CTL_SPARES];
	uint64_t clock;
};

/* The kept pipeline for KEY, taken out of the set; NULL when none. */
struct tna_dp *tna_spares_take(struct tna_spares *sp, const struct tna_spare_key *key);
/* Keep DP (just swapped out, without links) for KEY; a pipeline kept for
 * the same key before, or else the oldest when the set is full, is
 * destroyed. */
void tna_spares_put(struct tna_spares *sp, struct tna_dp *dp, const struct tna_spare_key *key);
/* Destroy every kept pipeline (before the maps they share go). */
void tna_spares_clear(struct tna_spares *sp);

#endif
