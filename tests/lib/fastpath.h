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

/* The checksum of F's IPv4 header (after a 14-byte Ethernet header, its
 * length from its IHL), computed again. */
static inline void fp_ip4_csum(uint8_t *f)
{
	uint32_t sum = 0;

	f[24] = f[25] = 0;
	for (int i = 0; i < (f[14] & 0xf) * 4; i += 2)
		sum += (f[14 + i] << 8) | f[15 + i];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	f[24] = sum >> 8;
	f[25] = sum & 0xff;
}

/* Run the pipeline once on FRAME received on IFINDEX; the XDP action.
 * The frame as it leaves goes to OUT (CAP bytes, *OUT_LEN) when OUT. */
static inline int fp_run_out(struct tna_dp *dp, int ifindex, const uint8_t *frame, int len,
			     uint8_t *out, uint32_t cap, uint32_t *out_len)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
		    .data_out = out, .data_size_out = out ? cap : 0,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err = bpf_prog_test_run_opts(tna_dp__prog_fd(dp), &o);

	if (out_len)
		*out_len = o.data_size_out;
	return err ? -1000 + err : (int)o.retval;
}

static inline int fp_run(struct tna_dp *dp, int ifindex, const uint8_t *frame, int len)
{
	return fp_run_out(dp, ifindex, frame, len, NULL, 0, NULL);
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
			sum.csum_completed += v[c].csum_completed;
			for (int r = 0; r < TNA_REASON_MAX; r++)
				sum.passed[r] += v[c].passed[r];
		}
	}
	free(v);
	return sum;
}

/* Between BEFORE and AFTER of one port exactly counter REASON moved, by
 * one; REASON -1: the frame was forwarded, and only that counter moved. */
static inline void fp_check_counted(const char *what, const struct tna_stats_val *before,
				    const struct tna_stats_val *after, int reason)
{
	for (int r = 0; r < TNA_REASON_MAX; r++) {
		uint64_t d = after->passed[r] - before->passed[r];

		CHECK(d == (r == reason), "%s: counter %s moved by %llu (expected %s)", what,
		      tna_reason_name(r), (unsigned long long)d,
		      reason < 0 ? "forwarded" : tna_reason_name(reason));
	}
	CHECK(after->forwarded - before->forwarded == (reason < 0),
	      "%s: forwarded moved by %llu", what,
	      (unsigned long long)(after->forwarded - before->forwarded));
}

static inline uint32_t fp_idx(struct tna_dp *dp, int ifindex)
{
	struct tna_port p = {};
	uint32_t k = ifindex;

	bpf_map_lookup_elem(dp->ports_fd, &k, &p);
	return p.idx;
}

#endif
