/* The port table, the devmap and the FDB mirror of a loaded pipeline. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/dp.h"
#include "targets/socks.h"

static int slot_of(const struct tna_dp *dp, int ifindex)
{
	for (int i = 1; i < TNA_MAX_PORTS; i++)
		if (dp->slot_ifindex[i] == ifindex)
			return i;
	return 0;
}

static int zero_stats(struct tna_dp *dp, __u32 idx)
{
	int ncpu = libbpf_num_possible_cpus();
	void *z;
	int err;

	if (ncpu < 0)
		return ncpu;
	z = calloc(ncpu, sizeof(struct tna_stats_val));
	if (!z)
		return -ENOMEM;
	err = bpf_map_update_elem(dp->stats_fd, &idx, z, BPF_ANY) ? -errno : 0;
	free(z);
	return err;
}

/* The device's MTU; 0 when it cannot be read (then every frame to the
 * port goes to Linux as egress_mtu). */
static uint16_t dev_mtu(int ifindex)
{
	struct ifreq ifr = { .ifr_ifindex = ifindex };
	int s = tna_socks_inet(), mtu = 0;

	if (s < 0)
		return 0;
	/* the name, as if_indextoname() asks it, on the same socket */
	if (!ioctl(s, SIOCGIFNAME, &ifr) && !ioctl(s, SIOCGIFMTU, &ifr))
		mtu = ifr.ifr_mtu;
	tna_socks_put_inet(s);
	return mtu > 0xffff ? 0xffff : mtu;
}

/* What port_set derives from the device for a port entry. */
static void derive(const struct tna_dp *dp, int ifindex, struct tna_port *p)
{
	p->flags = (p->flags & ~TNA_PORT_F_NO_XMIT) | dp->be->port_flags(ifindex);
	p->mtu = dev_mtu(ifindex);
	p->csum = !dp->be->port_csum_partial(ifindex) ? TNA_PORT_CSUM_COMPLETE :
		  p->csum_pass ? TNA_PORT_CSUM_PASS : TNA_PORT_CSUM_FIX;
}

int tna_dp__port_set(struct tna_dp *dp, int ifindex, const struct tna_port_cfg *cfg)
{
	struct tna_port p = {};
	__u32 key = ifindex, dev = ifindex;
	int idx, err;

	if (ifindex <= 0 || ifindex >= TNA_MAX_IFINDEX)
		return -ERANGE;
	idx = slot_of(dp, ifindex);
	if (!idx) {
		idx = slot_of(dp, 0);
		if (!idx)
			return -ENOSPC;
		err = zero_stats(dp, idx);
		if (err)
			return err;
	}
	p.idx = idx;
	p.stp_state = cfg->stp_state;
	p.flags = cfg->flags;
	p.csum_pass = cfg->csum_pass;
	derive(dp, ifindex, &p);
	/* devmap first: once the port is visible its slot can be used */
	__u32 k = idx;
	if (bpf_map_update_elem(dp->devmap_fd, &k, &dev, BPF_ANY))
		return -errno;
	if (bpf_map_update_elem(dp->ports_fd, &key, &p, BPF_ANY))
		return -errno;
	dp->slot_ifindex[idx] = ifindex;
	tna_dp_bump(dp);
	return 0;
}

/* The entry of port IFINDEX: -ENOENT when it is not a port. */
static int port_entry(const struct tna_dp *dp, int ifindex, struct tna_port *p)
{
	__u32 key = ifindex;

	if (ifindex <= 0 || ifindex >= TNA_MAX_IFINDEX)
		return -ERANGE;
	if (bpf_map_lookup_elem(dp->ports_fd, &key, p))
		return -errno;
	return p->idx ? 0 : -ENOENT;
}

int tna_dp__port_refresh(struct tna_dp *dp, int ifindex)
{
	struct tna_port p, n;
	__u32 key = ifindex;
	int err = port_entry(dp, ifindex, &p);

	if (err)
		return err;
	n = p;
	derive(dp, ifindex, &n);
	if (!memcmp(&n, &p, sizeof(p)))
		return 0;
	if (bpf_map_update_elem(dp->ports_fd, &key, &n, BPF_ANY))
		return -errno;
	tna_dp_bump(dp);
	return 1;
}

