/* tna-stat: fast-path counters per interface and per bridge, read from the
 * programs attached (no pinning, any process): forwarded, passed to Linux
 * by reason, dropped.  Argument parsing and output only; the reading is
 * tna_stats_read() in targets/stats.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/rtnetlink.h>
#include <json-c/json.h>
#include "common/cli.h"
#include "common/netns.h"
#include "common/nl.h"
#include "targets/datapath.h"
#include "targets/offload/report.h"
#include "tools/stat.h"

#define MAX_IF 1024
#define MAX_WANT 64
#define WATCH_MIN_S 0.1
#define WATCH_MAX_S 86400.0

static struct iface ifs[MAX_IF];
static int nifs;

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct iface *f;
	const struct nlattr *a, *b;

	if (nifs >= MAX_IF)
		return MNL_CB_OK;
	f = &ifs[nifs++];
	memset(f, 0, sizeof(*f));
	f->ifindex = ifi->ifi_index;
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			snprintf(f->name, sizeof(f->name), "%s", mnl_attr_get_str(a));
			break;
		case IFLA_MASTER:
			f->master = mnl_attr_get_u32(a);
			break;
		case IFLA_LINKINFO:
			mnl_attr_for_each_nested(b, a)
				if (mnl_attr_get_type(b) == IFLA_INFO_KIND &&
				    !strcmp(mnl_attr_get_str(b), "bridge"))
					f->is_bridge = true;
			break;
		}
	}
	return MNL_CB_OK;
}

static int list_links(void)
{
	char buf[TNA_NL_BUFSZ];
	struct tna_nl *nl = tna_nl_open(NETLINK_ROUTE);
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int err;

	if (!nl)
		return -errno;
	nlh = tna_nl_msg(nl, buf, RTM_GETLINK, NLM_F_DUMP);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	nifs = 0;
	err = tna_nl_talk(nl, nlh, link_cb, NULL);
	tna_nl_close(nl);
	return err;
}

static struct iface *by_name(const char *n)
{
	for (int i = 0; i < nifs; i++)
		if (!strcmp(ifs[i].name, n))
			return &ifs[i];
	return NULL;
}

static const char *name_of(int ifindex)
{
	for (int i = 0; i < nifs; i++)
		if (ifs[i].ifindex == ifindex)
			return ifs[i].name;
	return NULL;
}

/* read every interface; a bridge's numbers are the sum of its TNA ports */
static void read_all(void)
{
	for (int i = 0; i < nifs; i++) {
		ifs[i].prev = ifs[i].st;
		ifs[i].nic_prev = ifs[i].nic;
		if (ifs[i].is_bridge)
			continue;
		ifs[i].err = tna_stats_read(ifs[i].ifindex, &ifs[i].st);
		/* the NIC stage in front of it, on an offloading device */
		ifs[i].nic_err = tna_offload_stats_read(ifs[i].ifindex, &ifs[i].nic);
		if (ifs[i].err == -ENOENT && !ifs[i].nic_err) {	/* a NIC stage alone */
			ifs[i].err = 0;
			snprintf(ifs[i].st.mode, sizeof(ifs[i].st.mode), "none");
		}
	}
	for (int i = 0; i < nifs; i++) {
		struct iface *b = &ifs[i];
		int n = 0;

		if (!b->is_bridge)
			continue;
		memset(&b->st, 0, sizeof(b->st));
		memset(&b->nic, 0, sizeof(b->nic));
		b->nic_err = -ENOENT;
		for (int j = 0; j < nifs; j++)
			if (ifs[j].master == b->ifindex && !ifs[j].err) {
				tna_stats_add(&b->st, &ifs[j].st);
				if (!ifs[j].nic_err) {
					tna_offload_stats_add(&b->nic, &ifs[j].nic);
					snprintf(b->nic.kind, sizeof(b->nic.kind), "%s", ifs[j].nic.kind);
					b->nic_err = 0;
				}
				snprintf(b->st.mode, sizeof(b->st.mode), "%s", ifs[j].st.mode);
				n++;
			}
		b->err = n ? 0 : -ENOENT;
	}
	for (int i = 0; i < nifs; i++)
		stat_hooks_read(&ifs[i], ifs, nifs);
}

