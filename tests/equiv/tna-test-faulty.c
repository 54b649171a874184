/* tna-test-faulty: load the deliberately wrong XDP program of faulty.bpf.c on
 * the given interfaces (in the current network namespace), print "ready", and
 * keep it attached until SIGTERM/SIGINT.  Test-only: it exists so that the
 * equivalence harness self-tests have a broken fast path to catch.
 *
 *   tna-test-faulty [--generic] --mode drop-nth [--every N] IF...
 *   tna-test-faulty [--generic] --mode bcast-one --to IF IF...
 *
 * Attachments are bpf_links owned by this process: if it dies, the program
 * goes away with it.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpf/faulty.skel.h"

#define MAX_IFS 64

static volatile sig_atomic_t stop;
static void on_signal(int sig) { stop = 1; }

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "tna-test-faulty: %s\n", why);
	fprintf(stderr,
		"usage: tna-test-faulty [--generic] --mode drop-nth [--every N] IF...\n"
		"       tna-test-faulty [--generic] --mode bcast-one --to IF IF...\n");
	return 2;
}

static int libbpf_quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	return l == LIBBPF_WARN ? vfprintf(stderr, f, ap) : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "every", required_argument, NULL, 'e' },
		{ "to", required_argument, NULL, 't' },
		{ "generic", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *mode = NULL, *to = NULL;
	unsigned long long every = 1000;
	unsigned int ifx[MAX_IFS], to_ifx = 0;
	int link_fd[MAX_IFS], nifs = 0, generic = 0, c, i, err, rc = 1;
	struct faulty *skel = NULL;
	char *endp;

	while ((c = getopt_long(argc, argv, "m:e:t:gh", opts, NULL)) != -1) {
		switch (c) {
		case 'm': mode = optarg; break;
		case 'e':
			errno = 0;
			every = strtoull(optarg, &endp, 0);
			if (errno || *endp || every == 0)
				return usage("--every wants a positive number");
			break;
		case 't': to = optarg; break;
		case 'g': generic = 1; break;
		case 'h': usage(NULL); return 0;
		default: return usage(NULL);
		}
	}
	if (!mode || (strcmp(mode, "drop-nth") && strcmp(mode, "bcast-one")))
		return usage("--mode must be drop-nth or bcast-one");
	if (!strcmp(mode, "bcast-one") && !to)
		return usage("--mode bcast-one needs --to IF");
	if (optind >= argc)
		return usage("no interface given");
	if (argc - optind > MAX_IFS)
		return usage("too many interfaces");
	for (i = optind; i < argc; i++) {
		ifx[nifs] = if_nametoindex(argv[i]);
		if (!ifx[nifs]) {
			fprintf(stderr, "tna-test-faulty: %s: no such interface\n", argv[i]);
			return 1;
		}
		link_fd[nifs++] = -1;
	}
	if (to && !(to_ifx = if_nametoindex(to))) {
		fprintf(stderr, "tna-test-faulty: %s: no such interface\n", to);
		return 1;
	}

	libbpf_set_print(libbpf_quiet);
	skel = faulty__open();
	if (!skel) {
		fprintf(stderr, "tna-test-faulty: open: %s\n", strerror(errno));
		return 1;
	}
	skel->rodata->mode = strcmp(mode, "drop-nth") ? 2 : 1;
	skel->rodata->every = every;
	skel->rodata->to_ifindex = to_ifx;
	err = faulty__load(skel);
	if (err) {
		fprintf(stderr, "tna-test-faulty: load: %s\n", strerror(-err));
		goto out;
	}
	if (to_ifx) {
		__u32 k = 0;

		if (bpf_map_update_elem(bpf_map__fd(skel->maps.tx_port), &k, &to_ifx, 0)) {
			fprintf(stderr, "tna-test-faulty: devmap %s: %s\n", to, strerror(errno));
			goto out;
		}
	}
	for (i = 0; i < nifs; i++) {
		LIBBPF_OPTS(bpf_link_create_opts, lo,
			    .flags = generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);

		link_fd[i] = bpf_link_create(bpf_program__fd(skel->progs.faulty),
					     ifx[i], BPF_XDP, &lo);
		if (link_fd[i] < 0) {
			fprintf(stderr, "tna-test-faulty: attach %s (%s): %s\n",
				argv[optind + i], generic ? "generic" : "native",
				strerror(errno));
			goto out;
		}
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("ready: mode %s on %d interface(s), %s\n", mode, nifs,
	       generic ? "generic" : "native");
	fflush(stdout);
	while (!stop)
		pause();
	rc = 0;
out:
	if (skel) {
		__u64 v[2] = { 0, 0 };
		__u32 k;

		for (k = 0; k < 2 && skel->maps.counters; k++)
			bpf_map_lookup_elem(bpf_map__fd(skel->maps.counters), &k, &v[k]);
		if (!rc)
			printf("stopped: %llu frames seen, %llu broken on purpose\n",
			       (unsigned long long)v[0], (unsigned long long)v[1]);
	}
	for (i = 0; i < nifs; i++)
		if (link_fd[i] >= 0)
			close(link_fd[i]);
	faulty__destroy(skel);
	return rc;
}
