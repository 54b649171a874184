/* The root program and its prog array, shared by the pipelines of one map
 * family (tna_dp_opts.share_maps_with): ports are attached to the root
 * once; tna_dp__replace() rewrites slot 0.  Reference counted by the dps
 * that hold it (single-threaded, like the rest of struct tna_dp). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/dp.h"
#include "bpf/tna_root.skel.h"

/* The family's data maps, bound to the root so that a reader that starts
 * from the program on an interface (tna-stat, bpftool) finds them. */
static int bind_maps(struct tna_dp_root *r, const struct tna_dp *dp)
{
	const int fds[] = { dp->ports_fd, dp->fdb_fd, dp->devmap_fd,
			    dp->stats_fd, dp->clock_fd, dp->rif_fd, dp->hook_stats_fd,
			    dp->xsk_fd, dp->xsk_stats_fd };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0 && bpf_prog_bind_map(r->prog_fd, fds[i], NULL))
			return -errno;
	return 0;
}

int tna_root_new(struct tna_dp *dp)
{
	struct tna_dp_root *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	r->refs = 1;
	r->skel = tna_root__open_and_load();
	if (!r->skel) {
		err = -errno;
		free(r);
		return err;
	}
	r->prog_fd = bpf_program__fd(r->skel->progs.tna_root);
	r->slots_fd = bpf_map__fd(r->skel->maps.tna_slots);
	dp->root = r;
	err = bind_maps(r, dp);
	if (err) {
		tna_root_put(dp);
		return err;
	}
	return 0;
}

void tna_root_share(struct tna_dp *dp, struct tna_dp_root *r)
{
	r->refs++;
	dp->root = r;
}

int tna_root_set(struct tna_dp *dp)
{
	__u32 key = 0;
	int fd = dp->prog_fd;

	if (bpf_map_update_elem(dp->root->slots_fd, &key, &fd, BPF_ANY))
		return -errno;
	dp->root->current = dp;
	return 0;
}

void tna_root_put(struct tna_dp *dp)
{
	struct tna_dp_root *r = dp->root;
	__u32 key = 0;

	if (!r)
		return;
	dp->root = NULL;
	/* A pipeline going away leaves the slot empty (Linux), not stale. */
	if (r->current == dp) {
		bpf_map_delete_elem(r->slots_fd, &key);
		r->current = NULL;
	}
	if (--r->refs)
		return;
	tna_root__destroy(r->skel);
	free(r);
}
