/* tna-model-check: test helper that keeps a watched (incremental) model of
 * a network namespace, runs steps against it and compares it with a fresh
 * dump (tna_model_diff).
 *
 * usage: tna-model-check [--netns NAME] [--rcvbuf BYTES] [--timeout-ms MS] STEP...
 *   run CMD        run CMD (sh -c) without reading events meanwhile
 *   expect PRED    process events until PRED holds; fail unless it holds
 *                  within --timeout-ms (default 100) of the last run's end
 *   wait MS PRED   the same with its own limit, measured from now
 *   compare        process what is queued, dump afresh, fail on any difference
 *   resyncs N      fail unless at least N overflow resyncs happened
 *   maxresyncs N   fail if more than N overflow resyncs happened
 *   sleep MS       sleep without reading events
 * PRED: link NAME | nolink NAME | port NAME BRIDGE | noport NAME |
 *       portstate NAME N | fdb MAC PORT | nofdb MAC | fdbstatic BRIDGE N |
 *       stp BRIDGE N | ageing BRIDGE CENTISECS | tc NAME 0|1 | xdp NAME 0|1 |
 *       addr IP | noaddr IP | route DST/LEN | noroute DST/LEN | rule PREF |
 *       norule PREF | neigh IP | noneigh IP | sysctl NAME 0|1 |
 *       fwd NAME 0|1 (net.ipv4.conf.NAME.forwarding) |
 *       nf FAMILY HOOK RULES (ip|ip6|inet|bridge|arp|netdev, prerouting..ingress;
 *       rules summed over nftables and legacy xtables)
 * Prints one "ok:" line per step, or "FAIL:" and exits 1. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "common/netns.h"
#include "introspect/model.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

struct fdb_q { uint8_t mac[6]; int port, master, count; const struct tna_fdb *hit; };

static int fdb_find(const struct tna_fdb *f, void *p)
{
	struct fdb_q *q = p;

	if (q->master) {
		if (f->master == q->master && f->type == TNA_FDB_STATIC)
			q->count++;
		return 0;
	}
	if (!memcmp(f->mac, q->mac, 6)) {
		q->hit = f;
		return 1;
	}
	return 0;
}

struct l3_q { uint8_t family, len, ip[16]; int hits; uint32_t pref; };

static int parse_ip(const char *s, struct l3_q *q)
{
	char tmp[64], *slash;

	snprintf(tmp, sizeof(tmp), "%s", s);
	slash = strchr(tmp, '/');
	if (slash) {
		*slash = '\0';
		q->len = (uint8_t)atoi(slash + 1);
	}
	memset(q->ip, 0, 16);
	if (inet_pton(AF_INET, tmp, q->ip) == 1)
		q->family = AF_INET;
	else if (inet_pton(AF_INET6, tmp, q->ip) == 1)
		q->family = AF_INET6;
	else
		return -1;
	return 0;
}

static int addr_q(const struct tna_addr *a, void *p)
{
	struct l3_q *q = p;

	q->hits += a->family == q->family && !memcmp(a->addr, q->ip, 16);
	return 0;
}

static int route_q(const struct tna_route *r, void *p)
{
	struct l3_q *q = p;

	q->hits += r->family == q->family && r->dst_len == q->len && !memcmp(r->dst, q->ip, 16);
	return 0;
}

static int rule_q(const struct tna_rule *r, void *p)
{
	struct l3_q *q = p;

	q->hits += r->priority == q->pref;
	return 0;
}

static int neigh_q(const struct tna_neigh *n, void *p)
{
	struct l3_q *q = p;

	q->hits += n->family == q->family && !memcmp(n->addr, q->ip, 16);
	return 0;
}

static int name_index(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return i;
	return -1;
}

/* Rules at FAMILY HOOK summed over both sources; -1 if the names are bad. */
static long nf_rules(const struct tna_model *m, const char *fam, const char *hook)
{
	static const char *const fams[TNA_NF_FAMILIES] = { [1] = "inet", [2] = "ip", [3] = "arp",
		[5] = "netdev", [7] = "bridge", [10] = "ip6" };
	static const char *const hooks[TNA_NF_HOOKS] = { "prerouting", "input", "forward",
		"output", "postrouting", "ingress" };
	const struct tna_netfilter *nf = tna_model_netfilter(m);
	int f = name_index(fam, fams, TNA_NF_FAMILIES), h = name_index(hook, hooks, TNA_NF_HOOKS);

	if (f < 0 || h < 0)
		return -1;
	return (long)nf->hook[0][f][h].rules + nf->hook[1][f][h].rules;
}

