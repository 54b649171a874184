/* tna-br-cost: what TNA's bridge program costs per frame against the bare
 * devmap redirect (bench_redirect.bpf.c, the xdp-limit row of the live
 * bench) and the two-lookup limit (bench_fdb_limit.bpf.c, xdp-fdb-limit),
 * measured inside the kernel with BPF_PROG_TEST_RUN, one frame per run.
 *
 * In a private namespace a Linux bridge br0 has veth ports b1, b2, b3;
 * h1, b1's peer, keeps the veth defaults (tx checksumming on: the native
 * pipeline then completes partial checksums of frames from b1, as in the
 * live bench), h3 has tx checksumming off, h2 GRO on (b2 can be a
 * redirect egress).
 * The pipeline is loaded with the native target and the modules the
 * planner picks for that bridge (assembler/, as tna-deploy would), the
 * ports from sysfs, and an FDB mirror of N MAC pairs written confirmed:
 * source 02:5e:j on b1, destination 02:de:j on b2, j < N (the generator's
 * MACs; source index = destination index), and sources 02:5f:j on b3.  The frames, 64 B UDP (60 B
 * without FCS), cycle through the N pairs, one per run, so that the flow
 * cache and the FDB hash see N pairs as in the live bench's scale rows.
 * Rows: an empty program (the timer's floor), the two limits, TNA, TNA
 * on frames from b3 (tna-complete: no checksum to complete), TNA through
 * its root program (--root), TNA without some modules (--without,
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
#include <bpf/libbpf.h>
#include "assembler/plan.h"
#include "targets/datapath.h"
#include "targets/stats.h"
#include "bench/br_cost.h"
#include "bench/cost_util.h"

#define MAX_ROUNDS 64
#define MAX_WITHOUT 16
/* the rows: fixed ones, then one per --without mask */
enum { P_EMPTY, P_BARE, P_FDB, P_TNA, P_COMPLETE, P_ROOT, P_WITHOUT,
       MAX_PROGS = P_WITHOUT + MAX_WITHOUT };

typedef uint8_t frame_t[BR_COST_FRAME_LEN];

static struct {
	int runs, rounds, cpu;
	uint64_t without[MAX_WITHOUT];	/* --without: TNA_FPM_* bits left out, per row */
	int n_without;
	const char *dump;	/* --dump DIR */
	bool root;		/* --root: also through the root program */
} opt = { .runs = 5000, .rounds = 9, .cpu = -1 };

static struct br_cost_bed bed = { .macs = 1 };

struct prog {
	char name[48];
	int fd;				/* -1: not timed */
	uint32_t insns;			/* xlated */
	int ifx;			/* the frames' ingress port */
	frame_t *frames;
	unsigned next;			/* its next frame */
	double mid[MAX_ROUNDS];		/* per round: mid-mean of the runs */
	double med[MAX_ROUNDS];		/* per round: median of the runs */
};

