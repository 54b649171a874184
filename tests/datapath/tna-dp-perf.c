/* tna-dp-perf: packets per second of the bridge pipeline against the bare
 * devmap-redirect limit, with live frames (BPF_F_TEST_XDP_LIVE_FRAMES, one
 * 64-byte UDP flow, one core).  A measurement, not a test.
 *
 *   tna-dp-perf IN OUT SINK [FRAMES] [ROUNDS]
 *
 * Frames "arrive" on IN and are redirected to OUT; SINK (OUT's veth peer)
 * gets an XDP_DROP program so that OUT can transmit XDP frames.  Variants:
 * bare redirect, TNA bridge (all bridge modules), TNA behind a root program
 * with a prog-array slot, TNA without stats, TNA without the flow cache,
 * and the Linux bridge (XDP_PASS: IN and OUT are ports of a bridge); with
 * TNA_PERF_HOOK=SLOT=FILE also the bridge with that hook (docs/hooks.md),
 * with TNA_PERF_FPMS="hex ..." module sets of one's own.  Each variant's
 * Mpps and its program's own time per frame (BPF statistics, switched on
 * for the run). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/datapath.h"
#include "targets/hooks.h"
#include "bpf/perf_ref.skel.h"

static const uint8_t SRC[6] = { 0x02, 0, 0, 0, 0, 0xa0 };
static const uint8_t DST[6] = { 0x02, 0, 0, 0, 0, 0xb0 };

static void frame(uint8_t *f)
{
	static const uint8_t ip[20] = { 0x45, 0, 0, 50, 0, 0, 0x40, 0, 64, 17, 0, 0,
					10, 0, 0, 1, 10, 0, 0, 2 };
	uint32_t sum = 0;

	memset(f, 0, 64);
	memcpy(f, DST, 6);
	memcpy(f + 6, SRC, 6);
	f[12] = 0x08;
	memcpy(f + 14, ip, 20);
	for (int i = 0; i < 20; i += 2)
		sum += (f[14 + i] << 8) | f[15 + i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = ~(sum + (sum >> 16)) & 0xffff;
	f[24] = sum >> 8;
	f[25] = sum & 0xff;
	f[35] = 9; f[37] = 9; f[39] = 30;	/* UDP 9 -> 9, len 30 */
	/* a valid UDP checksum, as the bench's generator sends: a native
	 * pipeline completes partial checksums and sends UDP without one to
	 * Linux (bpf/fpm/csum.h), which would measure the pass path */
	sum = 17 + 30;				/* pseudo header: proto, UDP length */
	for (int i = 26; i < 34; i += 2)	/* addresses */
		sum += (f[i] << 8) | f[i + 1];
	for (int i = 34; i < 64; i += 2)	/* UDP header and payload */
		sum += (f[i] << 8) | f[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = ~(sum + (sum >> 16)) & 0xffff;
	f[40] = sum >> 8;
	f[41] = sum & 0xff;
}

/* The program's own time per frame from the kernel's BPF statistics
 * (run_time_ns / run_cnt over one round; they stay on while the fd from
 * bpf_enable_stats() is open): steadier than Mpps on a shared machine.
 * -1 when the statistics are off. */
static double prog_ns(int prog_fd, const struct bpf_prog_info *a)
{
	struct bpf_prog_info b = {};
	__u32 len = sizeof(b);

	if (bpf_obj_get_info_by_fd(prog_fd, &b, &len) || b.run_cnt == a->run_cnt)
		return -1;
	return (double)(b.run_time_ns - a->run_time_ns) / (b.run_cnt - a->run_cnt);
}

static double mpps(int prog_fd, int in, long frames, double *ns)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	uint8_t f[64];
	struct xdp_md ctx = { .data_end = 64, .ingress_ifindex = in };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = 64,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .repeat = frames, .batch_size = 64,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	struct timespec a, b;

	frame(f);
	bpf_obj_get_info_by_fd(prog_fd, &info, &ilen);
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (bpf_prog_test_run_opts(prog_fd, &o))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	*ns = prog_ns(prog_fd, &info);
	return frames / ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6) / 1e3;
}

