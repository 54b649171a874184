/* tna-sink: the receiver.  Attaches a per-CPU counting XDP program (drop,
 * or pass) to the given interfaces through bpf_links (they go away with
 * the process), waits for traffic, then reports what arrived over the
 * measured window.  A window with 0 packets is an error. */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <linux/if_link.h>
#include "bpf/bench_sink.skel.h"

#define MAX_IFS 64

struct cnt { unsigned long long packets, bytes, other, misdelivered; };

static atomic_bool stop;
static void on_signal(int sig) { stop = true; }

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: tna-sink -i IF[,IF...] [options]\n"
"Count the generator's frames (UDP to port 9) arriving on IF with a per-CPU\n"
"XDP program and report Mpps received over the measured window; other\n"
"frames are counted apart.  Run it in the sink's namespace.\n"
"  -i, --interface IF[,IF]  interfaces to count on (summed)\n"
"  -p, --pass               pass frames to Linux instead of dropping them\n"
"  -g, --generic            attach in generic (skb) mode instead of native\n"
"  -d, --duration S         measured window after the warm-up (default 1;\n"
"                           0 = until SIGINT/SIGTERM)\n"
"  -w, --warmup S           skip S seconds after the first packet (0.5;\n"
"                           0 = count every frame from the first)\n"
"  -T, --timeout S          give up when no packet arrived after S seconds (10)\n"
"  -c, --check-ports P      a frame for destination MAC index j belongs on the\n"
"                           interface at position j %% P of -i; count the\n"
"                           others as misdelivered (needs P = number of IFs)\n"
"  -j, --json               JSON result on stdout\n"
"  -h, --help\n"
"Prints 'attached' on stderr once the program is on every interface.\n"
"Exit: 0 ok, 1 error (including 0 packets received), 2 bad usage.\n");
}

static void bad(const char *msg, const char *arg)
{
	fprintf(stderr, "tna-sink: %s%s (see --help)\n", msg, arg);
	exit(2);
}

static double seconds(const char *s, const char *what)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || !(v >= 0) || v > 86400)
		bad("bad ", what);
	return v;
}

static int read_cnt(int map_fd, int ncpu, struct cnt *sum)
{
	struct cnt v[ncpu];
	unsigned key = 0;

	if (bpf_map_lookup_elem(map_fd, &key, v))
		return -errno;
	*sum = (struct cnt){ 0 };
	for (int i = 0; i < ncpu; i++) {
		sum->packets += v[i].packets;
		sum->bytes += v[i].bytes;
		sum->other += v[i].other;
		sum->misdelivered += v[i].misdelivered;
	}
	return 0;
}

