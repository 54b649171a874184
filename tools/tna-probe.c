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

#include "capabilities/caps.h"
#include "capabilities/caps_json.h"
#include "common/netns.h"
#include "introspect/graph.h"

#define TNA_VERSION "0.1"
#define MAX_IFACES 64

static const char usage_text[] =
"Usage: tna-probe [--json] [-i IFNAME]... [--netns NAME] [--graph[=json|dot]]\n"
"Show what the kernel and each network device can do for XDP, and the best\n"
"TNA target per device (offload > native > generic) with what blocks it.\n"
"\n"
"  -j, --json           JSON instead of the table (schema: README.md)\n"
"  -i, --iface IFNAME   only this interface (repeatable)\n"
"  -n, --netns NAME     probe inside network namespace NAME\n"
"                       (/var/run/netns/NAME, or a path)\n"
"  -g, --graph[=FMT]    the service graph instead: json (default) or dot\n"
"  -h, --help           this text\n"
"  -V, --version        the version\n"
"\n"
"Exit status: 0 ok, 1 error (not root, no BTF, unknown interface, missing\n"
"netns), 2 bad usage.\n";

enum graph_fmt { GRAPH_NONE, GRAPH_DOT, GRAPH_JSON };

static int err_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int err_line(const char *fmt, ...)
{
	va_list ap;

	fputs("tna-probe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* The service graph of the current netns (introspect/ builds and prints). */
static int run_graph(enum graph_fmt fmt)
{
	int ret = tna_graph_print_current(stdout, fmt == GRAPH_DOT);

	if (ret)
		return err_line("--graph: %s", strerror(-ret));
	return 0;
}

static int enter_netns(const char *name)
{
	int ret = tna_netns_enter(name);

	if (ret == -ENOENT)
		return err_line("netns %s: no such network namespace", name);
	if (ret)
		return err_line("netns %s: %s", name, strerror(-ret));
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

static void features_str(const struct tna_caps_dev *d, char *buf, size_t len)
{
	uint64_t bit;
	size_t off = 0;

	if (!d->xdp_features_known) {
		snprintf(buf, len, "unknown");
		return;
	}
	if (!d->xdp_features) {
		snprintf(buf, len, "0");
		return;
	}
	buf[0] = '\0';
	for (bit = 1; bit; bit <<= 1) {
		const char *n = tna_xdp_act_name(bit);

		if (!(d->xdp_features & bit) || off >= len)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					off ? "," : "", n ? n : "?");
	}
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

static void print_dev_table(const struct tna_caps_dev *d)
{
	char feat[96], progs[48], pci[16];
	const char *s, *e;

	features_str(d, feat, sizeof(feat));
	progs_str(d, progs, sizeof(progs));
	if (d->pci_known)
		snprintf(pci, sizeof(pci), "%04x:%04x", d->pci_vendor, d->pci_device);
	else
		snprintf(pci, sizeof(pci), "-");
	printf("%4d  %-15s %-9s %-10s %-11s %-10s %-36s %-6s %-10s %s\n",
	       d->ifindex, d->name, d->kind[0] ? d->kind : "-",
	       d->master[0] ? d->master : "-", d->driver[0] ? d->driver : "-",
	       pci, feat, d->hw_tc_offload < 0 ? "?" : d->hw_tc_offload ? "on" : "off",
	       progs, tna_target_name(d->best));
	printf("      %s%s%s\n", d->reason, d->nfp ? "; Netronome NFP" : "",
	       d->can_redirect_to ? "; can be a redirect egress" : "");
	for (s = d->blockers; *s; s = *e ? e + 2 : e) {
		e = strstr(s, "; ");
		if (!e)
			e = s + strlen(s);
		printf("      blocker: %.*s\n", (int)(e - s), s);
	}
}

static int output_json(const struct tna_caps_sys *sys, const char *netns,
		       const struct tna_caps_dev *devs, int n)
{
	struct json_object *top = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	int i;

	if (!top || !arr)
		return err_line("out of memory");
	json_object_object_add(top, "tna_probe_version",
			       json_object_new_string(TNA_VERSION));
	json_object_object_add(top, "netns",
			       netns ? json_object_new_string(netns) : NULL);
	json_object_object_add(top, "system", tna_caps_sys_to_json(sys));
	for (i = 0; i < n; i++)
		json_object_array_add(arr, tna_caps_dev_to_json(&devs[i]));
	json_object_object_add(top, "devices", arr);
	puts(json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(top);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",    no_argument,       NULL, 'j' },
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
	bool json = false;

	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, ":ji:n:g::hV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'i':
			if (n_if == MAX_IFACES)
				return err_line("at most %d interfaces", MAX_IFACES) + 1;
			if (strlen(optarg) >= IF_NAMESIZE)
				return err_line("%s: interface name too long", optarg) + 1;
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
				return err_line("--graph: unknown format '%s' (json or dot)",
						optarg) + 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("tna-probe %s\n", TNA_VERSION);
			return 0;
		case ':':
			return err_line("option '%s' needs an argument (see --help)",
					argv[optind - 1]) + 1;
		default:
			return err_line("unknown option '%s' (see --help)",
					argv[optind - 1]) + 1;
		}
	}
	if (optind < argc)
		return err_line("unexpected argument '%s' (see --help)", argv[optind]) + 1;

	if (geteuid() != 0)
		return err_line("must be run as root (loads probe programs, reads XDP state)");
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return err_line("kernel has no BTF (/sys/kernel/btf/vmlinux: %s)",
				strerror(errno));
	if (netns && enter_netns(netns))
		return 1;
	if (graph != GRAPH_NONE)
		return run_graph(graph);

	/* Every name must exist before anything is printed. */
	for (i = 0; i < n_if; i++) {
		ifindex[i] = (int)if_nametoindex(ifnames[i]);
		if (!ifindex[i])
			return err_line("%s: no such interface%s%s", ifnames[i],
					netns ? " in netns " : "", netns ? netns : "");
	}

	tna_caps_probe_system(&sys);
	if (n_if) {
		devs = calloc((size_t)n_if, sizeof(*devs));
		if (!devs)
			return err_line("out of memory");
		for (i = 0; i < n_if; i++) {
			ret = tna_caps_probe_dev(ifindex[i], &devs[i]);
			if (ret) {
				free(devs);
				return err_line("%s: %s", ifnames[i], strerror(-ret));
			}
		}
		n = n_if;
	} else {
		ret = tna_caps_probe_all(&devs, &n);
		if (ret)
			return err_line("listing interfaces: %s", strerror(-ret));
	}
	for (i = 0; i < n; i++)
		tna_caps_verdict(&sys, &devs[i]);

	if (json) {
		ret = output_json(&sys, netns, devs, n);
	} else {
		print_sys_table(&sys);
		printf("%4s  %-15s %-9s %-10s %-11s %-10s %-36s %-6s %-10s %s\n",
		       "IFX", "NAME", "KIND", "MASTER", "DRIVER", "PCI",
		       "XDP-FEATURES", "TC-OFF", "XDP-PROGS", "TARGET");
		for (i = 0; i < n; i++)
			print_dev_table(&devs[i]);
		ret = 0;
	}
	free(devs);
	return ret;
}
