/* Helpers for the fast-path unit tests: a private network namespace with
 * veth pairs (never the host's), crafted Ethernet frames, BPF_PROG_RUN, and
 * the per-CPU counters summed. */
#ifndef TNA_TESTS_FASTPATH_H
#define TNA_TESTS_FASTPATH_H
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/dp.h"
#include "tests/lib/tna_test.h"

/* Enter a fresh netns and create veth pairs p1/q1 .. pN/qN (all up).
 * Returns 0, or 77 (skip) with the reason printed. */
static inline int fp_netns(int npairs)
{
	char cmd[200];

	if (geteuid() != 0) {
		printf("SKIP: needs root (BPF_PROG_RUN on XDP, a private netns)\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET)) {
		printf("SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 77;
	}
	for (int i = 1; i <= npairs; i++) {
		snprintf(cmd, sizeof(cmd), "ip link add p%d type veth peer name q%d && "
			 "ip link set p%d up && ip link set q%d up", i, i, i, i);
		if (system(cmd)) {
			printf("SKIP: cannot create veth pairs in a private netns\n");
			return 77;
		}
	}
	return 0;
}

static inline int fp_ifx(const char *name)
{
	return if_nametoindex(name);
}

/* A 64-byte frame DST <- SRC with ethertype PROTO. */
static inline void fp_frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6],
			    uint16_t proto)
{
	memset(f, 0, 64);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = proto >> 8;
	f[13] = proto & 0xff;
}

/* Run the pipeline once on FRAME received on IFINDEX; the XDP action. */
static inline int fp_run(struct tna_dp *dp, int ifindex, const uint8_t *frame, int len)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err = bpf_prog_test_run_opts(tna_dp__prog_fd(dp), &o);

	return err ? -1000 + err : (int)o.retval;
}

/* Summed counters of port slot IDX. */
static inline struct tna_stats_val fp_stats(struct tna_dp *dp, uint32_t idx)
{
	int ncpu = libbpf_num_possible_cpus();
	struct tna_stats_val sum = {}, *v = calloc(ncpu, sizeof(*v));

	if (v && !bpf_map_lookup_elem(dp->stats_fd, &idx, v)) {
		for (int c = 0; c < ncpu; c++) {
			sum.forwarded += v[c].forwarded;
			sum.dropped += v[c].dropped;
			for (int r = 0; r < TNA_REASON_MAX; r++)
				sum.passed[r] += v[c].passed[r];
		}
	}
	free(v);
	return sum;
}

static inline uint32_t fp_idx(struct tna_dp *dp, int ifindex)
{
	struct tna_port p = {};
	uint32_t k = ifindex;

	bpf_map_lookup_elem(dp->ports_fd, &k, &p);
	return p.idx;
}

#endif
