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

#include "common/netns.h"
#include "introspect/graph.h"
#include "introspect/model.h"
#include "introspect/describe.h"

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tna-introspect [--netns NAME] --dump | --graph[=json|dot] | --watch\n"
		"  --dump            the model (links, bridges, FDB, addresses, routes, rules,\n"
		"                    neighbours, sysctls, netfilter summary) as JSON\n"
		"  --graph[=FORMAT]  the service graph as JSON (default) or Graphviz DOT\n"
		"  --watch           keep the model current and print one line per change\n"
		"                    until interrupted\n"
		"  --netns NAME      work in network namespace NAME (/run/netns/NAME)\n");
}

static void print_event(void *ctx, enum tna_obj obj, enum tna_op op, const void *item)
{
	char d[256];
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	tna_describe(obj, item, d, sizeof(d));
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
			fprintf(stderr, "tna-introspect: watch: %s\n", strerror(-r));
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
		{ 0 }
	};
	const char *netns = NULL, *format = "json";
	int mode = 0, c, ret;
	struct tna_model *m;

	opterr = 0;	/* one line of our own instead */
	while ((c = getopt_long(argc, argv, "dg::wn:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': case 'w': mode = c; break;
		case 'g':
			mode = c;
			if (optarg)
				format = optarg;
			break;
		case 'n': netns = optarg; break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "tna-introspect: unknown option or missing argument '%s' (see --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tna-introspect: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	if (!mode) {
		fprintf(stderr, "tna-introspect: say what to print: --dump, --graph or --watch (see --help)\n");
		return 2;
	}
	if (mode == 'g' && strcmp(format, "json") && strcmp(format, "dot")) {
		fprintf(stderr, "tna-introspect: unknown graph format '%s' (json, dot)\n", format);
		return 2;
	}
	if (netns && (ret = tna_netns_enter(netns))) {
		fprintf(stderr, "tna-introspect: netns %s: %s\n", netns,
			ret == -ENOENT ? "no such network namespace" : strerror(-ret));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (mode == 'w') {
		ret = watch();
		if (ret)
			fprintf(stderr, "tna-introspect: watch: %s\n", strerror(-ret));
		return ret ? 1 : 0;
	}

	m = tna_model_new();
	if (!m || (ret = tna_model_dump(m))) {
		fprintf(stderr, "tna-introspect: dump: %s\n", strerror(m ? -ret : errno));
		tna_model_free(m);
		return 1;
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
			fprintf(stderr, "tna-introspect: graph: %s\n", strerror(errno));
			tna_model_free(m);
			return 1;
		}
		ret = !strcmp(format, "dot") ? tna_graph_print_dot(g, stdout)
					     : tna_graph_print_json(g, stdout);
		tna_graph_free(g);
	}
	tna_model_free(m);
	return ret ? 1 : 0;
}
