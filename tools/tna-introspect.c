/* tna-introspect: the introspection model and service graph of a network
 * namespace (thin main; the work is in introspect/). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include "common/cli.h"
#include "common/netns.h"
#include "assembler/filter_verdict.h"
#include "introspect/graph.h"
#include "introspect/model.h"
#include "introspect/describe.h"

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static const char usage[] =
"Usage: tna-introspect [-n NETNS] --dump | --graph[=json|dot] | --watch\n"
"       tna-introspect -h|--help | -V|--version\n"
"\n"
"The network configuration TNA sees, read over netlink, and the service\n"
"graph built from it.  Changes nothing.\n"
"\n"
"  -d, --dump            the model (links, bridges, FDB, addresses, routes,\n"
"                        rules, neighbours, sysctls, netfilter summary) as JSON\n"
"  -g, --graph[=FORMAT]  the service graph as JSON (default) or Graphviz DOT\n"
"  -w, --watch           keep the model current and print one line per change\n"
"                        until interrupted\n"
"  -n, --netns NETNS     work in network namespace NETNS (/var/run/netns/NETNS)\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n"
"\n"
"Exit status: 0 ok, 1 the kernel could not be read, 2 bad usage.\n"
"See tna-introspect(8).\n";

/* The model the watch keeps: names for the ifindexes in event lines. */
static struct tna_model *watched;

static void print_event(void *ctx, enum tna_obj obj, enum tna_op op, const void *item)
{
	char d[256];
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	tna_describe(watched, obj, item, d, sizeof(d));
	printf("%ld.%03ld %s %s %s\n", (long)ts.tv_sec, ts.tv_nsec / 1000000,
	       tna_obj_name(obj), tna_op_name(op), d);
	fflush(stdout);
}

static int watch(void)
{
	struct tna_model *m = tna_model_new();
	struct tna_watch *w;
	struct pollfd p;

	int ret;

	if (!m)
		return -ENOMEM;
	/* A quiet first dump: the watch's own dump then reports differences only. */
	ret = tna_model_dump(m);
	if (ret) {
		tna_model_free(m);
		return ret;
	}
	watched = m;
	w = tna_watch_open(m, print_event, NULL);
	if (!w) {
		int e = -errno;
		tna_model_free(m);
		return e;
	}
	printf("watching: %zu links, %zu fdb entries\n", tna_model_count(m, TNA_OBJ_LINK),
	       tna_model_count(m, TNA_OBJ_FDB));
	fflush(stdout);
	p.fd = tna_watch_fd(w);
	p.events = POLLIN;
	while (!stop) {
		int r = poll(&p, 1, 1000);

		if (r < 0 && errno != EINTR)
			break;
		/* every second too: bridge sysctls and legacy xtables have no events */
		r = tna_watch_process(w);
		if (r) {
			tna_err("watch: %s", strerror(-r));
			break;
		}
	}
	tna_watch_close(w);
	tna_model_free(m);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dump", no_argument, NULL, 'd' },
		{ "graph", optional_argument, NULL, 'g' },
		{ "watch", no_argument, NULL, 'w' },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	const char *netns = NULL, *format = "json";
	int mode = 0, c, ret;
	struct tna_model *m;

	tna_cli_init("tna-introspect");
	opterr = 0;	/* one line of our own instead */
	while ((c = getopt_long(argc, argv, ":dg::wn:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'd': case 'g': case 'w':
			if (mode && mode != c)
				return tna_usage_err("--dump, --graph and --watch exclude each other");
			mode = c;
			if (c == 'g' && optarg)
				format = optarg;
			break;
		case 'n': netns = optarg; break;
		case 'h': fputs(usage, stdout); return TNA_EXIT_OK;
		case 'V': return tna_print_version();
		default: return tna_getopt_err(c, argv);
		}
	}
	if (optind < argc)
		return tna_usage_err("unexpected argument '%s'", argv[optind]);
	if (!mode)
		return tna_usage_err("say what to print: --dump, --graph or --watch");
	if (mode == 'g' && strcmp(format, "json") && strcmp(format, "dot"))
		return tna_usage_err("--graph: unknown format '%s' (json or dot)", format);
	if (netns && (ret = tna_netns_enter(netns)))
		return tna_err("netns %s: %s", netns,
			       ret == -ENOENT ? "no such network namespace" : strerror(-ret));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (mode == 'w') {
		ret = watch();
		return ret ? tna_err("watch: %s", strerror(-ret)) : TNA_EXIT_OK;
	}

	m = tna_model_new();
	if (!m || (ret = tna_model_dump(m))) {
		ret = m ? -ret : errno;
		tna_model_free(m);
		return tna_err("dump: %s", strerror(ret));
	}
	if (mode == 'd') {
		json_object *o = tna_model_to_json(m);

		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_SPACED));
		json_object_put(o);
		ret = 0;
	} else {
		struct tna_graph *g = tna_graph_build(m);

		if (!g) {
			ret = errno;
			tna_model_free(m);
			return tna_err("graph: %s", strerror(ret));
		}
		tna_flt_graph_annotate(g, m);	/* the compiler's verdict, as tna-probe */
		ret = !strcmp(format, "dot") ? tna_graph_print_dot(g, stdout)
					     : tna_graph_print_json(g, stdout);
		tna_graph_free(g);
	}
	tna_model_free(m);
	return ret ? 1 : 0;
}
