/* tna-deploy --hook and /etc/tna/hooks.d (docs/hooks.md). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "common/cli.h"
#include "targets/hooks.h"
#include "tools/deploy_hooks.h"

static int add(const char *slot_name, const char *name, const char *path)
{
	char err[512];
	int slot = tna_hook_slot(slot_name);

	if (slot < 0)
		return tna_usage_err("hook '%s': no slot '%s' (ingress, classified, egress)",
				     name, slot_name);
	if (tna_hooks__add(slot, name, path, err, sizeof(err)))
		return tna_err("hook %s: %s", name, err);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* DIR/SLOT-NAME.o, in name order: the slot is what comes before the
 * first '-'.  Other files are ignored. */
static int add_dir(const char *dir)
{
	char *names[TNA_HOOK_MAX * 4], path[4096], slot[32];
	struct dirent *e;
	int n = 0, ret = 0;
	DIR *d = opendir(dir);

	if (!d)
		return errno == ENOENT ? 0 : tna_err("%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) && n < (int)(sizeof(names) / sizeof(names[0]))) {
		size_t len = strlen(e->d_name);

		if (len > 2 && !strcmp(e->d_name + len - 2, ".o") && strchr(e->d_name, '-'))
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	for (int i = 0; i < n; i++) {
		size_t sl = strcspn(names[i], "-");

		snprintf(slot, sizeof(slot), "%.*s", (int)(sl < sizeof(slot) ? sl : 0), names[i]);
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!ret && names[i])
			ret = add(slot, names[i], path);
		free(names[i]);
	}
	return ret;
}

int deploy_hooks_add(const char *const *specs, int n, const char *dir)
{
	int ret;

	for (int i = 0; i < n; i++) {
		const char *eq = strchr(specs[i], '=');
		char slot[32];

		if (!eq || eq == specs[i] || !eq[1] || eq - specs[i] >= (long)sizeof(slot))
			return tna_usage_err("--hook '%s': expected SLOT=FILE", specs[i]);
		snprintf(slot, sizeof(slot), "%.*s", (int)(eq - specs[i]), specs[i]);
		if ((ret = add(slot, slot, eq + 1)))
			return ret;
	}
	return dir ? add_dir(dir) : 0;
}

int deploy_xsk_add(const char *const *specs, int n)
{
	char err[256];

	for (int i = 0; i < n; i++)
		if (tna_xsk__add(specs[i], err, sizeof(err)))
			return tna_usage_err("--xsk %s", err);
	return 0;
}

struct json_object *deploy_hooks_json(void)
{
	struct json_object *e;

	if (!tna_hooks__n() && !tna_xsk__n())
		return NULL;
	e = json_object_new_object();
	json_object_object_add(e, "hooks", tna_hooks__json());
	json_object_object_add(e, "xsk", tna_xsk__json());
	return e;
}

void deploy_hooks_print_json(FILE *f, struct json_object *o)
{
	struct json_object *hooks = NULL, *xsk = NULL;
	int n;

	json_object_object_get_ex(o, "hooks", &hooks);
	json_object_object_get_ex(o, "xsk", &xsk);
	n = hooks ? (int)json_object_array_length(hooks) : 0;
	for (int i = 0; i < n; i++) {
		struct json_object *h = json_object_array_get_idx(hooks, i), *s, *ob;

		json_object_object_get_ex(h, "slot", &s);
		json_object_object_get_ex(h, "object", &ob);
		fprintf(f, "%s%s=%s", i ? ", " : "hooks: ", json_object_get_string(s),
			json_object_get_string(ob));
	}
	if (n)
		fputc('\n', f);
	n = xsk ? (int)json_object_array_length(xsk) : 0;
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "xsk: to AF_XDP sockets: ",
			json_object_get_string(json_object_array_get_idx(xsk, i)));
	if (n)
		fputc('\n', f);
}

void deploy_hooks_print(FILE *f)
{
	struct json_object *e = deploy_hooks_json();

	if (e)
		deploy_hooks_print_json(f, e);
	json_object_put(e);
}
