// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <arpa/inet.h>
#include "bench/gen_opts.h"
#include "bench/frame.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: tna-gen -i IF[,IF...] [options]\n"
"Send UDP frames out of IF with BPF_PROG_RUN live frames (XDP_TX); run it\n"
"inside the generator's network namespace.  Prints Mpps sent.\n"
"  -i, --interface IF[,IF]  send on these, frame n on IF number n %% count\n"
"  -s, --size N             frame size on the wire incl. FCS (64; IPv6 >= 66)\n"
"      --src-macs N         number of source MACs 02:5e:xx:xx:xx:xx (1)\n"
"      --dst-macs N         number of destination MACs 02:de:xx:xx:xx:xx (1)\n"
"      --dst-mac MAC        one fixed destination MAC (a router's)\n"
"      --flows N            number of IP flows: source address + 0..N-1 (1)\n"
"      --dst-flows          the flows vary the destination address instead\n"
"                           (a router's many destinations or neighbours)\n"
"      --src-ip A --dst-ip A  addresses (198.18.0.1 / 198.19.0.1, or\n"
"                           2001:db8:1::1 / 2001:db8:2::1 with --ipv6)\n"
"  -6, --ipv6               IPv6 instead of IPv4\n"
"  -n, --count N            send N frames in total, then stop\n"
"  -d, --duration S         send for S seconds (default 1 without --count)\n"
"  -b, --batch N            frames per kernel batch, 1..256 (64)\n"
"  -t, --threads N          sending threads, pinned to CPUs 0..N-1 (1)\n"
"      --cpus LIST          pin threads to these CPUs (e.g. 0,1); sets -t\n"
"      --rate PPS           pace to PPS frames/s in total (batches of -b;\n"
"                           default: as fast as possible)\n"
"      --interval S         print the rate every S seconds (0 = only at end)\n"
"      --learn K/P          source MACs = destination MACs j with j%%P == K\n"
"                           (pre-learning for a bridge), dst = 02:5e:0:0:0:0\n"
"      --pcap FILE          write the first --count frames to FILE, send none\n"
"  -j, --json               JSON result on stdout\n"
"  -h, --help\n"
"Exit: 0 ok, 1 error, 2 bad usage.\n");
}

void gen_bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "tna-gen: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see --help)\n");
	exit(2);
}

static unsigned long long num(const char *s, unsigned long long lo,
			      unsigned long long hi, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end || v < lo || v > hi || *s == '-') {
		fprintf(stderr, "tna-gen: bad %s '%s' (%llu..%llu)\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

static double seconds(const char *s, const char *what)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || !(v >= 0) || v > 86400)
		gen_bad("bad %s", what);
	return v;
}

static void parse_ifs(struct opts *o, char *list)
{
	o->ifnames = strdup(list);
	for (char *sv, *n = strtok_r(list, ",", &sv); n; n = strtok_r(NULL, ",", &sv)) {
		if (o->n_if == MAX_IFS)
			gen_bad("too many interfaces", "");
		o->ifindex[o->n_if] = if_nametoindex(n);
		if (!o->ifindex[o->n_if])
			gen_bad("no interface '%s' in this network namespace", n);
		o->n_if++;
	}
}

static void parse_cpus(struct opts *o, char *list)
{
	for (char *sv, *n = strtok_r(list, ",", &sv); n; n = strtok_r(NULL, ",", &sv)) {
		if (o->n_cpus == MAX_THREADS)
			gen_bad("too many CPUs", "");
		o->cpus[o->n_cpus++] = num(n, 0, CPU_SETSIZE - 1, "CPU");
	}
}

