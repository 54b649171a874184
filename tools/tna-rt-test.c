/* tna-rt-test: load the fast path as a router (optionally composed with a
 * bridge) with the targets/ library, attach it, and keep it attached until
 * SIGTERM/SIGINT.  A test instrument standing in for tna-deploy until the
 * controller drives the router; it does not follow netlink changes (the
 * FIB and neighbours need no following: bpf_fib_lookup reads the kernel's).
 *
 *   tna-rt-test [-i IFACE ...] [-b BRIDGE [--fdb MAC=PORT ...] [--local MAC ...]]
 *               [--target generic|native] [--peer-gro] [--force]
 *               [--no-ipv4] [--no-ipv6] [--fib-direct] [--nf-routed]
 *               [--filter | --filter-dump] [--dry-run] [--ready FILE]
 *   tna-rt-test --auto [-b BRIDGE ...] [--target ...] [--dry-run] ...
 *
 * --filter: the netfilter modules (compiled nftables rules, conntrack,
 * NAT; tools/rt_filter.c) on the routed path instead of leaving routed
 * traffic to Linux; the ruleset is followed as the kernel changes it.
 *
 * --fib-direct: lookups with BPF_FIB_LOOKUP_DIRECT (IPv6 only where the
 * default IPv6 rules are in place and the local table can be listed: its
 * destinations, read once at start, then go to Linux; else IPv6 looks up
 * through the rules).
 *
 * --auto: plan from the introspection model (assembler/router_plan.h):
 * families, netfilter, the routed interfaces and their rp_filter; the plan
 * is printed first.  Exit 1 when there is nothing to route.
 * -i: a plain routed interface.  -b: a bridge whose ports are bridged and
 * whose MAC is routed (frames to it, on any port, go through the router
 * modules; routes out of the bridge find the port in the FDB mirror).
 * rp_filter is read from /proc for each routing device.
 * In native mode the ports' redirect capability (NDO_XMIT) is looked at
 * again every 0.5 s.  Prints the modules and "ready xlated=N" once
 * attached, and on SIGTERM
 * the counters of every port ("stats PORT forwarded=N passed=N REASON=N...")
 * before detaching; --dry-run prints
 * the modules and instruction counts and attaches nothing. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <net/if.h>
#include "assembler/stages.h"
#include "common/text.h"
#include "targets/datapath.h"
#include "tools/sysfs_port.h"
#include "targets/router.h"
#include "targets/stats.h"
#include "assembler/router_plan.h"
#include "controller/router_apply.h"
#include "introspect/model.h"
#include "tools/rt_filter.h"

#define MAX_ARGS 256

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static int if_mac(const char *name, uint8_t m[6])
{
	char path[300], buf[32] = "";
	FILE *f;
	int err = -ENODEV;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", name);
	f = fopen(path, "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f) && !tna_mac_parse(buf, m))
			err = 0;
		fclose(f);
	}
	return err;
}

/* Linux's rp_filter for a device is max(all, dev). */
static bool rp_filter_on(const char *dev)
{
	return tna_sysctl_rp_filter("all") > 0 || tna_sysctl_rp_filter(dev) > 0;
}

static void print_fpms(uint64_t fpms)
{
	char names[256];

	tna_stage_fpm_names(fpms, names, sizeof(names));
	printf("modules: %s\n", names);
}

/* Counters of every port, printed before detaching (the equivalence
 * harness keeps the output: the proof that the fast path did the work). */
static void print_stats(const int *ports, int n)
{
	for (int i = 0; i < n; i++) {
		struct tna_if_stats st;
		char name[IF_NAMESIZE] = "?";
		int err = -EAGAIN;

		if_indextoname(ports[i], name);
		for (int t = 0; t < 3 && err; t++)
			err = tna_stats_read(ports[i], &st);
		if (err) {
			printf("stats %s error: %s\n", name, strerror(-err));
			continue;
		}
		printf("stats %s forwarded=%llu passed=%llu", name,
		       (unsigned long long)st.forwarded, (unsigned long long)st.passed_total);
		if (st.dropped)		/* by netfilter rules (--filter) */
			printf(" dropped=%llu", (unsigned long long)st.dropped);
		for (int r = 0; r < TNA_REASON_MAX; r++)
			if (st.passed[r])
				printf(" %s=%llu", tna_reason_name(r), (unsigned long long)st.passed[r]);
		printf("\n");
	}
	fflush(stdout);
}

