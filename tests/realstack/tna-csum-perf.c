/* tna-csum-perf: what completing checksums costs the native bridge fast
 * path, against passing those frames to Linux.  A measurement, not a test
 * (tests/realstack/csum_perf.sh runs it).
 *
 *   tna-csum-perf IN PLAIN OUT SINK [FRAMES] [ROUNDS]
 *
 * Live frames (BPF_F_TEST_XDP_LIVE_FRAMES) "arrive" on IN (a veth whose
 * peer has tx checksumming on: the port may receive partial checksums) or
 * on PLAIN (its peer has it off: the module does nothing, the baseline)
 * and are bridged to OUT; SINK (OUT's peer) drops them in XDP.  Frames: TCP and
 * UDP, 64 and 1500 bytes on the wire (60 and 1514 without FCS), with
 *   - a complete checksum (TCP: one compare; UDP: verified, a full sum),
 *   - a complete checksum that equals the pseudo-header sum, which the
 *     fast path takes for partial and completes on every frame (it writes
 *     the same value back, so a recycled live-frame page stays the same:
 *     the cost of completing, frame after frame).
 * Each frame runs from PLAIN, from IN on a pipeline that completes (FIX),
 * and from IN on one that passes such frames to Linux (PASS: the Linux
 * bridge then forwards them); rounds are interleaved, medians printed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/datapath.h"
#include "bpf/perf_ref.skel.h"

static const uint8_t SRC[6] = { 0x02, 0, 0, 0, 0, 0xa0 };	/* behind IN */
static const uint8_t SRC_PLAIN[6] = { 0x02, 0, 0, 0, 0, 0xc0 };	/* behind PLAIN */
static const uint8_t DST[6] = { 0x02, 0, 0, 0, 0, 0xb0 };

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (p[i] << 8) | p[i + 1];
	if (n & 1)
		s += p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* An IPv4 TCP or UDP frame of LEN bytes (no FCS).  PSEUDO_EQ: its valid
 * checksum equals the pseudo-header sum (two payload bytes chosen so). */
static void frame(uint8_t *f, size_t len, int proto, int pseudo_eq)
{
	size_t l4 = len - 34, hl = proto == 6 ? 20 : 8, coff = proto == 6 ? 16 : 6;
	uint8_t *ip = f + 14, *th = f + 34;
	uint32_t s;
	uint16_t p, c;

	memset(f, 0, len);
	memcpy(f, DST, 6);
	memcpy(f + 6, SRC, 6);
	f[12] = 0x08;
	ip[0] = 0x45; ip[2] = (len - 14) >> 8; ip[3] = (len - 14) & 0xff;
	ip[6] = 0x40; ip[8] = 64; ip[9] = proto;
	ip[12] = 10; ip[15] = 1; ip[16] = 10; ip[19] = 2;
	c = ~fold(sum16(ip, 20, 0));
	ip[10] = c >> 8; ip[11] = c & 0xff;
	th[0] = 0x30; th[1] = 0x39; th[2] = 0x14; th[3] = 0x51;	/* 12345 -> 5201 */
	if (proto == 6) {
		th[12] = 5 << 4; th[13] = 0x18; th[14] = 0xff; th[15] = 0xff;
	} else {
		th[4] = l4 >> 8; th[5] = l4 & 0xff;
	}
	for (size_t i = hl; i < l4; i++)
		th[i] = (uint8_t)(i * 7 + 1);
	/* pseudo-header sum, as the stack leaves it in a partial checksum */
	p = fold(sum16(ip + 12, 8, proto + l4));
	if (pseudo_eq && l4 >= hl + 2) {
		uint16_t s0;

		th[coff] = p >> 8; th[coff + 1] = p & 0xff;
		th[hl] = th[hl + 1] = 0;
		s0 = fold(sum16(th, l4, 0));
		/* completing gives ~fold(s0 + x): make that P */
		uint16_t x = fold((uint32_t)(uint16_t)~p + (uint16_t)~s0);
		th[hl] = x >> 8; th[hl + 1] = x & 0xff;
		return;
	}
	th[coff] = th[coff + 1] = 0;
	s = sum16(th, l4, p);
	c = ~fold(s);
	if (proto == 17 && !c)
		c = 0xffff;
	th[coff] = c >> 8; th[coff + 1] = c & 0xff;
}

/* FRAMES copies of F "received" on IN from source SRC (each ingress port
 * has its own source MAC: the bridge's source check). */
static double mpps(int prog_fd, int in, const uint8_t *src, const uint8_t *f, size_t len,
		   long frames)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = in };
	uint8_t c[1514];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = c, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .repeat = frames, .batch_size = 64,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	struct timespec a, b;

	memcpy(c, f, len);
	memcpy(c + 6, src, 6);
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (bpf_prog_test_run_opts(prog_fd, &o))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return frames / ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6) / 1e3;
}

