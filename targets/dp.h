/* Inside struct tna_dp: shared by the files of targets/, not exported. */
#ifndef TNA_TARGETS_DP_H
#define TNA_TARGETS_DP_H
#include "targets/datapath.h"
#include "targets/backend.h"

struct tna_bridge;

struct tna_dp_link {
	int ifindex;
	int fd;			/* bpf_link; -1 = free */
};

struct tna_dp {
	struct tna_bridge *skel;
	const struct tna_backend *be;
	bool force;
	int prog_fd;
	int ports_fd, fdb_fd, devmap_fd, stats_fd, clock_fd;
	struct tna_clock *clk;		/* mmapped tna_clock[0] */
	int rif_fd;		/* router (issue 8) */
	/* port slots: slot_ifindex[idx] = ifindex, 0 = free; slot 0 unused */
	int slot_ifindex[TNA_MAX_PORTS];
	struct tna_dp_link links[TNA_MAX_PORTS];
};

/* After every change of the port table or the FDB mirror: flow-cache
 * entries filled before are no longer used. */
static inline void tna_dp_bump(struct tna_dp *dp)
{
	__atomic_fetch_add(&dp->clk->gen, 1, __ATOMIC_RELEASE);
}

#endif
