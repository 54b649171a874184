/* tna-stat --prometheus: the text exposition format (one "# HELP" and one
 * "# TYPE" line per metric family, then its samples), for node_exporter's
 * textfile collector.  The names are documented in tna-stat(8) and
 * docs/metrics.md; ports only (a bridge is the sum of its ports:
 * sum by (bridge) (...)). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "controller/lock.h"
#include "targets/datapath.h"
#include "tools/stat.h"

/* A label value: backslash, double quote and newline escaped. */
static void label(FILE *f, const char *key, const char *val, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", key);
	for (; *val; val++) {
		if (*val == '\\' || *val == '"')
			fputc('\\', f);
		if (*val == '\n')
			fputs("\\n", f);
		else
			fputc(*val, f);
	}
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

struct ctx {
	FILE *f;
	const struct iface *ifs;
	int n;
	const char *netns;
};

static const char *bridge_of(const struct ctx *c, const struct iface *p)
{
	for (int i = 0; i < c->n; i++)
		if (c->ifs[i].ifindex == p->master && p->master)
			return c->ifs[i].name;
	return "";
}

/* NAME{netns="..",interface="..",bridge=".." */
static void port_labels(const struct ctx *c, const char *name, const struct iface *p)
{
	fprintf(c->f, "%s{", name);
	if (c->netns)
		label(c->f, "netns", c->netns, true);
	label(c->f, "interface", p->name, !c->netns);
	label(c->f, "bridge", bridge_of(c, p), false);
}

static bool shown(const struct iface *p)
{
	return p->wanted && !p->err && !p->is_bridge;
}

static void port_counter(const struct ctx *c, const char *name, const char *help,
			 size_t off)
{
	family(c->f, name, "counter", help);
	for (int i = 0; i < c->n; i++) {
		const struct iface *p = &c->ifs[i];

		if (!shown(p))
			continue;
		port_labels(c, name, p);
		fprintf(c->f, "} %llu\n",
			*(const unsigned long long *)((const char *)&p->st + off));
	}
}

static void ports(const struct ctx *c)
{
	family(c->f, "tna_xdp_program_info", "gauge",
	       "The TNA program on an interface: attach mode and the id of the pipeline it runs (always 1).");
	for (int i = 0; i < c->n; i++) {
		const struct iface *p = &c->ifs[i];

		if (!shown(p))
			continue;
		port_labels(c, "tna_xdp_program_info", p);
		label(c->f, "mode", p->st.mode, false);
		fprintf(c->f, ",prog_id=\"%u\"} 1\n", p->st.prog_id);
	}
	port_counter(c, "tna_forwarded_packets_total",
		     "Frames the XDP fast path forwarded, by ingress interface.",
		     offsetof(struct tna_if_stats, forwarded));
	port_counter(c, "tna_forwarded_bytes_total",
		     "Bytes of the frames the XDP fast path forwarded, by ingress interface.",
		     offsetof(struct tna_if_stats, forwarded_bytes));
	port_counter(c, "tna_dropped_packets_total",
		     "Frames the XDP fast path dropped, by ingress interface.",
		     offsetof(struct tna_if_stats, dropped));
	family(c->f, "tna_passed_packets_total", "counter",
	       "Frames the fast path passed to Linux, by ingress interface and reason.");
	for (int i = 0; i < c->n; i++) {
		const struct iface *p = &c->ifs[i];

		if (!shown(p))
			continue;
		for (int r = 0; r < TNA_REASON_MAX; r++) {
			port_labels(c, "tna_passed_packets_total", p);
			label(c->f, "reason", tna_reason_name(r), false);
			fprintf(c->f, "} %llu\n", (unsigned long long)p->st.passed[r]);
		}
	}
}

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, k, &v);
	return v;
}

static void scalar(const struct ctx *c, const char *name, const char *type,
		   const char *help, long long v)
{
	family(c->f, name, type, help);
	fputs(name, c->f);
	if (c->netns) {
		fputc('{', c->f);
		label(c->f, "netns", c->netns, true);
		fputc('}', c->f);
	}
	fprintf(c->f, " %lld\n", v);
}

