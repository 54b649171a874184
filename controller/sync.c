/* tna-deploy --sync: wait until the running controller has applied every
 * change the kernel notified before the call (its tna_clock.synced, read
 * through the XDP program of each port; controller/heartbeat.c writes it
 * once its tables, replans included, hold them).  For scripts that change
 * the configuration and then expect the fast path to follow it, such as
 * the equivalence tests: the window in between is the event latency. */
#include <errno.h>
#include <net/if.h>
#include <time.h>
#include <unistd.h>

#include "controller/ctl.h"
#include "targets/stats.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Pipelines (by tna_clock map) of this netns not synced past T0. */
static int behind(uint64_t t0)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	uint32_t seen[64], id;
	int n_seen = 0, late = 0;
	struct tna_clock clk;

	if (!ifs)
		return -errno;
	for (i = ifs; i->if_index; i++) {
		bool dup = false;

		if (tna_clock_read(i->if_index, &clk, &id))
			continue;	/* no TNA program there */
		for (int k = 0; k < n_seen; k++)
			dup |= seen[k] == id;
		if (dup)
			continue;
		if (n_seen < 64)
			seen[n_seen++] = id;
		/* no controller arms the dead-man: nothing to wait for */
		if (clk.deadman_ns && clk.synced < t0)
			late++;
	}
	if_freenameindex(ifs);
	return late;
}

int tna_ctl_sync(unsigned int timeout_ms)
{
	uint64_t t0 = mono_ns(), end = t0 + timeout_ms * 1000000ull;
	int late;

	while ((late = behind(t0)) > 0) {
		if (mono_ns() >= end)
			return -ETIMEDOUT;
		usleep(2000);
	}
	return late;
}
