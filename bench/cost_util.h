/* Shared by the in-kernel cost tools (tna-nf-cost, tna-rt-cost,
 * tna-br-cost): run a shell command line built printf-style, one
 * single-shot BPF_PROG_TEST_RUN of an XDP program, and the order
 * statistics over the runs' durations. */
#ifndef TNA_BENCH_COST_UTIL_H
#define TNA_BENCH_COST_UTIL_H
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

/* The command's exit status, -1 when it did not exit. */
static inline int tna_bench_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int tna_bench_sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	r = system(cmd);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static inline int tna_bench_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static inline int tna_bench_cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of N values (sorts V). */
static inline double tna_bench_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), tna_bench_cmp_dbl);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* XDP program FD once (repeat 1: the frame as given) on FRAME received on
 * IFX: its return value, or -1 when the run failed; *NS the duration the
 * kernel measured. */
static inline int tna_bench_xdp_once(int fd, const uint8_t *frame, size_t len, int ifx,
				     uint32_t *ns)
{
	uint8_t out[256];
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifx };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	if (bpf_prog_test_run_opts(fd, &t))
		return -1;
	*ns = t.duration;
	return t.retval;
}

#endif
