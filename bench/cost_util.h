/* Shared by the in-kernel cost tools (tna-nf-cost, tna-rt-cost): run a shell
 * command line built printf-style, and the comparison that sorts run
 * durations. */
#ifndef TNA_BENCH_COST_UTIL_H
#define TNA_BENCH_COST_UTIL_H
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

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

#endif
