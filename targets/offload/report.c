/* The offload backend as the tools show it: a device's offload model and
 * whether the NIC stage fits it (tna-probe), and the NIC stage's counters
 * (tna-stat).  Text into buffers and json-c objects; the tools print. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "capabilities/caps.h"
#include "targets/offload/report.h"

int tna_offload_dev_describe(const struct tna_caps_dev *d, char *buf, size_t len)
{
	const struct tna_offload_req *req = tna_offload_nic_req();
	struct tna_offload_caps c;
	char lim[320], why[256];

	if (tna_offload_caps_for_dev(d, &c))
		return -ENODEV;
	tna_offload_caps_describe(&c, lim, sizeof(lim));
	if (!req)
		snprintf(why, sizeof(why), "NIC stage object unreadable");
	else if (tna_offload_check(&c, req, why, sizeof(why)))
		;
	else
		snprintf(why, sizeof(why), "NIC stage (%u insns) fits", req->insns);
	snprintf(buf, len, "%s model (%s): %s; %s", c.kind, c.source, lim, why);
	return 0;
}

struct json_object *tna_offload_dev_json(const struct tna_caps_dev *d)
{
	const struct tna_offload_req *req = tna_offload_nic_req();
	struct json_object *o, *l, *n;
	struct tna_offload_caps c;
	char why[256] = "";
	int err = -ENOENT;

	if (tna_offload_caps_for_dev(d, &c))
		return NULL;
	o = json_object_new_object();
	l = json_object_new_object();
	n = json_object_new_object();
	json_object_object_add(o, "model", json_object_new_string(c.kind));
	json_object_object_add(o, "source", json_object_new_string(c.source));
	json_object_object_add(l, "max_insns", json_object_new_int64(c.max_insns));
	json_object_object_add(l, "max_stack", json_object_new_int64(c.max_stack));
	json_object_object_add(l, "max_map_entries", json_object_new_int64(c.max_map_entries));
	json_object_object_add(l, "max_total_entries", json_object_new_int64(c.max_total_entries));
	json_object_object_add(l, "max_elem", json_object_new_int64(c.max_elem));
	json_object_object_add(l, "map_value_stores", json_object_new_boolean(c.map_value_stores));
	json_object_object_add(l, "all_helpers", json_object_new_boolean(c.all_helpers));
	json_object_object_add(l, "redirect",
			       json_object_new_boolean(c.actions & 1 << 4 /* XDP_REDIRECT */));
	json_object_object_add(l, "runs_programs", json_object_new_boolean(c.runs_programs));
	json_object_object_add(o, "limits", l);
	if (req)
		err = tna_offload_check(&c, req, why, sizeof(why));
	json_object_object_add(n, "fits", json_object_new_boolean(req && !err));
	json_object_object_add(n, "insns", json_object_new_int64(req ? req->insns : 0));
	json_object_object_add(n, "why", json_object_new_string(why));
	json_object_object_add(o, "nic_stage", n);
	return o;
}

void tna_offload_stats_add(struct tna_offload_stats *a, const struct tna_offload_stats *b)
{
	uint64_t *x = (uint64_t *)&a->cnt;
	const uint64_t *y = (const uint64_t *)&b->cnt;

	for (int i = 0; i < TNA_NIC_NCOUNTERS; i++)
		x[i] += y[i];
	a->dropped += b->dropped;
}

void tna_offload_stats_line(const struct tna_offload_stats *s, const struct tna_offload_stats *prev,
			    double dt, char *buf, size_t len)
{
	const uint64_t *w = (const uint64_t *)&s->cnt, *p = (const uint64_t *)&prev->cnt;
	size_t off;
	int n;

	if (dt > 0)
		n = snprintf(buf, len, "nic stage (%s): passed %.0f/s  dropped %.0f/s",
			     s->kind[0] ? s->kind : "offload",
			     (s->cnt.passed - prev->cnt.passed) / dt, (s->dropped - prev->dropped) / dt);
	else
		n = snprintf(buf, len, "nic stage (%s%s%.0u): passed %llu (%llu B)  dropped %llu",
			     s->kind[0] ? s->kind : "offload", s->prog_id ? ", prog " : "", s->prog_id,
			     (unsigned long long)s->cnt.passed,
			     (unsigned long long)s->cnt.passed_bytes,
			     (unsigned long long)s->dropped);
	off = n > 0 ? (size_t)n : 0;
	for (int i = 2, first = 1; i < TNA_NIC_NCOUNTERS && off < len; i++) {
		uint64_t d = w[i] - (dt > 0 ? p[i] : 0);

		if (!d)
			continue;
		n = snprintf(buf + off, len - off, "%s%s %llu", first ? ": " : ", ",
			     tna_offload_counter_name(i), (unsigned long long)d);
		off += n > 0 ? (size_t)n : 0;
		first = 0;
	}
}

struct json_object *tna_offload_stats_json(const struct tna_offload_stats *s,
					   const struct tna_offload_stats *prev, double dt)
{
	struct json_object *o = json_object_new_object(), *d = json_object_new_object();
	const uint64_t *w = (const uint64_t *)&s->cnt;

	json_object_object_add(o, "prog_id", json_object_new_int64(s->prog_id));
	json_object_object_add(o, "kind", json_object_new_string(s->kind));
	json_object_object_add(o, "passed", json_object_new_int64(s->cnt.passed));
	json_object_object_add(o, "passed_bytes", json_object_new_int64(s->cnt.passed_bytes));
	json_object_object_add(o, "dropped", json_object_new_int64(s->dropped));
	for (int i = 2; i < TNA_NIC_NCOUNTERS; i++)
		json_object_object_add(d, tna_offload_counter_name(i), json_object_new_int64(w[i]));
	json_object_object_add(o, "drops", d);
	if (dt > 0) {
		json_object_object_add(o, "passed_pps", json_object_new_double(
			(s->cnt.passed - prev->cnt.passed) / dt));
		json_object_object_add(o, "dropped_pps", json_object_new_double(
			(s->dropped - prev->dropped) / dt));
	}
	return o;
}
