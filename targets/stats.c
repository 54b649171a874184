/* Counters of an interface from any process: XDP program on the interface
 * -> its maps by name -> per-CPU sums.  Nothing is pinned. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/stats.h"

int tna_map_by_name(const __u32 *ids, __u32 n, const char *name)
{
	struct bpf_map_info info;
	__u32 len;
	int fd;

	for (__u32 i = 0; i < n; i++) {
		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, name))
			return fd;
		close(fd);
	}
	return -ENOENT;
}

static void follow_slot(const __u32 *ids, __u32 n, struct tna_if_stats *out)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), key = 0, id;
	int slots_fd = tna_map_by_name(ids, n, TNA_MAP_SLOTS), fd;

	if (slots_fd < 0)
		return;
	/* From user space a prog array's value is the program id. */
	if (!bpf_map_lookup_elem(slots_fd, &key, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len)) {
			out->prog_id = id;
			snprintf(out->prog_name, sizeof(out->prog_name), "%s", info.name);
		}
		if (fd >= 0)
			close(fd);
	}
	close(slots_fd);
}

static int sum_slot(int stats_fd, __u32 idx, struct tna_if_stats *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct tna_stats_val *v;
	int err = 0;

	if (ncpu < 0)
		return ncpu;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(stats_fd, &idx, v)) {
		err = -errno;
		goto out;
	}
	for (int c = 0; c < ncpu; c++) {
		out->forwarded += v[c].forwarded;
		out->forwarded_bytes += v[c].forwarded_bytes;
		out->dropped += v[c].dropped;
		out->csum_completed += v[c].csum_completed;
		for (int r = 0; r < TNA_REASON_MAX; r++) {
			out->passed[r] += v[c].passed[r];
			out->passed_total += v[c].passed[r];
		}
	}
out:
	free(v);
	return err;
}

/* The program on IFINDEX, if it is TNA's: its fd and the ids of its maps
 * (the root's bound maps, or the pipeline's own). */
static int tna_prog(int ifindex, struct tna_if_stats *out, __u32 *ids, __u32 *n)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int prog_fd;

	if (bpf_xdp_query(ifindex, 0, &q))
		return -errno;
	if (q.skb_prog_id) {
		out->prog_id = q.skb_prog_id;
		strcpy(out->mode, "generic");
	} else if (q.drv_prog_id) {
		out->prog_id = q.drv_prog_id;
		strcpy(out->mode, "native");
	} else {	/* a HW-mode program is a NIC stage: targets/offload/nic_stats.c */
		return -ENOENT;
	}
	prog_fd = bpf_prog_get_fd_by_id(out->prog_id);
	if (prog_fd < 0)
		return -errno;
	info.nr_map_ids = *n;
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		int err = -errno;

		close(prog_fd);
		return err;
	}
	close(prog_fd);
	snprintf(out->prog_name, sizeof(out->prog_name), "%s", info.name);
	if (info.nr_map_ids < *n)
		*n = info.nr_map_ids;
	if (!strcmp(info.name, TNA_ROOT_NAME)) {
		/* The root has the family's maps bound; report the pipeline
		 * it runs (slot 0), if any. */
		follow_slot(ids, *n, out);
	} else if (strcmp(info.name, TNA_PROG_NAME)) {
		return -ENOMSG;
	}
	return 0;
}

int tna_stats_read(int ifindex, struct tna_if_stats *out)
{
	__u32 ids[64], n = 64, key = ifindex;
	struct tna_port port;
	int stats_fd = -1, ports_fd = -1, err;

	memset(out, 0, sizeof(*out));
	err = tna_prog(ifindex, out, ids, &n);
	if (err)
		return err;
	stats_fd = tna_map_by_name(ids, n, TNA_MAP_STATS);
	ports_fd = tna_map_by_name(ids, n, TNA_MAP_PORTS);
	if (stats_fd < 0 || ports_fd < 0) {
		err = -ENOMSG;
		goto out;
	}
	if (ifindex <= 0 || ifindex >= TNA_MAX_IFINDEX ||
	    bpf_map_lookup_elem(ports_fd, &key, &port))
		port.idx = 0;
	out->port_idx = port.idx;
	out->csum = port.idx ? port.csum : 0;
	out->mtu = port.idx ? port.mtu : 0;
	err = sum_slot(stats_fd, port.idx, out);
out:
	if (stats_fd >= 0)
		close(stats_fd);
	if (ports_fd >= 0)
		close(ports_fd);
	return err;
}

int tna_map_of(int ifindex, const char *name)
{
	struct tna_if_stats st = {};
	__u32 ids[64], n = 64;
	int err = tna_prog(ifindex, &st, ids, &n);

	return err ? err : tna_map_by_name(ids, n, name);
}

int tna_clock_read(int ifindex, struct tna_clock *clk, uint32_t *map_id)
{
	struct tna_if_stats st = {};
	struct bpf_map_info info = {};
	__u32 ids[64], n = 64, key = 0, len = sizeof(info);
	int fd, err;

	err = tna_prog(ifindex, &st, ids, &n);
	if (err)
		return err;
	fd = tna_map_by_name(ids, n, TNA_MAP_CLOCK);
	if (fd < 0)
		return -ENOMSG;
	err = bpf_map_lookup_elem(fd, &key, clk) ? -errno : 0;
	if (!err && map_id)
		*map_id = bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
	close(fd);
	return err;
}

void tna_stats_add(struct tna_if_stats *a, const struct tna_if_stats *b)
{
	a->forwarded += b->forwarded;
	a->forwarded_bytes += b->forwarded_bytes;
	a->dropped += b->dropped;
	a->csum_completed += b->csum_completed;
	a->passed_total += b->passed_total;
	for (int r = 0; r < TNA_REASON_MAX; r++)
		a->passed[r] += b->passed[r];
}
