/* Counters of the NIC stage on a device, from any process: the device's
 * HW-mode program -> its counters map by name -> one lookup, which the
 * driver answers from the device.  Nothing is pinned. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/offload/nic.h"
#include "targets/stats.h"

static const char *const names[] = {
#define TNA_NIC_NAME_(id, name) name,
	TNA_NIC_COUNTERS(TNA_NIC_NAME_)
#undef TNA_NIC_NAME_
};

const char *tna_offload_counter_name(int i)
{
	return i >= 0 && i < TNA_NIC_NCOUNTERS ? names[i] : "?";
}

/* The device's driver by ETHTOOL_GDRVINFO ("nfp", "netdevsim"). */
static void driver_of(int ifindex, char *kind, size_t len)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = {};
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	kind[0] = 0;
	if (s < 0)
		return;
	if (if_indextoname(ifindex, ifr.ifr_name)) {
		ifr.ifr_data = (void *)&di;
		if (!ioctl(s, SIOCETHTOOL, &ifr))
			snprintf(kind, len, "%s", di.driver);
	}
	close(s);
}

int tna_offload_stats_read(int ifindex, struct tna_offload_stats *out)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[8], key = 0;
	uint64_t *w = (uint64_t *)&out->cnt;
	struct tna_offload_caps caps;
	int prog_fd, cnt_fd = -1, err = 0;

	memset(out, 0, sizeof(*out));
	if (bpf_xdp_query(ifindex, 0, &q))
		return -errno;
	if (!q.hw_prog_id)
		return -ENOENT;
	out->prog_id = q.hw_prog_id;
	prog_fd = bpf_prog_get_fd_by_id(q.hw_prog_id);
	if (prog_fd < 0)
		return -errno;
	info.nr_map_ids = 8;
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		err = -errno;
		goto out;
	}
	snprintf(out->prog_name, sizeof(out->prog_name), "%s", info.name);
	if (strcmp(info.name, TNA_NIC_PROG_NAME)) {
		err = -ENOMSG;
		goto out;
	}
	cnt_fd = tna_map_by_name(ids, info.nr_map_ids < 8 ? info.nr_map_ids : 8, TNA_NIC_MAP_CNT);
	if (cnt_fd < 0) {
		err = -ENOMSG;
		goto out;
	}
	if (bpf_map_lookup_elem(cnt_fd, &key, &out->cnt)) {
		err = -errno;
		goto out;
	}
	driver_of(ifindex, out->kind, sizeof(out->kind));
	if (!tna_offload_caps_by_kind(out->kind, &caps) && caps.counter_halves_swapped)
		for (int i = 0; i < TNA_NIC_NCOUNTERS; i++)
			w[i] = w[i] << 32 | w[i] >> 32;
	out->dropped = out->cnt.drop_invalid_src + out->cnt.drop_pause + out->cnt.drop_not_fwd;
out:
	if (cnt_fd >= 0)
		close(cnt_fd);
	close(prog_fd);
	return err;
}