static int bridge_ports(const struct iface *b)
{
	int n = 0;

	for (int j = 0; j < nifs; j++)
		n += ifs[j].master == b->ifindex && !ifs[j].err;
	return n;
}

static json_object *to_json(const struct iface *f, double dt)
{
	json_object *o = json_object_new_object(), *p = json_object_new_object();

	json_object_object_add(o, "ifname", json_object_new_string(f->name));
	json_object_object_add(o, "ifindex", json_object_new_int(f->ifindex));
	json_object_object_add(o, "kind", json_object_new_string(f->is_bridge ? "bridge" : "port"));
	if (f->is_bridge) {
		json_object *ports = json_object_new_array();

		for (int j = 0; j < nifs; j++)
			if (ifs[j].master == f->ifindex && !ifs[j].err)
				json_object_array_add(ports, json_object_new_string(ifs[j].name));
		json_object_object_add(o, "ports", ports);
	} else {
		const char *m = name_of(f->master);

		json_object_object_add(o, "bridge", m ? json_object_new_string(m) : NULL);
		json_object_object_add(o, "prog_id", json_object_new_int64(f->st.prog_id));
	}
	json_object_object_add(o, "mode", json_object_new_string(f->st.mode));
	json_object_object_add(o, "forwarded", json_object_new_int64(f->st.forwarded));
	json_object_object_add(o, "forwarded_bytes", json_object_new_int64(f->st.forwarded_bytes));
	json_object_object_add(o, "dropped", json_object_new_int64(f->st.dropped));
	json_object_object_add(o, "csum_completed", json_object_new_int64(f->st.csum_completed));
	if (!f->is_bridge) {
		/* what its received checksums need: complete | completed in XDP | partial ones to Linux */
		json_object_object_add(o, "checksums", json_object_new_string(
			f->st.csum == TNA_PORT_CSUM_FIX ? "completed in XDP" :
			f->st.csum == TNA_PORT_CSUM_PASS ? "partial ones to Linux" : "complete"));
		json_object_object_add(o, "mtu", json_object_new_int(f->st.mtu));
	}
	json_object_object_add(o, "passed_total", json_object_new_int64(f->st.passed_total));
	for (int r = 0; r < TNA_REASON_MAX; r++)
		json_object_object_add(p, tna_reason_name(r), json_object_new_int64(f->st.passed[r]));
	json_object_object_add(o, "passed", p);
	stat_hooks_json(f, o);
	/* the NIC stage in front of it (offloading devices), or null */
	json_object_object_add(o, "nic", f->nic_err ? NULL :
			       tna_offload_stats_json(&f->nic, &f->nic_prev, dt));
	if (dt > 0) {
		json_object_object_add(o, "forwarded_pps", json_object_new_double(
			(f->st.forwarded - f->prev.forwarded) / dt));
		json_object_object_add(o, "passed_pps", json_object_new_double(
			(f->st.passed_total - f->prev.passed_total) / dt));
		json_object_object_add(o, "dropped_pps", json_object_new_double(
			(f->st.dropped - f->prev.dropped) / dt));
	}
	return o;
}

/* Column widths from the longest name and description shown. */
static int name_w = 12, what_w = 20;

static void describe(const struct iface *f, char *what, size_t len)
{
	if (f->is_bridge)
		snprintf(what, len, "bridge, %d ports", bridge_ports(f));
	else
		snprintf(what, len, "%s, prog %u", f->st.mode, f->st.prog_id);
}

static void widths(void)
{
	char what[48];

	for (int i = 0; i < nifs; i++) {
		if (!ifs[i].wanted || ifs[i].err)
			continue;
		describe(&ifs[i], what, sizeof(what));
		if ((int)strlen(ifs[i].name) > name_w)
			name_w = (int)strlen(ifs[i].name);
		if ((int)strlen(what) > what_w)
			what_w = (int)strlen(what);
	}
}

