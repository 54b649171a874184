/* tna-deploy: plan and run the TNA fast path for the bridges and the router
 * of a network namespace, in the foreground (the controller), or show/stop
 * it.  Argument parsing and output only; the work is in assembler/ and
 * controller/. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <json-c/json.h>

#include "common/cli.h"
#include "common/log.h"
#include "common/netns.h"
#include "assembler/stages.h"
#include "controller/ctl.h"
#include "controller/lock.h"
#include "tools/deploy_status.h"
#include "tools/deploy_hooks.h"

#define MAX_BRIDGES TNA_CTL_MAX_BRIDGES

static const char usage[] =
"Usage: tna-deploy [-t auto|generic|native|offload] [-i BRIDGE]... [-f] [--no-router]\n"
"                  [--no-filter] [--hook SLOT=FILE]... [--hooks-dir DIR] [--xsk RULE]...\n"
"                  [-n NETNS] [-j [-p]] [-v | -q | --log-level LEVEL]\n"
"                  [--debounce QUIET[,MAX]] [--dry-run]\n"
"       tna-deploy -s|--status [-n NETNS] [-j [-p]]\n"
"       tna-deploy -d|--detach [-n NETNS] [-q]\n"
"       tna-deploy --sync [-n NETNS]\n"
"       tna-deploy -h|--help | -V|--version\n"
"\n"
"Accelerate the Linux bridges of a network namespace with XDP, and route in\n"
"XDP when forwarding is on and there is something to route, then keep the\n"
"fast path coherent with Linux until stopped (SIGINT/SIGTERM detach).\n"
"\n"
"  -t, --target T      auto (default: per bridge, the best every port can do),\n"
"                      or generic, native, offload: honoured or refused\n"
"  -i, --interface BR  only this bridge (repeatable; default: every bridge)\n"
"  -f, --force         replace foreign XDP programs on bridge ports\n"
"      --no-router     never deploy the router (bridges only)\n"
"      --no-filter     never evaluate netfilter rules in XDP: a routed family\n"
"                      that rules see stays on Linux (default: compiled rules,\n"
"                      conntrack and NAT in the fast path when the ruleset allows)\n"
"      --hook SLOT=FILE  link the operator's XDP function tna_hook_SLOT from\n"
"                      object FILE into the fast path at SLOT: ingress,\n"
"                      classified or egress (repeatable; docs/hooks.md)\n"
"      --hooks-dir DIR  also every DIR/SLOT-NAME.o (default " TNA_HOOKS_DIR ")\n"
"      --xsk RULE      steer a flow to AF_XDP sockets (tna-xsk): RULE is\n"
"                      'udp|tcp [src A] [dst A] [sport N] [dport N] [queue Q]'\n"
"                      (IPv4; repeatable, up to 8; docs/hooks.md)\n"
"  -n, --netns NETNS   work in network namespace NETNS (/var/run/netns/NETNS,\n"
"                      or a path)\n"
"      --dry-run       print the plan (with verified instruction counts) and the\n"
"                      stages of every port (the service graph walked: nic,\n"
"                      hooks, bridge, router, filter) and exit\n"
"  -s, --status        what the running controller deployed, and why (ending\n"
"                      with the stages of every port, as --dry-run)\n"
"  -d, --detach        stop the running controller: plain Linux again\n"
"      --sync          wait (at most 5 s) until the running controller has\n"
"                      applied every change made before the call\n"
"  -j, --json          JSON output (plan, status); logs stay on stderr\n"
"  -p, --pretty        indented JSON (implies --json)\n"
"  -v, --verbose       also log FDB, keep-alive and port events\n"
"  -q, --quiet         errors only: no plan, no info log (the ready and\n"
"                      detached lines stay)\n"
"      --log-level L   error, info (default) or verbose\n"
"      --debounce Q[,M]  apply a burst of configuration events once none came\n"
"                      for Q ms, at most M ms after its first (default 5,20)\n"
"      --poll MS       read what sends no event (bridge-nf-call sysctls, legacy\n"
"                      iptables, disable_ipv6, tcx) every MS ms (default 20)\n"
"  -h, --help          this text\n"
"  -V, --version       the version\n"
"\n"
"Exit status: 0 ok, 1 error (one line on stderr), 2 bad usage.\n"
"See tna-deploy(8).\n";

enum { LOG_ERROR, LOG_INFO, LOG_VERBOSE };	/* least to most detailed */

