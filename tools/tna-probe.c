/* tna-probe: what this machine (or one network namespace) can accelerate,
 * and how.  Argument parsing and output only; capabilities/ does the work. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <json-c/json.h>

#include "capabilities/caps.h"
#include "capabilities/caps_json.h"
#include "common/cli.h"
#include "common/netns.h"
#include "assembler/filter_verdict.h"	/* the graph with the compiler's verdict */
#include "introspect/graph.h"
#include "controller/lock.h"
#include "targets/hooks.h"	/* TNA_HOOK_MAX */
#include "targets/offload/report.h"

#define MAX_IFACES 64

static const char usage_text[] =
"Usage: tna-probe [-i IFNAME]... [-n NETNS] [-j [-p]]\n"
"       tna-probe -g|--graph[=json|dot] [-n NETNS]\n"
"       tna-probe -h|--help | -V|--version\n"
"\n"
"Show what the kernel and each network device can do for XDP, and the best\n"
"TNA target per device (offload > native > generic) with what blocks it;\n"
"or the service graph of the network configuration.  Changes nothing.\n"
"\n"
"  -i, --iface IFNAME   only this interface (repeatable, up to 64)\n"
"  -n, --netns NETNS    probe inside network namespace NETNS\n"
"                       (/var/run/netns/NETNS, or a path)\n"
"  -j, --json           JSON instead of the table\n"
"  -p, --pretty         indented JSON (implies --json)\n"
"  -g, --graph[=FMT]    the service graph instead: json (default) or dot\n"
"  -h, --help           this text\n"
"  -V, --version        the version\n"
"\n"
"Exit status: 0 ok, 1 error (not root, no BTF, unknown interface, missing\n"
"netns), 2 bad usage.  See tna-probe(8).\n";

enum graph_fmt { GRAPH_NONE, GRAPH_DOT, GRAPH_JSON };

/* The hooks of this netns's running controller (its status file), if
 * one runs: they are part of every pipeline it deploys. */
static int add_hooks(struct tna_graph *g, void *ctx)
{
	const char *slots[TNA_HOOK_MAX], *objects[TNA_HOOK_MAX];
	struct json_object *st = NULL, *hooks, *h, *v;
	char lock[256], state[256];
	pid_t pid;
	int n = 0, ret;

	(void)ctx;
	if (tna_lock_paths(lock, sizeof(lock), state, sizeof(state)) ||
	    tna_lock_holder(lock, &pid) <= 0 || !(st = json_object_from_file(state)))
		return 0;
	if (json_object_object_get_ex(st, "hooks", &hooks))
		for (size_t i = 0; i < json_object_array_length(hooks) && n < TNA_HOOK_MAX; i++) {
			h = json_object_array_get_idx(hooks, i);
			slots[n] = json_object_object_get_ex(h, "slot", &v) ? json_object_get_string(v) : "?";
			objects[n++] = json_object_object_get_ex(h, "object", &v) ?
				       json_object_get_string(v) : "?";
		}
	ret = tna_graph_add_hooks(g, slots, objects, n);
	json_object_put(st);
	return ret;
}

/* The service graph of the current netns (introspect/ builds and prints it;
 * the assembler adds the netfilter compiler's verdict, the running
 * controller its hooks). */
static int run_graph(enum graph_fmt fmt)
{
	int ret = tna_flt_graph_print_current(stdout, fmt == GRAPH_DOT, add_hooks, NULL);

	if (ret)
		return tna_err("--graph: %s", strerror(-ret));
	return 0;
}

static int enter_netns(const char *name)
{
	int ret = tna_netns_enter(name);

	if (ret == -ENOENT)
		return tna_err("netns %s: no such network namespace", name);
	if (ret)
		return tna_err("netns %s: %s", name, strerror(-ret));
	return 0;
}

static const char *yesno(bool b) { return b ? "yes" : "no"; }