int tna_dp__port_no_xmit(struct tna_dp *dp, int ifindex, bool no_xmit)
{
	struct tna_port p;
	__u32 key = ifindex;
	int err = port_entry(dp, ifindex, &p);
	uint8_t flags;

	if (err)
		return err;
	if (dp->be->target != TNA_TARGET_NATIVE)	/* generic transmits anyway */
		no_xmit = false;
	flags = no_xmit ? p.flags | TNA_PORT_F_NO_XMIT : p.flags & ~TNA_PORT_F_NO_XMIT;
	if (flags == p.flags)
		return 0;
	p.flags = flags;
	if (bpf_map_update_elem(dp->ports_fd, &key, &p, BPF_ANY))
		return -errno;
	tna_dp_bump(dp);
	return 1;
}

int tna_dp__port_get(const struct tna_dp *dp, int ifindex, struct tna_port_cfg *cfg)
{
	struct tna_port p;
	int err = port_entry(dp, ifindex, &p);

	if (err)
		return err;
	memset(cfg, 0, sizeof(*cfg));
	cfg->stp_state = p.stp_state;
	cfg->flags = p.flags;
	cfg->mtu = p.mtu;
	cfg->csum = p.csum;
	cfg->csum_pass = p.csum_pass;
	return 0;
}

int tna_dp__port_del(struct tna_dp *dp, int ifindex)
{
	struct tna_port p = {};
	__u32 key = ifindex, k;
	int idx;

	if (ifindex <= 0 || ifindex >= TNA_MAX_IFINDEX)
		return -ERANGE;
	idx = slot_of(dp, ifindex);
	if (!idx)
		return -ENOENT;
	if (bpf_map_update_elem(dp->ports_fd, &key, &p, BPF_ANY))
		return -errno;
	k = idx;
	bpf_map_delete_elem(dp->devmap_fd, &k);
	dp->slot_ifindex[idx] = 0;
	tna_dp_bump(dp);
	return 0;
}

static void fdb_key(struct tna_fdb_key *k, const uint8_t mac[6], uint16_t vlan)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->mac, mac, 6);
	k->vlan = vlan;
}

/* A time of the fast path (low 32 bits of ns >> TNA_PEND_SHIFT) as
 * CLOCK_MONOTONIC ns, rounded down; NOW_U is now in the same units. */
static uint64_t pend_time(uint32_t t, uint64_t now_u)
{
	uint64_t full = (now_u & ~0xffffffffull) | t;

	if (full > now_u)
		full -= 1ull << 32;
	return full << TNA_PEND_SHIFT;
}