static int log_level = LOG_INFO;
static bool json_out, pretty;
static bool daemon_log;		/* the controller runs: a log, not CLI messages */

/* The controller logs with a level and the time (common/log.h); a dry
 * run's messages are the tool's one-liners. */
static void log_cb(void *ctx, enum tna_ctl_log lvl, const char *msg)
{
	int l = lvl == TNA_CTL_ERROR ? LOG_ERROR : lvl == TNA_CTL_INFO ? LOG_INFO : LOG_VERBOSE;

	(void)ctx;
	if (l > log_level)
		return;
	if (!daemon_log)
		fprintf(stderr, "tna-deploy: %s\n", msg);
	else
		tna_log_line(stderr, l == LOG_ERROR ? TNA_LOG_ERR : l == LOG_INFO ? TNA_LOG_INFO :
			     TNA_LOG_DEBUG, l == LOG_ERROR ? "error" : l == LOG_INFO ? "info" :
			     "verbose", msg);
}

/* The two lines scripts wait for ("tna-deploy: ready: ...", "...:
 * detached: ..."): on stdout, or on stderr when stdout carries JSON; also
 * with -q, which silences the plan and the info log. */
__attribute__((format(printf, 1, 2)))
static void progress(const char *fmt, ...)
{
	va_list ap;
	FILE *f = json_out ? stderr : stdout;

	fputs("tna-deploy: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}

/* Bridges and, when there is something to route, {"router": R}: the plan
 * (--dry-run: nothing is deployed, then also {"stages": [...]}, the plan
 * per port) or, once deployed, what runs. */
static void print_json(struct tna_ctl *c, bool dry)
{
	struct json_object *a = json_object_new_array(), *st = NULL, *r, *b;
	int i, n = tna_ctl_n_plans(c);
	struct tna_stage_plan sp;

	if (!dry)
		st = tna_ctl_status_json(c);
	for (i = 0; i < n; i++) {
		b = tna_plan_to_json(tna_ctl_plan_get(c, i));
		if (dry)
			json_object_object_add(b, "deployed", json_object_new_boolean(false));
		json_object_array_add(a, b);
	}
	if (st) {	/* what runs: the status's bridges */
		json_object_put(a);
		json_object_object_get_ex(st, "bridges", &a);
		json_object_get(a);
	}
	r = tna_ctl_router_json(c);
	if (json_object_get_boolean(json_object_object_get(r, "ok"))) {
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "router", r);
		json_object_array_add(a, e);
	} else {
		json_object_put(r);
	}
	if (dry && !tna_ctl_stages(c, &sp)) {	/* the plan per port */
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "stages", tna_stages_to_json(&sp));
		json_object_array_add(a, e);
		tna_stages_free(&sp);
	}
	if ((b = deploy_hooks_json()))	/* {"hooks": [...], "xsk": [...]} */
		json_object_array_add(a, b);
	printf("%s\n", json_object_to_json_string_ext(a, tna_json_flags(pretty)));
	json_object_put(a);
	json_object_put(st);
	fflush(stdout);
}

static void print_plans(struct tna_ctl *c, bool dry)
{
	int i, n = tna_ctl_n_plans(c);
	struct tna_stage_plan sp;

	if (json_out)
		return print_json(c, dry);
	if (log_level == LOG_ERROR)
		return;
	for (i = 0; i < n; i++)
		tna_plan_print(tna_ctl_plan_get(c, i), stdout);
	if (!n)
		printf("no bridge in this network namespace\n");
	tna_ctl_router_print(c, stdout);
	deploy_hooks_print(stdout);
	if (dry && !tna_ctl_stages(c, &sp)) {	/* last, as --status prints it */
		tna_stages_print(&sp, stdout);
		tna_stages_free(&sp);
	}
	fflush(stdout);
}

