/* tna-bench-fib: attach the router limit (bench/router/bench_fib.bpf.c, a
 * bare bpf_fib_lookup + redirect, IPv4 and IPv6; --direct: with
 * BPF_FIB_LOOKUP_DIRECT) to each IN port, native mode, through
 * netlink so that it stays after this tool exits; OUT ports are the
 * redirect targets.  Detach with `ip link set IN xdp off`. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "bpf/bench_fib.skel.h"

int main(int argc, char **argv)
{
	struct bench_fib *skel;
	int rc = 1, nin = 0, in[256], err;
	bool outs = false, direct = argc > 1 && !strcmp(argv[1], "--direct");

	if (direct) {
		argv++;
		argc--;
	}
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: tna-bench-fib [--direct] IN... -- OUT...\n"
			"Attach a bare bpf_fib_lookup router (IPv4 and IPv6) to every IN\n"
			"(native XDP), redirecting to the OUT ports; --direct: lookups\n"
			"with BPF_FIB_LOOKUP_DIRECT (main table, no rules).\n"
			"Exit: 0 ok, 1 error, 2 bad usage.\n");
		return argc < 2 ? 2 : 0;
	}
	skel = bench_fib__open();
	if (skel) {
		skel->rodata->fib_direct = direct;
		if (bench_fib__load(skel)) {
			bench_fib__destroy(skel);
			skel = NULL;
		}
	}
	if (!skel) {
		fprintf(stderr, "tna-bench-fib: cannot load BPF program: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		__u32 ifx;

		if (!strcmp(argv[i], "--")) {
			outs = true;
			continue;
		}
		ifx = if_nametoindex(argv[i]);
		if (!ifx || (!outs && nin >= 256)) {
			fprintf(stderr, "tna-bench-fib: no interface '%s'\n", argv[i]);
			rc = 2;
			goto out;
		}
		if (!outs) {
			in[nin++] = ifx;
		} else if (bpf_map__update_elem(skel->maps.tx_port, &ifx, sizeof(ifx),
						&ifx, sizeof(ifx), BPF_ANY)) {
			fprintf(stderr, "tna-bench-fib: devmap %s: %s\n", argv[i], strerror(errno));
			goto out;
		}
	}
	for (int i = 0; i < nin; i++) {
		err = bpf_xdp_attach(in[i], bpf_program__fd(skel->progs.bench_fib),
				     XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
		if (err) {
			fprintf(stderr, "tna-bench-fib: attach to ifindex %d: %s\n", in[i], strerror(-err));
			while (--i >= 0)
				bpf_xdp_detach(in[i], XDP_FLAGS_DRV_MODE, NULL);
			goto out;
		}
	}
	rc = 0;
out:
	bench_fib__destroy(skel);
	return rc;
}
