/* A pipeline's skeleton with the operator's hooks linked in, and the
 * hook maps kept across reloads (targets/hooks.c has the why). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/dp.h"
#include "targets/hooks.h"
#include "targets/xsk.h"
#include "bpf/tna_bridge.skel.h"

/* the AF_XDP steer's rules (targets/xsk.c) */
static void xsk_apply(struct tna_bridge *skel)
{
	int n = tna_xsk__n();

	skel->rodata->tna_xsk_n = n;
	for (int i = 0; i < n; i++)
		memcpy((void *)&skel->rodata->tna_xsk_rules[i], tna_xsk__get(i),
		       sizeof(struct tna_xsk_rule));
}

int tna_dp_hooks_open(struct tna_dp *dp, bool fdb_kfunc)
{
	int n = tna_hooks__n(), err;
	const void *base;
	size_t sz, linked_sz;
	struct tna_bridge *skel;
	struct bpf_program *prog;

	if (!n) {
		dp->skel = tna_dp_open_pipeline(fdb_kfunc);
		if (!dp->skel)
			return -errno;
		xsk_apply(dp->skel);
		return 0;
	}
	base = tna_dp_pipeline_elf(fdb_kfunc, &sz);
	dp->hooked_elf = tna_hooks_link(base, sz, tna_hooks__get(0), n, &linked_sz);
	if (!dp->hooked_elf)
		return -errno;
	/* tna_bridge__open() with the linked object in place of the built one */
	skel = calloc(1, sizeof(*skel));
	if (!skel)
		return -ENOMEM;
	err = tna_bridge__create_skeleton(skel);
	if (!err) {
		skel->skeleton->data = dp->hooked_elf;
		skel->skeleton->data_sz = linked_sz;
		err = bpf_object__open_skeleton(skel->skeleton, NULL);
	}
	if (err) {
		tna_bridge__destroy(skel);
		return err;
	}
	dp->skel = skel;
	/* an entry program of the operator's object is not ours to load */
	bpf_object__for_each_program(prog, skel->obj)
		if (prog != skel->progs.tna_bridge && prog != skel->progs.tna_deadman_arm)
			bpf_program__set_autoload(prog, false);
	skel->rodata->tna_hooks = tna_hooks__mask();
	xsk_apply(skel);
	return 0;
}

/* The operator's maps (and the counters) of SHARE's pipeline: a swap
 * keeps their state.  Internal maps (.rodata, .bss, ...) are per load. */
int tna_dp_hooks_share(struct tna_dp *dp, const struct tna_dp *share)
{
	struct bpf_map *m, *old;
	int err;

	/* the sockets registered by their owners stay registered */
	if ((share->hook_stats_fd >= 0 &&
	     (err = bpf_map__reuse_fd(dp->skel->maps.tna_hook_stats, share->hook_stats_fd))) ||
	    (share->xsk_fd >= 0 && (err = bpf_map__reuse_fd(dp->skel->maps.tna_xsk, share->xsk_fd))) ||
	    (share->xsk_stats_fd >= 0 &&
	     (err = bpf_map__reuse_fd(dp->skel->maps.tna_xsk_stats, share->xsk_stats_fd))))
		return err;
	if (!tna_hooks__n())
		return 0;
	bpf_object__for_each_map(m, dp->skel->obj) {
		const char *name = bpf_map__name(m);

		if (!strncmp(name, "tna_", 4) || strchr(name, '.'))
			continue;
		old = bpf_object__find_map_by_name(share->skel->obj, name);
		if (old && (err = bpf_map__reuse_fd(m, bpf_map__fd(old))))
			return err;
	}
	return 0;
}
