/* tna-nic-test: the offload backend on one device, for hw-tests/.
 *
 *   tna-nic-test attach IFNAME [--replace] [--hold] [--state N] [--entries N] [--no-model]
 *
 * Loads the NIC stage onto IFNAME's device (checked against the device
 * kind's offload model unless --no-model), attaches it in HW mode and
 * prints "attached prog ID"; --replace then loads a second copy and swaps
 * it in with one link update ("replaced prog OLD -> NEW"); --state sets
 * the port's STP state in the NIC stage's configuration; --hold prints
 * "ready" and waits for SIGTERM/SIGINT (then detaches) or SIGKILL (then
 * the kernel detaches).  --entries N gives the counters map N entries
 * and skips the model: a program over the device's budget, to see the
 * device refuse it.  On refusal: "refused: <the device's message>" on
 * stdout, exit 3.  Other errors exit 1, bad usage 2. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/libbpf.h>
#include "capabilities/caps.h"
#include "targets/offload/nic.h"

static int quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	return 0;
}

static struct tna_offload *load(int ifx, const struct tna_offload_caps *caps, uint32_t entries)
{
	struct tna_offload_opts o = { .sz = sizeof(o), .ifindex = ifx, .caps = caps,
				      .test_cnt_entries = entries };
	struct tna_offload *off;
	char why[512];

	off = tna_offload__load(&o, why, sizeof(why));
	if (!off) {
		printf("refused: %s\n", why);
		fflush(stdout);
		exit(3);
	}
	return off;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "replace", no_argument, 0, 'r' },
		{ "hold", no_argument, 0, 'H' },
		{ "state", required_argument, 0, 's' },
		{ "entries", required_argument, 0, 'e' },
		{ "no-model", no_argument, 0, 'M' },
		{}
	};
	bool replace = false, hold = false, model = true;
	struct tna_offload_caps caps;
	struct tna_caps_dev dev;
	struct tna_offload *a, *b;
	uint32_t entries = 0;
	int c, ifx, state = -1, err;
	char why[512];
	sigset_t set;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'r': replace = true; break;
		case 'H': hold = true; break;
		case 's': state = atoi(optarg); break;
		case 'e': entries = strtoul(optarg, NULL, 0); break;
		case 'M': model = false; break;
		default: return 2;
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "attach")) {
		fprintf(stderr, "usage: tna-nic-test attach IFNAME [--replace] [--hold] [--state N] "
			"[--entries N] [--no-model]\n");
		return 2;
	}
	libbpf_set_print(quiet);
	ifx = if_nametoindex(argv[optind + 1]);
	if (!ifx) {
		fprintf(stderr, "tna-nic-test: %s: no such interface\n", argv[optind + 1]);
		return 1;
	}
	err = tna_caps_probe_dev(ifx, &dev);
	if (err || tna_offload_caps_for_dev(&dev, &caps)) {
		fprintf(stderr, "tna-nic-test: %s: not an offloading device we know (driver %s)\n",
			argv[optind + 1], err ? "?" : dev.driver);
		return 1;
	}
	a = load(ifx, model ? &caps : NULL, entries);
	if (tna_offload__attach(a, why, sizeof(why))) {
		printf("refused: %s\n", why);
		return 3;
	}
	printf("attached prog %u (%u xlated insns)\n", tna_offload__prog_id(a),
	       tna_offload__xlated_insns(a));
	if (state >= 0 && tna_offload__set_port(a, TNA_NIC_F_BRIDGE_PORT, state)) {
		fprintf(stderr, "tna-nic-test: set the port state: %s\n", strerror(errno));
		return 1;
	}
	if (replace) {
		b = load(ifx, model ? &caps : NULL, entries);
		err = tna_offload__replace(a, b);
		if (err) {
			fprintf(stderr, "tna-nic-test: replace: %s\n", strerror(-err));
			return 1;
		}
		printf("replaced prog %u -> %u\n", tna_offload__prog_id(a), tna_offload__prog_id(b));
		tna_offload__destroy(a);	/* not attached any more: only freed */
		a = b;
	}
	if (hold) {
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		sigprocmask(SIG_BLOCK, &set, NULL);
		printf("ready\n");
		fflush(stdout);
		sigwait(&set, &c);
	}
	tna_offload__destroy(a);
	printf("detached\n");
	return 0;
}
