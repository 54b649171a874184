/* tna-stat: what the operator's hooks returned (docs/hooks.md).  The
 * counters belong to a pipeline family (a bridge, with its router), so
 * they are shown on the bridge, or on a port that is in no bridge. */
#include <errno.h>
#include <string.h>
#include <json-c/json.h>
#include "tools/stat.h"

static bool shown(const struct iface *f)
{
	return !f->hooks_err && (f->is_bridge || !f->master);
}

void stat_hooks_read(struct iface *f, const struct iface *ifs, int n)
{
	int from = f->ifindex;

	f->hooks_err = -ENOENT;
	if (f->is_bridge) {
		from = 0;
		for (int j = 0; j < n && !from; j++)
			if (ifs[j].master == f->ifindex && !ifs[j].err)
				from = ifs[j].ifindex;
	}
	f->xsk_err = -ENOENT;
	if (from > 0 && !f->err) {
		f->hooks_err = tna_hook_stats_read(from, f->hooks);
		f->xsk_err = tna_xsk_stats_read(from, f->xsk);
	}
}

void stat_hooks_print(const struct iface *f)
{
	const char *sep = "    hooks: ";

	if (!shown(f))
		return;
	for (int s = 0; s < TNA_HOOK_NSLOTS; s++) {
		const char *vsep = " ";

		for (int v = 0; v < TNA_HOOK_NVERDICTS; v++) {
			if (!f->hooks[s][v])
				continue;
			if (*vsep == ' ') {
				printf("%s%s", sep, tna_hook_slot_name(s));
				sep = "; ";
			}
			printf("%s%s %llu", vsep, tna_hook_verdict_names[v],
			       (unsigned long long)f->hooks[s][v]);
			vsep = ", ";
		}
	}
	if (*sep == ';')
		putchar('\n');
	sep = "    to AF_XDP sockets: ";
	for (int r = 0; !f->xsk_err && r < TNA_XSK_RULES; r++) {
		if (!f->xsk[r].frames)
			continue;
		printf("%srule %d %llu frames %llu bytes", sep, r,
		       (unsigned long long)f->xsk[r].frames, (unsigned long long)f->xsk[r].bytes);
		sep = ", ";
	}
	if (*sep == ',')
		putchar('\n');
}

void stat_hooks_json(const struct iface *f, struct json_object *o)
{
	struct json_object *h;

	if (!shown(f))
		return;
	h = json_object_new_object();
	for (int s = 0; s < TNA_HOOK_NSLOTS; s++) {
		struct json_object *v = json_object_new_object();

		for (int k = 0; k < TNA_HOOK_NVERDICTS; k++)
			json_object_object_add(v, tna_hook_verdict_names[k],
					       json_object_new_int64(f->hooks[s][k]));
		json_object_object_add(h, tna_hook_slot_name(s), v);
	}
	json_object_object_add(o, "hooks", h);
	if (!f->xsk_err) {
		struct json_object *a = json_object_new_array();

		for (int r = 0; r < TNA_XSK_RULES; r++) {
			struct json_object *x = json_object_new_object();

			json_object_object_add(x, "frames", json_object_new_int64(f->xsk[r].frames));
			json_object_object_add(x, "bytes", json_object_new_int64(f->xsk[r].bytes));
			json_object_array_add(a, x);
		}
		json_object_object_add(o, "xsk", a);
	}
}