static int any_refused(struct tna_ctl *c)
{
	int i;

	for (i = 0; i < tna_ctl_n_plans(c); i++)
		if (tna_ctl_plan_get(c, i)->refused)
			return 1;
	return 0;
}

static int parse_debounce(const char *arg, struct tna_ctl_opts *o)
{
	unsigned long long q, m = 0;
	char buf[64], *comma;

	snprintf(buf, sizeof(buf), "%s", arg);
	comma = strchr(buf, ',');
	if (comma)
		*comma = '\0';
	if (tna_parse_uint(buf, 1, 10000, &q) ||
	    (comma && (tna_parse_uint(comma + 1, 1, 10000, &m) || m < q)))
		return tna_usage_err("--debounce '%s': expected QUIET[,MAX] in ms, "
				     "integers from 1 to 10000, MAX >= QUIET", arg);
	o->debounce_quiet_ms = (unsigned int)q;
	o->debounce_max_ms = m ? (unsigned int)m : (q > 20 ? (unsigned int)q : 20);
	return TNA_EXIT_OK;
}

/* What wakes the controller's loop besides the netlink events: signals,
 * and the loss of our namespace's name (`ip netns del`).  One epoll fd
 * holds both: tna_ctl_run() returns when it is readable. */
struct stop {
	int ep, sigfd;
	struct tna_netns_watch *ns;
};

static int stop_open(struct stop *s, const char *netns)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t sigs;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	s->sigfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->sigfd < 0 || s->ep < 0)
		return -errno;
	ev.data.fd = s->sigfd;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, s->sigfd, &ev) < 0)
		return -errno;
	/* NULL: the namespace has no name to lose (the host's) */
	s->ns = tna_netns_watch_open(netns);
	if (s->ns) {
		ev.data.fd = tna_netns_watch_fd(s->ns);
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
			return -errno;
	}
	return 0;
}

/* After tna_ctl_run() returned 0: the reason to stop, or NULL to go on
 * (a change under /var/run/netns that was not ours). */
static const char *stop_reason(struct stop *s, char *buf, size_t len)
{
	struct signalfd_siginfo si;

	if (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
		snprintf(buf, len, "SIG%s", sigabbrev_np((int)si.ssi_signo));
		return buf;
	}
	if (s->ns && tna_netns_watch_gone(s->ns)) {
		snprintf(buf, len, "network namespace %s was deleted (ip netns del)",
			 tna_netns_watch_path(s->ns));
		return buf;
	}
	return NULL;
}

static void stop_close(struct stop *s)
{
	tna_netns_watch_close(s->ns);
	if (s->ep >= 0)
		close(s->ep);
	if (s->sigfd >= 0)
		close(s->sigfd);
}

