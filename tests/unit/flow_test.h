/* What the flow-cache tests under BPF_PROG_RUN share: a pipeline pinned
 * to one CPU (the cache is per CPU) and frames towards one destination. */
#ifndef TNA_TESTS_FLOW_TEST_H
#define TNA_TESTS_FLOW_TEST_H
#include <sched.h>
#include "tests/lib/fastpath.h"
#include "bpf/tna_bridge.skel.h"

static const uint8_t B[6] = { 0x02, 0, 0, 0, 0, 0x0b };	/* the destination */

static void frame(struct tna_dp *dp, const char *what, int in, const uint8_t *src,
		  int action)
{
	uint8_t f[64];
	int ret;

	fp_frame(f, B, src, 0x0800);
	ret = fp_run(dp, in, f, 64);
	CHECK(ret == action, "%s: action %d, expected %d", what, ret, action);
}

/* The bridge pipeline of O (its bridge MAC set here), this process
 * pinned to the CPU it runs on; NULL (a failed check) if it does not load. */
static struct tna_dp *flow_dp_load(struct tna_dp_opts *o)
{
	struct tna_dp *dp;
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	CHECK_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
	o->bridge_mac[0] = 0x02, o->bridge_mac[5] = 0x01;
	dp = tna_dp__load(o);
	CHECK(dp != NULL, "tna_dp__load: %s", strerror(errno));
	return dp;
}

#endif /* TNA_TESTS_FLOW_TEST_H */
