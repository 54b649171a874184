/* Inside struct tna_dp: shared by the files of targets/, not exported. */
#ifndef TNA_TARGETS_DP_H
#define TNA_TARGETS_DP_H
#include "targets/datapath.h"
#include "targets/backend.h"

struct tna_bridge;
struct tna_root;		/* skeleton of targets/tna_root.bpf.c */
struct tna_dp_filter;

/* Root program + prog array of a map family (targets/root.c). */
struct tna_dp_root {
	struct tna_root *skel;
	int prog_fd;			/* what the port links run */
	int slots_fd;			/* prog array: slot 0 = current pipeline */
	const struct tna_dp *current;	/* whose pipeline is in slot 0 */
	uint32_t prog_id;		/* of the root program, 0 until asked */
	int refs;
};

struct tna_dp_nic;		/* targets/offload/dp_nic.c */

struct tna_dp_link {
	int ifindex;
	int fd;			/* bpf_link; -1 = free */
	struct tna_dp_nic *nic;	/* the port's NIC stage, NULL: none tried */
};

/* The link of an attached port, NULL when not attached. */
struct tna_dp_link *tna_dp_link_of(struct tna_dp *dp, int ifindex);
/* Detach and free a port's NIC stage (with its link). */
void tna_dp_nic_free(struct tna_dp_link *l);

struct tna_dp {
	struct tna_bridge *skel;
	const struct tna_backend *be;
	bool force;
	int prog_fd;
	int ports_fd, fdb_fd, devmap_fd, stats_fd, clock_fd;
	struct tna_clock *clk;		/* mmapped tna_clock[0] */
	int pend_fd, pend_dirty_fd, deadman_fd;
	struct tna_pend *pend;		/* mmapped tna_pend (1 << TNA_PEND_BITS) */
	uint64_t *pend_dirty;		/* mmapped tna_pend_dirty */
	uint64_t flow_bytes;		/* its flow cache, counted against TNA_FLOW_BUDGET */
	int vlans_fd;		/* VLAN table (bpf/fpm/vlan.h) */
	int rif_fd;		/* the router's routing-interface table */
	int src_bits_fd, src_martian_fd;	/* router: martian IPv4 sources */
	struct tna_dp_filter *flt;	/* compiled netfilter rules (targets/filter.c) */
	/* port slots: slot_ifindex[idx] = ifindex, 0 = free; slot 0 unused */
	int slot_ifindex[TNA_MAX_PORTS];
	struct tna_dp_link links[TNA_MAX_PORTS];
	struct tna_dp_root *root;	/* shared with the dps of the same maps */
	int hook_stats_fd;		/* per slot and verdict (targets/hooks.c) */
	int xsk_fd, xsk_stats_fd;	/* the AF_XDP steer's sockets and counters */
	void *hooked_elf;		/* the pipeline object with the hooks linked in */
};

/* Open the pipeline's skeleton (from the object with the FDB kfunc mode
 * when FDB_KFUNC: targets/kfunc_obj.c) with the operator's hooks linked
 * in (targets/hooks.c), or as built when there are none; after load,
 * reuse SHARE's hook maps (the operator's maps and the counters). */
int tna_dp_hooks_open(struct tna_dp *dp, bool fdb_kfunc);
int tna_dp_hooks_share(struct tna_dp *dp, const struct tna_dp *share);
/* The pipeline's skeleton as built, and its object's bytes: the object
 * with the FDB kfunc mode when FDB_KFUNC (targets/kfunc_obj.c). */
struct tna_bridge *tna_dp_open_pipeline(bool fdb_kfunc);
const void *tna_dp_pipeline_elf(bool fdb_kfunc, size_t *sz);

int tna_root_new(struct tna_dp *dp);
void tna_root_share(struct tna_dp *dp, struct tna_dp_root *r);
/* Put DP's pipeline in slot 0: one map update, all ports at once. */
int tna_root_set(struct tna_dp *dp);
/* Drop DP's reference; empties slot 0 if it held DP's pipeline. */
void tna_root_put(struct tna_dp *dp);

/* The filter maps (targets/filter.c): sized for the modules or one
 * entry, SHARE's reused before load, their fds and state taken after
 * it, released on destroy. */
void tna_dp_filter_size(struct tna_dp *dp, bool on);
int tna_dp_filter_share(struct tna_dp *dp, const struct tna_dp *share);
int tna_dp_filter_init(struct tna_dp *dp, const struct tna_dp *share);
void tna_dp_filter_free(struct tna_dp *dp);

/* After every change of the port table or the FDB mirror: flow-cache
 * entries filled before are no longer used. */
static inline void tna_dp_bump(struct tna_dp *dp)
{
	__atomic_fetch_add(&dp->clk->gen, 1, __ATOMIC_RELEASE);
}

#endif