int main(int argc, char **argv)
{
	enum { OPT_DRY = 256, OPT_NO_ROUTER, OPT_LOG_LEVEL, OPT_DEBOUNCE, OPT_POLL, OPT_SYNC,
	       OPT_NO_FILTER, OPT_HOOK, OPT_HOOKS_DIR, OPT_XSK };
	static const struct option lopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "interface", required_argument, NULL, 'i' },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "netns", required_argument, NULL, 'n' },
		{ "status", no_argument, NULL, 's' },
		{ "detach", no_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "debounce", required_argument, NULL, OPT_DEBOUNCE },
		{ "poll", required_argument, NULL, OPT_POLL },
		{ "no-router", no_argument, NULL, OPT_NO_ROUTER },
		{ "sync", no_argument, NULL, OPT_SYNC },
		{ "no-filter", no_argument, NULL, OPT_NO_FILTER },
		{ "hook", required_argument, NULL, OPT_HOOK },
		{ "hooks-dir", required_argument, NULL, OPT_HOOKS_DIR },
		{ "xsk", required_argument, NULL, OPT_XSK },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	const char *bridges[MAX_BRIDGES], *netns = NULL, *why, *controller_opt = NULL;
	const char *hook_specs[TNA_HOOK_MAX], *hooks_dir = TNA_HOOKS_DIR;
	const char *xsk_specs[TNA_XSK_RULES];
	int n_hook_specs = 0, n_xsk = 0;
	char lock[256], state[256], buf[160];
	struct tna_ctl_opts o = { .sz = sizeof(o), .target = TNA_PLAN_AUTO,
				  .bridges = bridges, .log = log_cb };
	bool dry = false, status = false, detach = false, sync = false;
	struct stop stop = { .ep = -1, .sigfd = -1 };
	struct tna_ctl *c;
	int opt, ret, lockfd;

	tna_cli_init("tna-deploy");
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":t:i:jpfn:sdvqhV", lopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			controller_opt = "--target";
			if (!strcmp(optarg, "auto"))
				o.target = TNA_PLAN_AUTO;
			else if (tna_target_parse(optarg, &o.target) || o.target == TNA_TARGET_NONE)
				return tna_usage_err("--target '%s': expected auto, generic, native or offload",
						     optarg);
			break;
		case 'i':
			controller_opt = "--interface";
			if (o.n_bridges == MAX_BRIDGES)
				return tna_usage_err("at most %d bridges (-i)", MAX_BRIDGES);
			bridges[o.n_bridges++] = optarg;
			break;
		case OPT_DRY: dry = true; break;
		case 'p': pretty = true; json_out = true; break;	/* -p implies -j */
		case 'j': json_out = true; break;
		case 'f': o.force = true; controller_opt = "--force"; break;
		case OPT_NO_ROUTER: o.no_router = true; controller_opt = "--no-router"; break;
		case OPT_NO_FILTER: o.no_filter = true; controller_opt = "--no-filter"; break;
		case OPT_HOOK:
			controller_opt = "--hook";
			if (n_hook_specs == TNA_HOOK_MAX)
				return tna_usage_err("at most %d hooks (--hook)", TNA_HOOK_MAX);
			hook_specs[n_hook_specs++] = optarg;
			break;
		case OPT_HOOKS_DIR: hooks_dir = optarg; controller_opt = "--hooks-dir"; break;
		case OPT_XSK:
			controller_opt = "--xsk";
			if (n_xsk == TNA_XSK_RULES)
				return tna_usage_err("at most %d rules (--xsk)", TNA_XSK_RULES);
			xsk_specs[n_xsk++] = optarg;
			break;
		case 'n': netns = optarg; break;
		case 's': status = true; break;
		case 'd': detach = true; break;
		case OPT_SYNC: sync = true; break;
		case 'v': log_level = LOG_VERBOSE; o.verbose = true; break;
		case 'q': log_level = LOG_ERROR; o.verbose = false; break;
		case OPT_DEBOUNCE:
			controller_opt = "--debounce";
			if (parse_debounce(optarg, &o))
				return TNA_EXIT_USAGE;
			break;
		case OPT_POLL: {
			unsigned long long v;

			controller_opt = "--poll";
			if (tna_opt_uint("--poll", optarg, 1, 1000, &v))
				return TNA_EXIT_USAGE;
			o.poll_ms = (unsigned int)v;
			break;
		}
		case OPT_LOG_LEVEL:
			if (!strcmp(optarg, "error"))
				log_level = LOG_ERROR, o.verbose = false;
			else if (!strcmp(optarg, "info"))
				log_level = LOG_INFO, o.verbose = false;
			else if (!strcmp(optarg, "verbose"))
				log_level = LOG_VERBOSE, o.verbose = true;
			else
				return tna_usage_err("--log-level '%s': expected error, info or verbose",
						     optarg);
			break;
		case 'h': fputs(usage, stdout); return TNA_EXIT_OK;
		case 'V': return tna_print_version();
		default: return tna_getopt_err(opt, argv);
		}
	}
	if (optind < argc)
		return tna_usage_err("unexpected argument '%s'", argv[optind]);
	if (status + detach + dry > 1)
		return tna_usage_err("--status, --detach and --dry-run exclude each other");
	if (sync && (status || detach || dry))
		return tna_usage_err("--sync excludes --status, --detach and --dry-run");
	if ((status || detach) && controller_opt)
		return tna_usage_err("%s is for starting a controller, not with %s", controller_opt,
				     status ? "--status" : "--detach");
	if (detach && json_out)
		return tna_usage_err("--detach has no JSON output");
	if (geteuid() != 0)
		return tna_err("needs root (CAP_NET_ADMIN and CAP_BPF)");
	if (netns && (ret = tna_netns_enter(netns)))
		return tna_err("netns %s: %s", netns,
			       ret == -ENOENT ? "no such network namespace" : strerror(-ret));
	ret = tna_lock_paths(lock, sizeof(lock), state, sizeof(state));
	if (ret)
		return tna_err("%s: %s", TNA_RUN_DIR, strerror(-ret));
	if (status)
		return deploy_status(lock, state, json_out, pretty);
	if (detach)
		return deploy_detach(lock, log_level == LOG_ERROR);
	if (sync) {
		ret = tna_ctl_sync(5000);
		return ret ? tna_err("the controller has not caught up within 5 s: %s",
				     strerror(-ret)) : TNA_EXIT_OK;
	}

	/* checked (each linked and verified) before anything changes */
	ret = deploy_xsk_add(xsk_specs, n_xsk);
	if (!ret)
		ret = deploy_hooks_add(hook_specs, n_hook_specs, *hooks_dir ? hooks_dir : NULL);
	if (ret)
		return ret;
	lockfd = -1;
	if (!dry) {
		pid_t holder = 0;

		lockfd = tna_lock_take(lock, &holder);
		if (lockfd == -EBUSY && holder > 0)
			return tna_err("another controller (pid %d) runs in this network namespace; "
				       "stop it first (tna-deploy --detach)", (int)holder);
		if (lockfd == -EBUSY)
			return tna_err("another controller runs in this network namespace "
				       "(its pid is not visible from here)");
		if (lockfd < 0)
			return tna_err("%s: %s", lock, strerror(-lockfd));
		/* what killed controllers left behind */
		tna_lock_sweep(lock);
		o.state_path = state;
		daemon_log = true;
		/* Signals through a signalfd, from before anything is
		 * attached: none is lost while deploying. */
		ret = stop_open(&stop, netns);
		if (ret) {
			tna_lock_release(lockfd, lock, NULL);
			return tna_err("signalfd: %s", strerror(-ret));
		}
	}
	ret = TNA_EXIT_ERROR;
	c = tna_ctl_new(&o);
	if (!c) {
		tna_err("cannot read the network configuration: %s", strerror(errno));
		goto out;
	}
	ret = tna_ctl_plan(c, dry);
	if (ret) {
		if (ret != -ENODEV)	/* -ENODEV: logged which */
			tna_err("planning failed: %s", strerror(-ret));
		ret = TNA_EXIT_ERROR;
		goto out;
	}
	if (dry) {
		print_plans(c, true);
		ret = any_refused(c);
		goto out;
	}
	if (any_refused(c)) {
		tna_ctl_deploy(c);	/* logs each refusal with its reason */
		ret = TNA_EXIT_ERROR;
		goto out;
	}
	/* A bridge whose fast path cannot load or attach stays on plain
	 * Linux, with the reason in --status; the controller keeps running
	 * and tries again at the next configuration change. */
	if (tna_ctl_deploy(c))
		log_cb(NULL, TNA_CTL_ERROR,
		       "deployment incomplete: the bridges above stay on plain Linux (see --status)");
	print_plans(c, false);
	progress("ready: %d of %d bridge(s) accelerated, router %s, watching for changes",
		 tna_ctl_n_running(c), tna_ctl_n_plans(c), tna_ctl_router_running(c) ? "on" : "off");
	do {
		ret = tna_ctl_run(c, stop.ep);
		why = ret ? NULL : stop_reason(&stop, buf, sizeof(buf));
	} while (!ret && !why);
	if (ret) {
		tna_err("event loop: %s", strerror(-ret));
		ret = TNA_EXIT_ERROR;
		goto out;
	}
	{
		char m[200];

		snprintf(m, sizeof(m), "stopping: %s", why);
		log_cb(NULL, TNA_CTL_INFO, m);
	}
	tna_ctl_free(c);
	c = NULL;
	progress("detached: plain Linux (%s)", why);
	ret = TNA_EXIT_OK;
out:
	tna_ctl_free(c);
	stop_close(&stop);
	tna_lock_release(lockfd, lock, o.state_path);
	return ret;
}