/* 1 when PRED holds, 0 when not, -1 when it cannot be parsed. */
static int holds(const struct tna_model *m, const char *pred)
{
	char op[16], a[64], b[64], c[64];
	int n = sscanf(pred, "%15s %63s %63s %63s", op, a, b, c);
	struct l3_q lq = { 0 };
	const struct tna_link *l = n >= 2 ? tna_model_link_by_name(m, a) : NULL;
	const struct tna_link *br;
	struct fdb_q q = { 0 };

	if (n < 2)
		return -1;
	if (!strcmp(op, "link"))
		return l != NULL;
	if (!strcmp(op, "nolink"))
		return l == NULL;
	if (!strcmp(op, "noport"))
		return !l || !l->is_port;
	if (!strcmp(op, "addr") || !strcmp(op, "noaddr") || !strcmp(op, "neigh") ||
	    !strcmp(op, "noneigh") || !strcmp(op, "route") || !strcmp(op, "noroute")) {
		if (parse_ip(a, &lq))
			return -1;
		if (strstr(op, "addr"))
			tna_model_for_each_addr(m, addr_q, &lq);
		else if (strstr(op, "neigh"))
			tna_model_for_each_neigh(m, neigh_q, &lq);
		else
			tna_model_for_each_route(m, route_q, &lq);
		return op[0] == 'n' && op[1] == 'o' ? lq.hits == 0 : lq.hits > 0;
	}
	if (!strcmp(op, "rule") || !strcmp(op, "norule")) {
		lq.pref = (uint32_t)atol(a);
		tna_model_for_each_rule(m, rule_q, &lq);
		return op[0] == 'n' ? lq.hits == 0 : lq.hits > 0;
	}
	if (!strcmp(op, "nf")) {
		if (n != 4 || nf_rules(m, a, b) < 0)
			return -1;
		return nf_rules(m, a, b) == atol(c);
	}
	if (!strcmp(op, "sysctl") && n == 3) {
		const struct tna_sysctls *sy = tna_model_sysctls(m);
		int v = atoi(b);

		if (!strcmp(a, "ip_forward"))
			return sy->ip_forward == v;
		if (!strcmp(a, "ip6_forwarding"))
			return sy->ip6_forwarding == v;
		if (!strcmp(a, "bridge_nf_call_iptables"))
			return sy->bridge_nf_call_iptables == v;
		return -1;
	}
	if (!strcmp(op, "fwd") && n == 3)
		return l && l->ip4_forwarding == atoi(b);
	if (!strcmp(op, "nofdb") || !strcmp(op, "fdb")) {
		if (parse_mac(a, q.mac))
			return -1;
		tna_model_for_each_fdb(m, fdb_find, &q);
		if (op[0] == 'n')
			return q.hit == NULL;
		if (n != 3)
			return -1;
		l = tna_model_link_by_name(m, b);
		return q.hit && l && q.hit->port == l->ifindex;
	}
	if (n != 3)
		return -1;
	if (!strcmp(op, "port"))
		return l && l->is_port && (br = tna_model_link_by_name(m, b)) &&
		       l->master == br->ifindex;
	if (!strcmp(op, "portstate"))
		return l && l->is_port && l->port.state == atoi(b);
	if (!strcmp(op, "stp"))
		return l && l->is_bridge && (int)l->br.stp_state == atoi(b);
	if (!strcmp(op, "ageing"))
		return l && l->is_bridge && (int)l->br.ageing_time == atoi(b);
	if (!strcmp(op, "tc"))
		return l && l->tc_filters == (atoi(b) != 0);
	if (!strcmp(op, "xdp"))
		return l && (l->xdp_prog_id != 0) == (atoi(b) != 0);
	if (!strcmp(op, "fdbstatic")) {
		if (!l)
			return 0;
		q.master = l->ifindex;
		tna_model_for_each_fdb(m, fdb_find, &q);
		return q.count == atoi(b);
	}
	return -1;
}

/* Process events until PRED holds or DEADLINE (ms) passes. */
static int wait_for(struct tna_watch *w, const struct tna_model *m, const char *pred,
		    double start, double limit)
{
	struct pollfd p = { .fd = tna_watch_fd(w), .events = POLLIN };

	for (;;) {
		int r = tna_watch_process(w), h;
		double t;

		if (r) {
			printf("FAIL: processing events: %s\n", strerror(-r));
			return 1;
		}
		h = holds(m, pred);
		t = now_ms() - start;
		if (h < 0) {
			printf("FAIL: cannot parse predicate '%s'\n", pred);
			return 1;
		}
		if (h) {
			printf("ok: '%s' in the model after %.1f ms (limit %.0f ms)\n", pred, t, limit);
			return 0;
		}
		if (t >= limit) {
			printf("FAIL: '%s' not in the model after %.1f ms (limit %.0f ms)\n",
			       pred, t, limit);
			return 1;
		}
		poll(&p, 1, (int)(limit - t) + 1);
	}
}

/* The kernel may change something between our last read and the fresh
 * dump (e.g. IPv6 DAD finishing); the event is then still queued.  So
 * compare again after reading it, a few times, before calling it a
 * difference.  A stale model stays different and fails. */
