/* The stages per port as JSON and as text (assembler/stages.h).  The text
 * is printed from the JSON, so `tna-deploy --dry-run` (a plan in memory)
 * and `--status` (the running controller's status file) print one list
 * the same way. */
#include <string.h>
#include <json-c/json.h>

#include "assembler/stages.h"
#include "bpf/tna_kern_user.h"

/* Every module, in the order the pipeline runs them. */
static const struct { uint64_t fpm; const char *name; } fpm_names[] = {
	{ TNA_FPM_PARSE_ETH, "parse_eth" }, { TNA_FPM_CLASSIFY, "classify" },
	{ TNA_FPM_VLAN, "vlan" }, { TNA_FPM_PORT_STATE, "port_state" },
	{ TNA_FPM_FDB_SRC, "fdb_src" }, { TNA_FPM_FDB_DST, "fdb_dst" },
	{ TNA_FPM_FDB_KFUNC, "fdb_kfunc" },
	{ TNA_FPM_FLOW_CACHE, "flow_cache" }, { TNA_FPM_PORT_FLAGS, "port_flags" },
	{ TNA_FPM_FORWARD, "forward" }, { TNA_FPM_STATS, "stats" },
	{ TNA_FPM_BRNF_IPV4, "brnf_ipv4" }, { TNA_FPM_BRNF_IPV6, "brnf_ipv6" },
	{ TNA_FPM_BRNF_ARP, "brnf_arp" }, { TNA_FPM_CSUM, "csum" },
	{ TNA_FPM_IPV4, "ipv4" }, { TNA_FPM_IPV6, "ipv6" }, { TNA_FPM_ROUTE, "route" },
	{ TNA_FPM_FILTER, "filter" }, { TNA_FPM_CT, "ct" }, { TNA_FPM_NAT, "nat" },
};
#define N_FPM_NAMES (sizeof(fpm_names) / sizeof(fpm_names[0]))

static const char *const kind_names[TNA_STAGE__MAX] = {
	[TNA_STAGE_NIC] = "nic", [TNA_STAGE_HOOK_INGRESS] = "hook:ingress",
	[TNA_STAGE_HOOK_CLASSIFIED] = "hook:classified", [TNA_STAGE_BRIDGE] = "bridge",
	[TNA_STAGE_ROUTER] = "router", [TNA_STAGE_FILTER] = "filter",
	[TNA_STAGE_HOOK_EGRESS] = "hook:egress",
};

const char *tna_stage_kind_name(enum tna_stage_kind k)
{
	return (unsigned)k < TNA_STAGE__MAX ? kind_names[k] : "?";
}

void tna_stage_fpm_names(uint64_t fpms, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < N_FPM_NAMES; i++)
		if ((fpms & fpm_names[i].fpm) && n < len)
			n += snprintf(buf + n, len - n, "%s%s", n ? " " : "", fpm_names[i].name);
}

struct json_object *tna_stage_fpm_json(uint64_t fpms)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; i < N_FPM_NAMES; i++)
		if (fpms & fpm_names[i].fpm)
			json_object_array_add(a, json_object_new_string(fpm_names[i].name));
	return a;
}

static void put(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

struct json_object *tna_stages_to_json(const struct tna_stage_plan *sp)
{
	struct json_object *a = json_object_new_array();

	for (int i = 0; i < sp->n_ports; i++) {
		const struct tna_port_stages *ps = &sp->ports[i];
		struct json_object *o = json_object_new_object(), *st = json_object_new_array();

		put(o, "name", ps->name);
		json_object_object_add(o, "ifindex", json_object_new_int(ps->ifindex));
		put(o, "pipeline", ps->pipeline);
		put(o, "target", ps->n ? tna_target_name(ps->target) : "linux");
		if (!ps->n) {
			put(o, "linux_reason", ps->linux_reason);
			put(o, "linux_node", ps->linux_node);
		}
		for (int k = 0; k < ps->n; k++) {
			const struct tna_stage *s = &ps->st[k];
			struct json_object *x = json_object_new_object();

			put(x, "stage", tna_stage_kind_name(s->kind));
			put(x, "node", s->node);
			json_object_object_add(x, "modules", tna_stage_fpm_json(s->fpms));
			put(x, "params", s->params);
			put(x, "reason", s->reason);
			put(x, "to_linux", s->to_linux);
			json_object_array_add(st, x);
		}
		json_object_object_add(o, "stages", st);
		json_object_array_add(a, o);
	}
	return a;
}

static const char *str(struct json_object *o, const char *k)
{
	struct json_object *v;
	const char *s = json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;

	return s ? s : "";
}

void tna_stages_print_json(struct json_object *a, FILE *f)
{
	fprintf(f, "stages per port:\n");
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *p = json_object_array_get_idx(a, i), *st, *m;
		const char *node = str(p, "linux_node");

		if (!json_object_object_get_ex(p, "stages", &st) || !json_object_array_length(st)) {
			fprintf(f, "  %-15s linux%s%s%s: %s\n", str(p, "name"), *node ? " (" : "",
				node, *node ? ")" : "", str(p, "linux_reason"));
			continue;
		}
		fprintf(f, "  %-15s %s, pipeline %s\n", str(p, "name"), str(p, "target"),
			str(p, "pipeline"));
		for (size_t k = 0; k < json_object_array_length(st); k++) {
			struct json_object *s = json_object_array_get_idx(st, k);
			const char *params = str(s, "params");
			char mods[256];
			size_t n = 0;

			mods[0] = 0;
			json_object_object_get_ex(s, "modules", &m);
			for (size_t j = 0; m && j < json_object_array_length(m) && n < sizeof(mods); j++)
				n += snprintf(mods + n, sizeof(mods) - n, "%s%s", n ? " " : "",
					      json_object_get_string(json_object_array_get_idx(m, j)));
			fprintf(f, "    %zu. %-7s %s%s%s%s\n", k + 1, str(s, "stage"), mods,
				*params ? (n ? " (" : "(") : "", params, *params ? ")" : "");
			if (*str(s, "reason"))
				fprintf(f, "       why%s%s%s: %s\n", *str(s, "node") ? " (" : "",
					str(s, "node"), *str(s, "node") ? ")" : "", str(s, "reason"));
			if (*str(s, "to_linux"))
				fprintf(f, "       to Linux: %s\n", str(s, "to_linux"));
		}
	}
}

void tna_stages_print(const struct tna_stage_plan *sp, FILE *f)
{
	struct json_object *a = tna_stages_to_json(sp);

	tna_stages_print_json(a, f);
	json_object_put(a);
}
