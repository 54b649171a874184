/* tna-br-cost: what TNA's bridge program costs per frame against the bare
 * devmap redirect (bench_redirect.bpf.c, the xdp-limit row of the live
 * bench) and the two-lookup limit (bench_fdb_limit.bpf.c, xdp-fdb-limit),
 * measured inside the kernel with BPF_PROG_TEST_RUN, one frame per run.
 *
 * In a private namespace a Linux bridge br0 has two veth ports b1, b2
 * whose peers h1, h2 keep the veth defaults (tx checksumming on: the
 * native pipeline then completes partial checksums of frames from b1, as
 * in the live bench) and h2 has GRO on (b2 can be a redirect egress).
 * The pipeline is loaded with the native target and the modules the
 * planner picks for that bridge (assembler/, as tna-deploy would), the
 * ports from sysfs, and an FDB mirror of N MAC pairs written confirmed:
 * source 02:5e:j on b1, destination 02:de:j on b2, j < N (the generator's
 * MACs; source index = destination index).  The frames, 64 B UDP (60 B
 * without FCS), cycle through the N pairs, one per run, so that the flow
 * cache and the FDB hash see N pairs as in the live bench's scale rows.
 * Rows: an empty program (the timer's floor), the two limits, TNA, TNA
 * through its root program (--root), TNA without some modules (--without,
 * pipelines of the same map family).  Per round, in another order every
 * round, each program runs two untimed passes over the N pairs, then RUNS
 * frames; the round's value is the mid-mean of their durations (the mean
 * of the middle half: drops the runs an interrupt hit, as a median does,
 * and resolves below 1 ns).  Every run must return XDP_REDIRECT.
 *
 * In-kernel program time only, as BPF_PROG_TEST_RUN's timer sees it: not
 * the veth receive, the devmap flush or the transmit that follow a real
 * redirect (the empty row shows the timer's own floor). */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include "assembler/input.h"
#include "assembler/plan.h"
#include "capabilities/caps.h"
#include "introspect/model.h"
#include "targets/datapath.h"
#include "targets/stats.h"
#include "tools/sysfs_port.h"
#include "bench/frame.h"
#include "bench/cost_util.h"
#include "bpf/bench_redirect.skel.h"
#include "bpf/bench_fdb_limit.skel.h"

#define MAX_ROUNDS 64
#define FRAME_LEN 60
#define BR_MAC "02:00:00:00:00:fe"
#define BR_MAC_BYTES 2, 0, 0, 0, 0, 0xfe

#define MAX_WITHOUT 16
/* the rows: fixed ones, then one per --without mask */
enum { P_EMPTY, P_BARE, P_FDB, P_TNA, P_ROOT, P_WITHOUT, MAX_PROGS = P_WITHOUT + MAX_WITHOUT };

static struct {
	int runs, rounds, macs, cpu;
	uint64_t without[MAX_WITHOUT];	/* --without: TNA_FPM_* bits left out, per row */
	int n_without;
	const char *dump;	/* --dump DIR */
	bool root;		/* --root: also through the root program */
	bool csum_complete;	/* --csum-complete: h1 sends complete checksums */
} opt = { .runs = 5000, .rounds = 9, .macs = 1, .cpu = -1 };

static int fail(const char *what, int err)
{
	fprintf(stderr, "tna-br-cost: %s%s%s\n", what, err ? ": " : "", err ? strerror(err) : "");
	return 1;
}

/* The modules the planner picks for br0 with the native target (mirror
 * mode: the controller's FDB mirror, as on a stock kernel). */
static int plan_fpms(int br, uint64_t *fpms)
{
	struct tna_plan_opts po = { .sz = sizeof(po), .target = TNA_TARGET_NATIVE,
				    .dp_validates_ip = true, .fdb_mirror = true };
	struct tna_model *m = tna_model_new();
	struct tna_bridge_plan plan = {};
	struct tna_plan_bridge_in in;
	struct tna_caps_dev *devs = NULL;
	struct tna_caps_sys sys;
	int n = 0, err;

	po.sys = &sys;
	err = !m ? -ENOMEM : tna_model_dump(m);
	if (!err)
		err = tna_caps_probe_system(&sys);
	if (err >= 0)
		err = tna_caps_probe_all(&devs, &n);
	if (err >= 0)
		err = tna_plan_input_build(m, devs, n, br, &in);
	if (!err) {
		tna_plan_input_peers(&in);
		err = tna_plan_bridge(&in, &po, &plan);
		tna_plan_input_free(&in);
	}
	if (!err && (!plan.ok || plan.br_netfilter || plan.target != TNA_TARGET_NATIVE)) {
		fprintf(stderr, "tna-br-cost: the planner does not accelerate br0 natively: %s\n",
			plan.reason);
		err = -EOPNOTSUPP;
	}
	*fpms = plan.fpms;
	tna_plan_bridge_free(&plan);
	free(devs);
	tna_model_free(m);
	return err < 0 ? err : 0;
}