static int compare(struct tna_watch *w, const struct tna_model *m)
{
	char buf[4096];
	int r = 0, d = -1, tries;

	for (tries = 1; tries <= 10 && d; tries++) {
		struct tna_model *fresh = tna_model_new();

		if (tries > 1)
			usleep(20000);
		r = tna_watch_process(w);
		if (!r && fresh)
			r = tna_model_dump(fresh);
		if (!r && fresh)
			r = tna_watch_process(w);
		if (!fresh || r) {
			printf("FAIL: fresh dump: %s\n", strerror(fresh ? -r : ENOMEM));
			tna_model_free(fresh);
			return 1;
		}
		d = tna_model_diff(m, fresh, buf, sizeof(buf));
		tna_model_free(fresh);
	}
	if (d) {
		printf("FAIL: incremental model differs from a fresh dump (%d differences; a = incremental, b = fresh):\n%s",
		       d, buf);
		return 1;
	}
	printf("ok: incremental model equals a fresh dump (%zu links, %zu fdb, %zu addrs, "
	       "%zu routes, %zu rules, %zu neigh; attempt %d)\n",
	       tna_model_count(m, TNA_OBJ_LINK), tna_model_count(m, TNA_OBJ_FDB),
	       tna_model_count(m, TNA_OBJ_ADDR), tna_model_count(m, TNA_OBJ_ROUTE),
	       tna_model_count(m, TNA_OBJ_RULE), tna_model_count(m, TNA_OBJ_NEIGH), tries - 1);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "rcvbuf", required_argument, NULL, 'r' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ 0 }
	};
	const char *netns = NULL;
	int rcvbuf = 0, c, rc = 0;
	double limit = 100, last_run = now_ms();
	struct tna_model *m;
	struct tna_watch *w;

	while ((c = getopt_long(argc, argv, "n:r:t:", opts, NULL)) != -1) {
		switch (c) {
		case 'n': netns = optarg; break;
		case 'r': rcvbuf = atoi(optarg); break;
		case 't': limit = atof(optarg); break;
		default:
			fprintf(stderr, "usage: tna-model-check [--netns NAME] [--rcvbuf BYTES] "
					"[--timeout-ms MS] STEP...\n");
			return 2;
		}
	}
	if (netns && (c = tna_netns_enter(netns))) {
		fprintf(stderr, "tna-model-check: netns %s: %s\n", netns, strerror(-c));
		return 1;
	}
	m = tna_model_new();
	w = m ? tna_watch_open(m, NULL, NULL) : NULL;
	if (!w) {
		fprintf(stderr, "tna-model-check: watch: %s\n", strerror(errno));
		return 1;
	}
	if (rcvbuf && tna_watch_set_rcvbuf(w, rcvbuf)) {
		fprintf(stderr, "tna-model-check: rcvbuf: %s\n", strerror(errno));
		return 1;
	}
	for (int i = optind; i < argc && !rc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "run") && i + 1 < argc) {
			int st = system(argv[++i]);

			last_run = now_ms();
			if (st != 0) {
				printf("FAIL: command failed (%d): %s\n", st, argv[i]);
				rc = 1;
			} else {
				printf("ok: ran: %s\n", argv[i]);
			}
		} else if (!strcmp(s, "expect") && i + 1 < argc) {
			rc = wait_for(w, m, argv[++i], last_run, limit);
		} else if (!strcmp(s, "wait") && i + 2 < argc) {
			double ms = atof(argv[++i]);

			rc = wait_for(w, m, argv[++i], now_ms(), ms);
		} else if (!strcmp(s, "compare")) {
			rc = compare(w, m);
		} else if (!strcmp(s, "resyncs") && i + 1 < argc) {
			unsigned int want = (unsigned)atoi(argv[++i]);

			tna_watch_process(w);
			if (tna_watch_resyncs(w) < want) {
				printf("FAIL: %u overflow resyncs, expected at least %u\n",
				       tna_watch_resyncs(w), want);
				rc = 1;
			} else {
				printf("ok: %u overflow resyncs\n", tna_watch_resyncs(w));
			}
		} else if (!strcmp(s, "maxresyncs") && i + 1 < argc) {
			unsigned int max = (unsigned)atoi(argv[++i]);

			tna_watch_process(w);
			if (tna_watch_resyncs(w) > max) {
				printf("FAIL: %u overflow resyncs, expected at most %u\n",
				       tna_watch_resyncs(w), max);
				rc = 1;
			} else {
				printf("ok: %u overflow resyncs (at most %u)\n", tna_watch_resyncs(w), max);
			}
		} else if (!strcmp(s, "sleep") && i + 1 < argc) {
			usleep((useconds_t)(atof(argv[++i]) * 1000));
		} else {
			printf("FAIL: bad step '%s'\n", s);
			rc = 2;
		}
		fflush(stdout);
	}
	tna_watch_close(w);
	tna_model_free(m);
	return rc;
}