static struct tna_dp *tna(int in, int plain, int out, bool pass)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_NATIVE,
				 .fpms = TNA_FPM_BRIDGE };
	struct tna_port_cfg c = { .stp_state = 3, .flags = TNA_PORT_F_LEARNING,
				  .csum_pass = pass };
	struct tna_dp *dp = tna_dp__load(&o);

	if (!dp || tna_dp__port_set(dp, in, &c) || tna_dp__port_set(dp, plain, &c) ||
	    tna_dp__port_set(dp, out, &c) ||
	    tna_dp__fdb_set(dp, SRC, 0, in, 0) || tna_dp__fdb_set(dp, SRC_PLAIN, 0, plain, 0) ||
	    tna_dp__fdb_set(dp, DST, 0, out, 0)) {
		fprintf(stderr, "tna-csum-perf: pipeline setup failed\n");
		exit(1);
	}
	if (tna_dp__port_get(dp, out, &c) || (c.flags & TNA_PORT_F_NO_XMIT)) {
		fprintf(stderr, "tna-csum-perf: egress cannot transmit XDP frames\n");
		exit(1);
	}
	return dp;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const struct { size_t len; int proto, eq; const char *name; } fr[] = {
		{ 60, 17, 0, "UDP    64 B, complete" },
		{ 60, 17, 1, "UDP    64 B, completed" },
		{ 60, 6, 0, "TCP    64 B, complete (compared)" },
		{ 60, 6, 1, "TCP    64 B, completed" },
		{ 1514, 17, 0, "UDP  1500 B, complete (verified)" },
		{ 1514, 17, 1, "UDP  1500 B, completed" },
		{ 1514, 6, 0, "TCP  1500 B, complete (compared)" },
		{ 1514, 6, 1, "TCP  1500 B, completed" },
	};
	enum { NF = sizeof(fr) / sizeof(fr[0]) };
	static uint8_t f[NF][1514];
	double r[NF][3][32];
	struct tna_port_cfg pc, pp;
	struct perf_ref *ref;
	struct tna_dp *fix, *pass;
	long frames = argc > 5 ? atol(argv[5]) : 1000000;
	int rounds = argc > 6 ? atoi(argv[6]) : 5, in, plain, out, sink;

	if (argc < 5 || rounds < 1 || rounds > 32) {
		fprintf(stderr, "usage: tna-csum-perf IN PLAIN OUT SINK [FRAMES] [ROUNDS<=32]\n");
		return 2;
	}
	in = if_nametoindex(argv[1]);
	plain = if_nametoindex(argv[2]);
	out = if_nametoindex(argv[3]);
	sink = if_nametoindex(argv[4]);
	if (!in || !plain || !out || !sink) {
		fprintf(stderr, "tna-csum-perf: unknown interface\n");
		return 1;
	}
	ref = perf_ref__open_and_load();
	if (!ref || bpf_xdp_attach(sink, bpf_program__fd(ref->progs.ref_drop),
				   XDP_FLAGS_DRV_MODE, NULL)) {
		fprintf(stderr, "tna-csum-perf: sink XDP: %s\n", strerror(errno));
		return 1;
	}
	fix = tna(in, plain, out, false);
	pass = tna(in, plain, out, true);
	if (tna_dp__port_get(fix, in, &pc) || pc.csum != TNA_PORT_CSUM_FIX ||
	    tna_dp__port_get(fix, plain, &pp) || pp.csum != TNA_PORT_CSUM_COMPLETE) {
		fprintf(stderr, "tna-csum-perf: %s's peer must have tx checksumming on, %s's off\n",
			argv[1], argv[2]);
		return 1;
	}
	for (int i = 0; i < NF; i++)
		frame(f[i], fr[i].len, fr[i].proto, fr[i].eq);
	for (int k = 0; k < rounds; k++)
		for (int i = 0; i < NF; i++) {
			r[i][0][k] = mpps(tna_dp__prog_fd(fix), plain, SRC_PLAIN, f[i], fr[i].len, frames);
			r[i][1][k] = mpps(tna_dp__prog_fd(fix), in, SRC, f[i], fr[i].len, frames);
			r[i][2][k] = mpps(tna_dp__prog_fd(pass), in, SRC, f[i], fr[i].len, frames);
		}
	printf("%-34s %17s %17s %17s\n", "median Mpps (ns/frame)", "nothing to do",
	       "completed in XDP", "passed to Linux");
	for (int i = 0; i < NF; i++) {
		double m[3];

		for (int j = 0; j < 3; j++) {
			qsort(r[i][j], rounds, sizeof(double), cmp);
			m[j] = r[i][j][rounds / 2];
		}
		printf("%-34s %8.3f (%5.0f) %8.3f (%5.0f) %8.3f (%5.0f)\n", fr[i].name,
		       m[0], 1e3 / m[0], m[1], 1e3 / m[1], m[2], 1e3 / m[2]);
	}
	printf("frames per measurement %ld, rounds %d (interleaved)\n", frames, rounds);
	bpf_xdp_detach(sink, XDP_FLAGS_DRV_MODE, NULL);
	tna_dp__destroy(fix);
	tna_dp__destroy(pass);
	perf_ref__destroy(ref);
	return 0;
}