static void fpm_names(uint64_t fpms, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (int i = 0; i < TNA_PFPM__MAX && o < len; i++)
		if (fpms & (1ULL << i))
			o += snprintf(buf + o, len - o, "%s%s", o ? "," : "", tna_plan_fpm_name(i));
}

static void mac_of(uint8_t *mac, uint8_t kind, unsigned j)
{
	uint8_t m[6] = { 2, kind, j >> 24, j >> 16, j >> 8, j };

	memcpy(mac, m, 6);
}

/* TNA as tna-deploy loads it for br0, FDB mirror of N confirmed pairs;
 * with SHARE a pipeline of its map family (the same tables). */
static struct tna_dp *load_tna(uint64_t fpms, int br, int b1, int b2, const struct tna_dp *share)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_NATIVE, .fpms = fpms,
				 .bridge_ifindex = br, .bridge_mac = { BR_MAC_BYTES },
				 .share_maps_with = share };
	struct tna_port_cfg c1 = {}, c2 = {};
	struct tna_dp *dp = tna_dp__load(&o);
	int err;

	if (!dp)
		return fail("load the TNA pipeline", errno), NULL;
	if (share)
		return dp;
	tna_sysfs_port_cfg("br0", "b1", &c1);
	tna_sysfs_port_cfg("br0", "b2", &c2);
	err = tna_dp__port_set(dp, b1, &c1);
	if (!err)
		err = tna_dp__port_set(dp, b2, &c2);
	for (int j = 0; !err && j < opt.macs; j++) {
		uint8_t s[6], d[6];

		mac_of(s, 0x5e, j);
		mac_of(d, 0xde, j);
		err = tna_dp__fdb_set(dp, s, 0, b1, 0);
		if (!err)
			err = tna_dp__fdb_set(dp, d, 0, b2, 0);
	}
	if (!err)	/* as the controller does for a mirror of that size */
		tna_dp__flow_fit(dp, 2 * opt.macs);
	if (!err)
		err = tna_dp__port_get(dp, b2, &c2);
	if (!err && (c2.flags & TNA_PORT_F_NO_XMIT))
		err = -EHOSTUNREACH;
	if (!err)
		err = tna_dp__port_get(dp, b1, &c1);
	if (!err && c1.csum != (opt.csum_complete ? TNA_PORT_CSUM_COMPLETE : TNA_PORT_CSUM_FIX))
		err = -EPROTO;
	if (err) {
		fail(err == -EHOSTUNREACH ? "b2 cannot be a redirect egress" :
		     err == -EPROTO ? "b1's checksum handling is not what h1 sends" :
		     "fill the TNA tables", err == -EHOSTUNREACH || err == -EPROTO ? 0 : -err);
		tna_dp__destroy(dp);
		return NULL;
	}
	return dp;
}

/* The two-lookup limit with the same pairs, in the same order. */
static struct bench_fdb_limit *load_fdb_limit(int b1, int b2)
{
	struct bench_fdb_limit *s = bench_fdb_limit__open_and_load();
	int err = s ? bpf_map_update_elem(bpf_map__fd(s->maps.tx_port), &b2, &b2, 0) : -1;

	for (int j = 0; !err && j < opt.macs; j++) {
		struct tna_fdb_key k = {};
		struct tna_fdb_val v = { .ifindex = b1 };

		mac_of(k.mac, 0x5e, j);
		err = bpf_map_update_elem(bpf_map__fd(s->maps.fdb), &k, &v, 0);
		mac_of(k.mac, 0xde, j);
		v.ifindex = b2;
		if (!err)
			err = bpf_map_update_elem(bpf_map__fd(s->maps.fdb), &k, &v, 0);
	}
	if (err) {
		fail("load the two-lookup limit", errno);
		bench_fdb_limit__destroy(s);
		return NULL;
	}
	return s;
}

