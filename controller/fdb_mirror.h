/* The FDB mirror of one bridge, controller side (stock kernels have no XDP
 * FDB lookup; docs/design.md, "FDB coherence"): the fast path's BPF hash
 * follows the kernel FDB through the introspection model, and the
 * keep-alive refreshes in the kernel the entries the fast path used as a
 * source.
 *
 * The protocol and what it guarantees are in bpf/fpm/fdb.h; this is rule
 * P3.  An event (learn, move, delete, flush, aging) only *notes* its key:
 * what gets written is the model's current entry for the key when the
 * note is flushed, never the event's payload, so events applied late or
 * replayed cannot put an old port back.  For each key: read the pending
 * slot (count c and what the fast path wrote with it), look the model up,
 * and write the entry with ack = c if the kernel cannot have learned it
 * anywhere else than the model says: every learn caused by a bump is in
 * the model once it holds the kernel's events up to the bump's time +
 * TNA_MIRROR_LEARN_NS; bumps whose learn may be missing must all have come
 * from the port the model names (a host sending from where it is).
 * Otherwise ack = c - 1 (unconfirmed) and the key is retried once that
 * holds.  No entry in the model: deleted.  Slots the fast path bumped are
 * found in its bitmap (tna_fdb_mirror_scan): the mirrored keys of those
 * slots are noted again, so entries a move or a collision made
 * unconfirmed are confirmed again from the kernel.
 *
 * Windows that remain (README, "What is not transparent"): kernel changes
 * made without a frame through the fast path (a move learned on a port TNA
 * does not run on, `bridge fdb` commands, flush, aging, a port leaving)
 * reach the mirror with the event latency; a stopped or hung controller
 * is bounded by the dead-man switch (bpf/fpm/deadman.h). */
#ifndef TNA_CONTROLLER_FDB_MIRROR_H
#define TNA_CONTROLLER_FDB_MIRROR_H
#include <stdbool.h>
#include <stdint.h>
#include "controller/fdb_keepalive.h"

#include "controller/keyset.h"
#include "introspect/model.h"

struct tna_dp;
struct tna_nl;
struct tna_fdb_val;
struct tna_fdb_cursor;
struct tna_pend;
struct tna_pend_info;

/* Bound on the time from XDP passing a frame to the kernel's FDB event of
 * what Linux learned from it (same softirq: microseconds; the margin
 * covers a preempted vCPU and the ~1 ms resolution of the slot time).
 * After a move an entry stays unconfirmed (frames for that MAC go to Linux)
 * at least this long. */
#define TNA_MIRROR_LEARN_NS	(20 * 1000000ull)

/* Where mirrored entries go: the datapath by default, a fake in tests. */
struct tna_fdb_sink_ops {
	int (*write)(void *sink, const uint8_t mac[6], uint16_t vlan, int port,
		     uint32_t flags, uint32_t ack);
	int (*del)(void *sink, const uint8_t mac[6], uint16_t vlan);
	int (*clear)(void *sink);
	/* count of pending slot SLOT and its last bumps (tna_dp__pend_get) */
	uint32_t (*pend)(void *sink, uint32_t slot, struct tna_pend_info *pi);
	/* the bitmap of bumped slots (tna_dp__pend_dirty); NULL: no scan */
	uint64_t *(*pend_dirty)(void *sink);
	/* entries used as a source since SINCE_NS, a few thousand per call
	 * from *CUR (tna_dp__fdb_used_step) */
	int (*used)(void *sink, uint64_t since_ns, struct tna_fdb_cursor *cur,
		    int (*cb)(const uint8_t mac[6], uint16_t vlan, const struct tna_fdb_val *v,
			      void *ctx), void *ctx);
	/* NTF_USE refresh of the kernel entry (tna_fdb_refresh) */
	int (*refresh)(void *sink, struct tna_nl *nl, int port, const uint8_t mac[6],
		       uint16_t vlan);
	/* the kernel's ports: undo what a refresh created in their VLANs
	 * (controller/fdb_keepalive.h) */
	bool kernel_vlans;
	/* the mirror now holds ENTRIES keys: fit the flow cache to it
	 * (tna_dp__flow_fit); NULL: nothing to fit */
	void (*fit)(void *sink, uint32_t entries);
};