static struct tna_dp *tna(uint64_t fpms, int in, int out)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_NATIVE, .fpms = fpms };
	struct tna_port_cfg c = { .stp_state = 3, .flags = TNA_PORT_F_LEARNING };
	struct tna_dp *dp = tna_dp__load(&o);

	if (!dp || tna_dp__port_set(dp, in, &c) || tna_dp__port_set(dp, out, &c) ||
	    tna_dp__fdb_set(dp, SRC, 0, in, 0) || tna_dp__fdb_set(dp, DST, 0, out, 0)) {
		fprintf(stderr, "tna-dp-perf: TNA pipeline setup failed\n");
		exit(1);
	}
	if (tna_dp__port_get(dp, out, &c) || (c.flags & TNA_PORT_F_NO_XMIT)) {
		fprintf(stderr, "tna-dp-perf: egress cannot transmit XDP frames\n");
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
	enum { BARE, TNA, TNA_SLOT, TNA_NOSTATS, TNA_NOCACHE, LINUX, TNA_HOOKED, NV };
	enum { MAXV = NV + 8 };		/* and up to 8 TNA_PERF_FPMS sets */
	static const char *fixed[NV] = { "bare devmap redirect", "TNA bridge (native)",
		"TNA behind a prog-array slot", "TNA bridge without stats",
		"TNA bridge without flow cache", "Linux bridge (XDP_PASS)",
		"TNA bridge with TNA_PERF_HOOK" };
	const char *names[MAXV];
	char extra_names[8][40];
	double r[MAXV][32], ns[MAXV][32];
	struct perf_ref *ref;
	struct tna_dp *full, *nostats, *nocache, *hooked = NULL, *extra[8] = {};
	int in, out, sink, fds[MAXV], nv = TNA_HOOKED, next, nextra = 0, stats_fd;
	const char *hook = getenv("TNA_PERF_HOOK");	/* SLOT=FILE: one more variant */
	long frames = argc > 4 ? atol(argv[4]) : 2000000;
	int rounds = argc > 5 ? atoi(argv[5]) : 5;
	uint32_t k = 0, v;

	if (argc < 4 || rounds < 1 || rounds > 32) {
		fprintf(stderr, "usage: tna-dp-perf IN OUT SINK [FRAMES] [ROUNDS<=32]\n");
		return 2;
	}
	in = if_nametoindex(argv[1]);
	out = if_nametoindex(argv[2]);
	sink = if_nametoindex(argv[3]);
	if (!in || !out || !sink) {
		fprintf(stderr, "tna-dp-perf: unknown interface\n");
		return 1;
	}
	memcpy(names, fixed, sizeof(fixed));
	/* held while we run, whatever kernel.bpf_stats_enabled says */
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	ref = perf_ref__open_and_load();
	if (!ref) {
		fprintf(stderr, "tna-dp-perf: load reference programs: %s\n", strerror(errno));
		return 1;
	}
	v = out;
	bpf_map_update_elem(bpf_map__fd(ref->maps.ref_devmap), &k, &v, BPF_ANY);
	if (bpf_xdp_attach(sink, bpf_program__fd(ref->progs.ref_drop), XDP_FLAGS_DRV_MODE, NULL)) {
		fprintf(stderr, "tna-dp-perf: sink XDP: %s\n", strerror(errno));
		return 1;
	}
	full = tna(TNA_FPM_BRIDGE, in, out);
	nostats = tna(TNA_FPM_BRIDGE & ~TNA_FPM_STATS, in, out);
	nocache = tna(TNA_FPM_BRIDGE & ~TNA_FPM_FLOW_CACHE, in, out);
	v = tna_dp__prog_fd(full);
	bpf_map_update_elem(bpf_map__fd(ref->maps.ref_slot), &k, &v, BPF_ANY);
	fds[BARE] = bpf_program__fd(ref->progs.ref_redirect);
	fds[TNA] = tna_dp__prog_fd(full);
	fds[TNA_SLOT] = tna_dp__root_fd(full);	/* what ports run: root + tail call */
	fds[TNA_NOSTATS] = tna_dp__prog_fd(nostats);
	fds[TNA_NOCACHE] = tna_dp__prog_fd(nocache);
	fds[LINUX] = bpf_program__fd(ref->progs.ref_pass);	/* IN must be a bridge port */
	next = TNA_HOOKED;
	if (hook && strchr(hook, '=')) {	/* loaded last: the hook is process-wide */
		char slot[32], err[512];

		snprintf(slot, sizeof(slot), "%.*s", (int)(strchr(hook, '=') - hook), hook);
		if (tna_hooks__add(tna_hook_slot(slot), slot, strchr(hook, '=') + 1, err, sizeof(err))) {
			fprintf(stderr, "tna-dp-perf: TNA_PERF_HOOK: %s\n", err);
			return 1;
		}
		hooked = tna(TNA_FPM_BRIDGE, in, out);
		fds[TNA_HOOKED] = tna_dp__prog_fd(hooked);
		next = NV;
	}
	/* TNA_PERF_FPMS="hex hex ...": extra module sets, to see what costs */
	char *env = getenv("TNA_PERF_FPMS"), *save = NULL;
	for (char *t = env ? strtok_r(env, " ", &save) : NULL; t && nextra < 8;
	     t = strtok_r(NULL, " ", &save)) {
		extra[nextra] = tna(strtoull(t, NULL, 16), in, out);
		snprintf(extra_names[nextra], sizeof(extra_names[0]), "fpms %s (%u insns)", t,
			 tna_dp__xlated_insns(extra[nextra]));
		names[next] = extra_names[nextra];
		fds[next++] = tna_dp__prog_fd(extra[nextra++]);
	}
	nv = next;

	/* interleaved rounds: neighbours on a shared machine hit all alike */
	for (int i = 0; i < rounds; i++)
		for (int j = 0; j < nv; j++)
			r[j][i] = mpps(fds[j], in, frames, &ns[j][i]);
	printf("%-36s %8s %8s %8s %10s\n", "variant (Mpps)", "median", "best", "% bare",
	       "prog ns");
	double bare = 0;
	for (int j = 0; j < nv; j++) {
		qsort(r[j], rounds, sizeof(double), cmp);
		qsort(ns[j], rounds, sizeof(double), cmp);
		double med = r[j][rounds / 2];
		if (j == BARE)
			bare = med;
		printf("%-36s %8.2f %8.2f %7.1f%% %10.1f\n", names[j], med, r[j][rounds - 1],
		       100 * med / bare, ns[j][rounds / 2]);
	}
	printf("TNA / Linux bridge: %.2fx (medians); prog ns: the program's own time per "
	       "frame (BPF statistics, median; the root's includes its tail call)\n",
	       r[TNA][rounds / 2] / r[LINUX][rounds / 2]);
	printf("xlated insns: TNA bridge %u, without stats %u, with the hook %u; "
	       "frames per round %ld, rounds %d\n", tna_dp__xlated_insns(full),
	       tna_dp__xlated_insns(nostats), hooked ? tna_dp__xlated_insns(hooked) : 0,
	       frames, rounds);
	for (int i = 0; i < nextra; i++)
		tna_dp__destroy(extra[i]);
	tna_dp__destroy(hooked);
	bpf_xdp_detach(sink, XDP_FLAGS_DRV_MODE, NULL);
	tna_dp__destroy(full);
	tna_dp__destroy(nostats);
	tna_dp__destroy(nocache);
	perf_ref__destroy(ref);
	if (stats_fd >= 0)
		close(stats_fd);
	return 0;
}
