/* tna-bench-redirect: attach a limit configuration to each IN (native
 * mode, through netlink so that it stays after this tool exits): a bare
 * XDP devmap redirect IN -> OUT, or with --fdb M the two-lookup limit
 * (source, then destination MAC in an FDB-like hash, then the redirect)
 * with the MACs of tna-gen --src-macs M --dst-macs M: source 02:5e:j on
 * IN number j mod P, destination 02:de:j on OUT number j mod P (P pairs).
 * Detach with `ip link set IN xdp off`. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "bpf/tna_kern_user.h"
#include "bpf/bench_redirect.skel.h"
#include "bpf/bench_fdb_limit.skel.h"

static int attach(int prog_fd, const int *in, int n, char **names)
{
	for (int i = 0; i < n; i++) {
		int err = bpf_xdp_attach(in[i], prog_fd,
					 XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);

		if (err) {
			fprintf(stderr, "tna-bench-redirect: attach to %s: %s\n", names[i],
				strerror(-err));
			while (--i >= 0)
				bpf_xdp_detach(in[i], XDP_FLAGS_DRV_MODE, NULL);
			return 1;
		}
	}
	return 0;
}

static int map_put(struct bpf_map *m, const void *k, size_t kl, const void *v, size_t vl)
{
	if (!bpf_map__update_elem(m, k, kl, v, vl, BPF_ANY))
		return 0;
	fprintf(stderr, "tna-bench-redirect: %s update: %s\n", bpf_map__name(m), strerror(errno));
	return 1;
}

static unsigned gcd(unsigned a, unsigned b)
{
	while (b) {
		unsigned t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* The I-th MAC index of a fill of MACS in an order unrelated to the
 * traffic's (a stride coprime to MACS, from SEED), or I itself. */
static unsigned fill_index(unsigned i, unsigned macs, unsigned seed, bool scatter)
{
	unsigned stride = seed % macs;

	if (!scatter || macs < 3)
		return i;
	while (!stride || gcd(stride, macs) != 1)
		stride++;
	return (unsigned)(((unsigned long long)i * stride) % macs);
}

/* SCATTER: the sources, then the destinations, each in their own order
 * unrelated to j, as a bridge learns them; otherwise source j and
 * destination j are put in turn, j = 0, 1, ... (the traffic's own order:
 * the map's entries then lie in memory in the order the frames use them,
 * which the CPU prefetches, a layout no learned FDB has). */
static int run_fdb(unsigned macs, bool scatter, const int *in, const int *out, int n,
		   char **names)
{
	struct bench_fdb_limit *skel = bench_fdb_limit__open_and_load();
	int rc = 1;

	if (!skel) {
		fprintf(stderr, "tna-bench-redirect: cannot load BPF program: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++)
		if (map_put(skel->maps.tx_port, &out[i], 4, &out[i], 4))
			goto out;
	for (unsigned i = 0; i < 2 * macs; i++) {
		bool dst = scatter ? i >= macs : i & 1;
		unsigned j = scatter ? fill_index(i % macs, macs, dst ? 0x85EBCA77u : 0x9E3779B1u, true)
				     : i / 2;
		struct tna_fdb_key k = { .mac = { 2, dst ? 0xde : 0x5e, j >> 24, j >> 16, j >> 8, j } };
		struct tna_fdb_val v = { .ifindex = dst ? out[j % n] : in[j % n] };

		if (map_put(skel->maps.fdb, &k, sizeof(k), &v, sizeof(v)))
			goto out;
	}
	rc = attach(bpf_program__fd(skel->progs.bench_fdb_limit), in, n, names);
out:
	bench_fdb_limit__destroy(skel);
	return rc;
}

static int run_bare(const int *in, const int *out, int n, char **names)
{
	struct bench_redirect *skel = bench_redirect__open_and_load();
	int rc = 1;

	if (!skel) {
		fprintf(stderr, "tna-bench-redirect: cannot load BPF program: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++)
		if (map_put(skel->maps.out_port, &in[i], 4, &out[i], 4))
			goto out;
	rc = attach(bpf_program__fd(skel->progs.bench_redirect), in, n, names);
out:
	bench_redirect__destroy(skel);
	return rc;
}

int main(int argc, char **argv)
{
	int n, in[256], out[256];
	unsigned long macs = 0;
	bool scatter = false;
	char *end;

	if (argc > 1 && !strcmp(argv[1], "--scatter")) {
		scatter = true;
		argv++;
		argc--;
	}
	if (argc > 2 && !strcmp(argv[1], "--fdb")) {
		macs = strtoul(argv[2], &end, 10);
		if (*end || !macs || macs > TNA_FDB_MAX / 2) {
			fprintf(stderr, "tna-bench-redirect: bad --fdb '%s' (1..%u)\n", argv[2],
				TNA_FDB_MAX / 2);
			return 2;
		}
		argv += 2;
		argc -= 2;
	}
	n = argc - 1;
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: tna-bench-redirect [[--scatter] --fdb MACS] IN:OUT [IN:OUT...]\n"
			"Attach a bare devmap redirect from IN to OUT (native XDP); with\n"
			"--fdb, two FDB hash lookups (source 02:5e:j on IN number j mod P,\n"
			"destination 02:de:j on OUT number j mod P, j < MACS) and the redirect;\n"
			"--scatter puts them into the map in an order unrelated to j (as a\n"
			"bridge learns them), not source j and destination j in turn.\n"
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
	return macs ? run_fdb(macs, scatter, in, out, n, argv + 1) : run_bare(in, out, n, argv + 1);
}
