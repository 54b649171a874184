/* tna-nf-cost: what the netfilter modules cost per packet, measured inside
 * the kernel with BPF_PROG_TEST_RUN: one 64-byte UDP frame of an
 * established flow routed r1 -> r2 in a private namespace, run N times one
 * at a time (each run starts from the same frame), the median and the
 * 10th percentile of the per-run duration the kernel reports.  Runs on a
 * busy machine stay comparable: a run is a few hundred nanoseconds, and
 * the order statistics drop the ones an interrupt or the scheduler hit.
 *
 *   tna-nf-cost [--runs N] [--rules N]
 *
 * Rows: the router alone; + a 1-rule stateless filter; + a conntrack lookup
 * (nf_conntrack_checksum=0); + the checksum check; the typical ruleset
 * (established first, N rules, masquerade: the entry is NATed); the same
 * with the N rules walked before the established accept. */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/datapath.h"
#include "targets/router.h"
#include "targets/filter.h"
#include "assembler/filter_compile.h"
#include "introspect/nft_ir.h"
#include "bench/frame.h"
#include "bench/cost_util.h"

#define R1_MAC 2, 0, 0, 0, 1, 1

static int fail(const char *what, const char *why, void *mem)
{
	fprintf(stderr, "tna-nf-cost: %s: %s\n", what, why);
	free(mem);
	return -1;
}

/* The pipeline with MODULES, RULES (nft -f text, "" none) and the bench
 * flow's entry (NAT'd when NAT); median and p10 ns of RUNS single runs. */
