/* deadman: the fast path acts on the controller's tables (port table, FDB
 * mirror, routing interfaces) only while the controller confirms them.
 *
 * tna_clock.trusted is read by every frame (one load from a cache line
 * every frame reads anyway); 0 sends every frame to Linux
 * (controller_stale).  The controller's event loop writes a heartbeat into
 * tna_clock each time round; a BPF timer, armed once per map family by the
 * loader (tna_deadman_arm below, run through BPF_PROG_TEST_RUN), runs in
 * the kernel every TNA_DEADMAN_TICK_NS and clears `trusted` once the
 * heartbeat is older than deadman_ns.  Stopping, hanging or starving the
 * process stops the heartbeat but not the timer: plain Linux at most
 * deadman_ns + TNA_DEADMAN_TICK_NS after the controller's last turn.  The
 * timer never sets trust: only the controller does, once it has caught up.
 * Without a controller (deadman_ns 0, trusted set at load) nothing trips.
 * The timer goes with the maps (the last user-space reference). */
#ifndef TNA_FPM_DEADMAN_H
#define TNA_FPM_DEADMAN_H
#include "bpf/fpm/common.h"

#define TNA_CLOCK_MONOTONIC 1

struct tna_deadman {
	struct bpf_timer t;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tna_deadman);
} tna_deadman SEC(".maps");

/* Every frame: also the tna_clock entry the later modules use. */
static __always_inline int fpm_confirmed(struct tna_pkt *p)
{
	__u32 zero = 0;

	p->clk = bpf_map_lookup_elem(&tna_clock, &zero);
	if (!p->clk || !READ_ONCE(p->clk->trusted))
		return TNA_REASON_CONTROLLER_STALE;
	return TNA_GO;
}

static int deadman_tick(void *map, __u32 *key, struct tna_deadman *d)
{
	struct tna_clock *clk;
	__u32 zero = 0;
	__u64 limit;

	clk = bpf_map_lookup_elem(&tna_clock, &zero);
	if (clk) {
		limit = READ_ONCE(clk->deadman_ns);
		/* signed: a heartbeat in the future is a grace the loop gave
		 * itself for a bounded step (a pipeline load) */
		if (limit && READ_ONCE(clk->trusted) &&
		    (__s64)(bpf_ktime_get_ns() - READ_ONCE(clk->heartbeat)) > (__s64)limit) {
			WRITE_ONCE(clk->trusted, 0);
			__sync_fetch_and_add(&clk->trips, 1);
		}
	}
	bpf_timer_start(&d->t, TNA_DEADMAN_TICK_NS, 0);
	return 0;
}

/* Run once (BPF_PROG_TEST_RUN) after the maps are created; again is a
 * no-op.  Not attached anywhere. */
SEC("xdp")
int tna_deadman_arm(struct xdp_md *ctx)
{
	struct tna_deadman *d;
	__u32 zero = 0;

	d = bpf_map_lookup_elem(&tna_deadman, &zero);
	if (!d)
		return XDP_ABORTED;
	if (bpf_timer_init(&d->t, &tna_deadman, TNA_CLOCK_MONOTONIC))
		return XDP_PASS;	/* armed before */
	if (bpf_timer_set_callback(&d->t, deadman_tick) ||
	    bpf_timer_start(&d->t, TNA_DEADMAN_TICK_NS, 0))
		return XDP_ABORTED;
	return XDP_PASS;
}

#endif /* TNA_FPM_DEADMAN_H */