/* r0 = XDP_REDIRECT; exit: what BPF_PROG_TEST_RUN's timer measures of
 * a program that does nothing. */
static int load_empty(void)
{
	struct bpf_insn insn[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_REDIRECT },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "br_cost_empty", "GPL", insn, 2, NULL);
}

static uint32_t xlated(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.xlated_prog_len / 8;
}

static void dump(int fd, const char *row)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	char name[64];

	if (!opt.dump || bpf_obj_get_info_by_fd(fd, &info, &len))
		return;
	snprintf(name, sizeof(name), "%s", row);	/* w/o:x -> w-o:x */
	for (char *q = name; *q; q++)
		*q = *q == '/' ? '-' : *q;
	tna_bench_sh("cd '%s' && bpftool prog dump xlated id %u > '%s.xlated.txt' && "
		     "{ bpftool prog dump jited id %u > '%s.jited.txt' 2>/dev/null; "
		     "[ -s '%s.jited.txt' ] || rm -f '%s.jited.txt'; }",
		     opt.dump, info.id, name, info.id, name, name, name);
}

/* Why TNA handed frame F to Linux: the reason whose counter one more run
 * of it bumps ("?" when nothing counted it: stats left out). */
static const char *pass_reason(int tna_fd, const uint8_t *f, int b1)
{
	static uint64_t before[TNA_REASON_MAX];
	int ncpu = libbpf_num_possible_cpus(), fd, r = -1;
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[64], ns;
	struct tna_stats_val *v;

	info.nr_map_ids = 64;
	info.map_ids = (uintptr_t)ids;
	if (ncpu < 1 || bpf_obj_get_info_by_fd(tna_fd, &info, &len))
		return "?";
	fd = tna_map_by_name(ids, info.nr_map_ids, TNA_MAP_STATS);
	v = calloc(ncpu, sizeof(*v));
	for (int pass = 0; fd >= 0 && v && pass < 2; pass++) {
		uint64_t sum[TNA_REASON_MAX] = {};

		if (pass)
			tna_bench_xdp_once(tna_fd, f, FRAME_LEN, b1, &ns);
		for (__u32 k = 0; k < TNA_MAX_PORTS; k++)
			if (!bpf_map_lookup_elem(fd, &k, v))
				for (int c = 0; c < ncpu; c++)
					for (int i = 0; i < TNA_REASON_MAX; i++)
						sum[i] += v[c].passed[i];
		for (int i = 0; i < TNA_REASON_MAX; i++) {
			if (pass && sum[i] != before[i])
				r = i;
			before[i] = sum[i];
		}
	}
	free(v);
	if (fd >= 0)
		close(fd);
	return r < 0 ? "?" : tna_reason_name(r);
}

struct prog {
	char name[48];
	int fd;				/* -1: not timed */
	uint32_t insns;			/* xlated */
	unsigned next;			/* its next frame */
	double mid[MAX_ROUNDS];		/* per round: mid-mean of the runs */
	double med[MAX_ROUNDS];		/* per round: median of the runs */
};

/* RUNS runs of P, its frames in turn, after two untimed passes over all
 * of them (at least 100 runs each): the first fills the flow cache, the
 * second leaves the CPU caches as P's own steady state does (every pair
 * last seen N frames ago, on the hit path), not as the program before it
 * left them.  0, or -1 - the index of the frame P did not redirect. */
static int round_of(struct prog *p, int k, uint8_t (*frames)[FRAME_LEN], int b1, uint32_t *d)
{
	int warm = 2 * (opt.macs < 100 ? 100 : opt.macs);
	double sum = 0;

	for (int i = -warm; i < opt.runs; i++) {
		unsigned j = p->next;
		uint32_t ns;

		p->next = (j + 1) % opt.macs;
		if (tna_bench_xdp_once(p->fd, frames[j], FRAME_LEN, b1,
				       i < 0 ? &ns : &d[i]) != XDP_REDIRECT)
			return -(int)j - 1;
	}
	qsort(d, opt.runs, sizeof(*d), tna_bench_cmp_u32);
	for (int i = opt.runs / 4; i < opt.runs - opt.runs / 4; i++)
		sum += d[i];
	p->mid[k] = sum / (opt.runs - 2 * (opt.runs / 4));
	p->med[k] = d[opt.runs / 2];
	return 0;
}

static double diff_median(const struct prog *a, const struct prog *b)
{
	double v[MAX_ROUNDS];

	for (int k = 0; k < opt.rounds; k++)
		v[k] = a->mid[k] - b->mid[k];
	return tna_bench_median(v, opt.rounds);
}