static void print_human(const struct iface *f, double dt)
{
	char what[48];
	int first = 1;

	describe(f, what, sizeof(what));
	if (dt > 0)
		printf("%-*s %-*s fwd %10.0f/s  passed %10.0f/s  dropped %8.0f/s\n",
		       name_w, f->name, what_w, what, (f->st.forwarded - f->prev.forwarded) / dt,
		       (f->st.passed_total - f->prev.passed_total) / dt,
		       (f->st.dropped - f->prev.dropped) / dt);
	else
		printf("%-*s %-*s forwarded %llu  passed %llu  dropped %llu\n",
		       name_w, f->name, what_w, what, (unsigned long long)f->st.forwarded,
		       (unsigned long long)f->st.passed_total, (unsigned long long)f->st.dropped);
	if (f->st.csum == TNA_PORT_CSUM_FIX || f->st.csum_completed)
		printf("    partial checksums from the veth peer completed in XDP: %llu\n",
		       (unsigned long long)(f->st.csum_completed -
					    (dt > 0 ? f->prev.csum_completed : 0)));
	for (int r = 0; r < TNA_REASON_MAX; r++) {
		uint64_t n = f->st.passed[r] - (dt > 0 ? f->prev.passed[r] : 0);

		if (!n)
			continue;
		printf("%s%s %llu", first ? "    to Linux: " : ", ", tna_reason_name(r),
		       (unsigned long long)n);
		first = 0;
	}
	if (!first)
		putchar('\n');
	stat_hooks_print(f);
	if (!f->nic_err) {
		char line[512];

		tna_offload_stats_line(&f->nic, &f->nic_prev, dt, line, sizeof(line));
		printf("    %s\n", line);
	}
}

static const char usage[] =
"Usage: tna-stat [-i IFNAME]... [-n NETNS] [-w [SECS]] [-j [-p]]\n"
"       tna-stat [-i IFNAME]... [-n NETNS] --prometheus\n"
"       tna-stat -h|--help | -V|--version\n"
"\n"
"Fast-path counters of TNA per interface and per bridge (sum of its ports):\n"
"forwarded by XDP, passed to Linux by reason, dropped; on offloading NICs\n"
"also the NIC stage in front (passed to the host stage, dropped by reason).\n"
"\n"
"  -i, --interface IFNAME  only this port or bridge (repeatable, up to 64);\n"
"                          default: every interface with a TNA program, and\n"
"                          their bridges\n"
"  -n, --netns NETNS       look in network namespace NETNS (/var/run/netns/NETNS)\n"
"  -w, --watch [SECS]      then print rates every SECS seconds (0.1 to 86400,\n"
"                          default 1) until interrupted\n"
"  -j, --json              JSON output (with -w: one object per line)\n"
"  -p, --pretty            indented JSON (implies --json)\n"
"      --prometheus        counters and controller health in the Prometheus\n"
"                          text format (node_exporter textfile collector)\n"
"  -h, --help              this text\n"
"  -V, --version           the version\n"
"\n"
"Exit status: 0 ok, 1 error (no TNA program on a requested interface, no\n"
"permission, missing netns), 2 bad usage.  See tna-stat(8).\n";

/* -w takes an optional argument, also as the next word ("-w 2"): the next
 * word is its argument unless it is an option; a negative number is not,
 * so that "-w -1" is a bad interval rather than an unknown option "-1". */
static const char *watch_arg(int argc, char **argv)
{
	const char *n;

	if (optarg || optind >= argc)
		return optarg;
	n = argv[optind];
	if (n[0] != '-' || (n[1] >= '0' && n[1] <= '9') || n[1] == '.')
		return argv[optind++];
	return NULL;
}

