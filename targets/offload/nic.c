/* The NIC stage on a device: load bound to it, attach in HW mode with a
 * bpf_link, configure, replace, detach.  See nic.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/offload/nic.h"
#include "targets/offload/nic_why.h"
#include "targets/offload/watchdog.h"
#include "bpf/tna_nic.skel.h"

struct tna_offload {
	struct tna_nic *skel;
	int ifindex;
	int prog_fd, cfg_fd, cnt_fd;
	int link_fd;			/* HW-mode bpf_link, -1 when detached */
	bool swap_halves;		/* counters: see tna_offload_caps */
};

/* The verifier log of a refused load, large enough for the whole log:
 * a truncated one turns the device's errno into -ENOSPC. */
#define LOG_SIZE (1u << 20)

__attribute__((format(printf, 3, 4)))
static void whyf(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* Device maps are created here, one by one, so that a refusal names the
 * map; libbpf then uses them.  Without BTF: a device has no use for it. */
static int map_on_dev(struct bpf_map *map, int ifindex, char *why, size_t len)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_ifindex = ifindex,
		    .map_flags = bpf_map__map_flags(map));
	int fd, err;

	fd = bpf_map_create(bpf_map__type(map), bpf_map__name(map), bpf_map__key_size(map),
			    bpf_map__value_size(map), bpf_map__max_entries(map), &o);
	if (fd < 0) {
		err = -errno;
		whyf(why, len, "the device refused map %s (%u entries of %u+%u B): %s",
		     bpf_map__name(map), bpf_map__max_entries(map), bpf_map__key_size(map),
		     bpf_map__value_size(map), strerror(-err));
		return err;
	}
	err = bpf_map__reuse_fd(map, fd);	/* keeps a duplicate */
	close(fd);
	return err;
}

static int check_model(const struct tna_offload_caps *caps, char *why, size_t len)
{
	const struct tna_offload_req *req = tna_offload_nic_req();
	char m[512];
	int err;

	if (!req) {
		whyf(why, len, "cannot read the NIC stage's object: %s", strerror(errno));
		return -errno;
	}
	err = tna_offload_check(caps, req, m, sizeof(m));
	if (err)
		whyf(why, len, "model (%s): %s", caps->kind, m);
	return err;
}

struct tna_offload *tna_offload__load(const struct tna_offload_opts *opts, char *why, size_t len)
{
	struct tna_offload *off;
	struct bpf_map *map;
	char msg[512], *log = NULL;
	int err = -EINVAL;

	whyf(why, len, "%s", "");
	if (!opts || opts->sz < offsetof(struct tna_offload_opts, test_cnt_entries) +
				sizeof(opts->test_cnt_entries) || opts->ifindex < 0) {
		errno = EINVAL;
		return NULL;
	}
	if (opts->caps && !opts->test_cnt_entries) {
		err = check_model(opts->caps, why, len);
		if (err) {
			errno = -err;
			return NULL;
		}
	}
	off = calloc(1, sizeof(*off));
	if (!off) {
		errno = ENOMEM;
		return NULL;
	}
	off->link_fd = off->prog_fd = off->cfg_fd = off->cnt_fd = -1;
	off->ifindex = opts->ifindex;
	off->swap_halves = opts->caps && opts->caps->counter_halves_swapped;
	off->skel = tna_nic__open();
	if (!off->skel) {
		err = -errno;
		whyf(why, len, "cannot open the NIC stage's object: %s", strerror(-err));
		goto err;
	}
	if (opts->test_cnt_entries)
		bpf_map__set_max_entries(off->skel->maps.tna_nic_cnt, opts->test_cnt_entries);
	if (opts->ifindex) {
		bpf_program__set_ifindex(off->skel->progs.tna_nic, opts->ifindex);
		bpf_object__for_each_map(map, off->skel->obj) {
			err = map_on_dev(map, opts->ifindex, why, len);
			if (err)
				goto err;
		}
	}
	log = calloc(1, LOG_SIZE);
	if (log)
		bpf_program__set_log_buf(off->skel->progs.tna_nic, log, LOG_SIZE);
	err = tna_nic__load(off->skel);
	if (err) {
		tna_offload_verifier_msg(log ? log : "", msg, sizeof(msg));
		whyf(why, len, "the device refused the program: %s%s%s%s", msg,
		     msg[0] ? " (" : "", strerror(-err), msg[0] ? ")" : "");
		goto err;
	}
	free(log);
	off->prog_fd = bpf_program__fd(off->skel->progs.tna_nic);
	off->cfg_fd = bpf_map__fd(off->skel->maps.tna_nic_cfg);
	off->cnt_fd = bpf_map__fd(off->skel->maps.tna_nic_cnt);
	return off;
err:
	free(log);
	tna_offload__destroy(off);
	errno = err < 0 ? -err : EINVAL;
	return NULL;
}