static void fpm_names(uint64_t fpms, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (int i = 0; i < TNA_PFPM__MAX && o < len; i++)
		if (fpms & (1ULL << i))
			o += snprintf(buf + o, len - o, "%s%s", o ? "," : "", tna_plan_fpm_name(i));
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
static const char *pass_reason(int tna_fd, const uint8_t *f, int ifx)
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
			tna_bench_xdp_once(tna_fd, f, BR_COST_FRAME_LEN, ifx, &ns);
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


/* RUNS runs of P, its frames in turn, after two untimed passes over all
 * of them (at least 100 runs each): the first fills the flow cache, the
 * second leaves the CPU caches as P's own steady state does (every pair
 * last seen N frames ago, on the hit path), not as the program before it
 * left them.  0, or -1 - the index of the frame P did not redirect. */
static int round_of(struct prog *p, int k, uint32_t *d)
{
	int warm = 2 * (bed.macs < 100 ? 100 : bed.macs);
	double sum = 0;

	for (int i = -warm; i < opt.runs; i++) {
		unsigned j = p->next;
		uint32_t ns;

		p->next = (j + 1) % bed.macs;
		if (tna_bench_xdp_once(p->fd, p->frames[j], BR_COST_FRAME_LEN, p->ifx,
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

static int usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: tna-br-cost [--macs N] [--runs N] [--rounds R] [--without M[,M...]] [--root]\n"
		"                   [--cpu C] [--dump DIR]\n"
		"  per-frame cost of the TNA bridge program against the bare devmap\n"
		"  redirect and the two-lookup limit inside the kernel (single-shot\n"
		"  BPF_PROG_TEST_RUN in a private namespace; root)\n"
		"  --macs N       MAC pairs in the FDB, the frames cycling through them (1)\n"
		"  --runs N       timed runs per program and round (5000), after two\n"
		"                 untimed passes over all N pairs\n"
		"  --rounds R     interleaved rounds, at most %d (9)\n"
		"  --without M    a row more: the planner's modules without the TNA_FPM_*\n"
		"                 bits M, in the same rounds (up to %d masks, comma-separated;\n"
		"                 native always keeps csum: see row tna-complete)\n"
		"  --root         a row more: TNA through its root program (the tail call\n"
		"                 every deployed pipeline is reached by)\n"
		"  --cpu C        run on CPU C (default: the one it starts on)\n"
		"  --dump DIR     write the programs' xlated (and jited) code into DIR\n"
		"Rows: empty (the timer's floor), bare, two-lookup, tna, tna-complete\n"
		"(frames from a port whose peer sends complete checksums; up to --macs %d),\n"
		"tna-root, w/o:...\n"
		"Columns: median and mid-mean (mean of the middle half of the runs) ns per\n"
		"frame, median of the rounds; mid minus bare's, two-lookup's and tna's\n"
		"(median of the per-round differences); xlated instructions; every round's\n"
		"mid minus bare's.  Every run must return XDP_REDIRECT.\n"
		"Exit: 0 ok, 1 error (a frame not redirected is one), 2 bad usage.\n",
		MAX_ROUNDS, MAX_WITHOUT, TNA_FDB_MAX / 3);
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

/* -1: go on; else the exit code */
static int parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "macs", required_argument, 0, 'm' }, { "runs", required_argument, 0, 'r' },
		{ "rounds", required_argument, 0, 'R' }, { "without", required_argument, 0, 'w' },
		{ "root", no_argument, 0, 'o' }, { "cpu", required_argument, 0, 'C' },
		{ "dump", required_argument, 0, 'd' }, { "help", no_argument, 0, 'h' }, {} };
	char *end = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'm')
			bed.macs = strtol(optarg, &end, 10);
		else if (c == 'r')
			opt.runs = strtol(optarg, &end, 10);
		else if (c == 'R')
			opt.rounds = strtol(optarg, &end, 10);
		else if (c == 'C')
			opt.cpu = strtol(optarg, &end, 10);
		else if (c == 'w' || c == 'o' || c == 'd') {
			if (c == 'w' && parse_without(optarg))
				return fprintf(stderr, "tna-br-cost: bad --without (at most %d masks)\n",
					       MAX_WITHOUT), 2;
			opt.root |= c == 'o';
			opt.dump = c == 'd' ? optarg : opt.dump;
			continue;
		} else
			return usage(c == 'h' ? stdout : stderr, c == 'h' ? 0 : 2);
		if (*end || end == optarg)
			return fprintf(stderr, "tna-br-cost: bad number '%s'\n", optarg), 2;
	}
	if (optind != argc || opt.runs < 10 || opt.rounds < 1 || opt.rounds > MAX_ROUNDS ||
	    bed.macs < 1 || bed.macs > TNA_FDB_MAX / 2 || opt.cpu < -1) {
		fprintf(stderr, "tna-br-cost: --runs >= 10, --rounds 1..%d, --macs 1..%d, --cpu >= 0\n",
			MAX_ROUNDS, TNA_FDB_MAX / 2);
		return 2;
	}
	return -1;
}

static void prog_set(struct prog *p, const char *name, int fd, int ifx, frame_t *frames)
{
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->fd = fd;
	p->insns = xlated(fd);
	p->ifx = ifx;
	p->frames = frames;
	dump(fd, name);
}

/* The rows of pipeline DP[0] and its variants DP[1..] */
static void tna_rows(struct prog *p, struct tna_dp **dp, frame_t *fix, frame_t *complete)
{
	char names[256], row[300];

	prog_set(&p[P_TNA], "tna", tna_dp__prog_fd(dp[0]), bed.b1, fix);
	if (bed.complete)	/* else no room for b3's sources in the mirror */
		prog_set(&p[P_COMPLETE], "tna-complete", tna_dp__prog_fd(dp[0]), bed.b3, complete);
	if (opt.root) {
		prog_set(&p[P_ROOT], "tna-root", tna_dp__root_fd(dp[0]), bed.b1, fix);
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
		prog_set(&p[P_WITHOUT + i], row, tna_dp__prog_fd(dp[i + 1]), bed.b1, fix);
	}
}

