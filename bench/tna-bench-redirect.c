/* tna-bench-redirect: attach the limit configuration, a bare XDP devmap
 * redirect IN -> OUT, to each IN (native mode, through netlink so that it
 * stays after this tool exits).  Detach with `ip link set IN xdp off`. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "bpf/bench_redirect.skel.h"

int main(int argc, char **argv)
{
	struct bench_redirect *skel;
	int err, rc = 1, n = argc - 1, in[256], out[256];

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: tna-bench-redirect IN:OUT [IN:OUT...]\n"
			"Attach a bare devmap redirect from IN to OUT (native XDP).\n"
			"Exit: 0 ok, 1 error, 2 bad usage.\n");
		return argc < 2 ? 2 : 0;
	}
	if (n > 256) {
		fprintf(stderr, "tna-bench-redirect: too many pairs\n");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		char a[IF_NAMESIZE + 1], b[IF_NAMESIZE + 1], *c = strchr(argv[i + 1], ':');

		if (!c || c - argv[i + 1] > IF_NAMESIZE || strlen(c + 1) > IF_NAMESIZE) {
			fprintf(stderr, "tna-bench-redirect: bad pair '%s' (IN:OUT)\n", argv[i + 1]);
			return 2;
		}
		snprintf(a, sizeof(a), "%.*s", (int)(c - argv[i + 1]), argv[i + 1]);
		snprintf(b, sizeof(b), "%s", c + 1);
		in[i] = if_nametoindex(a);
		out[i] = if_nametoindex(b);
		if (!in[i] || !out[i]) {
			fprintf(stderr, "tna-bench-redirect: no interface '%s'\n", in[i] ? b : a);
			return 2;
		}
	}
	skel = bench_redirect__open_and_load();
	if (!skel) {
		fprintf(stderr, "tna-bench-redirect: cannot load BPF program: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		if (bpf_map__update_elem(skel->maps.out_port, &in[i], sizeof(in[i]),
					 &out[i], sizeof(out[i]), BPF_ANY)) {
			fprintf(stderr, "tna-bench-redirect: devmap update for %s: %s\n",
				argv[i + 1], strerror(errno));
			goto out;
		}
	}
	for (int i = 0; i < n; i++) {
		err = bpf_xdp_attach(in[i], bpf_program__fd(skel->progs.bench_redirect),
				     XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
		if (err) {
			fprintf(stderr, "tna-bench-redirect: attach to %s: %s\n", argv[i + 1],
				strerror(-err));
			while (--i >= 0)
				bpf_xdp_detach(in[i], XDP_FLAGS_DRV_MODE, NULL);
			goto out;
		}
	}
	rc = 0;
out:
	bench_redirect__destroy(skel);
	return rc;
}
