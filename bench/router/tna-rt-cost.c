/* tna-rt-cost: what the TNA router program costs per packet against the
 * router limit (bench/router/bench_fib.bpf.c: parse, bpf_fib_lookup with
 * the same flags, TTL, MACs, redirect), measured inside the kernel with
 * BPF_PROG_TEST_RUN.  In a private namespace r1 -> r2 routes one 64 B
 * UDP frame (IPv4) or 66 B (IPv6); each program runs it N times one at a
 * time (every run starts from the same frame), in interleaved rounds; the
 * median of the per-run durations is taken per round and the median of
 * the rounds printed, with TNA minus the limit per round.  Steady on a
 * busy machine: a run is ~100 ns and the order statistics drop the runs
 * an interrupt hit.  Both programs must return XDP_REDIRECT, or the row
 * is an error.
 *
 *   tna-rt-cost [--runs N] [--rounds R] [--routes N] [--without MASK] [--dump DIR]
 *               [--xdp-forward OBJ] [--root]
 *
 * Tables: direct (default policy rules; both programs with
 * BPF_FIB_LOOKUP_DIRECT, TNA as the planner chooses it) and full (one
 * policy rule more, never matching; neither uses DIRECT); --routes adds
 * N-1 other routes per family.  --xdp-forward adds xdp-forward's own
 * program (xdp_forward.bpf.o of xdp-tools, its xdp_fwd_fib_direct or
 * _full as the table's lookup) to the same rounds; --root runs TNA through
 * its root program (the tail call of a deployed pipeline included). */
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
#include "bench/frame.h"
#include "bench/cost_util.h"
#include "bpf/bench_fib.skel.h"

#define R1_MAC 2, 0, 0, 0, 1, 1
#define MAX_ROUNDS 64

/* median ns of RUNS single runs of FD on FRAME; -1 unless every run
 * returned XDP_REDIRECT */
static double run_median(int fd, const uint8_t *frame, size_t len, int ifx, uint32_t *d, int runs)
{
	int bad = 0;

	for (int i = 0; i < runs; i++)
		if (tna_bench_xdp_once(fd, frame, len, ifx, &d[i]) != XDP_REDIRECT)
			bad = 1;
	qsort(d, runs, sizeof(*d), tna_bench_cmp_u32);
	return bad ? -1.0 : (double)d[runs / 2];
}

static const char *xdpfw_obj;	/* --xdp-forward OBJ: xdp-tools' xdp_forward.bpf.o */
static bool via_root;		/* --root: TNA through tna_root's tail call */
static uint64_t fpms_off;	/* --without MASK: modules left out, to find the cost of each */
static const char *dump_dir;	/* --dump DIR: the programs' xlated code */

static struct tna_dp *load_tna(bool v6, bool direct)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_NATIVE,
		.fpms = (TNA_FPM_PARSE_ETH | TNA_FPM_STATS | TNA_FPM_ROUTE |
			 (v6 ? TNA_FPM_IPV6 : TNA_FPM_IPV4)) & ~fpms_off,
		.fib_direct4 = direct && !v6, .fib_direct6 = direct && v6 };
	struct tna_dp *dp = tna_dp__load(&o);

	if (dp && (tna_dp__router_port_add(dp, if_nametoindex("r1"), (uint8_t[6]){ R1_MAC }, false) ||
		   tna_dp__router_port_add(dp, if_nametoindex("r2"), (uint8_t[6]){ 2, 0, 0, 0, 2, 1 }, false))) {
		tna_dp__destroy(dp);
		return NULL;
	}
	if (dp && dump_dir) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		bpf_obj_get_info_by_fd(tna_dp__prog_fd(dp), &info, &len);
		tna_bench_sh("bpftool prog dump xlated id %u > %s/tna-v%d-%s.txt", info.id, dump_dir,
		   v6 ? 6 : 4, direct ? "direct" : "full");
	}
	return dp;
}

static struct bench_fib *load_limit(bool direct)
{
	struct bench_fib *s = bench_fib__open();
	__u32 r2 = if_nametoindex("r2");

	if (!s)
		return NULL;
	s->rodata->fib_direct = direct;
	if (bench_fib__load(s) ||
	    bpf_map_update_elem(bpf_map__fd(s->maps.tx_port), &r2, &r2, 0)) {
		bench_fib__destroy(s);
		return NULL;
	}
	return s;
}

/* xdp-forward's program for the table's lookup, r2 its one tx port */
static struct bpf_object *load_xdpfw(bool direct, int *fd)
{
	struct bpf_object *o = bpf_object__open_file(xdpfw_obj, NULL);
	const char *want = direct ? "xdp_fwd_fib_direct" : "xdp_fwd_fib_full";
	struct bpf_program *pr;
	struct bpf_map *m;
	__u32 r2 = if_nametoindex("r2");