static void print_sys_table(const struct tna_caps_sys *s)
{
	printf("kernel %s  btf %s  bpffs %s  jit %s  unprivileged_bpf_disabled %d\n",
	       s->kernel_release, yesno(s->btf), yesno(s->bpffs), yesno(s->jit_enabled),
	       s->unpriv_bpf_disabled);
	printf("xdp helpers: redirect_map %s  fib_lookup %s  adjust_head %s  "
	       "adjust_tail %s  tail_call %s\n",
	       yesno(s->helper_redirect_map), yesno(s->helper_fib_lookup),
	       yesno(s->helper_adjust_head), yesno(s->helper_adjust_tail),
	       yesno(s->helper_tail_call));
	printf("kfuncs: bpf_xdp_ct_lookup %s", yesno(s->kfunc_ct_lookup));
	if (s->ct_opts_size)
		printf(" (bpf_ct_opts %d B)", s->ct_opts_size);
	printf("  bpf_ct_release %s  bpf_xdp_fdb_lookup %s\n",
	       yesno(s->kfunc_ct_release), yesno(s->kfunc_fdb_lookup));
	printf("live frames %s  genl netdev %s  genl ethtool %s\n\n",
	       yesno(s->live_frames), yesno(s->netdev_genl), yesno(s->ethtool_genl));
}

static void progs_str(const struct tna_caps_dev *d, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (d->prog_id_skb)
		off += (size_t)snprintf(buf + off, len - off, "gen:%u ", d->prog_id_skb);
	if (d->prog_id_drv && off < len)
		off += (size_t)snprintf(buf + off, len - off, "drv:%u ", d->prog_id_drv);
	if (d->prog_id_hw && off < len)
		off += (size_t)snprintf(buf + off, len - off, "hw:%u ", d->prog_id_hw);
	if (off && off <= len)
		buf[off - 1] = '\0';
	else if (!off)
		snprintf(buf, len, "-");
}

/* Column widths: at least the header's, else the longest value (feature
 * lists and 15-character names must not push the next columns). */
struct cols {
	int name, kind, master, driver, feat, progs;
};

struct row {
	char feat[160], progs[64], pci[16];
};

static void row_of(const struct tna_caps_dev *d, struct row *r)
{
	tna_xdp_features_str(d->xdp_features, d->xdp_features_known, r->feat, sizeof(r->feat));
	progs_str(d, r->progs, sizeof(r->progs));
	if (d->pci_known)
		snprintf(r->pci, sizeof(r->pci), "%04x:%04x", d->pci_vendor, d->pci_device);
	else
		snprintf(r->pci, sizeof(r->pci), "-");
}

static void widen(int *w, const char *s)
{
	if ((int)strlen(s) > *w)
		*w = (int)strlen(s);
}

static void measure(const struct tna_caps_dev *devs, int n, struct cols *c)
{
	struct row r;

	*c = (struct cols){ 4, 4, 6, 6, 12, 9 };
	for (int i = 0; i < n; i++) {
		row_of(&devs[i], &r);
		widen(&c->name, devs[i].name);
		widen(&c->kind, devs[i].kind);
		widen(&c->master, devs[i].master);
		widen(&c->driver, devs[i].driver);
		widen(&c->feat, r.feat);
		widen(&c->progs, r.progs);
	}
}

static void print_dev_table(const struct tna_caps_dev *d, const struct cols *c)
{
	const char *s, *e;
	char offload[768];
	struct row r;

	row_of(d, &r);
	printf("%4d  %-*s %-*s %-*s %-*s %-9s %-*s %-6s %-*s %s\n",
	       d->ifindex, c->name, d->name, c->kind, d->kind[0] ? d->kind : "-",
	       c->master, d->master[0] ? d->master : "-", c->driver,
	       d->driver[0] ? d->driver : "-", r.pci, c->feat, r.feat,
	       d->hw_tc_offload < 0 ? "?" : d->hw_tc_offload ? "on" : "off",
	       c->progs, r.progs, tna_target_name(d->best));
	printf("      %s%s%s\n", d->reason, d->nfp ? "; Netronome NFP" : "",
	       d->can_redirect_to ? "; can be a redirect egress" : "");
	for (s = d->blockers; *s; s = *e ? e + 2 : e) {
		e = strstr(s, "; ");
		if (!e)
			e = s + strlen(s);
		printf("      blocker: %.*s\n", (int)(e - s), s);
	}
	/* the offload model used for the device and the NIC stage's fit */
	if (d->best == TNA_TARGET_OFFLOAD &&
	    !tna_offload_dev_describe(d, offload, sizeof(offload)))
		printf("      offload: %s\n", offload);
}