/* Metrics of the status file: KEY at its top level (or in its "router"),
 * or per bridge, KEY of the bridge's "fdb_mirror" ("running": its flag). */
struct status_metric {
	const char *name, *type, *help, *key;
};

static const struct status_metric top_metrics[] = {
	{ "tna_controller_redeploys_total", "counter",
	  "Pipelines the controller loaded and swapped in after a configuration change.",
	  "redeploys" },
	{ "tna_controller_bursts_applied_total", "counter",
	  "Bursts of configuration events the controller applied.", "bursts_applied" },
	{ "tna_controller_resyncs_total", "counter",
	  "Netlink event overflows the controller recovered from with a full dump.", "resyncs" },
	{ "tna_controller_errors_total", "counter",
	  "Errors the controller logged (load, attach, netlink, keep-alive).", "errors" },
	{ "tna_router_accelerated", "gauge", "Whether the router fast path runs.", "running" },
};

static const struct status_metric bridge_metrics[] = {
	{ "tna_bridge_accelerated", "gauge",
	  "Whether the bridge's fast path runs (0: plain Linux).", "running" },
	{ "tna_fdb_mirror_updates_total", "counter",
	  "FDB entries the controller wrote into the fast path's mirror (learned, moved).", "sets" },
	{ "tna_fdb_mirror_deletes_total", "counter",
	  "FDB entries the controller removed from the mirror (aged, flushed, deleted).", "dels" },
	{ "tna_fdb_mirror_errors_total", "counter", "Mirror updates that failed.", "errors" },
	{ "tna_fdb_keepalive_refreshed_total", "counter",
	  "Kernel FDB entries the keep-alive refreshed for frames the fast path forwarded.",
	  "refreshed" },
	{ "tna_fdb_keepalive_errors_total", "counter",
	  "Keep-alive refreshes the kernel refused.", "refresh_errors" },
};

static long long status_value(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return json_object_is_type(v, json_type_boolean) ? json_object_get_boolean(v)
							 : json_object_get_int64(v);
}

static void per_bridge(const struct ctx *c, struct json_object *br,
		       const struct status_metric *m)
{
	int i, n = br ? (int)json_object_array_length(br) : 0;

	family(c->f, m->name, m->type, m->help);
	for (i = 0; i < n; i++) {
		struct json_object *b = json_object_array_get_idx(br, i);

		fprintf(c->f, "%s{", m->name);
		if (c->netns)
			label(c->f, "netns", c->netns, true);
		label(c->f, "bridge", json_object_get_string(get(b, "bridge")), !c->netns);
		fprintf(c->f, "} %lld\n", status_value(strcmp(m->key, "running") ?
							get(b, "fdb_mirror") : b, m->key));
	}
}

/* The controller's health, from the status file it rewrites after every
 * change (read only while it holds its lock: a killed one's file is stale). */
static void controller(const struct ctx *c)
{
	char lock[256], state[256];
	struct json_object *j = NULL;
	size_t i;
	pid_t pid;
	int held = 0;

	if (tna_lock_paths(lock, sizeof(lock), state, sizeof(state)) == 0)
		held = tna_lock_holder(lock, &pid) > 0;
	if (held)
		j = json_object_from_file(state);
	scalar(c, "tna_controller_up", "gauge",
	       "Whether a tna-deploy controller runs in this network namespace.", held);
	if (!j)
		return;
	for (i = 0; i < sizeof(top_metrics) / sizeof(top_metrics[0]); i++) {
		const struct status_metric *m = &top_metrics[i];

		scalar(c, m->name, m->type, m->help, status_value(strcmp(m->key, "running") ?
								   j : get(j, "router"), m->key));
	}
	for (i = 0; i < sizeof(bridge_metrics) / sizeof(bridge_metrics[0]); i++)
		per_bridge(c, get(j, "bridges"), &bridge_metrics[i]);
	json_object_put(j);
}

int stat_prom_print(FILE *f, const struct iface *ifs, int n, const char *netns)
{
	struct ctx c = { .f = f, .ifs = ifs, .n = n, .netns = netns };

	ports(&c);
	controller(&c);
	return fflush(f) || ferror(f) ? -EIO : 0;
}
