/* The FDB mirror of one bridge (stock kernels have no XDP FDB helper,
 * docs/design.md, "FDB coherence"): the fast path's BPF hash follows the kernel FDB
 * from the introspection model's events, and the keep-alive refreshes in
 * the kernel the entries the fast path used as a source.
 *
 * Coherence window.  A kernel change (learn, move, delete, flush, aging)
 * reaches the mirror when the controller drains its netlink socket: the
 * event loop polls the watch fd with no timeout other than the keep-alive
 * timer, so the window is the wake-up + processing latency (milliseconds;
 * the introspection tests bound event-to-model at 100 ms).  During the
 * window the fast path may forward to the old port (a move) or to a deleted
 * entry's port; after an overflow (ENOBUFS) the model resyncs with a full
 * dump and the mirror is rebuilt from it.  Kernel refreshes of existing
 * entries (frames Linux bridged itself) are not notified and need no
 * mirroring: only the port matters to the fast path. */
#ifndef TNA_CONTROLLER_FDB_MIRROR_H
#define TNA_CONTROLLER_FDB_MIRROR_H
#include <stdint.h>

#include "introspect/model.h"

struct tna_dp;
struct tna_nl;

/* Where mirrored entries go: the datapath by default, a fake in tests. */
struct tna_fdb_sink_ops {
	int (*set)(void *sink, const uint8_t mac[6], uint16_t vlan, int port,
		   uint32_t flags);
	int (*del)(void *sink, const uint8_t mac[6], uint16_t vlan);
	int (*clear)(void *sink);
};

struct tna_fdb_mirror {
	int bridge_ifindex;
	const struct tna_fdb_sink_ops *ops;
	void *sink;
	/* counters for -v and --status */
	uint64_t sets, dels, clears, errors;
	uint64_t refreshed, refresh_errors;
	uint64_t last_round_ns;	/* CLOCK_MONOTONIC of the last keep-alive */
};

/* Mirror BRIDGE_IFINDEX into DP (ops = the datapath). */
void tna_fdb_mirror_init(struct tna_fdb_mirror *m, int bridge_ifindex,
			 struct tna_dp *dp);
/* Same with other sink ops (tests). */
void tna_fdb_mirror_init_ops(struct tna_fdb_mirror *m, int bridge_ifindex,
			     const struct tna_fdb_sink_ops *ops, void *sink);

/* Apply one model event (TNA_OBJ_FDB); entries of other bridges are
 * ignored.  Local entries -> TNA_FDB_F_LOCAL (frames to them PASS),
 * static -> TNA_FDB_F_STATIC (forwarded, never refreshed by the
 * keep-alive), dynamic -> 0. */
int tna_fdb_mirror_apply(struct tna_fdb_mirror *m, enum tna_op op,
			 const struct tna_fdb *f);

/* Rebuild from the model: clear, then every entry of the bridge
 * (initial fill and after a resync). */
int tna_fdb_mirror_sync(struct tna_fdb_mirror *m, const struct tna_model *model);

/* One keep-alive round: every entry the fast path used since the last
 * round (minus the stamp granularity TNA_STAMP_NS) and within the last
 * AGEING_NS is refreshed in the kernel with NTF_USE on the port it is
 * mirrored on.  An entry last used at t thus expires in the kernel at the
 * latest at (round time + ageing) < t + ageing + interval + TNA_STAMP_NS,
 * and never before t + ageing while used.  Returns the number refreshed
 * or -errno. */
int tna_fdb_keepalive_round(struct tna_fdb_mirror *m, struct tna_dp *dp,
			    struct tna_nl *nl, uint64_t now_ns,
			    uint64_t ageing_ns);

#endif
