/* What the controller reports: the status JSON (tna-deploy --status, the
 * state file, with the stages per port of controller/stage_plan.c) and the
 * router's plan output. */
#include <stdio.h>
#include <unistd.h>
#include <json-c/json.h>

#include "controller/ctl_priv.h"
#include "targets/hooks.h"
#include "targets/xsk.h"

int tna_ctl_router_running(const struct tna_ctl *c)
{
	return c->rt->host != NULL;
}

static const char *rt_host_name(const struct tna_ctl *c, uint64_t *fpms)
{
	struct br_state *hb = br_find((struct tna_ctl *)c, tna_rt_host_bridge(c->rt));

	if (!hb || !hb->plan.ok || (c->rt->host && c->rt->host != hb->dp))
		return NULL;
	*fpms = hb->plan.fpms | c->rt->plan.fpms;
	return hb->plan.name;
}

void tna_ctl_router_print(const struct tna_ctl *c, FILE *f)
{
	uint64_t fpms = 0;
	const char *h = rt_host_name(c, &fpms);

	tna_rt_print(c->rt, h, fpms, f);
}

struct json_object *tna_ctl_router_json(const struct tna_ctl *c)
{
	uint64_t fpms = 0;
	const char *h = rt_host_name(c, &fpms);

	return tna_rt_to_json(c->rt, h, fpms);
}

struct json_object *tna_ctl_status_json(const struct tna_ctl *c)
{
	struct json_object *top = json_object_new_object();
	struct json_object *arr = json_object_new_array(), *loop;
	int i, k;

	json_object_object_add(top, "pid", json_object_new_int(getpid()));
	json_object_object_add(top, "redeploys", json_object_new_int64(c->redeploys));
	json_object_object_add(top, "bursts_applied", json_object_new_int64(c->applied));
	json_object_object_add(top, "resyncs", json_object_new_int64(tna_watch_resyncs(c->w)));
	json_object_object_add(top, "errors", json_object_new_int64(c->errors));
	json_object_object_add(top, "port_resyncs",
			       json_object_new_int64(tna_port_watch_resyncs(c->pw)));
	loop = json_object_new_object();
	json_object_object_add(loop, "turns", json_object_new_int64(c->turns));
	json_object_object_add(loop, "turn_max_ms", json_object_new_double(c->turn_max_ns / 1e6));
	json_object_object_add(loop, "heartbeat_gap_max_ms",
			       json_object_new_double(c->beat_gap_max_ns / 1e6));
	json_object_object_add(loop, "deadman_ms",
			       json_object_new_int64(TNA_CTL_DEADMAN_NS / 1000000));
	json_object_object_add(top, "loop", loop);
	for (i = 0; i < c->nbr; i++) {
		const struct br_state *b = &c->br[i];
		struct json_object *o, *att, *fdb;

		if (!b->present)
			continue;
		o = tna_plan_to_json(&b->plan);
		json_object_object_add(o, "running", json_object_new_boolean(b->dp != NULL));
		json_object_object_add(o, "deployed", json_object_new_boolean(b->dp != NULL));
		if (b->error[0])
			json_object_object_add(o, "error", json_object_new_string(b->error));
		att = json_object_new_array();
		for (k = 0; k < b->n_attached; k++)
			json_object_array_add(att, json_object_new_int(b->attached[k]));
		json_object_object_add(o, "attached_ifindexes", att);
		fdb = json_object_new_object();
		json_object_object_add(fdb, "sets", json_object_new_int64(b->mirror.sets));
		json_object_object_add(fdb, "dels", json_object_new_int64(b->mirror.dels));
		json_object_object_add(fdb, "errors", json_object_new_int64(b->mirror.errors));
		json_object_object_add(fdb, "refreshed", json_object_new_int64(b->mirror.refreshed));
		json_object_object_add(fdb, "refresh_errors",
				       json_object_new_int64(b->mirror.refresh_errors));
		/* the coherence protocol (bpf/fpm/fdb.h) */
		json_object_object_add(fdb, "unconfirmed_writes",
				       json_object_new_int64(b->mirror.unconfirmed));
		json_object_object_add(fdb, "rescans", json_object_new_int64(b->mirror.rescans));
		json_object_object_add(fdb, "refresh_skipped",
				       json_object_new_int64(b->mirror.refresh_skipped));
		json_object_object_add(fdb, "refresh_raced",
				       json_object_new_int64(b->mirror.refresh_raced));
		json_object_object_add(fdb, "pending", json_object_new_int64(
					       tna_fdb_mirror_pending(&b->mirror)));
		json_object_object_add(o, "trusted", json_object_new_boolean(
					       b->dp && tna_dp__trusted(b->dp)));
		json_object_object_add(o, "deadman_trips", json_object_new_int64(
					       b->dp ? tna_dp__deadman_trips(b->dp) : 0));
		if (b->plan.fdb_mode == TNA_FDB_MODE_MIRROR)
			json_object_object_add(o, "fdb_mirror", fdb);
		else
			json_object_put(fdb);	/* kfunc: no mirror */
		if (b->plan.vlan_filtering) {	/* controller/vlan_ctl.c */
			struct json_object *v = json_object_new_object();

			json_object_object_add(v, "reads", json_object_new_int64(b->vlan_reads));
			json_object_object_add(v, "sets", json_object_new_int64(b->vlan_counts.set));
			json_object_object_add(v, "dels", json_object_new_int64(b->vlan_counts.deleted));
			json_object_object_add(v, "errors", json_object_new_int64(b->vlan_counts.errors));
			json_object_object_add(o, "vlan_table", v);
		}
		json_object_array_add(arr, o);
	}
	json_object_object_add(top, "bridges", arr);
	json_object_object_add(top, "router", tna_ctl_router_json(c));
	/* the plan per port, as --dry-run prints it (controller/stage_plan.c) */
	json_object_object_add(top, "stages", tna_ctl_stages_json(c));
	json_object_object_add(top, "hooks", tna_hooks__json());
	json_object_object_add(top, "xsk", tna_xsk__json());
	return top;
}

void tna_ctl_write_state(struct tna_ctl *c)
{
	struct json_object *j;
	char tmp[512];
	FILE *f;

	if (!c->o.state_path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", c->o.state_path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	j = tna_ctl_status_json(c);
	fputs(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY), f);
	fputc('\n', f);
	json_object_put(j);
	if (fclose(f) == 0)
		rename(tmp, c->o.state_path);
}