static void sleep_s(double s)
{
	struct timespec ts = { .tv_sec = (time_t)s,
			       .tv_nsec = (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	enum { OPT_PROM = 256 };
	static const struct option lo[] = {
		{ "interface", required_argument, 0, 'i' },
		{ "netns", required_argument, 0, 'n' },
		{ "watch", optional_argument, 0, 'w' },
		{ "json", no_argument, 0, 'j' },
		{ "pretty", no_argument, 0, 'p' },
		{ "prometheus", no_argument, 0, OPT_PROM },
		{ "help", no_argument, 0, 'h' },
		{ "version", no_argument, 0, 'V' },
		{}
	};
	const char *want[MAX_WANT], *netns = NULL, *arg;
	int nwant = 0, c, err;
	double interval = 0, dt = 0;
	bool json = false, pretty = false, prom = false, eperm = false;

	tna_cli_init("tna-stat");
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:n:w::jphV", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (nwant == MAX_WANT)
				return tna_usage_err("at most %d interfaces (-i)", MAX_WANT);
			want[nwant++] = optarg;
			break;
		case 'n': netns = optarg; break;
		case 'w':
			arg = watch_arg(argc, argv);
			interval = 1;
			if (arg && tna_opt_seconds("--watch", arg, WATCH_MIN_S, WATCH_MAX_S, &interval))
				return TNA_EXIT_USAGE;
			break;
		case 'p': pretty = true; json = true; break;	/* -p implies -j */
		case 'j': json = true; break;
		case OPT_PROM: prom = true; break;
		case 'h': fputs(usage, stdout); return TNA_EXIT_OK;
		case 'V': return tna_print_version();
		default: return tna_getopt_err(c, argv);
		}
	}
	if (optind != argc)
		return tna_usage_err("unexpected argument '%s'", argv[optind]);
	if (prom && (json || interval))
		return tna_usage_err("--prometheus excludes %s", json ? "--json" : "--watch");
	if (netns && (err = tna_netns_enter(netns)))
		return tna_err("netns %s: %s", netns,
			       err == -ENOENT ? "no such network namespace" : strerror(-err));
	err = list_links();
	if (err)
		return tna_err("listing interfaces: %s", strerror(-err));
	for (int i = 0; i < nwant; i++) {
		struct iface *f = by_name(want[i]);

		if (!f)
			return tna_err("%s: no such interface%s%s", want[i],
				       netns ? " in netns " : "", netns ? netns : "");
		f->wanted = true;
	}
	read_all();
	for (int i = 0; i < nifs; i++) {
		struct iface *f = &ifs[i];

		if (nwant && f->wanted && f->err) {
			if (f->err == -ENOMSG)
				return tna_err("%s: XDP program %u (%s) is not TNA's",
					       f->name, f->st.prog_id, f->st.prog_name);
			if (f->err == -ENOENT)
				return tna_err("%s: no TNA program attached%s", f->name,
					       f->is_bridge ? " to its ports" : "");
			return tna_err("%s: %s%s", f->name, strerror(-f->err),
				       f->err == -EPERM ? " (needs root: CAP_SYS_ADMIN)" : "");
		}
		/* Not allowed to look at a program: that is not "no TNA
		 * program" (and it is the same for every interface). */
		eperm |= f->err == -EPERM || f->err == -EACCES;
		if (!nwant)
			f->wanted = !f->err;
	}
	if (!nwant && eperm)
		return tna_err("cannot read the XDP programs: %s (needs root: CAP_SYS_ADMIN)",
			       strerror(EPERM));
	if (prom) {
		err = stat_prom_print(stdout, ifs, nifs, netns);
		return err ? tna_err("writing: %s", strerror(-err)) : TNA_EXIT_OK;
	}
	if (!nwant && !json) {
		bool any = false;

		for (int i = 0; i < nifs; i++)
			any |= ifs[i].wanted;
		if (!any) {
			printf("no TNA program on any interface%s%s\n",
			       netns ? " of netns " : "", netns ? netns : "");
			return TNA_EXIT_OK;
		}
	}
	widths();
	for (;;) {
		if (json) {
			json_object *top = json_object_new_object(), *arr = json_object_new_array();

			json_object_object_add(top, "netns", netns ? json_object_new_string(netns) : NULL);
			if (dt > 0)
				json_object_object_add(top, "interval_s", json_object_new_double(dt));
			for (int i = 0; i < nifs; i++)
				if (ifs[i].wanted && !ifs[i].err)
					json_object_array_add(arr, to_json(&ifs[i], dt));
			json_object_object_add(top, "interfaces", arr);
			/* with -w one object per line, also with -p */
			puts(json_object_to_json_string_ext(top, tna_json_flags(pretty && !interval)));
			json_object_put(top);
		} else {
			if (dt > 0)
				printf("--- %.1f s\n", dt);
			for (int i = 0; i < nifs; i++)
				if (ifs[i].wanted && !ifs[i].err)
					print_human(&ifs[i], dt);
		}
		fflush(stdout);
		if (!interval)
			break;
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		sleep_s(interval);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		dt = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		read_all();
	}
	return TNA_EXIT_OK;
}
