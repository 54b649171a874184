/* tna-dp-test: load the bridge fast path on every port of a bridge with
 * the targets/ library, fill its tables from the command line, and keep it
 * attached until SIGTERM/SIGINT.  A test instrument, not the controller
 * (tna-deploy): it does not follow netlink changes.
 *
 *   tna-dp-test -b BRIDGE [--target generic|native] [--force] [--peer-gro]
 *               [--fpms HEX] [--br-netfilter] [--ready FILE]
 *               [--fdb MAC=PORT ...] [--local MAC ...] [--fdb-file FILE]
 *
 * FILE holds one "MAC PORT" per line (e.g. from `bridge fdb show`, awk'd),
 * for FDBs too large for a command line.
 *
 * Prints "ready xlated=N" (and writes FILE) once attached. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <net/if.h>
#include "common/text.h"
#include "targets/datapath.h"
#include "tools/sysfs_port.h"

static volatile sig_atomic_t stop, redeploy;
static void on_signal(int sig) { stop = 1; }
static void on_hup(int sig) { redeploy = 1; }

static void usage(FILE *o)
{
	fprintf(o, "usage: tna-dp-test -b BRIDGE [--target generic|native] [--force] [--peer-gro]\n"
		   "                   [--fpms HEX] [--br-netfilter] [--ready FILE]\n"
		   "                   [--fdb MAC=PORT ...] [--local MAC ...] [--fdb-file FILE]\n");
}

#define MAX_ARGS 256

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "bridge", required_argument, 0, 'b' },
		{ "target", required_argument, 0, 't' },
		{ "force", no_argument, 0, 'f' },
		{ "peer-gro", no_argument, 0, 'g' },
		{ "fpms", required_argument, 0, 'm' },
		{ "br-netfilter", no_argument, 0, 'n' },
		{ "ready", required_argument, 0, 'r' },
		{ "fdb", required_argument, 0, 'F' },
		{ "local", required_argument, 0, 'L' },
		{ "fdb-file", required_argument, 0, 'E' },
		{ "help", no_argument, 0, 'h' },
		{}
	};
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC };
	const char *br = NULL, *ready = NULL, *fdb_file = NULL, *fdb[MAX_ARGS], *local[MAX_ARGS];
	struct tna_gro_undo undo[TNA_MAX_PORTS];
	int nfdb = 0, nlocal = 0, nundo = 0, ports[TNA_MAX_PORTS], nports = 0;
	bool peer_gro = false;
	struct tna_dp *dp;
	char path[300];
	struct dirent *de;
	DIR *d;
	int c, err, rc = 1;

	while ((c = getopt_long(argc, argv, "b:h", lo, NULL)) != -1) {
		switch (c) {
		case 'b': br = optarg; break;
		case 't':
			if (!strcmp(optarg, "generic"))
				o.target = TNA_TARGET_GENERIC;
			else if (!strcmp(optarg, "native"))
				o.target = TNA_TARGET_NATIVE;
			else {
				fprintf(stderr, "tna-dp-test: unknown target '%s' (generic, native)\n", optarg);
				return 2;
			}
			break;
		case 'f': o.force = true; break;
		case 'g': peer_gro = true; break;
		case 'm': o.fpms = strtoull(optarg, NULL, 16); break;
		case 'n': o.br_netfilter = true; break;
		case 'r': ready = optarg; break;
		case 'F': if (nfdb < MAX_ARGS) fdb[nfdb++] = optarg; break;
		case 'L': if (nlocal < MAX_ARGS) local[nlocal++] = optarg; break;
		case 'E': fdb_file = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!br || optind != argc) {
		usage(stderr);
		return 2;
	}
	o.bridge_ifindex = if_nametoindex(br);
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", br);
	FILE *f = fopen(path, "r");
	char mac[32] = "";
	if (!o.bridge_ifindex || !f || !fgets(mac, sizeof(mac), f) || tna_mac_parse(mac, o.bridge_mac)) {
		fprintf(stderr, "tna-dp-test: %s: not a bridge here\n", br);
		return 1;
	}
	fclose(f);

	dp = tna_dp__load(&o);
	if (!dp) {
		fprintf(stderr, "tna-dp-test: load: %s\n", strerror(errno));
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, on_hup);

	snprintf(path, sizeof(path), "/sys/class/net/%s/brif", br);
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "tna-dp-test: %s: no brif in sysfs\n", br);
		goto out;
	}
	/* refuse a foreign program before changing anything */
	while (!o.force && (de = readdir(d))) {
		uint32_t id;
		char name[16];

		if (de->d_name[0] != '.' && !tna_dp__foreign(if_nametoindex(de->d_name), &id, name)) {
			fprintf(stderr, "tna-dp-test: %s: XDP program %u (%s) is already "
				"attached; --force replaces it\n", de->d_name, id, name);
			closedir(d);
			goto out;
		}
	}
	rewinddir(d);
	while ((de = readdir(d)) && nports < TNA_MAX_PORTS) {
		struct tna_port_cfg cfg = {};
		int ifx;

		if (de->d_name[0] == '.')
			continue;
		ifx = if_nametoindex(de->d_name);
		tna_sysfs_port_cfg(br, de->d_name, &cfg);
		if (peer_gro && o.target == TNA_TARGET_NATIVE) {
			err = tna_peer_gro_enable(ifx, &undo[nundo]);
			if (err)
				fprintf(stderr, "tna-dp-test: %s: peer GRO: %s\n", de->d_name, strerror(-err));
			else if (undo[nundo].changed)
				printf("changed: GRO on for the peer of %s\n", de->d_name), nundo++;
		}
		err = tna_dp__port_set(dp, ifx, &cfg);
		if (err) {
			fprintf(stderr, "tna-dp-test: port %s: %s\n", de->d_name, strerror(-err));
			closedir(d);
			goto out;
		}
		ports[nports++] = ifx;
	}
	closedir(d);

	for (int i = 0; i < nfdb; i++) {
		char *eq = strchr(fdb[i], '=');
		uint8_t m[6];
		int ifx = eq ? (int)if_nametoindex(eq + 1) : 0;

		if (!eq || !ifx || tna_mac_parse(fdb[i], m)) {
			fprintf(stderr, "tna-dp-test: bad --fdb '%s' (MAC=PORT)\n", fdb[i]);
			goto out;
		}
		if ((err = tna_dp__fdb_set(dp, m, 0, ifx, 0)))
			goto fdb_err;
	}
	if (fdb_file) {
		FILE *ff = fopen(fdb_file, "r");
		char line[128], macs[32], port[IF_NAMESIZE + 1];
		int n = 0;

		if (!ff) {
			fprintf(stderr, "tna-dp-test: %s: %s\n", fdb_file, strerror(errno));
			goto out;
		}
		while (fgets(line, sizeof(line), ff)) {
			uint8_t m[6];
			int ifx;

			n++;
			if (sscanf(line, "%31s %16s", macs, port) != 2 || tna_mac_parse(macs, m) ||
			    !(ifx = if_nametoindex(port))) {
				fprintf(stderr, "tna-dp-test: %s:%d: expected 'MAC PORT'\n", fdb_file, n);
				fclose(ff);
				goto out;
			}
			if ((err = tna_dp__fdb_set(dp, m, 0, ifx, 0))) {
				fclose(ff);
				goto fdb_err;
			}
		}
		fclose(ff);
	}
	for (int i = 0; i < nlocal; i++) {
		uint8_t m[6];

		if (tna_mac_parse(local[i], m)) {
			fprintf(stderr, "tna-dp-test: bad --local '%s'\n", local[i]);
			goto out;
		}
		if ((err = tna_dp__fdb_set(dp, m, 0, o.bridge_ifindex, TNA_FDB_F_LOCAL)))
			goto fdb_err;
	}
	for (int i = 0; i < nports; i++) {
		err = tna_dp__attach(dp, ports[i]);
		if (err == -EEXIST) {
			uint32_t id;
			char name[16], ifn[IF_NAMESIZE];

			tna_dp__foreign(ports[i], &id, name);
			fprintf(stderr, "tna-dp-test: %s: XDP program %u (%s) is already attached; "
				"--force replaces it\n", if_indextoname(ports[i], ifn), id, name);
			goto out;
		} else if (err == -EBUSY) {
			uint32_t id;
			char name[16], ifn[IF_NAMESIZE];

			tna_dp__foreign(ports[i], &id, name);
			fprintf(stderr, "tna-dp-test: %s: XDP program %u (%s) is held by a bpf_link "
				"of another process; only its owner can remove it\n",
				if_indextoname(ports[i], ifn), id, name);
			goto out;
		} else if (err) {
			fprintf(stderr, "tna-dp-test: attach: %s\n", strerror(-err));
			goto out;
		}
	}
	printf("ready xlated=%u ports=%d\n", tna_dp__xlated_insns(dp), nports);
	fflush(stdout);
	if (ready) {
		FILE *r = fopen(ready, "w");
		if (r)
			fclose(r);
	}
	while (!stop) {
		pause();
		if (redeploy && !stop) {	/* a new pipeline, same maps, atomic swap */
			struct tna_dp *n;

			redeploy = 0;
			o.share_maps_with = dp;
			n = tna_dp__load(&o);
			if (!n) {
				fprintf(stderr, "tna-dp-test: reload: %s\n", strerror(errno));
				continue;
			}
			err = tna_dp__replace(dp, n);
			if (err) {
				fprintf(stderr, "tna-dp-test: replace: %s\n", strerror(-err));
				tna_dp__destroy(n);
				continue;
			}
			tna_dp__destroy(dp);
			dp = n;
			printf("replaced xlated=%u\n", tna_dp__xlated_insns(dp));
			fflush(stdout);
		}
	}
	printf("detaching\n");
	rc = 0;
	goto out;
fdb_err:
	fprintf(stderr, "tna-dp-test: fdb: %s\n", strerror(-err));
out:
	tna_dp__destroy(dp);
	for (int i = 0; i < nundo; i++)
		tna_peer_gro_undo(&undo[i]);
	return rc;
}
