/* The AF_XDP steer's rules: parsed once, built into every pipeline as
 * rodata (targets/hooks_dp.c applies them), counted per rule. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include "targets/xsk.h"
#include "targets/hooks.h"	/* tna_percpu_sum */

static struct tna_xsk_rule rules[TNA_XSK_RULES];
static int n_rules;

int tna_xsk__n(void) { return n_rules; }
const struct tna_xsk_rule *tna_xsk__get(int i) { return i >= 0 && i < n_rules ? &rules[i] : NULL; }

static int num(const char *s, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return !*s || *end || errno || *v < 0 || *v > max ? -EINVAL : 0;
}

int tna_xsk__add(const char *spec, char *err, size_t len)
{
	struct tna_xsk_rule r = {};
	char buf[256], *save = NULL, *w, *arg;
	struct in_addr a;
	long v;

	if (n_rules == TNA_XSK_RULES) {
		snprintf(err, len, "at most %d AF_XDP rules", TNA_XSK_RULES);
		return -E2BIG;
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	w = strtok_r(buf, " \t", &save);
	if (!w || (strcmp(w, "udp") && strcmp(w, "tcp"))) {
		snprintf(err, len, "'%s': starts with udp or tcp", spec);
		return -EINVAL;
	}
	r.proto = !strcmp(w, "udp") ? IPPROTO_UDP : IPPROTO_TCP;
	while ((w = strtok_r(NULL, " \t", &save))) {
		arg = strtok_r(NULL, " \t", &save);
		if (!arg) {
			snprintf(err, len, "'%s': %s needs a value", spec, w);
			return -EINVAL;
		}
		if ((!strcmp(w, "src") || !strcmp(w, "dst")) && inet_pton(AF_INET, arg, &a) == 1) {
			*(w[0] == 's' ? &r.saddr : &r.daddr) = a.s_addr;
		} else if ((!strcmp(w, "sport") || !strcmp(w, "dport")) && !num(arg, 65535, &v) && v) {
			*(w[0] == 's' ? &r.sport : &r.dport) = htons(v);
		} else if (!strcmp(w, "queue") && !num(arg, TNA_XSK_QUEUES - 1, &v)) {
			r.queue = v;
		} else {
			snprintf(err, len, "'%s': bad '%s %s' (src/dst IPv4, sport/dport 1-65535, "
				 "queue 0-%d)", spec, w, arg, TNA_XSK_QUEUES - 1);
			return -EINVAL;
		}
	}
	rules[n_rules++] = r;
	return 0;
}

void tna_xsk__format(const struct tna_xsk_rule *r, char *buf, size_t len)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	int n = snprintf(buf, len, "%s", r->proto == IPPROTO_UDP ? "udp" : "tcp");

	if (r->saddr && n < (int)len)
		n += snprintf(buf + n, len - n, " src %s", inet_ntop(AF_INET, &r->saddr, s, sizeof(s)));
	if (r->daddr && n < (int)len)
		n += snprintf(buf + n, len - n, " dst %s", inet_ntop(AF_INET, &r->daddr, d, sizeof(d)));
	if (r->sport && n < (int)len)
		n += snprintf(buf + n, len - n, " sport %u", ntohs(r->sport));
	if (r->dport && n < (int)len)
		n += snprintf(buf + n, len - n, " dport %u", ntohs(r->dport));
	if (n < (int)len)
		snprintf(buf + n, len - n, " queue %u", r->queue);
}

struct json_object *tna_xsk__json(void)
{
	struct json_object *a = json_object_new_array();
	char buf[128];

	for (int i = 0; i < n_rules; i++) {
		tna_xsk__format(&rules[i], buf, sizeof(buf));
		json_object_array_add(a, json_object_new_string(buf));
	}
	return a;
}

int tna_xsk_stats_read(int ifindex, struct tna_xsk_count c[TNA_XSK_RULES])
{
	_Static_assert(sizeof(*c) == 2 * sizeof(uint64_t), "two counters");
	return tna_percpu_sum(ifindex, TNA_MAP_XSK_STATS, (uint64_t *)c, TNA_XSK_RULES, 2);
}