static void report(struct prog *p, int np)
{
	double v[MAX_ROUNDS];

	printf("%-24s %6s %6s %6s %6s %6s %6s  %s\n", "program", "median", "mid", "-bare", "-2look",
	       "-tna", "insns", "rounds: mid - bare's (bare: its mid)");
	for (int i = 0; i < np; i++) {
		if (p[i].fd < 0)
			continue;
		memcpy(v, p[i].med, sizeof(v));
		printf("%-24s %6.0f", p[i].name, tna_bench_median(v, opt.rounds));
		memcpy(v, p[i].mid, sizeof(v));
		printf(" %6.1f %+6.1f %+6.1f %+6.1f %6u ", tna_bench_median(v, opt.rounds),
		       diff_median(&p[i], &p[P_BARE]), diff_median(&p[i], &p[P_FDB]),
		       diff_median(&p[i], &p[P_TNA]), p[i].insns);
		for (int k = 0; k < opt.rounds; k++)
			printf(" %.1f", p[i].mid[k] - (i == P_BARE ? 0 : p[P_BARE].mid[k]));
		printf("\n");
	}
}

static int build_ns(void)
{
	if (tna_bench_sh("ip link set lo up && "
		"ip link add br0 address " BR_MAC " type bridge && "
		"ip link add b1 type veth peer name h1 && ip link add b2 type veth peer name h2 && "
		"ip link set b1 master br0 && ip link set b2 master br0 && "
		"for i in br0 b1 b2 h1 h2; do ip link set $i up; done && "
		"ethtool -K h2 gro on >/dev/null%s", opt.csum_complete ?
		" && ethtool -K h1 tx off >/dev/null" : ""))
		return fail("cannot build the namespace (ip, ethtool)", 0);
	/* the ports forward once their carrier is up (no STP) */
	if (tna_bench_sh("for i in $(seq 100); do "
		"[ $(cat /sys/class/net/br0/brif/b1/state) = 3 ] && "
		"[ $(cat /sys/class/net/br0/brif/b2/state) = 3 ] && exit 0; sleep 0.05; done; exit 1"))
		return fail("the bridge ports do not reach forwarding", 0);
	return 0;
}

static int usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: tna-br-cost [--macs N] [--runs N] [--rounds R] [--without M[,M...]] [--root]\n"
		"                   [--csum-complete] [--cpu C] [--dump DIR]\n"
		"  per-frame cost of the TNA bridge program against the bare devmap\n"
		"  redirect and the two-lookup limit inside the kernel (single-shot\n"
		"  BPF_PROG_TEST_RUN in a private namespace; root)\n"
		"  --macs N       MAC pairs in the FDB, the frames cycling through them (1)\n"
		"  --runs N       timed runs per program and round (5000), after an untimed\n"
		"                 pass over all N pairs\n"
		"  --rounds R     interleaved rounds, at most %d (9)\n"
		"  --without M    a row more: the planner's modules without the TNA_FPM_*\n"
		"                 bits M, in the same rounds (up to %d masks, comma-separated;\n"
		"                 native always keeps csum: see --csum-complete)\n"
		"  --root         a row more: TNA through its root program (the tail call\n"
		"                 every deployed pipeline is reached by)\n"
		"  --csum-complete  h1's tx checksumming off: b1's frames need no completion\n"
		"                 (csum then costs one test of the port)\n"
		"  --cpu C        run on CPU C (default: the one it starts on)\n"
		"  --dump DIR     write the programs' xlated (and jited) code into DIR\n"
		"Rows: empty (the timer's floor), bare, two-lookup, tna, tna-root, w/o:...\n"
		"Columns: median and mid-mean (mean of the middle half of the runs) ns per\n"
		"frame, median of the rounds; mid minus bare's, two-lookup's and tna's\n"
		"(median of the per-round differences); xlated instructions; every round's\n"
		"mid minus bare's.  Every run must return XDP_REDIRECT.\n"
		"Exit: 0 ok, 1 error (a frame not redirected is one), 2 bad usage.\n",
		MAX_ROUNDS, MAX_WITHOUT);
	return rc;
}