int tna_offload__attach(struct tna_offload *off, char *why, size_t len)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_HW_MODE);
	char msg[256];
	int fd, err;

	whyf(why, len, "%s", "");
	if (!off->ifindex)
		return -EINVAL;		/* a host copy is for test runs only */
	if (off->link_fd >= 0)
		return -EALREADY;
	fd = bpf_link_create(off->prog_fd, off->ifindex, BPF_XDP, &lo);
	if (fd < 0) {
		err = -errno;
		tna_offload_hw_attach_why(off->ifindex, off->prog_fd, msg, sizeof(msg));
		whyf(why, len, "the device refused the HW-mode attach: %s%s%s%s", msg,
		     msg[0] ? " (" : "", strerror(-err), msg[0] ? ")" : "");
		return err;
	}
	off->link_fd = fd;
	tna_offload_watchdog_add(fd);
	return 0;
}

int tna_offload__detach(struct tna_offload *off)
{
	int err;

	if (!off || off->link_fd < 0)
		return -ENOENT;
	tna_offload_watchdog_del(off->link_fd);	/* before the fd number is freed */
	/* explicitly: the fd may have been duplicated */
	err = bpf_link_detach(off->link_fd) ? -errno : 0;
	close(off->link_fd);
	off->link_fd = -1;
	return err;
}

int tna_offload__replace(struct tna_offload *old_off, struct tna_offload *new_off)
{
	if (old_off->link_fd < 0 || new_off->link_fd >= 0 ||
	    old_off->ifindex != new_off->ifindex)
		return -EINVAL;
	if (bpf_link_update(old_off->link_fd, new_off->prog_fd, NULL))
		return -errno;
	new_off->link_fd = old_off->link_fd;
	old_off->link_fd = -1;
	return 0;
}

int tna_offload__set_port(struct tna_offload *off, uint32_t flags, uint8_t stp_state)
{
	struct tna_nic_cfg cfg = { .flags = flags, .stp_state = stp_state };
	uint32_t key = 0;

	return bpf_map_update_elem(off->cfg_fd, &key, &cfg, BPF_ANY) ? -errno : 0;
}

int tna_offload__counters(const struct tna_offload *off, struct tna_nic_cnt *out)
{
	uint64_t *w = (uint64_t *)out;
	uint32_t key = 0;

	if (bpf_map_lookup_elem(off->cnt_fd, &key, out))
		return -errno;
	for (int i = 0; off->swap_halves && i < TNA_NIC_NCOUNTERS; i++)
		w[i] = w[i] << 32 | w[i] >> 32;
	return 0;
}

static int prog_info(const struct tna_offload *off, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	if (!off || off->prog_fd < 0)
		return -EINVAL;
	return bpf_obj_get_info_by_fd(off->prog_fd, info, &len) ? -errno : 0;
}

int tna_offload__prog_fd(const struct tna_offload *off)
{
	return off ? off->prog_fd : -EINVAL;
}

uint32_t tna_offload__prog_id(const struct tna_offload *off)
{
	struct bpf_prog_info info;

	return prog_info(off, &info) ? 0 : info.id;
}

uint32_t tna_offload__xlated_insns(const struct tna_offload *off)
{
	struct bpf_prog_info info;

	return prog_info(off, &info) ? 0 : info.xlated_prog_len / 8;
}

int tna_offload__ifindex(const struct tna_offload *off)
{
	return off ? off->ifindex : 0;
}

bool tna_offload__attached(const struct tna_offload *off)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	/* a link the watchdog detached (or whose device went) has no ifindex */
	return off && off->link_fd >= 0 &&
	       !bpf_obj_get_info_by_fd(off->link_fd, &info, &len) && info.xdp.ifindex;
}

void tna_offload__destroy(struct tna_offload *off)
{
	if (!off)
		return;
	if (off->link_fd >= 0)
		tna_offload__detach(off);
	tna_nic__destroy(off->skel);
	free(off);
}
