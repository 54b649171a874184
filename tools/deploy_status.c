/* tna-deploy --status: what the controller of this network namespace runs,
 * from its status file, in words, ending with the stages per port as
 * --dry-run prints them (or the file's JSON with "running");
 * --detach: stop it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "assembler/stages.h"
#include "common/cli.h"
#include "controller/lock.h"
#include "tools/deploy_status.h"
#include "tools/deploy_hooks.h"

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, k, &v);
	return v;
}

static const char *str(struct json_object *o, const char *k)
{
	const char *s = json_object_get_string(get(o, k));

	return s ? s : "-";
}

static long long num(struct json_object *o, const char *k)
{
	return json_object_get_int64(get(o, k));
}

static bool flag(struct json_object *o, const char *k)
{
	return json_object_get_boolean(get(o, k));
}

/* "a b c" from a JSON array of strings. */
static void words(struct json_object *a, const char *sep, char *buf, size_t len)
{
	size_t off = 0;
	int i, n = a ? (int)json_object_array_length(a) : 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? sep : "",
				json_object_get_string(json_object_array_get_idx(a, i)));
	if (!n)
		snprintf(buf, len, "-");
}

/* Width of the name column: the longest name (interface names have up to
 * 15 characters), so that the next column stays aligned. */
static int name_width(struct json_object *a, const char *key)
{
	int i, w = 4, n = a ? (int)json_object_array_length(a) : 0;

	for (i = 0; i < n; i++) {
		int l = (int)strlen(str(json_object_array_get_idx(a, i), key));

		if (l > w)
			w = l;
	}
	return w;
}

static void print_bridge(struct json_object *b)
{
	struct json_object *ports = get(b, "ports"), *fdb = get(b, "fdb_mirror");
	struct json_object *vt = get(b, "vlan_table");
	bool run = flag(b, "running");
	char mods[512];
	int k, w = name_width(ports, "name");

	printf("bridge %s: %s (%s)\n", str(b, "bridge"),
	       run ? str(b, "target") : "plain Linux", str(b, "reason"));
	if (get(b, "error"))
		printf("  error: %s\n", str(b, "error"));
	if (run) {
		words(get(b, "fpms"), " > ", mods, sizeof(mods));
		printf("  pipeline: %s\n", mods);
	}
	if (fdb)
		printf("  fdb mirror: %lld set, %lld deleted, %lld errors; "
		       "keep-alive: %lld refreshed, %lld errors\n",
		       num(fdb, "sets"), num(fdb, "dels"), num(fdb, "errors"),
		       num(fdb, "refreshed"), num(fdb, "refresh_errors"));
	else if (run && !strcmp(str(b, "fdb_mode"), "kfunc"))
		printf("  fdb: kfunc (bpf_xdp_fdb_lookup): the bridge's own FDB, learning in the fast path\n");
	if (vt)	/* VLAN filtering: the port VLANs as read from the kernel */
		printf("  vlan table: read %lld time(s) whole, %lld set, %lld deleted, %lld errors\n",
		       num(vt, "reads"), num(vt, "sets"), num(vt, "dels"), num(vt, "errors"));
	for (k = 0; ports && k < (int)json_object_array_length(ports); k++) {
		struct json_object *p = json_object_array_get_idx(ports, k);
		const char *cs = str(p, "checksums");
		bool fix = run && flag(p, "accelerated") && get(p, "checksums") &&
			   strcmp(cs, "complete");

		printf("  port %-*s %-8s %s%s%s\n", w, str(p, "name"),
		       run && flag(p, "accelerated") ? str(p, "target") : "linux",
		       str(p, "reason"), fix ? "; partial checksums: " : "", fix ? cs : "");
		/* the NIC stage on an offloading device: attached, or why not */
		if (json_object_get_string_len(get(p, "nic_reason")))
			printf("       %-*s nic: %s%s\n", w, "",
			       run && num(p, "nic_prog_id") ? "attached in HW mode; " : "",
			       str(p, "nic_reason"));
	}
}

/* The netfilter stage (controller/router_filter.c's JSON). */
static void print_router_filter(struct json_object *r)
{
	struct json_object *f = get(r, "netfilter"), *n;

	if (get(r, "filter_reason"))
		printf("  netfilter: %s\n", str(r, "filter_reason"));
	if (!f)
		return;
	printf("  netfilter program: gen %d (ruleset generation %d), %d instructions, %d rules, "
	       "flags %s, %d loads\n", (int)num(f, "gen"), (int)num(f, "nft_genid"),
	       (int)num(f, "insns"), (int)num(f, "rules"), str(f, "flags"), (int)num(f, "loads"));
	if (get(f, "ipv4_whole"))
		printf("    IPv4 to Linux as a whole: %s\n", str(f, "ipv4_whole"));
	if (get(f, "ipv6_whole"))
		printf("    IPv6 to Linux as a whole: %s\n", str(f, "ipv6_whole"));
	n = get(f, "to_linux");
	for (int k = 0; n && k < (int)json_object_array_length(n); k++)
		printf("    to Linux where reached: %s\n",
		       json_object_get_string(json_object_array_get_idx(n, k)));
}

