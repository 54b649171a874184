/* Attach per port with bpf_links (never pinned: process death detaches),
 * refuse foreign programs unless forced, replace atomically. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/dp.h"

struct tna_dp_link *tna_dp_link_of(struct tna_dp *dp, int ifindex)
{
	for (int i = 0; i < TNA_MAX_PORTS; i++)
		if (dp->links[i].fd >= 0 && dp->links[i].ifindex == ifindex)
			return &dp->links[i];
	return NULL;
}

static struct tna_dp_link *link_free(struct tna_dp *dp)
{
	for (int i = 0; i < TNA_MAX_PORTS; i++)
		if (dp->links[i].fd < 0)
			return &dp->links[i];
	return NULL;
}

static int nlinks(const struct tna_dp *dp)
{
	int n = 0;

	for (int i = 0; i < TNA_MAX_PORTS; i++)
		n += dp && dp->links[i].fd >= 0;
	return n;
}

/* Make DP the pipeline its root runs.  Refused while another dp of the
 * family serves ports: one root runs one pipeline on all of them. */
static int make_current(struct tna_dp *dp)
{
	const struct tna_dp *cur = dp->root->current;

	if (cur == dp)
		return 0;
	if (nlinks(cur))
		return -EBUSY;
	return tna_root_set(dp);
}

static uint32_t attached_id(int ifindex, uint32_t *mode_flags)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return 0;
	if (q.skb_prog_id) {
		*mode_flags = XDP_FLAGS_SKB_MODE;
		return q.skb_prog_id;
	}
	if (q.drv_prog_id) {
		*mode_flags = XDP_FLAGS_DRV_MODE;
		return q.drv_prog_id;
	}
	return 0;		/* a HW program may stay: it runs before ours */
}

int tna_dp__foreign(int ifindex, uint32_t *prog_id, char name[16])
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	uint32_t mode, id;
	int fd;

	id = attached_id(ifindex, &mode);
	*prog_id = id;
	name[0] = 0;
	if (!id)
		return -ENOENT;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd >= 0) {
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			snprintf(name, 16, "%s", info.name);
		close(fd);
	}
	return 0;
}

/* Remove a foreign program attached through netlink.  One held by a
 * bpf_link is left alone (-EBUSY): a link's info gives an ifindex but no
 * network namespace, so searching links by ifindex could detach another
 * namespace's program; only its owner may remove it. */
static int remove_foreign(int ifindex, uint32_t mode)
{
	int err = bpf_xdp_detach(ifindex, mode, NULL);

	return err ? (errno ? -errno : err) : 0;
}

/* A free link of DP for port IFINDEX, DP made its family's pipeline. */
static int link_for(struct tna_dp *dp, int ifindex, struct tna_dp_link **l)
{
	if (tna_dp_link_of(dp, ifindex))
		return -EALREADY;
	*l = link_free(dp);
	if (!*l)
		return -ENOSPC;
	return make_current(dp);
}

/* A new link from port IFINDEX to DP's root, in DP's mode, into L. */
static int link_create(struct tna_dp *dp, struct tna_dp_link *l, int ifindex)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = dp->be->xdp_flags);
	int fd = bpf_link_create(dp->root->prog_fd, ifindex, BPF_XDP, &lo);

	if (fd < 0)
		return -errno;
	l->ifindex = ifindex;
	l->fd = fd;
	return 0;
}

int tna_dp__attach(struct tna_dp *dp, int ifindex)
{
	struct tna_dp_link *l;
	uint32_t id, mode = 0;
	int err;

	err = link_for(dp, ifindex, &l);
	if (err)
		return err;
	id = attached_id(ifindex, &mode);
	if (id) {
		if (!dp->force)
			return -EEXIST;
		err = remove_foreign(ifindex, mode);
		if (err)
			return err;
	}
	return link_create(dp, l, ifindex);
}

int tna_dp__detach(struct tna_dp *dp, int ifindex)
{
	struct tna_dp_link *l = tna_dp_link_of(dp, ifindex);
	int err;

	if (!l)
		return -ENOENT;
	tna_dp_nic_free(l);	/* the port's NIC stage goes with it */
	/* detach explicitly: the fd may have been duplicated */
	err = bpf_link_detach(l->fd) ? -errno : 0;
	close(l->fd);
	l->fd = -1;
	return err;
}

/* Another family, the same mode: the port's link is pointed at NEW_DP's
 * root in one bpf_link_update (the device runs the old program or the new
 * one, never none).  Another mode: the kernel keeps one XDP mode per
 * device (dev_xdp_attach refuses a generic program while a native one is
 * attached and the reverse), so the old link goes and the new one is
 * created right after: frames in between go to Linux. */
int tna_dp__move(struct tna_dp *old_dp, struct tna_dp *new_dp, int ifindex)
{
	struct tna_dp_link *o = tna_dp_link_of(old_dp, ifindex), *n;
	int err;

	if (!o)
		return -ENOENT;
	if (old_dp->root == new_dp->root)
		return -EINVAL;	/* one family runs one pipeline: tna_dp__replace */
	err = link_for(new_dp, ifindex, &n);
	if (err)
		return err;
	if (old_dp->be == new_dp->be) {
		if (bpf_link_update(o->fd, new_dp->root->prog_fd, NULL))
			return -errno;
		*n = *o;	/* with its NIC stage: independent of the pipeline */
		o->fd = -1;
		o->nic = NULL;
		return 0;
	}
	tna_dp__detach(old_dp, ifindex);
	return link_create(new_dp, n, ifindex);
}

/* Same family: one update of the root's slot swaps every port at once.
 * Another family (maps not shared): one link update per port to NEW_DP's
 * root. */
int tna_dp__replace(struct tna_dp *old_dp, struct tna_dp *new_dp)
{
	struct tna_dp_link *o, *n;
	int err, free_slots = TNA_MAX_PORTS - nlinks(new_dp);

	if (old_dp->be != new_dp->be)
		return -EINVAL;
	if (old_dp == new_dp)
		return 0;
	/* Check everything first: the slot update is all or nothing. */
	for (int i = 0; i < TNA_MAX_PORTS; i++) {
		o = &old_dp->links[i];
		if (o->fd < 0)
			continue;
		if (tna_dp_link_of(new_dp, o->ifindex))
			return -EALREADY;
		if (free_slots-- <= 0)
			return -ENOSPC;
	}
	if (!nlinks(old_dp))
		return 0;
	if (old_dp->root == new_dp->root) {
		err = tna_root_set(new_dp);
		if (err)
			return err;
	} else {
		err = make_current(new_dp);
		if (err)
			return err;
	}
	for (int i = 0; i < TNA_MAX_PORTS; i++) {
		o = &old_dp->links[i];
		if (o->fd < 0)
			continue;
		if (old_dp->root != new_dp->root &&
		    bpf_link_update(o->fd, new_dp->root->prog_fd, NULL))
			return -errno;
		n = link_free(new_dp);
		*n = *o;	/* with its NIC stage: independent of the pipeline */
		o->fd = -1;
		o->nic = NULL;
	}
	return 0;
}