uint32_t tna_dp__pend_get(const struct tna_dp *dp, uint32_t slot, struct tna_pend_info *pi)
{
	const struct tna_pend *pd = &dp->pend[slot & ((1u << TNA_PEND_BITS) - 1)];
	/* the fast path writes the rest, then bumps the count: a count read
	 * first comes with the rest at least that new */
	uint32_t count = __atomic_load_n(&pd->count, __ATOMIC_ACQUIRE);
	struct timespec ts;
	uint64_t now_u;
	uint32_t t;

	if (!pi)
		return count;
	pi->port = (int)__atomic_load_n(&pd->port, __ATOMIC_RELAXED);
	if (!pi->port) {		/* never bumped */
		pi->bumped_ns = pi->mixed_ns = 0;
		return count;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now_u = ((uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec) >> TNA_PEND_SHIFT;
	pi->bumped_ns = pend_time(__atomic_load_n(&pd->when, __ATOMIC_RELAXED), now_u);
	t = __atomic_load_n(&pd->mixed, __ATOMIC_RELAXED);
	pi->mixed_ns = t ? pend_time(t, now_u) : 0;
	return count;
}

uint64_t *tna_dp__pend_dirty(struct tna_dp *dp)
{
	return dp ? dp->pend_dirty : NULL;
}

int tna_dp__fdb_write(struct tna_dp *dp, const uint8_t mac[6], uint16_t vlan,
		      int port_ifindex, uint32_t flags, uint32_t ack)
{
	struct tna_fdb_val v = {}, old;
	struct tna_fdb_key k;

	fdb_key(&k, mac, vlan);
	if (!bpf_map_lookup_elem(dp->fdb_fd, &k, &old) &&
	    old.ifindex == (__u32)port_ifindex) {
		if (old.flags == flags && old.ack == ack)
			return 0;	/* the same: no flow cache to invalidate */
		v.last_used = old.last_used;	/* a move starts afresh */
	}
	v.ifindex = port_ifindex;
	v.flags = flags;
	v.ack = ack;
	if (bpf_map_update_elem(dp->fdb_fd, &k, &v, BPF_ANY))
		return -errno;
	tna_dp_bump(dp);
	return 0;
}

int tna_dp__fdb_set(struct tna_dp *dp, const uint8_t mac[6], uint16_t vlan,
		    int port_ifindex, uint32_t flags)
{
	return tna_dp__fdb_write(dp, mac, vlan, port_ifindex, flags,
				 tna_dp__pend_get(dp, tna_pend_slot(mac, vlan), NULL));
}

int tna_dp__fdb_del(struct tna_dp *dp, const uint8_t mac[6], uint16_t vlan)
{
	struct tna_fdb_key k;

	fdb_key(&k, mac, vlan);
	if (bpf_map_delete_elem(dp->fdb_fd, &k))
		return -errno;
	tna_dp_bump(dp);
	return 0;
}

/* Walk the mirror in batches of N from *CUR (a whole walk: CUR NULL),
 * at most MAX batches (0: no limit); *CUR is updated, cur->done set at the
 * end (100k entries: a few syscalls). */
static int fdb_walk_from(struct tna_dp *dp, struct tna_fdb_cursor *cur, unsigned int max,
			 int (*fn)(const struct tna_fdb_key *, const struct tna_fdb_val *, void *),
			 void *ctx)
{
	enum { N = 4096 };
	struct tna_fdb_key *keys = calloc(N, sizeof(*keys));
	struct tna_fdb_val *vals = calloc(N, sizeof(*vals));
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	__u32 count;
	int err = 0;

	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (unsigned int b = 0; !cur->done && (!max || b < max); b++) {
		count = N;
		err = bpf_map_lookup_batch(dp->fdb_fd, cur->started ? &cur->pos : NULL, &cur->pos,
					   keys, vals, &count, &o);
		if (err) {
			err = -errno;
			if (err != -ENOENT)
				goto out;
			cur->done = true;
			err = 0;
		}
		cur->started = true;
		for (__u32 i = 0; i < count && !err; i++)
			err = fn(&keys[i], &vals[i], ctx);
		if (err)
			goto out;
	}
out:
	free(keys);
	free(vals);
	return err;
}

static int fdb_walk(struct tna_dp *dp,
		    int (*fn)(const struct tna_fdb_key *, const struct tna_fdb_val *, void *),
		    void *ctx)
{
	struct tna_fdb_cursor cur = {};

	return fdb_walk_from(dp, &cur, 0, fn, ctx);
}

struct keylist { struct tna_fdb_key *k; size_t n, cap; };

static int collect(const struct tna_fdb_key *k, const struct tna_fdb_val *v, void *ctx)
{
	struct keylist *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		void *p = realloc(l->k, cap * sizeof(*l->k));

		if (!p)
			return -ENOMEM;
		l->k = p;
		l->cap = cap;
	}
	l->k[l->n++] = *k;
	return 0;
}

int tna_dp__fdb_clear(struct tna_dp *dp)
{
	struct keylist l = {};
	int err = fdb_walk(dp, collect, &l);

	for (size_t i = 0; !err && i < l.n; i++)
		if (bpf_map_delete_elem(dp->fdb_fd, &l.k[i]) && errno != ENOENT)
			err = -errno;
	free(l.k);
	tna_dp_bump(dp);
	return err;
}

struct used_ctx {
	uint64_t since;
	int (*cb)(const uint8_t mac[6], uint16_t vlan, const struct tna_fdb_val *v, void *ctx);
	void *ctx;
};

static int used_one(const struct tna_fdb_key *k, const struct tna_fdb_val *v, void *ctx)
{
	struct used_ctx *u = ctx;

	if (!v->last_used || v->last_used <= u->since)
		return 0;
	return u->cb(k->mac, k->vlan, v, u->ctx);
}

int tna_dp__fdb_for_each_used(struct tna_dp *dp, uint64_t since_ns,
	int (*cb)(const uint8_t mac[6], uint16_t vlan, const struct tna_fdb_val *v,
		  void *ctx), void *ctx)
{
	struct used_ctx u = { since_ns, cb, ctx };

	tna_dp__tick(dp);
	return fdb_walk(dp, used_one, &u);
}

int tna_dp__fdb_used_step(struct tna_dp *dp, uint64_t since_ns, struct tna_fdb_cursor *cur,
	unsigned int batches,
	int (*cb)(const uint8_t mac[6], uint16_t vlan, const struct tna_fdb_val *v,
		  void *ctx), void *ctx)
{
	struct used_ctx u = { since_ns, cb, ctx };

	if (!cur->started)
		tna_dp__tick(dp);
	return fdb_walk_from(dp, cur, batches, used_one, &u);
}
