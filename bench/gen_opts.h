/* SPDX-License-Identifier: GPL-2.0 */
/* tna-gen's command line: the options, their checks and --help. */
#ifndef TNA_BENCH_GEN_OPTS_H
#define TNA_BENCH_GEN_OPTS_H
#include <stdbool.h>
#include <stdint.h>
#include "bench/bench_gen.h"

#define MAX_IFS		BENCH_GEN_MAX_PORTS
#define MAX_THREADS	64
#define MAX_MACS	1000000
#define MAX_FLOWS	131072
#define RUN_MAX		(1U << 30)	/* frames per BPF_PROG_RUN call */

struct opts {
	int ifindex[MAX_IFS], n_if;
	char *ifnames;
	unsigned size, src_macs, dst_macs, flows, batch, threads;
	int cpus[MAX_THREADS], n_cpus;
	bool ipv6, json, fixed_dst, dst_flows;
	uint8_t dst_mac[6];
	char *src_ip, *dst_ip, *pcap;
	unsigned long long count;
	double duration, interval;
	double rate;			/* frames/s in total, 0 = as fast as possible */
	int learn_k, learn_p;
};

/* Fill o from argv; bad usage prints why and exits 2 (this is a tool's
 * own file, not a library). */
void gen_parse_opts(struct opts *o, int argc, char **argv);
/* Exit 2 with "tna-gen: " and fmt (one %s: arg) on stderr. */
void gen_bad(const char *fmt, const char *arg);
/* Parse the IPv4/IPv6 address s (or def when s is NULL) into out. */
void gen_parse_ip(bool v6, const char *s, const char *def, uint8_t *out);

#endif