	if (!o)
		return NULL;
	bpf_object__for_each_program(pr, o)
		bpf_program__set_autoload(pr, !strcmp(bpf_program__name(pr), want));
	pr = bpf_object__find_program_by_name(o, want);
	m = bpf_object__find_map_by_name(o, "xdp_tx_ports");
	if (!pr || !m || bpf_object__load(o) ||
	    bpf_map_update_elem(bpf_map__fd(m), &r2, &r2, 0)) {
		bpf_object__close(o);
		return NULL;
	}
	*fd = bpf_program__fd(pr);
	return o;
}

/* One table: both families, TNA and the limit interleaved per round. */
static int measure(const char *table, bool direct, int runs, int rounds)
{
	static const char *fam[2] = { "IPv4", "IPv6" };
	double tna[2][MAX_ROUNDS], lim[2][MAX_ROUNDS], diff[2][MAX_ROUNDS];
	double xfw[2][MAX_ROUNDS], xdiff[2][MAX_ROUNDS];
	uint32_t *d = calloc(runs, sizeof(*d)), l3s, l4s;
	struct tna_dp *dp[2] = { load_tna(false, direct), load_tna(true, direct) };
	struct bench_fib *bf = load_limit(direct);
	uint8_t f[2][66];
	int r1 = if_nametoindex("r1"), err = !d || !dp[0] || !dp[1] || !bf, xfd = -1;
	struct bpf_object *xo = xdpfw_obj ? load_xdpfw(direct, &xfd) : NULL;

	if (xdpfw_obj && !xo) {
		fprintf(stderr, "tna-rt-cost: cannot load xdp-forward from %s\n", xdpfw_obj);
		err = 1;
	}

	for (int v6 = 0; v6 < 2 && !err; v6++) {
		struct tna_bench_frame_opts fo = { .sz = sizeof(fo), .len = v6 ? 66 : 60,
			.ipv6 = v6, .src_mac = { 2, 0, 0, 0, 1, 2 }, .dst_mac = { R1_MAC },
			.sport = 9, .dport = 9 };

		if (v6) {
			inet_pton(AF_INET6, "2001:db8:a0::2", fo.src_ip);
			inet_pton(AF_INET6, "2001:db8:2::1", fo.dst_ip);
		} else {
			inet_pton(AF_INET, "198.18.0.1", fo.src_ip);
			inet_pton(AF_INET, "198.19.0.1", fo.dst_ip);
		}
		err |= tna_bench_frame_build(&fo, f[v6], &l3s, &l4s) != 0;
	}
	for (int k = 0; k < rounds && !err; k++) {
		for (int v6 = 0; v6 < 2; v6++) {
			size_t len = v6 ? 66 : 60;

			tna[v6][k] = run_median(via_root ? tna_dp__root_fd(dp[v6]) : tna_dp__prog_fd(dp[v6]),
						f[v6], len, r1, d, runs);
			lim[v6][k] = run_median(bpf_program__fd(bf->progs.bench_fib), f[v6], len, r1, d, runs);
			if (tna[v6][k] < 0 || lim[v6][k] < 0)
				err = 1;
			diff[v6][k] = tna[v6][k] - lim[v6][k];
			if (!xo)
				continue;
			xfw[v6][k] = run_median(xfd, f[v6], len, r1, d, runs);
			if (xfw[v6][k] < 0)
				err = 1;
			xdiff[v6][k] = tna[v6][k] - xfw[v6][k];
		}
	}
	if (err)
		fprintf(stderr, "tna-rt-cost: %s: cannot load, or a frame was not redirected\n", table);
	else
		for (int v6 = 0; v6 < 2; v6++) {
			printf("%-5s %-7s %6.1f %6.1f %+7.1f %6.2f", fam[v6], table,
			       tna_bench_median(tna[v6], rounds), tna_bench_median(lim[v6], rounds),
			       tna_bench_median(diff[v6], rounds),
			       tna_bench_median(tna[v6], rounds) / tna_bench_median(lim[v6], rounds));
			if (xo)
				printf(" %6.1f %+7.1f", tna_bench_median(xfw[v6], rounds),
				       tna_bench_median(xdiff[v6], rounds));
			printf("\n");
		}
	tna_dp__destroy(dp[0]);
	tna_dp__destroy(dp[1]);
	bench_fib__destroy(bf);
	bpf_object__close(xo);
	free(d);
	return err ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = { { "runs", required_argument, 0, 'r' },
					    { "rounds", required_argument, 0, 'R' },
					    { "routes", required_argument, 0, 'n' },
					    { "without", required_argument, 0, 'w' },
					    { "dump", required_argument, 0, 'd' },
					    { "xdp-forward", required_argument, 0, 'x' },
					    { "root", no_argument, 0, 'o' },
					    { "help", no_argument, 0, 'h' }, {} };
	int runs = 5000, rounds = 9, routes = 1, c, err = 0;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'r')
			runs = atoi(optarg);
		else if (c == 'R')
			rounds = atoi(optarg);
		else if (c == 'n')
			routes = atoi(optarg);
		else if (c == 'w')
			fpms_off = strtoull(optarg, NULL, 0);
		else if (c == 'd')
			dump_dir = optarg;
		else if (c == 'x')
			xdpfw_obj = optarg;
		else if (c == 'o')
			via_root = true;
		else {
			fprintf(c == 'h' ? stdout : stderr,
				"usage: tna-rt-cost [--runs N] [--rounds R] [--routes N] [--without M] [--dump DIR]\n"
				"                   [--xdp-forward OBJ] [--root]\n"
				"  per-packet cost of the TNA router against the bare fib limit\n"
				"  inside the kernel (single-shot BPF_PROG_RUN in a private\n"
				"  namespace; root)\n"
				"  --runs N    runs per program and round (5000)\n"
				"  --rounds R  interleaved rounds, at most %d (9)\n"
				"  --routes N  routes per family in the table (1)\n"
				"  --without M leave the TNA_FPM_* bits M out (where the time goes)\n"
				"  --dump DIR  write the xlated TNA programs into DIR\n"
				"  --xdp-forward OBJ  also xdp-forward's program from OBJ (xdp-tools'\n"
				"              xdp_forward.bpf.o) in the same rounds: columns xdpfw,\n"
				"              tna-xfw\n"
				"  --root      TNA through its root program (the tail call every\n"
				"              deployed pipeline is reached by)\n", MAX_ROUNDS);
			return c == 'h' ? 0 : 2;
		}
	}
	if (runs < 10 || rounds < 1 || rounds > MAX_ROUNDS || routes < 1 || routes > 1000000) {
		fprintf(stderr, "tna-rt-cost: --runs >= 10, --rounds 1..%d, --routes 1..1000000\n",
			MAX_ROUNDS);
		return 2;
	}
	if (geteuid() || unshare(CLONE_NEWNET)) {
		fprintf(stderr, "tna-rt-cost: needs root (a private namespace, BPF_PROG_RUN)\n");
		return 1;
	}
	if (tna_bench_sh("ip link set lo up && ip link add r1 address 02:00:00:00:01:01 type veth peer name h1 && "
	       "ip link add r2 address 02:00:00:00:02:01 type veth peer name h2 && "
	       "for i in r1 h1 r2 h2; do ip link set $i up; done && "
	       "ethtool -K h2 gro on >/dev/null && "
	       "sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 "
	       "net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.r1.rp_filter=0 "
	       "net.ipv6.conf.all.forwarding=1 && "
	       "ip addr add 10.1.0.1/24 dev r1 && ip addr add 10.2.0.1/24 dev r2 && "
	       "ip addr add 2001:db8:a0::1/64 dev r1 nodad && ip addr add 2001:db8:b0::1/64 dev r2 nodad && "
	       "ip neigh add 10.2.0.2 lladdr 02:00:00:00:02:02 dev r2 nud permanent && "
	       "ip neigh add 2001:db8:b0::2 lladdr 02:00:00:00:02:02 dev r2 nud permanent && "
	       "ip route add 198.19.0.0/16 via 10.2.0.2 && ip route add 2001:db8:2::/48 via 2001:db8:b0::2") ||
	    (routes > 1 &&
	     tna_bench_sh("awk 'BEGIN { for (i = 0; i < %d; i++) {"
		" printf \"route add %%d.%%d.%%d.0/24 via 10.2.0.2\\n\", 20 + int(i / 65536), int(i / 256) %% 256, i %% 256;"
		" printf \"route add 2001:db8:%%x:%%x::/64 via 2001:db8:b0::2\\n\", 4096 + int(i / 65536), i %% 65536 } }'"
		" | ip -batch -", routes - 1))) {
		fprintf(stderr, "tna-rt-cost: cannot build the namespace\n");
		return 1;
	}
	printf("# %d routes per family; ns per packet, median of %d rounds of %d runs each\n",
	       routes, rounds, runs);
	printf("%-5s %-7s %6s %6s %7s %6s%s\n", "fam", "lookup", "tna", "limit", "tna-lim", "ratio",
	       xdpfw_obj ? "  xdpfw tna-xfw" : "");
	err |= measure("direct", true, runs, rounds);
	if (tna_bench_sh("ip rule add pref 1000 from 203.0.113.0/24 table 100 && "
	       "ip -6 rule add pref 1000 from 2001:db8:ffff::/48 table 100")) {
		fprintf(stderr, "tna-rt-cost: cannot add the policy rules\n");
		return 1;
	}
	err |= measure("full", false, runs, rounds);
	return err ? 1 : 0;
}