static void print_router(struct json_object *r)
{
	struct json_object *ifs = get(r, "interfaces");
	bool run = flag(r, "running");
	char mods[512];
	int k, w = name_width(ifs, "name");

	printf("router: %s (%s)", run ? "running" : "plain Linux", str(r, "reason"));
	if (run)
		printf(", pipeline %s", str(r, "pipeline"));
	printf("\n");
	if (get(r, "error"))
		printf("  error: %s\n", str(r, "error"));
	/* its own pipeline's target (a shared one has the bridge's) */
	if (run && get(r, "target") && strcmp(str(r, "target"), "none"))
		printf("  target: %s (%s)\n", str(r, "target"), str(r, "target_reason"));
	if (run) {
		words(get(r, "modules"), " ", mods, sizeof(mods));
		printf("  modules: %s\n", mods);
	}
	for (k = 0; ifs && k < (int)json_object_array_length(ifs); k++) {
		struct json_object *p = json_object_array_get_idx(ifs, k);

		printf("  %-11s %-*s %s\n", str(p, "role"), w, str(p, "name"), str(p, "reason"));
	}
	print_router_filter(r);
}

int deploy_status(const char *lock, const char *state, bool json, bool pretty)
{
	struct json_object *j = NULL, *br;
	pid_t pid;
	int i, held = tna_lock_holder(lock, &pid);

	if (held < 0)
		return tna_err("%s: %s", lock, strerror(-held));
	if (held)
		j = json_object_from_file(state);
	if (json) {
		struct json_object *o = j ? j : json_object_new_object();

		json_object_object_add(o, "running", json_object_new_boolean(held));
		if (held && !j)
			json_object_object_add(o, "pid", json_object_new_int(pid));
		printf("%s\n", json_object_to_json_string_ext(o, tna_json_flags(pretty)));
		json_object_put(o);
		return TNA_EXIT_OK;
	}
	if (!held) {
		printf("no controller running in this network namespace: plain Linux\n");
		return TNA_EXIT_OK;
	}
	printf("controller pid %d", (int)pid);
	if (!j) {
		printf(", starting (no status yet)\n");
		return TNA_EXIT_OK;
	}
	printf(": %lld redeploy(s), %lld burst(s) of changes applied, %lld resync(s), %lld error(s)\n",
	       num(j, "redeploys"), num(j, "bursts_applied"), num(j, "resyncs"),
	       num(j, "errors"));
	br = get(j, "bridges");
	for (i = 0; br && i < (int)json_object_array_length(br); i++)
		print_bridge(json_object_array_get_idx(br, i));
	if (!br || !json_object_array_length(br))
		printf("no bridge in this network namespace\n");
	if (get(j, "router"))
		print_router(get(j, "router"));
	deploy_hooks_print_json(stdout, j);
	if (get(j, "stages"))	/* the plan per port, as --dry-run prints it */
		tna_stages_print_json(get(j, "stages"), stdout);
	json_object_put(j);
	return TNA_EXIT_OK;
}

int deploy_detach(const char *lock, bool quiet)
{
	pid_t pid, p2;
	int i, held = tna_lock_holder(lock, &pid);

	if (held < 0)
		return tna_err("%s: %s", lock, strerror(-held));
	if (!held) {
		if (!quiet)
			printf("no controller running in this network namespace: nothing to detach\n");
		return TNA_EXIT_OK;
	}
	if (pid <= 0)
		return tna_err("the controller's pid is not visible from here: stop it where it runs");
	if (kill(pid, SIGTERM) < 0)
		return tna_err("stop pid %d: %s", (int)pid, strerror(errno));
	for (i = 0; i < 100 && tna_lock_holder(lock, &p2) > 0; i++)
		usleep(100000);
	if (tna_lock_holder(lock, &p2) > 0)
		return tna_err("controller pid %d did not stop within 10 s", (int)pid);
	if (!quiet)
		printf("controller pid %d stopped, its programs are detached: plain Linux\n", (int)pid);
	return TNA_EXIT_OK;
}