struct tna_fdb_mirror {
	int bridge_ifindex;
	const struct tna_fdb_sink_ops *ops;
	void *sink;
	struct tna_keyset noted;	/* keys to write from the model */
	struct tna_keyset retry;	/* written unconfirmed: again when due */
	uint64_t retry_due_ns;
	/* the keys written to the map, by pending slot (for the scan) */
	int32_t *idx_head;		/* 1 << TNA_PEND_BITS chains, -1 = empty */
	struct tna_mirror_key *idx;	/* entries; free ones chained from idx_free */
	int32_t idx_n, idx_cap, idx_free;
	int32_t idx_live, idx_fitted;	/* keys in it; as last told ops->fit */
	/* keep-alive round in progress: entries to refresh */
	struct tna_ka_item *ka;
	size_t ka_n, ka_next, ka_cap;
	bool ka_walking;		/* still collecting the used entries */
	uint64_t ka_since;
	struct tna_fdb_cursor *ka_cur;
	uint64_t ka_refreshed, ka_skipped;	/* in the current round */
	struct tna_port_vlans *ka_vlans;	/* the ports' VLANs, read each round */
	int ka_nvlans;
	uint64_t vlan_undone;		/* entries a refresh created in a VLAN, deleted */
	/* counters for -v and --status */
	uint64_t sets, dels, clears, errors, unconfirmed, rescans;
	uint64_t refreshed, refresh_errors, refresh_skipped, refresh_raced;
	uint64_t last_round_ns;	/* CLOCK_MONOTONIC of the last keep-alive */
};

/* Mirror BRIDGE_IFINDEX into DP (ops = the datapath). */
void tna_fdb_mirror_init(struct tna_fdb_mirror *m, int bridge_ifindex,
			 struct tna_dp *dp);
/* Same with other sink ops (tests). */
void tna_fdb_mirror_init_ops(struct tna_fdb_mirror *m, int bridge_ifindex,
			     const struct tna_fdb_sink_ops *ops, void *sink);
void tna_fdb_mirror_fini(struct tna_fdb_mirror *m);

/* A model event for (MAC, VLAN) of this bridge: note the key.  -ENOMEM. */
int tna_fdb_mirror_note(struct tna_fdb_mirror *m, const uint8_t mac[6], uint16_t vlan);
/* Keys noted or waiting for a retry. */
size_t tna_fdb_mirror_pending(const struct tna_fdb_mirror *m);

/* Write the noted keys (P3) until DEADLINE_NS (CLOCK_MONOTONIC; 0: all).
 * SYNCED_NS: every event the kernel sent before it is in MODEL.  Retries
 * due at NOW are noted first.  Returns the keys still noted. */
size_t tna_fdb_mirror_flush(struct tna_fdb_mirror *m, const struct tna_model *model,
			    uint64_t now, uint64_t synced_ns, uint64_t deadline_ns);
/* CLOCK_MONOTONIC when retries are due, 0 when none wait. */
uint64_t tna_fdb_mirror_retry_due(const struct tna_fdb_mirror *m);

/* Slots the fast path bumped since the last scan: call NOTE (the
 * controller: tna_fdb_mirror_note, or later with the test latency switch)
 * for every mirrored key that lives in one.  Returns the number of bumped
 * slots. */
int tna_fdb_mirror_scan(struct tna_fdb_mirror *m,
			void (*note)(void *ctx, const uint8_t mac[6], uint16_t vlan),
			void *ctx);

/* Rebuild from the model: clear, then every entry of the bridge, all
 * written at once (initial fill). */
int tna_fdb_mirror_sync(struct tna_fdb_mirror *m, const struct tna_model *model,
			uint64_t synced_ns);

/* Keep-alive, in steps so the controller's loop never blocks long.
 * Start a round: every entry the fast path used since the last round
 * (minus the stamp granularity TNA_STAMP_NS) and within the last AGEING_NS
 * is queued (collected by the steps, a few thousand at a time).  An entry last used at t thus expires in the kernel at the
 * latest at (round time + ageing) < t + ageing + interval + TNA_STAMP_NS
 * (+ the time the round takes), and never before t + ageing while used. */
int tna_fdb_keepalive_start(struct tna_fdb_mirror *m, uint64_t now_ns, uint64_t ageing_ns);
/* A round is in progress. */
static inline bool tna_fdb_keepalive_busy(const struct tna_fdb_mirror *m)
{
	return m->ka_walking || m->ka_next < m->ka_n;
}
/* Refresh queued entries until DEADLINE_NS: each with NTF_USE on its port,
 * only if it agrees with the kernel: confirmed in the mirror, on the same
 * port in MODEL, and its slot quiet since before SYNCED_NS - the learn
 * delay (NTF_USE moves a kernel entry to the port given: a refresh must
 * never move one back).  Returns the entries left in the round. */
size_t tna_fdb_keepalive_step(struct tna_fdb_mirror *m, const struct tna_model *model,
			      struct tna_nl *nl, uint64_t synced_ns, uint64_t deadline_ns);

#endif