static void usage(FILE *o)
{
	fprintf(o, "usage: tna-rt-test [-i IFACE ...] [-b BRIDGE [--fdb MAC=PORT ...] [--local MAC ...]]\n"
		   "                   [--target generic|native] [--peer-gro] [--force]\n"
		   "                   [--no-ipv4] [--no-ipv6] [--fib-direct] [--nf-routed]\n"
		   "                   [--filter | --filter-dump]\n"
		   "                   [--dry-run] [--ready FILE]\n"
		   "       tna-rt-test --auto [-b BRIDGE] [--target ...] [--dry-run] ...\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "iface", required_argument, 0, 'i' },
		{ "bridge", required_argument, 0, 'b' },
		{ "target", required_argument, 0, 't' },
		{ "force", no_argument, 0, 'f' },
		{ "peer-gro", no_argument, 0, 'g' },
		{ "no-ipv4", no_argument, 0, '4' },
		{ "no-ipv6", no_argument, 0, '6' },
		{ "fib-direct", no_argument, 0, 'D' },
		{ "nf-routed", no_argument, 0, 'N' },
		{ "dry-run", no_argument, 0, 'n' },
		{ "ready", required_argument, 0, 'r' },
		{ "fdb", required_argument, 0, 'F' },
		{ "local", required_argument, 0, 'L' },
		{ "auto", no_argument, 0, 'A' },
		{ "filter", no_argument, 0, 'X' },
		{ "filter-dump", no_argument, 0, 'Y' },
		{ "help", no_argument, 0, 'h' },
		{}
	};
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC };
	const char *br = NULL, *ready = NULL, *ifs[MAX_ARGS], *fdb[MAX_ARGS], *local[MAX_ARGS];
	int nifs = 0, nfdb = 0, nlocal = 0, nundo = 0, nports = 0;
	int ports[TNA_MAX_PORTS];
	struct tna_port_cfg pcfg[TNA_MAX_PORTS] = {};
	struct tna_gro_undo undo[TNA_MAX_PORTS];
	bool peer_gro = false, dry = false, v4 = true, v6 = true, autoplan = false, filter = false;
	bool filter_dump = false;
	struct tna_nf_follow *follow = NULL;
	static struct tna_router_plan plan;
	uint8_t brmac[6] = {};
	struct tna_dp *dp = NULL;
	int c, err, rc = 1, brifx = 0;

	while ((c = getopt_long(argc, argv, "i:b:h", lo, NULL)) != -1) {
		switch (c) {
		case 'i': if (nifs < MAX_ARGS) ifs[nifs++] = optarg; break;
		case 'b': br = optarg; break;
		case 't':
			if (!strcmp(optarg, "generic"))
				o.target = TNA_TARGET_GENERIC;
			else if (!strcmp(optarg, "native"))
				o.target = TNA_TARGET_NATIVE;
			else {
				fprintf(stderr, "tna-rt-test: unknown target '%s' (generic, native)\n", optarg);
				return 2;
			}
			break;
		case 'f': o.force = true; break;
		case 'g': peer_gro = true; break;
		case '4': v4 = false; break;
		case '6': v6 = false; break;
		case 'D': o.fib_direct4 = true; break;
		case 'N': o.nf_routed = TNA_NF_ROUTED_V4 | TNA_NF_ROUTED_V6; break;
		case 'n': dry = true; break;
		case 'r': ready = optarg; break;
		case 'F': if (nfdb < MAX_ARGS) fdb[nfdb++] = optarg; break;
		case 'L': if (nlocal < MAX_ARGS) local[nlocal++] = optarg; break;
		case 'A': autoplan = true; break;
		case 'X': filter = true; break;
		case 'Y': filter = filter_dump = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (autoplan) {
		static struct tna_router_in in;
		struct tna_model *m = tna_model_new();

		if (!m || (err = tna_model_dump(m)) || (err = tna_router_in_from_model(m, &in)) ||
		    ((in.no_filter = !filter), (err = tna_router_plan(&in, &plan)))) {
			fprintf(stderr, "tna-rt-test: plan: %s\n", strerror(m ? -err : errno));
			tna_model_free(m);
			return 1;
		}
		tna_model_free(m);
		tna_router_plan_print(&plan, stdout);
		if (!plan.ok)
			return 1;
		v4 = plan.v4;
		v6 = plan.v6;
		o.nf_routed = plan.nf_routed;
		o.xfrm_routed = plan.xfrm_routed;
		o.fib_direct4 = plan.fib_direct4;
		o.fib_direct6 = plan.fib_direct6;
	} else if (o.fib_direct4 && v6) {
		static struct tna_router_in in;
		struct tna_model *m = tna_model_new();

		if (!m || (err = tna_model_dump(m)) || (err = tna_router_in_from_model(m, &in))) {
			fprintf(stderr, "tna-rt-test: model: %s\n", strerror(m ? -err : errno));
			tna_model_free(m);
			return 1;
		}
		tna_model_free(m);
		o.fib_direct6 = in.rules6_default && !in.local6_unlisted;
		plan.n_local6 = in.n_local6;
		memcpy(plan.local6, in.local6, sizeof(in.local6[0]) * (size_t)in.n_local6);
		printf("IPv6 lookups: %s\n", o.fib_direct6 ? "DIRECT" : "through the rules");
	}
	if ((!br && !nifs && !autoplan) || optind != argc || (!v4 && !v6)) {
		usage(stderr);
		return 2;
	}
	/* the modules: what is configured, nothing else */
	o.fpms = TNA_FPM_PARSE_ETH | TNA_FPM_STATS | TNA_FPM_ROUTE |
		 (v4 ? TNA_FPM_IPV4 : 0) | (v6 ? TNA_FPM_IPV6 : 0);
	if (filter) {
		o.fpms |= TNA_FPM_FILTER | TNA_FPM_CT | TNA_FPM_NAT;
		o.nf_routed = 0;
	}
	if (br) {
		brifx = if_nametoindex(br);
		if (!brifx || if_mac(br, brmac) ||
		    tna_read_int(-1, "/sys/class/net/%s/bridge/stp_state", br) < 0) {
			fprintf(stderr, "tna-rt-test: %s: not a bridge here\n", br);
			return 1;
		}
		o.fpms |= TNA_FPM_BRIDGE;
		o.bridge_ifindex = brifx;
		memcpy(o.bridge_mac, brmac, 6);
	}
	for (int i = 0; i < nifs; i++) {
		if (!if_nametoindex(ifs[i])) {
			fprintf(stderr, "tna-rt-test: %s: no such interface\n", ifs[i]);
			return 1;
		}
	}
	dp = tna_dp__load(&o);
	if (!dp) {
		fprintf(stderr, "tna-rt-test: load: %s\n", strerror(errno));
		return 1;
	}
	print_fpms(o.fpms);
	if (!autoplan && (err = tna_dp__local6_set(dp, plan.local6, plan.n_local6))) {
		fprintf(stderr, "tna-rt-test: local table: %s\n", strerror(-err));
		tna_dp__destroy(dp);
		return 1;
	}
	if (dry) {
		struct tna_dp_opts all = o;
		struct tna_dp *a;

		all.fpms = TNA_FPM_ALL;
		a = tna_dp__load(&all);
		printf("xlated=%u jited=%u all_modules_xlated=%u\n", tna_dp__xlated_insns(dp),
		       tna_dp__jited_bytes(dp), a ? tna_dp__xlated_insns(a) : 0);
		tna_dp__destroy(a);
		tna_dp__destroy(dp);
		return 0;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	for (int i = 0; i < nifs; i++) {
		int ifx = if_nametoindex(ifs[i]);
		uint8_t m[6];

		if (peer_gro && o.target == TNA_TARGET_NATIVE) {
			err = tna_peer_gro_enable(ifx, &undo[nundo]);
			if (err)
				fprintf(stderr, "tna-rt-test: %s: peer GRO: %s\n", ifs[i], strerror(-err));
			else if (undo[nundo].changed)
				printf("changed: GRO on for the peer of %s\n", ifs[i]), nundo++;
		}
		if ((err = if_mac(ifs[i], m)) ||
		    (err = tna_dp__router_port_add(dp, ifx, m, rp_filter_on(ifs[i])))) {
			fprintf(stderr, "tna-rt-test: %s: %s\n", ifs[i], strerror(-err));
			goto out;
		}
		pcfg[nports].stp_state = TNA_STP_FORWARDING;
		ports[nports++] = ifx;
	}
	if (br) {
		struct tna_rif_cfg brif = { .l3_ifindex = brifx, .flags = TNA_RIF_F_BRIDGE };
		bool rpf = rp_filter_on(br);
		char path[300];
		struct dirent *de;
		DIR *d;

		memcpy(brif.mac, brmac, 6);
		/* with --auto the plan says whether the bridge is routed */
		if (!autoplan && (err = tna_dp__rif_set(dp, brifx, &brif)))
			goto rif_err;
		snprintf(path, sizeof(path), "/sys/class/net/%s/brif", br);
		d = opendir(path);
		if (!d) {
			fprintf(stderr, "tna-rt-test: %s: no brif in sysfs\n", br);
			goto out;
		}
		while ((de = readdir(d)) && nports < TNA_MAX_PORTS) {
			struct tna_port_cfg cfg = {};
			struct tna_rif_cfg rif = { .l3_ifindex = brifx,
						   .flags = TNA_RIF_F_ROUTE | TNA_RIF_F_BRPORT };
			int ifx;

			if (de->d_name[0] == '.')
				continue;
			ifx = if_nametoindex(de->d_name);
			tna_sysfs_port_cfg(br, de->d_name, &cfg);
			if (peer_gro && o.target == TNA_TARGET_NATIVE) {
				err = tna_peer_gro_enable(ifx, &undo[nundo]);
				if (!err && undo[nundo].changed)
					printf("changed: GRO on for the peer of %s\n", de->d_name), nundo++;
			}
			if (rpf)
				rif.flags |= TNA_RIF_F_RP_FILTER;
			memcpy(rif.mac, brmac, 6);
			if ((err = tna_dp__port_set(dp, ifx, &cfg)) ||
			    (!autoplan && (err = tna_dp__rif_set(dp, ifx, &rif)))) {
				fprintf(stderr, "tna-rt-test: port %s: %s\n", de->d_name, strerror(-err));
				closedir(d);
				goto out;
			}
			pcfg[nports] = cfg;
			ports[nports++] = ifx;
		}
		closedir(d);
	}
	if (autoplan) {		/* what tna-deploy does: controller/router_apply.h */
		int added[TNA_MAX_PORTS], nadded = 0;

		for (int i = 0; i < plan.n_ifs; i++)
			if (plan.ifs[i].routed && peer_gro && o.target == TNA_TARGET_NATIVE &&
			    nundo < TNA_MAX_PORTS &&
			    !tna_peer_gro_enable(plan.ifs[i].ifindex, &undo[nundo]) &&
			    undo[nundo].changed)
				printf("changed: GRO on for the peer of %s\n", plan.ifs[i].name), nundo++;
		err = tna_router_plan_apply(dp, &plan, NULL, 0, added, TNA_MAX_PORTS - nports, &nadded);
		if (err) {
			fprintf(stderr, "tna-rt-test: applying the plan: %s\n", strerror(-err));
			goto out;
		}
		for (int i = 0; i < nadded; i++) {
			pcfg[nports].stp_state = TNA_STP_FORWARDING;
			ports[nports++] = added[i];
		}
	}
	for (int i = 0; i < nfdb; i++) {
		char *eq = strchr(fdb[i], '=');
		uint8_t m[6];
		int ifx = eq ? (int)if_nametoindex(eq + 1) : 0;

		if (!eq || !ifx || tna_mac_parse(fdb[i], m)) {
			fprintf(stderr, "tna-rt-test: bad --fdb '%s' (MAC=PORT)\n", fdb[i]);
			goto out;
		}
		if ((err = tna_dp__fdb_set(dp, m, 0, ifx, 0)))
			goto fdb_err;
	}
	for (int i = 0; i < nlocal; i++) {
		uint8_t m[6];

		if (tna_mac_parse(local[i], m)) {
			fprintf(stderr, "tna-rt-test: bad --local '%s'\n", local[i]);
			goto out;
		}
		if ((err = tna_dp__fdb_set(dp, m, 0, brifx, TNA_FDB_F_LOCAL)))
			goto fdb_err;
	}
	/* the rules are in the pipeline before it sees a packet */
	if (filter && !(follow = rt_filter_start(dp, v4, v6, br, filter_dump)))
		goto out;
	for (int i = 0; i < nports; i++) {
		err = tna_dp__attach(dp, ports[i]);
		if (err == -EEXIST) {
			uint32_t id;
			char name[16], ifn[IF_NAMESIZE];

			tna_dp__foreign(ports[i], &id, name);
			fprintf(stderr, "tna-rt-test: %s: XDP program %u (%s) is already attached; "
				"--force replaces it\n", if_indextoname(ports[i], ifn), id, name);
			goto out;
		} else if (err) {
			fprintf(stderr, "tna-rt-test: attach: %s\n", strerror(-err));
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
	/* A port's NDO_XMIT comes and goes with its veth peer's XDP/GRO: look
	 * again now and then (the controller follows netdev genl events). */
	while (!stop) {
		if (follow)
			rt_filter_wait(follow, 500, filter_dump);
		else
			usleep(500000);
		for (int i = 0; i < nports && !stop; i++)
			tna_dp__port_set(dp, ports[i], &pcfg[i]);
	}
	print_stats(ports, nports);
	printf("detaching\n");
	rc = 0;
	goto out;
rif_err:
	fprintf(stderr, "tna-rt-test: %s: %s\n", br, strerror(-err));
	goto out;
fdb_err:
	fprintf(stderr, "tna-rt-test: fdb: %s\n", strerror(-err));
out:
	tna_dp__destroy(dp);
	if (follow)
		rt_filter_stop();
	tna_nf_follow_free(follow);
	for (int i = 0; i < nundo; i++)
		tna_peer_gro_undo(&undo[i]);
	return rc;
}