/* Sleep until T (absolute) or a signal; false when stopped. */
static bool sleep_until(double t)
{
	while (!stop && now() < t)
		usleep(1000);
	return !stop;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "interface", 1, 0, 'i' }, { "pass", 0, 0, 'p' },
		{ "generic", 0, 0, 'g' }, { "duration", 1, 0, 'd' },
		{ "warmup", 1, 0, 'w' }, { "timeout", 1, 0, 'T' },
		{ "check-ports", 1, 0, 'c' },
		{ "json", 0, 0, 'j' }, { "help", 0, 0, 'h' }, { 0 }
	};
	double duration = 1, warmup = 0.5, timeout = 10, t0, t1 = 0, tw;
	bool pass = false, generic = false, json = false;
	char *ifs = NULL, *names = NULL;
	int ifindex[MAX_IFS], links[MAX_IFS], n_if = 0, n_links = 0, c, err;
	int ncpu = libbpf_num_possible_cpus(), rc = 1;
	struct bench_sink *skel = NULL;
	struct cnt a, b;
	const char *why = NULL;

	int check = 0;

	while ((c = getopt_long(argc, argv, "i:pgd:w:T:c:jh", lo, NULL)) != -1) {
		switch (c) {
		case 'i': ifs = optarg; break;
		case 'p': pass = true; break;
		case 'g': generic = true; break;
		case 'd': duration = seconds(optarg, "--duration"); break;
		case 'w': warmup = seconds(optarg, "--warmup"); break;
		case 'T': timeout = seconds(optarg, "--timeout"); break;
		case 'c':
			check = atoi(optarg);
			if (check < 1 || check > MAX_IFS)
				bad("bad --check-ports ", optarg);
			break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		bad("unexpected argument ", argv[optind]);
	if (!ifs)
		bad("-i IF is required", "");
	names = strdup(ifs);
	for (char *sv, *n = strtok_r(ifs, ",", &sv); n; n = strtok_r(NULL, ",", &sv)) {
		if (n_if == MAX_IFS)
			bad("too many interfaces", "");
		ifindex[n_if] = if_nametoindex(n);
		if (!ifindex[n_if])
			bad("no such interface in this network namespace: ", n);
		n_if++;
	}
	if (check && check != n_if)
		bad("--check-ports P needs exactly P interfaces", "");
	for (int i = 0; check && i < n_if; i++)
		if (ifindex[i] >= 256)
			bad("--check-ports: an interface index is above 255", "");
	if (ncpu < 0) {
		fprintf(stderr, "tna-sink: cannot count CPUs: %s\n", strerror(-ncpu));
		return 1;
	}

	skel = bench_sink__open();
	if (!skel) {
		fprintf(stderr, "tna-sink: cannot open BPF object: %s\n", strerror(errno));
		return 1;
	}
	skel->rodata->action = pass ? XDP_PASS : XDP_DROP;
	skel->rodata->check_ports = check;
	err = bench_sink__load(skel);
	if (err) {
		fprintf(stderr, "tna-sink: cannot load BPF program: %s\n", strerror(-err));
		goto out;
	}
	for (int i = 0; check && i < n_if; i++) {
		unsigned pos = i + 1, k = ifindex[i];

		if (bpf_map__update_elem(skel->maps.port_of, &k, sizeof(k), &pos,
					 sizeof(pos), BPF_ANY)) {
			fprintf(stderr, "tna-sink: cannot fill the port map: %s\n", strerror(errno));
			goto out;
		}
	}
	for (int i = 0; i < n_if; i++) {
		LIBBPF_OPTS(bpf_link_create_opts, lopts,
			    .flags = generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);
		int fd = bpf_link_create(bpf_program__fd(skel->progs.bench_sink),
					 ifindex[i], BPF_XDP, &lopts);
		if (fd < 0) {
			char n[IF_NAMESIZE] = "?";

			if_indextoname(ifindex[i], n);
			fprintf(stderr, "tna-sink: cannot attach XDP (%s) to %s: %s%s\n",
				generic ? "generic" : "native", n, strerror(errno),
				errno == EBUSY || errno == EEXIST ?
				" (another XDP program is attached)" : "");
			goto out;
		}
		links[n_links++] = fd;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "attached\n");

	int map_fd = bpf_map__fd(skel->maps.cnt);

	/* Wait for the first packet, then warm up, then measure. */
	t0 = now();
	for (;;) {
		if ((err = read_cnt(map_fd, ncpu, &a)))
			goto map_err;
		if (a.packets || stop)
			break;
		if (now() - t0 >= timeout) {
			why = "no packet arrived before the timeout";
			break;
		}
		usleep(1000);
	}
	if (!why && !stop) {
		tw = now();
		sleep_until(tw + warmup);
		/* Without a warm-up every frame counts, the first ones too
		 * (exact totals for loss accounting: bench/reconfig.sh). */
		if (warmup == 0)
			memset(&a, 0, sizeof(a));
		else if ((err = read_cnt(map_fd, ncpu, &a)))
			goto map_err;
		t0 = now();
		if (duration > 0)
			sleep_until(t0 + duration);
		else
			while (!stop)
				pause();
		if ((err = read_cnt(map_fd, ncpu, &b)))
			goto map_err;
		t1 = now();
		if (stop && duration > 0)
			why = "interrupted before the end of the window";
		else if (b.packets == a.packets)
			why = "0 packets arrived during the measured window";
	} else if (stop && !why) {
		why = "interrupted before any packet arrived";
	}
	if (why) {
		fprintf(stderr, "tna-sink: %s on %s\n", why, names);
		if (json)
			printf("{\"received\":0,\"error\":\"%s\"}\n", why);
		goto out;
	}

	unsigned long long pk = b.packets - a.packets, by = b.bytes - a.bytes;
	double t = t1 - t0;

	if (json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "received", json_object_new_uint64(pk));
		json_object_object_add(j, "bytes", json_object_new_uint64(by));
		json_object_object_add(j, "seconds", json_object_new_double(t));
		json_object_object_add(j, "mpps", json_object_new_double(pk / t / 1e6));
		json_object_object_add(j, "other", json_object_new_uint64(b.other - a.other));
		if (check)
			json_object_object_add(j, "misdelivered",
					       json_object_new_uint64(b.misdelivered - a.misdelivered));
		json_object_object_add(j, "gbps", json_object_new_double(by * 8 / t / 1e9));
		json_object_object_add(j, "interfaces", json_object_new_string(names));
		json_object_object_add(j, "action", json_object_new_string(pass ? "pass" : "drop"));
		printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
		json_object_put(j);
	} else {
		printf("received %llu packets in %.3f s: %.3f Mpps, %.3f Gbit/s (L2, no FCS);"
		       " %llu other frames\n", pk, t, pk / t / 1e6, by * 8 / t / 1e9,
		       b.other - a.other);
		if (check)
			printf("misdelivered (wrong port for the destination MAC): %llu\n",
			       b.misdelivered - a.misdelivered);
	}
	rc = 0;
	goto out;
map_err:
	fprintf(stderr, "tna-sink: cannot read the counters: %s\n", strerror(-err));
out:
	for (int i = 0; i < n_links; i++)
		close(links[i]);
	bench_sink__destroy(skel);
	free(names);
	return rc;
}