static int output_json(const struct tna_caps_sys *sys, const char *netns,
		       const struct tna_caps_dev *devs, int n, bool pretty)
{
	struct json_object *top = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	int i;

	if (!top || !arr)
		return tna_err("out of memory");
	json_object_object_add(top, "tna_probe_version",
			       json_object_new_string(tna_version()));
	json_object_object_add(top, "netns",
			       netns ? json_object_new_string(netns) : NULL);
	json_object_object_add(top, "system", tna_caps_sys_to_json(sys));
	for (i = 0; i < n; i++) {
		struct json_object *d = tna_caps_dev_to_json(&devs[i]);

		json_object_object_add(d, "offload", tna_offload_dev_json(&devs[i]));
		json_object_array_add(arr, d);
	}
	json_object_object_add(top, "devices", arr);
	puts(json_object_to_json_string_ext(top, tna_json_flags(pretty)));
	json_object_put(top);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",    no_argument,       NULL, 'j' },
		{ "pretty",  no_argument,       NULL, 'p' },
		{ "iface",   required_argument, NULL, 'i' },
		{ "netns",   required_argument, NULL, 'n' },
		{ "graph",   optional_argument, NULL, 'g' },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ 0 }
	};
	const char *ifnames[MAX_IFACES], *netns = NULL;
	int n_if = 0, ifindex[MAX_IFACES], c, i, n = 0, ret;
	enum graph_fmt graph = GRAPH_NONE;
	struct tna_caps_dev *devs = NULL;
	struct tna_caps_sys sys;
	bool json = false, pretty = false;

	tna_cli_init("tna-probe");
	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, ":jpi:n:g::hV", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pretty = true;	/* implies -j */
			/* fall through */
		case 'j':
			json = true;
			break;
		case 'i':
			if (n_if == MAX_IFACES)
				return tna_usage_err("at most %d interfaces (-i)", MAX_IFACES);
			if (strlen(optarg) >= IF_NAMESIZE)
				return tna_usage_err("%s: interface name too long", optarg);
			ifnames[n_if++] = optarg;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'g':
			if (!optarg || !strcmp(optarg, "json"))
				graph = GRAPH_JSON;
			else if (!strcmp(optarg, "dot"))
				graph = GRAPH_DOT;
			else
				return tna_usage_err("--graph: unknown format '%s' (json or dot)",
						     optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return TNA_EXIT_OK;
		case 'V':
			return tna_print_version();
		default:
			return tna_getopt_err(c, argv);
		}
	}
	if (optind < argc)
		return tna_usage_err("unexpected argument '%s'", argv[optind]);
	if (graph != GRAPH_NONE && (n_if || json))
		return tna_usage_err("--graph shows the whole namespace: no %s",
				     n_if ? "-i" : "--json (--graph=json is JSON)");

	if (geteuid() != 0)
		return tna_err("must be run as root (loads probe programs, reads XDP state)");
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return tna_err("kernel has no BTF (/sys/kernel/btf/vmlinux: %s)",
				strerror(errno));
	if (netns && enter_netns(netns))
		return 1;
	if (graph != GRAPH_NONE)
		return run_graph(graph);

	/* Every name must exist before anything is printed. */
	for (i = 0; i < n_if; i++) {
		ifindex[i] = (int)if_nametoindex(ifnames[i]);
		if (!ifindex[i])
			return tna_err("%s: no such interface%s%s", ifnames[i],
					netns ? " in netns " : "", netns ? netns : "");
	}

	tna_caps_probe_system(&sys);
	if (n_if) {
		devs = calloc((size_t)n_if, sizeof(*devs));
		if (!devs)
			return tna_err("out of memory");
		for (i = 0; i < n_if; i++) {
			ret = tna_caps_probe_dev(ifindex[i], &devs[i]);
			if (ret) {
				free(devs);
				return tna_err("%s: %s", ifnames[i], strerror(-ret));
			}
		}
		n = n_if;
	} else {
		ret = tna_caps_probe_all(&devs, &n);
		if (ret)
			return tna_err("listing interfaces: %s", strerror(-ret));
	}
	for (i = 0; i < n; i++)
		tna_caps_verdict(&sys, &devs[i]);

	if (json) {
		ret = output_json(&sys, netns, devs, n, pretty);
	} else {
		struct cols cw;

		measure(devs, n, &cw);
		print_sys_table(&sys);
		printf("%4s  %-*s %-*s %-*s %-*s %-9s %-*s %-6s %-*s %s\n", "IFX",
		       cw.name, "NAME", cw.kind, "KIND", cw.master, "MASTER", cw.driver,
		       "DRIVER", "PCI", cw.feat, "XDP-FEATURES", "TC-OFF", cw.progs,
		       "XDP-PROGS", "TARGET");
		for (i = 0; i < n; i++)
			print_dev_table(&devs[i], &cw);
		ret = 0;
	}
	free(devs);
	return ret;
}