void gen_parse_opts(struct opts *o, int argc, char **argv)
{
	enum { O_SRC_MACS = 256, O_DST_MACS, O_DST_MAC, O_FLOWS, O_SRC_IP,
	       O_DST_IP, O_CPUS, O_INTERVAL, O_LEARN, O_PCAP, O_RATE, O_DST_FLOWS };
	static const struct option lo[] = {
		{ "interface", 1, 0, 'i' }, { "size", 1, 0, 's' },
		{ "src-macs", 1, 0, O_SRC_MACS }, { "dst-macs", 1, 0, O_DST_MACS },
		{ "dst-mac", 1, 0, O_DST_MAC }, { "flows", 1, 0, O_FLOWS },
		{ "dst-flows", 0, 0, O_DST_FLOWS },
		{ "src-ip", 1, 0, O_SRC_IP }, { "dst-ip", 1, 0, O_DST_IP },
		{ "ipv6", 0, 0, '6' }, { "count", 1, 0, 'n' },
		{ "duration", 1, 0, 'd' }, { "batch", 1, 0, 'b' },
		{ "threads", 1, 0, 't' }, { "cpus", 1, 0, O_CPUS },
		{ "interval", 1, 0, O_INTERVAL }, { "learn", 1, 0, O_LEARN }, { "rate", 1, 0, O_RATE },
		{ "pcap", 1, 0, O_PCAP }, { "json", 0, 0, 'j' },
		{ "help", 0, 0, 'h' }, { 0 }
	};
	char *ifs = NULL, *cpus = NULL;
	int c, k, p;

	*o = (struct opts){ .size = 0, .src_macs = 1, .dst_macs = 1, .flows = 1,
			    .batch = 64, .threads = 0, .learn_k = -1 };
	while ((c = getopt_long(argc, argv, "i:s:6n:d:b:t:jh", lo, NULL)) != -1) {
		switch (c) {
		case 'i': ifs = optarg; break;
		case 's': o->size = num(optarg, 1, 1518, "size"); break;
		case O_SRC_MACS: o->src_macs = num(optarg, 1, MAX_MACS, "--src-macs"); break;
		case O_DST_MACS: o->dst_macs = num(optarg, 1, MAX_MACS, "--dst-macs"); break;
		case O_DST_MAC:
			if (sscanf(optarg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx%n",
				   &o->dst_mac[0], &o->dst_mac[1], &o->dst_mac[2],
				   &o->dst_mac[3], &o->dst_mac[4], &o->dst_mac[5],
				   &k) != 6 || optarg[k])
				gen_bad("bad MAC '%s'", optarg);
			o->fixed_dst = true;
			break;
		case O_FLOWS: o->flows = num(optarg, 1, MAX_FLOWS, "--flows"); break;
		case O_DST_FLOWS: o->dst_flows = true; break;
		case O_SRC_IP: o->src_ip = optarg; break;
		case O_DST_IP: o->dst_ip = optarg; break;
		case '6': o->ipv6 = true; break;
		case 'n': o->count = num(optarg, 1, 1ULL << 48, "--count"); break;
		case 'd': o->duration = seconds(optarg, "--duration"); break;
		case 'b': o->batch = num(optarg, 1, 256, "--batch"); break;
		case 't': o->threads = num(optarg, 1, MAX_THREADS, "--threads"); break;
		case O_CPUS: cpus = optarg; break;
		case O_INTERVAL: o->interval = seconds(optarg, "--interval"); break;
		case O_RATE: o->rate = num(optarg, 1, 100000000, "--rate"); break;
		case O_LEARN:
			if (sscanf(optarg, "%d/%d%n", &k, &p, &c) != 2 || optarg[c] ||
			    p < 1 || p > MAX_IFS || k < 0 || k >= p)
				gen_bad("bad --learn '%s' (K/P with 0 <= K < P)", optarg);
			o->learn_k = k;
			o->learn_p = p;
			break;
		case O_PCAP: o->pcap = optarg; break;
		case 'j': o->json = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc)
		gen_bad("unexpected argument '%s'", argv[optind]);
	if (!ifs && !o->pcap)
		gen_bad("-i IF is required%s", "");
	if (ifs)
		parse_ifs(o, ifs);
	if (cpus)
		parse_cpus(o, cpus);
	if (o->threads && o->n_cpus && o->threads != (unsigned)o->n_cpus)
		gen_bad("--threads and --cpus disagree%s", "");
	if (!o->threads)
		o->threads = o->n_cpus ? o->n_cpus : 1;
	for (unsigned i = o->n_cpus; i < o->threads; i++)
		o->cpus[o->n_cpus++] = i;
	cpu_set_t allowed;
	char cpu[16];

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		CPU_ZERO(&allowed);
	for (int i = 0; i < o->n_cpus; i++) {
		snprintf(cpu, sizeof(cpu), "%d", o->cpus[i]);
		if (!CPU_ISSET(o->cpus[i], &allowed))
			gen_bad("CPU %s is not available to this process", cpu);
	}
	if (!o->size)
		o->size = o->ipv6 ? 66 : 64;
	if (o->size < 4 || o->size - 4 < tna_bench_frame_min_len(o->ipv6))
		gen_bad("--size too small for %s", o->ipv6 ? "IPv6/UDP (min 66)" : "IPv4/UDP (min 64)");
	if (o->count && o->duration)
		gen_bad("--count and --duration are exclusive%s", "");
	if (o->pcap && !o->count)
		gen_bad("--pcap needs --count%s", "");
	if (!o->count && !o->duration)
		o->duration = 1;
	if (o->count && o->count < o->threads)
		gen_bad("--count is smaller than the number of threads%s", "");
	if (o->learn_k >= 0 && o->learn_k >= (int)o->dst_macs)
		gen_bad("--learn K must be below --dst-macs%s", "");
}

void gen_parse_ip(bool v6, const char *s, const char *def, uint8_t *out)
{
	if (inet_pton(v6 ? AF_INET6 : AF_INET, s ? s : def, out) != 1)
		gen_bad("bad IP address '%s'", s);
}