/* The rounds, each in another order: no row always follows the same. */
static int measure(struct prog *p, int np, struct tna_dp *dp)
{
	uint32_t *d = calloc(opt.runs, sizeof(*d));
	int order[MAX_PROGS], r = 0;

	for (int k = 0; k < opt.rounds && d && !r; k++) {
		for (int n = 0; n < np; n++)
			order[n] = n;
		for (int n = np - 1; n > 0; n--) {
			int m = rand() % (n + 1), t = order[n];

			order[n] = order[m];
			order[m] = t;
		}
		for (int n = 0, i; n < np && !r; n++) {
			if (p[i = order[n]].fd < 0)
				continue;
			/* the rows share one flow cache: each TNA row only
			 * the answers of its own untimed passes */
			if (i >= P_TNA)
				br_cost_new_gen(dp);
			r = round_of(&p[i], k, d);
			if (r)
				fprintf(stderr, "tna-br-cost: %s: frame %d not redirected (%s%s)\n",
					p[i].name, -r - 1, i >= P_TNA ? "to Linux: " : "",
					i >= P_TNA ? pass_reason(p[i].fd, p[i].frames[-r - 1], p[i].ifx) :
					"a limit program");
		}
	}
	free(d);
	return d && !r ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct tna_dp *dp[1 + MAX_WITHOUT] = {};
	struct prog p[MAX_PROGS];
	frame_t *fix = NULL, *complete = NULL;
	void *bare = NULL, *fdb = NULL;
	int rc = parse(argc, argv), np, fd;
	uint64_t fpms = 0;
	char names[256];
	cpu_set_t set;

	if (rc >= 0)		/* --help, bad usage */
		return rc;
	/* a private network namespace, and a /sys of its own: the ports'
	 * options and the planner's probes are read there */
	if (geteuid() || unshare(CLONE_NEWNET | CLONE_NEWNS) ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    umount2("/sys", MNT_DETACH) || mount("sysfs", "/sys", "sysfs", 0, NULL))
		return fprintf(stderr, "tna-br-cost: needs root (private namespaces, "
			       "BPF_PROG_TEST_RUN)\n"), 1;
	/* one CPU: the flow cache and the stats are per CPU */
	CPU_ZERO(&set);
	CPU_SET(opt.cpu < 0 ? sched_getcpu() : opt.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return fprintf(stderr, "tna-br-cost: --cpu: %s\n", strerror(errno)), 1;
	if (opt.dump && tna_bench_sh("mkdir -p '%s'", opt.dump))
		return fprintf(stderr, "tna-br-cost: --dump: cannot create the directory\n"), 1;
	if (br_cost_bed_build(&bed) || br_cost_plan(&bed, &fpms))
		return 1;
	rc = 1;
	for (int i = 0; i < MAX_PROGS; i++)
		p[i] = (struct prog){ .fd = -1 };
	fix = br_cost_frames(&bed, BR_COST_SRC_FIX);
	complete = br_cost_frames(&bed, BR_COST_SRC_COMPLETE);
	/* the planner's pipeline, then those without some modules, sharing
	 * its tables (one flow cache, as a replan does) */
	dp[0] = fix && complete ? br_cost_load_tna(&bed, fpms, NULL) : NULL;
	for (int i = 0; dp[0] && i < opt.n_without; i++)
		if (!(dp[i + 1] = br_cost_load_tna(&bed, fpms & ~opt.without[i], dp[0])))
			goto out;
	if (!dp[0] || (fd = br_cost_load_empty()) < 0)
		goto out;
	prog_set(&p[P_EMPTY], "empty", fd, bed.b1, fix);
	if ((fd = br_cost_load_bare(&bed, &bare)) < 0)
		goto out;
	prog_set(&p[P_BARE], "bare", fd, bed.b1, fix);
	if ((fd = br_cost_load_fdb_limit(&bed, &fdb)) < 0)
		goto out;
	prog_set(&p[P_FDB], "two-lookup", fd, bed.b1, fix);
	tna_rows(p, dp, fix, complete);
	np = P_WITHOUT + opt.n_without;
	fpm_names(fpms | TNA_FPM_CSUM, names, sizeof(names));	/* the loader adds csum */
	printf("# %d MAC pairs, cpu %d, %d rounds x %d runs; modules %s\n",
	       bed.macs, sched_getcpu(), opt.rounds, opt.runs, names);
	fflush(stdout);
	if (!measure(p, np, dp[0])) {
		report(p, np);
		rc = 0;
	}
out:
	if (p[P_EMPTY].fd >= 0)
		close(p[P_EMPTY].fd);
	br_cost_unload(bare, fdb);
	for (int i = opt.n_without; i >= 0; i--)
		tna_dp__destroy(dp[i]);
	free(fix);
	free(complete);
	return rc;
}