/* --without M[,M...] */
static int parse_without(char *arg)
{
	char *save = NULL, *end;

	for (char *t = strtok_r(arg, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (opt.n_without == MAX_WITHOUT)
			return -1;
		opt.without[opt.n_without++] = strtoull(t, &end, 0);
		if (*end || end == t)
			return -1;
	}
	return 0;
}

static void prog_set(struct prog *p, const char *name, int fd)
{
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->fd = fd;
	p->insns = xlated(fd);
	dump(fd, name);
}

static void frames_build(uint8_t (*frames)[FRAME_LEN])
{
	for (int j = 0; j < opt.macs; j++) {
		struct tna_bench_frame_opts fo = { .sz = sizeof(fo), .len = FRAME_LEN,
						   .sport = 9, .dport = 9 };
		uint32_t l3, l4;

		mac_of(fo.src_mac, 0x5e, j);
		mac_of(fo.dst_mac, 0xde, j);
		inet_pton(AF_INET, "198.18.0.1", fo.src_ip);
		inet_pton(AF_INET, "198.19.0.1", fo.dst_ip);
		tna_bench_frame_build(&fo, frames[j], &l3, &l4);	/* 60 B IPv4: fits */
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "macs", required_argument, 0, 'm' }, { "runs", required_argument, 0, 'r' },
		{ "rounds", required_argument, 0, 'R' }, { "without", required_argument, 0, 'w' },
		{ "root", no_argument, 0, 'o' }, { "csum-complete", no_argument, 0, 'c' },
		{ "cpu", required_argument, 0, 'C' }, { "dump", required_argument, 0, 'd' },
		{ "help", no_argument, 0, 'h' }, {} };
	struct prog p[MAX_PROGS];
	uint8_t (*frames)[FRAME_LEN];
	struct bench_redirect *bare = NULL;
	struct bench_fdb_limit *fdb = NULL;
	struct tna_dp *dp[1 + MAX_WITHOUT] = {};
	uint64_t fpms = 0;
	uint32_t *d;
	char *end = NULL, names[256], row[300];
	int c, rc = 1, br, b1, b2, np;
	cpu_set_t set;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'm')
			opt.macs = strtol(optarg, &end, 10);
		else if (c == 'r')
			opt.runs = strtol(optarg, &end, 10);
		else if (c == 'R')
			opt.rounds = strtol(optarg, &end, 10);
		else if (c == 'C')
			opt.cpu = strtol(optarg, &end, 10);
		else if (c == 'w' || c == 'o' || c == 'c' || c == 'd') {
			if (c == 'w' && parse_without(optarg))
				return fprintf(stderr, "tna-br-cost: bad --without (at most %d masks)\n",
					       MAX_WITHOUT), 2;
			opt.root |= c == 'o';
			opt.csum_complete |= c == 'c';
			opt.dump = c == 'd' ? optarg : opt.dump;
			continue;
		} else
			return usage(c == 'h' ? stdout : stderr, c == 'h' ? 0 : 2);
		if (*end || end == optarg)
			return fprintf(stderr, "tna-br-cost: bad number '%s'\n", optarg), 2;
	}
	if (optind != argc || opt.runs < 10 || opt.rounds < 1 || opt.rounds > MAX_ROUNDS ||
	    opt.macs < 1 || opt.macs > TNA_FDB_MAX / 2 || opt.cpu < -1) {
		fprintf(stderr, "tna-br-cost: --runs >= 10, --rounds 1..%d, --macs 1..%d, --cpu >= 0\n",
			MAX_ROUNDS, TNA_FDB_MAX / 2);
		return 2;
	}
	/* a private network namespace, and a /sys of its own: the ports'
	 * options and the planner's probes are read there */
	if (geteuid() || unshare(CLONE_NEWNET | CLONE_NEWNS) ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    umount2("/sys", MNT_DETACH) || mount("sysfs", "/sys", "sysfs", 0, NULL))
		return fail("needs root (private namespaces, BPF_PROG_TEST_RUN)", 0);
	/* one CPU: the flow cache and the stats are per CPU */
	CPU_ZERO(&set);
	CPU_SET(opt.cpu < 0 ? sched_getcpu() : opt.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return fail("--cpu", errno);
	if (opt.dump && tna_bench_sh("mkdir -p '%s'", opt.dump))
		return fail("--dump: cannot create the directory", 0);
	if (build_ns())
		return 1;
	br = if_nametoindex("br0");
	b1 = if_nametoindex("b1");
	b2 = if_nametoindex("b2");
	c = plan_fpms(br, &fpms);
	if (c)
		return fail("plan br0", -c);
	frames = calloc(opt.macs, FRAME_LEN);
	d = calloc(opt.runs, sizeof(*d));
	if (!frames || !d)
		return fail("memory", ENOMEM);
	frames_build(frames);
	for (int i = 0; i < MAX_PROGS; i++)
		p[i] = (struct prog){ .fd = -1 };
	/* the planner's pipeline, then those without some modules, sharing
	 * its tables (one flow cache, as a replan does) */
	dp[0] = load_tna(fpms, br, b1, b2, NULL);
	for (int i = 0; dp[0] && i < opt.n_without; i++)
		if (!(dp[i + 1] = load_tna(fpms & ~opt.without[i], br, b1, b2, dp[0])))
			goto out;
	bare = bench_redirect__open_and_load();
	if (bare && bpf_map_update_elem(bpf_map__fd(bare->maps.out_port), &b1, &b2, 0))
		bench_redirect__destroy(bare), bare = NULL;
	fdb = dp[0] && bare ? load_fdb_limit(b1, b2) : NULL;
	c = load_empty();
	if (!dp[0] || !bare || !fdb || c < 0) {
		if (!bare || c < 0)
			fail("load the limit programs", errno);
		goto out;
	}
	prog_set(&p[P_EMPTY], "empty", c);
	prog_set(&p[P_BARE], "bare", bpf_program__fd(bare->progs.bench_redirect));
	prog_set(&p[P_FDB], "two-lookup", bpf_program__fd(fdb->progs.bench_fdb_limit));
	prog_set(&p[P_TNA], "tna", tna_dp__prog_fd(dp[0]));
	if (opt.root) {
		prog_set(&p[P_ROOT], "tna-root", tna_dp__root_fd(dp[0]));
		p[P_ROOT].insns += p[P_TNA].insns;
	}
	for (int i = 0; i < opt.n_without; i++) {
		fpm_names(opt.without[i], names, sizeof(names));
		for (char *q = names; *q; q++)
			*q = *q == ',' ? '+' : *q;
		/* the modules' names, or the mask where they do not fit */
		if (strlen(names) > 20)
			snprintf(row, sizeof(row), "w/o:%#llx", (unsigned long long)opt.without[i]);
		else
			snprintf(row, sizeof(row), "w/o:%s", names[0] ? names : "nothing");
		prog_set(&p[P_WITHOUT + i], row, tna_dp__prog_fd(dp[i + 1]));
	}
	np = P_WITHOUT + opt.n_without;
	fpm_names(fpms | TNA_FPM_CSUM, names, sizeof(names));	/* the loader adds csum */
	printf("# %d MAC pairs, cpu %d, %d rounds x %d runs; modules %s; b1 checksums %s\n",
	       opt.macs, sched_getcpu(), opt.rounds, opt.runs, names,
	       opt.csum_complete ? "complete" : "may be partial (completed in XDP)");
	fflush(stdout);
	for (int k = 0; k < opt.rounds; k++) {
		int order[MAX_PROGS];

		/* each round in another order: no row always follows the same */
		for (int n = 0; n < np; n++)
			order[n] = n;
		for (int n = np - 1; n > 0; n--) {
			int m = rand() % (n + 1), t = order[n];

			order[n] = order[m];
			order[m] = t;
		}
		for (int n = 0; n < np; n++) {
			int i = order[n], r;

			/* the rows share one flow cache: a new table generation
			 * (what setting the bridge MAC bumps) leaves each TNA row
			 * only the answers of its own warm-up pass */
			if (i >= P_TNA)
				tna_dp__set_bridge_mac(dp[0], (uint8_t[6]){ BR_MAC_BYTES });
			r = p[i].fd < 0 ? 0 : round_of(&p[i], k, frames, b1, d);

			if (r) {
				fprintf(stderr, "tna-br-cost: %s: frame %d not redirected (%s%s)\n",
					p[i].name, -r - 1, i >= P_TNA ? "to Linux: " : "",
					i >= P_TNA ? pass_reason(p[i].fd, frames[-r - 1], b1) :
					"a limit program");
				goto out;
			}
		}
	}
	report(p, np);
	rc = 0;
out:
	if (p[P_EMPTY].fd >= 0)
		close(p[P_EMPTY].fd);
	bench_fdb_limit__destroy(fdb);
	bench_redirect__destroy(bare);
	for (int i = opt.n_without; i >= 0; i--)
		tna_dp__destroy(dp[i]);
	free(frames);
	free(d);
	return rc;
}
