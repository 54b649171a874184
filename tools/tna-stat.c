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
#include <net/if.h>
#include <linux/rtnetlink.h>
#include <json-c/json.h>
#include "common/netns.h"
#include "common/nl.h"
#include "targets/datapath.h"
#include "targets/stats.h"

#define MAX_IF 1024

struct iface {
	int ifindex, master;
	char name[IF_NAMESIZE];
	bool is_bridge;
	bool wanted;
	int err;			/* of tna_stats_read */
	struct tna_if_stats st, prev;
};

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
		if (!ifs[i].is_bridge)
			ifs[i].err = tna_stats_read(ifs[i].ifindex, &ifs[i].st);
	}
	for (int i = 0; i < nifs; i++) {
		struct iface *b = &ifs[i];
		int n = 0;

		if (!b->is_bridge)
			continue;
		memset(&b->st, 0, sizeof(b->st));
		for (int j = 0; j < nifs; j++)
			if (ifs[j].master == b->ifindex && !ifs[j].err) {
				tna_stats_add(&b->st, &ifs[j].st);
				snprintf(b->st.mode, sizeof(b->st.mode), "%s", ifs[j].st.mode);
				n++;
			}
		b->err = n ? 0 : -ENOENT;
	}
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
	json_object_object_add(o, "passed_total", json_object_new_int64(f->st.passed_total));
	for (int r = 0; r < TNA_REASON_MAX; r++)
		json_object_object_add(p, tna_reason_name(r), json_object_new_int64(f->st.passed[r]));
	json_object_object_add(o, "passed", p);
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

static void print_human(const struct iface *f, double dt)
{
	char what[48];
	int first = 1;

	if (f->is_bridge)
		snprintf(what, sizeof(what), "bridge, %d ports", bridge_ports(f));
	else
		snprintf(what, sizeof(what), "%s, prog %u", f->st.mode, f->st.prog_id);
	if (dt > 0)
		printf("%-12s %-20s fwd %10.0f/s  passed %10.0f/s  dropped %8.0f/s\n",
		       f->name, what, (f->st.forwarded - f->prev.forwarded) / dt,
		       (f->st.passed_total - f->prev.passed_total) / dt,
		       (f->st.dropped - f->prev.dropped) / dt);
	else
		printf("%-12s %-20s forwarded %llu  passed %llu  dropped %llu\n",
		       f->name, what, (unsigned long long)f->st.forwarded,
		       (unsigned long long)f->st.passed_total, (unsigned long long)f->st.dropped);
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
}

static void usage(FILE *o)
{
	fprintf(o,
"usage: tna-stat [-i IFNAME]... [--netns NAME] [-w [SECS]] [--json]\n"
"Fast-path counters of TNA per interface and per bridge (sum of its ports):\n"
"forwarded by XDP, passed to Linux by reason, dropped.\n"
"  -i, --interface IFNAME  only this port or bridge (repeatable); default: all\n"
"                          interfaces with a TNA program, and their bridges\n"
"  -n, --netns NAME        look in network namespace NAME (/run/netns/NAME)\n"
"  -w, --watch [SECS]      print rates every SECS seconds (default 1) until ^C\n"
"  -j, --json              JSON output (one object per line with -w)\n"
"  -h, --help              this text\n"
"Exit: 0 ok, 1 no TNA program on a requested interface or an error, 2 usage.\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "interface", required_argument, 0, 'i' },
		{ "netns", required_argument, 0, 'n' },
		{ "watch", optional_argument, 0, 'w' },
		{ "json", no_argument, 0, 'j' },
		{ "help", no_argument, 0, 'h' },
		{}
	};
	const char *want[64], *netns = NULL;
	int nwant = 0, c, err, rc = 0;
	double interval = 0, dt = 0;
	bool json = false;

	while ((c = getopt_long(argc, argv, "i:n:w::jh", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (nwant < 64)
				want[nwant++] = optarg;
			break;
		case 'n': netns = optarg; break;
		case 'w':
			if (!optarg && optind < argc && argv[optind][0] != '-')
				optarg = argv[optind++];
			interval = optarg ? strtod(optarg, NULL) : 1;
			if (interval <= 0) {
				fprintf(stderr, "tna-stat: bad interval '%s'\n", optarg);
				return 2;
			}
			break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (netns && (err = tna_netns_enter(netns))) {
		fprintf(stderr, "tna-stat: netns %s: %s\n", netns, strerror(-err));
		return 1;
	}
	err = list_links();
	if (err) {
		fprintf(stderr, "tna-stat: listing interfaces: %s\n", strerror(-err));
		return 1;
	}
	for (int i = 0; i < nwant; i++) {
		struct iface *f = by_name(want[i]);

		if (!f) {
			fprintf(stderr, "tna-stat: %s: no such interface%s%s\n", want[i],
				netns ? " in netns " : "", netns ? netns : "");
			return 1;
		}
		f->wanted = true;
	}
	read_all();
	for (int i = 0; i < nifs; i++) {
		struct iface *f = &ifs[i];

		if (nwant && f->wanted && f->err) {
			if (f->err == -ENOMSG)
				fprintf(stderr, "tna-stat: %s: XDP program %u (%s) is not TNA's\n",
					f->name, f->st.prog_id, f->st.prog_name);
			else if (f->err == -ENOENT)
				fprintf(stderr, "tna-stat: %s: no TNA program attached%s\n", f->name,
					f->is_bridge ? " to its ports" : "");
			else
				fprintf(stderr, "tna-stat: %s: %s\n", f->name, strerror(-f->err));
			return 1;
		}
		if (!nwant)
			f->wanted = !f->err;
	}
	if (!nwant) {
		bool any = false;

		for (int i = 0; i < nifs; i++)
			any |= ifs[i].wanted;
		if (!any && !json) {
			printf("no TNA program on any interface%s%s\n",
			       netns ? " of netns " : "", netns ? netns : "");
			return 0;
		}
	}
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
			puts(json_object_to_json_string_ext(top, interval ? JSON_C_TO_STRING_PLAIN
								  : JSON_C_TO_STRING_PRETTY));
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
		usleep(interval * 1e6);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		dt = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		read_all();
	}
	return rc;
}