static int measure(const char *what, uint64_t modules, const char *rules, bool nat, int runs)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC,
		.fpms = TNA_FPM_PARSE_ETH | TNA_FPM_STATS | TNA_FPM_ROUTE | TNA_FPM_IPV4 | modules };
	struct tna_bench_frame_opts fo = { .sz = sizeof(fo), .len = 60, .src_mac = { 2, 0, 0, 0, 1, 2 },
		.dst_mac = { R1_MAC }, .src_ip = { 198, 18, 0, 1 }, .dst_ip = { 198, 19, 0, 1 },
		.sport = 9, .dport = 9 };
	uint8_t f[60];
	uint32_t *d = calloc(runs, sizeof(*d)), l3s, l4s, retval = 0, nat_src = htonl(0x0a020001);
	uint8_t out[128];
	struct tna_dp *dp;
	int p1 = if_nametoindex("r1"), err = 0;

	tna_bench_sh("nft flush ruleset; conntrack -F >/dev/null 2>&1");
	if (rules[0] && tna_bench_sh("nft -f - <<'EOF'\n%s\nEOF", rules))
		return fail(what, "nft refused the ruleset", d);
	if (modules & TNA_FPM_CT)
		tna_bench_sh("conntrack -I -p udp -s 198.18.0.1 -d 198.19.0.1 --sport 9 --dport 9 --timeout 600 "
		   "--status ASSURED,SEEN_REPLY %s >/dev/null 2>&1", nat ? "--src-nat 10.2.0.1" : "");
	dp = tna_dp__load(&o);
	if (!dp || tna_dp__router_port_add(dp, p1, fo.dst_mac, false) ||
	    tna_dp__router_port_add(dp, if_nametoindex("r2"), (uint8_t[6]){ 2, 0, 0, 0, 2, 1 }, false)) {
		tna_dp__destroy(dp);
		return fail(what, "cannot load the pipeline", d);
	}
	if (modules & TNA_FPM_FILTER) {
		struct tna_flt_opts fo = { .v4 = true };
		struct tna_nft_ruleset rs;
		struct tna_flt_prog p;
		struct tna_ct_cfg cfg;

		if (tna_ct_cfg_read(&cfg) || tna_dp__ct_cfg_set(dp, &cfg) || tna_nft_read(&rs) ||
		    tna_flt_compile(&rs, &fo, &p) || tna_dp__filter_load(dp, &p)) {
			tna_dp__destroy(dp);
			return fail(what, "cannot read, compile or load the ruleset", d);
		}
		tna_nft_free(&rs);
		tna_flt_prog_free(&p);
	}
	tna_bench_frame_build(&fo, f, &l3s, &l4s);
	for (int i = 0; i < runs; i++) {
		struct xdp_md ctx = { .data_end = sizeof(f), .ingress_ifindex = p1 };
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = f, .data_size_in = sizeof(f),
			    .data_out = out, .data_size_out = sizeof(out),
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

		err |= bpf_prog_test_run_opts(tna_dp__prog_fd(dp), &t);
		d[i] = t.duration;
		retval = t.retval;
	}
	qsort(d, runs, sizeof(*d), tna_bench_cmp_u32);
	/* the row counts only if the frame took the path it names: forwarded,
	 * and translated when the entry is NATed */
	printf("%-44s %6u %6u   %s%s\n", what, d[runs / 2], d[runs / 10],
	       err ? "error" : retval == XDP_REDIRECT ? "redirect" : retval == XDP_PASS ? "PASS (!)" : "?",
	       !nat ? "" : memcmp(out + 14 + 12, &nat_src, 4) ? ", NOT translated (!)" : ", source translated");
	tna_dp__destroy(dp);
	free(d);
	return err || retval != XDP_REDIRECT || (nat && memcmp(out + 14 + 12, &nat_src, 4)) ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = { { "runs", required_argument, 0, 'r' },
					    { "rules", required_argument, 0, 'n' },
					    { "help", no_argument, 0, 'h' }, {} };
	int runs = 20000, nrules = 100, c, err = 0;
	char *typical, *last, *rules;
	size_t cap;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'r')
			runs = atoi(optarg);
		else if (c == 'n')
			nrules = atoi(optarg);
		else {
			fprintf(c == 'h' ? stdout : stderr,
				"usage: tna-nf-cost [--runs N] [--rules N]\n"
				"  per-packet cost of the netfilter modules inside the kernel\n"
				"  (single-shot BPF_PROG_RUN in a private namespace; root)\n"
				"  --runs N   runs per configuration (20000)\n"
				"  --rules N  rules of the typical ruleset (100)\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (runs < 10 || nrules < 0) {
		fprintf(stderr, "tna-nf-cost: --runs must be >= 10, --rules >= 0\n");
		return 2;
	}
	if (geteuid() || unshare(CLONE_NEWNET)) {
		fprintf(stderr, "tna-nf-cost: needs root (a private namespace, BPF_PROG_RUN)\n");
		return 1;
	}
	if (tna_bench_sh("ip link set lo up && ip link add r1 address 02:00:00:00:01:01 type veth peer name h1 && "
	       "ip link add r2 type veth peer name h2 && for i in r1 h1 r2 h2; do ip link set $i up; done && "
	       "sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 "
	       "net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.r1.rp_filter=0 && "
	       "ip addr add 10.1.0.1/24 dev r1 && ip addr add 10.2.0.1/24 dev r2 && "
	       "ip neigh add 10.2.0.2 lladdr 02:00:00:00:02:02 dev r2 nud permanent && "
	       "ip route add 198.19.0.0/16 via 10.2.0.2")) {
		fprintf(stderr, "tna-nf-cost: cannot build the namespace\n");
		return 1;
	}
	cap = 200 + 64 * (size_t)nrules;
	rules = calloc(1, cap);
	typical = calloc(1, 2 * cap + 512);
	last = calloc(1, 2 * cap + 512);
	for (int i = 0; i < nrules; i++)
		snprintf(rules + strlen(rules), cap - strlen(rules),
			 "ip saddr 10.100.%d.0/24 udp dport %d accept\n", i % 256, 1000 + i);
	sprintf(typical, "table inet fw { chain forward { type filter hook forward priority 0; policy drop;\n"
		"ct state established,related accept\nct state invalid drop\n%s}\n}\n"
		"table ip nat { chain post { type nat hook postrouting priority srcnat; oifname r2 masquerade\n}\n}",
		rules);
	sprintf(last, "table inet fw { chain forward { type filter hook forward priority 0; policy drop;\n"
		"ct state invalid drop\n%sct state established,related accept\n}\n}\n"
		"table ip nat { chain post { type nat hook postrouting priority srcnat; oifname r2 masquerade\n}\n}",
		rules);
	printf("%-44s %6s %6s   %s\n", "configuration (64 B UDP, established flow)", "p50 ns", "p10 ns", "action");
	err |= measure("router alone", 0, "", false, runs);
	err |= measure("+ filter, 1 stateless rule", TNA_FPM_FILTER | TNA_FPM_CT | TNA_FPM_NAT,
		"table inet fw { chain forward { type filter hook forward priority 0; udp dport 9 accept\n}\n}",
		false, runs);
	tna_bench_sh("sysctl -qw net.netfilter.nf_conntrack_checksum=0");
	err |= measure("+ conntrack lookup (nf_conntrack_checksum=0)", TNA_FPM_FILTER | TNA_FPM_CT | TNA_FPM_NAT,
		"table inet fw { chain forward { type filter hook forward priority 0; ct state established accept\n}\n}",
		false, runs);
	tna_bench_sh("sysctl -qw net.netfilter.nf_conntrack_checksum=1");
	err |= measure("+ conntrack lookup and checksum check", TNA_FPM_FILTER | TNA_FPM_CT | TNA_FPM_NAT,
		"table inet fw { chain forward { type filter hook forward priority 0; ct state established accept\n}\n}",
		false, runs);
	err |= measure("typical: established first, rules, masquerade", TNA_FPM_FILTER | TNA_FPM_CT | TNA_FPM_NAT,
		typical, true, runs);
	err |= measure("the rules walked before established accept", TNA_FPM_FILTER | TNA_FPM_CT | TNA_FPM_NAT,
		last, true, runs);
	return err ? 1 : 0;
}
