/* tna-swap-time: how long tna_dp__replace takes, in a private netns with
 * N veth ports.  A measurement, not a test.
 *
 *   tna-swap-time [PORTS] [SWAPS] [generic|native]
 *
 * "slot": two pipelines of one map family swapped back and forth (one
 * prog-array update); "links": a pipeline of another family (one
 * bpf_link_update per port, what every swap cost before the root
 * program). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include "targets/datapath.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct tna_dp *load(enum tna_target t, const struct tna_dp *share)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = t, .share_maps_with = share };
	struct tna_dp *dp = tna_dp__load(&o);

	if (!dp) {
		fprintf(stderr, "tna-swap-time: load: %s\n", strerror(errno));
		exit(1);
	}
	return dp;
}

static void report(const char *what, double *t, int n, int ports)
{
	qsort(t, n, sizeof(*t), cmp);
	printf("%-6s %2d ports  p50 %8.3f ms  p99 %8.3f ms  max %8.3f ms  (%d swaps)\n",
	       what, ports, t[n / 2], t[(n * 99) / 100], t[n - 1], n);
}

int main(int argc, char **argv)
{
	int ports = argc > 1 ? atoi(argv[1]) : 6, swaps = argc > 2 ? atoi(argv[2]) : 100;
	enum tna_target t = argc > 3 && !strcmp(argv[3], "native") ?
			    TNA_TARGET_NATIVE : TNA_TARGET_GENERIC;
	struct tna_dp *cur, *other, *x;
	double *ts;
	char cmd[160];
	int err;

	if (ports < 1 || ports > 32 || swaps < 2 || swaps > 100000) {
		fprintf(stderr, "usage: tna-swap-time [PORTS<=32] [SWAPS] [generic|native]\n");
		return 2;
	}
	if (geteuid() || unshare(CLONE_NEWNET)) {
		fprintf(stderr, "tna-swap-time: needs root (a private netns)\n");
		return 2;
	}
	for (int i = 0; i < ports; i++) {
		snprintf(cmd, sizeof(cmd), "ip link add s%d type veth peer name t%d && "
			 "ip link set s%d up && ip link set t%d up", i, i, i, i);
		if (system(cmd))
			return 1;
	}
	ts = calloc(swaps, sizeof(*ts));
	cur = load(t, NULL);
	other = load(t, cur);
	for (int i = 0; i < ports; i++) {
		snprintf(cmd, sizeof(cmd), "s%d", i);
		err = tna_dp__attach(cur, if_nametoindex(cmd));
		if (err) {
			fprintf(stderr, "tna-swap-time: attach: %s\n", strerror(-err));
			return 1;
		}
	}
	for (int i = 0; i < swaps; i++) {
		double t0 = now_ms();

		err = tna_dp__replace(cur, other);
		ts[i] = now_ms() - t0;
		if (err) {
			fprintf(stderr, "tna-swap-time: replace: %s\n", strerror(-err));
			return 1;
		}
		x = cur, cur = other, other = x;
	}
	report("slot", ts, swaps, ports);
	/* Across families: each swap loads nothing new but moves the links. */
	tna_dp__destroy(other);
	other = load(t, NULL);
	for (int i = 0; i < swaps; i++) {
		double t0 = now_ms();

		err = tna_dp__replace(cur, other);
		ts[i] = now_ms() - t0;
		if (err) {
			fprintf(stderr, "tna-swap-time: replace: %s\n", strerror(-err));
			return 1;
		}
		x = cur, cur = other, other = x;
	}
	report("links", ts, swaps, ports);
	tna_dp__destroy(cur);
	tna_dp__destroy(other);
	free(ts);
	return 0;
}
