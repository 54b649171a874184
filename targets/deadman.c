/* The dead-man switch of a map family (bpf/fpm/deadman.h): arm its timer,
 * heartbeat, trust.  All through the mmapped tna_clock. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/dp.h"
#include "bpf/tna_bridge.skel.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int tna_dp__deadman_arm(struct tna_dp *dp, uint64_t limit_ns)
{
	uint8_t frame[64] = { 0 };
	struct xdp_md ctx = { .data_end = sizeof(frame) };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = sizeof(frame),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	if (!dp || !dp->clk || !limit_ns)
		return -EINVAL;
	/* a fresh heartbeat first, so the first tick finds one */
	__atomic_store_n(&dp->clk->heartbeat, mono_ns(), __ATOMIC_RELEASE);
	__atomic_store_n(&dp->clk->deadman_ns, limit_ns, __ATOMIC_RELEASE);
	if (bpf_prog_test_run_opts(bpf_program__fd(dp->skel->progs.tna_deadman_arm), &o))
		return -errno;
	return o.retval == XDP_PASS ? 0 : -EIO;
}

bool tna_dp__deadman_armed(const struct tna_dp *dp)
{
	return dp && dp->clk && __atomic_load_n(&dp->clk->deadman_ns, __ATOMIC_RELAXED);
}

void tna_dp__heartbeat(struct tna_dp *dp, uint64_t now_ns, uint64_t synced_ns)
{
	if (!dp || !dp->clk)
		return;
	__atomic_store_n(&dp->clk->heartbeat, now_ns, __ATOMIC_RELEASE);
	if (synced_ns)
		__atomic_store_n(&dp->clk->synced, synced_ns, __ATOMIC_RELEASE);
}

void tna_dp__trust(struct tna_dp *dp, bool trusted)
{
	if (!dp || !dp->clk || tna_dp__trusted(dp) == trusted)
		return;
	__atomic_store_n(&dp->clk->trusted, trusted ? 1 : 0, __ATOMIC_RELEASE);
}

bool tna_dp__trusted(const struct tna_dp *dp)
{
	return dp && dp->clk && __atomic_load_n(&dp->clk->trusted, __ATOMIC_ACQUIRE);
}

uint32_t tna_dp__deadman_trips(const struct tna_dp *dp)
{
	return dp && dp->clk ? __atomic_load_n(&dp->clk->trips, __ATOMIC_RELAXED) : 0;
}
