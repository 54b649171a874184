/* FDB mirror: the controller's side of the protocol of bpf/fpm/fdb.h
 * (controller/fdb_mirror.h), and the keep-alive rounds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/neighbour.h>

#include "common/nl.h"
#include "controller/fdb_keepalive.h"
#include "controller/fdb_mirror.h"
#include "targets/datapath.h"

struct tna_mirror_key {
	uint64_t key;
	int32_t next;
};

struct tna_ka_item {
	uint64_t key;
	int port;
	uint32_t ack;
};

static int dp_write(void *dp, const uint8_t mac[6], uint16_t vlan, int port,
		    uint32_t flags, uint32_t ack)
{
	return tna_dp__fdb_write(dp, mac, vlan, port, flags, ack);
}

static int dp_del(void *dp, const uint8_t mac[6], uint16_t vlan)
{
	return tna_dp__fdb_del(dp, mac, vlan);
}

static int dp_clear(void *dp)
{
	return tna_dp__fdb_clear(dp);
}

static uint32_t dp_pend(void *dp, uint32_t slot, struct tna_pend_info *pi)
{
	return tna_dp__pend_get(dp, slot, pi);
}

static uint64_t *dp_pend_dirty(void *dp)
{
	return tna_dp__pend_dirty(dp);
}

static int dp_used(void *dp, uint64_t since_ns, struct tna_fdb_cursor *cur,
		   int (*cb)(const uint8_t mac[6], uint16_t vlan, const struct tna_fdb_val *v,
			     void *ctx), void *ctx)
{
	return tna_dp__fdb_used_step(dp, since_ns, cur, 1, cb, ctx);
}

static int dp_refresh(void *dp, struct tna_nl *nl, int port, const uint8_t mac[6],
		      uint16_t vlan)
{
	return tna_fdb_refresh(nl, port, mac, vlan);
}

static void dp_fit(void *dp, uint32_t entries)
{
	tna_dp__flow_fit(dp, entries);
}

static const struct tna_fdb_sink_ops dp_ops = {
	.write = dp_write, .del = dp_del, .clear = dp_clear, .pend = dp_pend,
	.pend_dirty = dp_pend_dirty, .used = dp_used, .refresh = dp_refresh,
	.kernel_vlans = true, .fit = dp_fit,
};

void tna_fdb_mirror_init_ops(struct tna_fdb_mirror *m, int bridge_ifindex,
			     const struct tna_fdb_sink_ops *ops, void *sink)
{
	memset(m, 0, sizeof(*m));
	m->bridge_ifindex = bridge_ifindex;
	m->ops = ops;
	m->sink = sink;
}

void tna_fdb_mirror_init(struct tna_fdb_mirror *m, int bridge_ifindex,
			 struct tna_dp *dp)
{
	tna_fdb_mirror_init_ops(m, bridge_ifindex, &dp_ops, dp);
}

void tna_fdb_mirror_fini(struct tna_fdb_mirror *m)
{
	tna_keyset_free(&m->noted);
	tna_keyset_free(&m->retry);
	free(m->idx_head);
	free(m->idx);
	free(m->ka);
	free(m->ka_cur);
	free(m->ka_vlans);
	m->idx_head = NULL;
	m->idx = NULL;
	m->idx_n = m->idx_cap = 0;
	m->ka = NULL;
	m->ka_cur = NULL;
	m->ka_n = m->ka_next = m->ka_cap = 0;
	m->ka_walking = false;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint32_t fdb_flags(const struct tna_fdb *f)
{
	uint32_t fl = f->ntf_flags & NTF_STICKY ? TNA_FDB_F_STICKY : 0;

	switch (f->type) {
	case TNA_FDB_LOCAL:
		return fl | TNA_FDB_F_LOCAL;
	case TNA_FDB_STATIC:
		return fl | TNA_FDB_F_STATIC;
	default:
		return fl;
	}
}

int tna_fdb_mirror_note(struct tna_fdb_mirror *m, const uint8_t mac[6], uint16_t vlan)
{
	return tna_keyset_add(&m->noted, tna_key_pack(mac, vlan));
}

size_t tna_fdb_mirror_pending(const struct tna_fdb_mirror *m)
{
	return tna_keyset_count(&m->noted) + tna_keyset_count(&m->retry);
}

uint64_t tna_fdb_mirror_retry_due(const struct tna_fdb_mirror *m)
{
	return tna_keyset_count(&m->retry) ? m->retry_due_ns : 0;
}

/* Whether the model (holding the kernel's events up to SYNCED_NS) has the
 * port the kernel has for a key on PORT, as far as frames the fast path
 * passed could have moved it; else when to look again (*RETRY_NS). */
static bool settled(const struct tna_pend_info *pi, int port, uint64_t synced_ns,
		    uint64_t *retry_ns)
{
	if (!pi->bumped_ns || pi->bumped_ns + TNA_MIRROR_LEARN_NS <= synced_ns)
		return true;	/* every learn is in the model */
	if (pi->port == port && pi->mixed_ns + TNA_MIRROR_LEARN_NS <= synced_ns)
		return true;	/* those that may not be all taught PORT */
	*retry_ns = (pi->port == port ? pi->mixed_ns : pi->bumped_ns) + TNA_MIRROR_LEARN_NS;
	return false;
}

/* --- the mirrored keys by slot ------------------------------------------- */

static int idx_add(struct tna_fdb_mirror *m, uint64_t key, uint32_t slot)
{
	int32_t i;

	if (!m->idx_head) {
		m->idx_head = malloc(sizeof(*m->idx_head) << TNA_PEND_BITS);
		if (!m->idx_head)
			return -ENOMEM;
		memset(m->idx_head, 0xff, sizeof(*m->idx_head) << TNA_PEND_BITS);
		m->idx_free = -1;
	}
	for (i = m->idx_head[slot]; i >= 0; i = m->idx[i].next)
		if (m->idx[i].key == key)
			return 0;
	if (m->idx_free >= 0) {
		i = m->idx_free;
		m->idx_free = m->idx[i].next;
	} else {
		if (m->idx_n == m->idx_cap) {
			int32_t cap = m->idx_cap ? m->idx_cap * 2 : 1024;
			struct tna_mirror_key *a = realloc(m->idx, cap * sizeof(*a));

			if (!a)
				return -ENOMEM;
			m->idx = a;
			m->idx_cap = cap;
		}
		i = m->idx_n++;
	}
	m->idx[i] = (struct tna_mirror_key){ key, m->idx_head[slot] };
	m->idx_head[slot] = i;
	m->idx_live++;
	return 0;
}

static void idx_del(struct tna_fdb_mirror *m, uint64_t key, uint32_t slot)
{
	int32_t *pp;

	if (!m->idx_head)
		return;
	for (pp = &m->idx_head[slot]; *pp >= 0; pp = &m->idx[*pp].next) {
		int32_t i = *pp;

		if (m->idx[i].key == key) {
			*pp = m->idx[i].next;
			m->idx[i].next = m->idx_free;
			m->idx_free = i;
			m->idx_live--;
			return;
		}
	}
}

static void idx_clear(struct tna_fdb_mirror *m)
{
	free(m->idx_head);
	free(m->idx);
	m->idx_head = NULL;
	m->idx = NULL;
	m->idx_n = m->idx_cap = m->idx_live = 0;
}

/* P3 for one key. */
static int write_key(struct tna_fdb_mirror *m, const struct tna_model *model,
		     uint64_t key, uint64_t synced_ns)
{
	struct tna_pend_info pi;
	uint64_t due = 0;
	uint32_t count, slot;
	const struct tna_fdb *f;
	uint8_t mac[6];
	uint16_t vlan;
	bool confirm;
	int ret;

	tna_key_unpack(key, mac, &vlan);
	slot = tna_pend_slot(mac, vlan);
	count = m->ops->pend(m->sink, slot, &pi);
	f = tna_model_fdb_lookup(model, m->bridge_ifindex, mac, vlan);
	if (!f) {
		ret = m->ops->del(m->sink, mac, vlan);
		if (ret == -ENOENT)
			ret = 0;	/* never mirrored */
		if (!ret) {
			m->dels++;
			idx_del(m, key, slot);
		}
		return ret;
	}
	confirm = settled(&pi, f->port, synced_ns, &due);
	ret = m->ops->write(m->sink, mac, vlan, f->port, fdb_flags(f),
			    confirm ? count : count - 1);
	if (ret)
		return ret;
	m->sets++;
	idx_add(m, key, slot);	/* without it the key is only not rescanned */
	if (!confirm) {
		m->unconfirmed++;
		if (!tna_keyset_count(&m->retry) || due < m->retry_due_ns)
			m->retry_due_ns = due;
		tna_keyset_add(&m->retry, key);
	}
	return 0;
}

size_t tna_fdb_mirror_flush(struct tna_fdb_mirror *m, const struct tna_model *model,
			    uint64_t now, uint64_t synced_ns, uint64_t deadline_ns)
{
	uint64_t key;
	unsigned int n = 0;

	if (tna_keyset_count(&m->retry) && now >= m->retry_due_ns) {
		while (tna_keyset_pop(&m->retry, &key))
			tna_keyset_add(&m->noted, key);
	}
	while (tna_keyset_pop(&m->noted, &key)) {
		/* A full map is not fatal: those MACs simply go to Linux. */
		int ret = write_key(m, model, key, synced_ns);

		if (ret && ret != -E2BIG && ret != -ENOSPC)
			m->errors++;
		if (deadline_ns && !(++n & 63) && mono_ns() >= deadline_ns)
			break;
	}
	if (m->ops->fit && m->idx_live != m->idx_fitted) {
		m->ops->fit(m->sink, m->idx_live);
		m->idx_fitted = m->idx_live;
	}
	return tna_keyset_count(&m->noted);
}

int tna_fdb_mirror_scan(struct tna_fdb_mirror *m,
			void (*note)(void *ctx, const uint8_t mac[6], uint16_t vlan),
			void *ctx)
{
	uint64_t *dirty = m->ops->pend_dirty ? m->ops->pend_dirty(m->sink) : NULL;
	uint8_t mac[6];
	uint16_t vlan;
	int n = 0;

	if (!dirty)
		return 0;
	for (uint32_t w = 0; w < TNA_PEND_DIRTY_WORDS; w++) {
		uint64_t bits;

		if (!__atomic_load_n(&dirty[w], __ATOMIC_RELAXED))
			continue;
		/* a bump after this sets the bit again: seen next time */
		bits = __atomic_exchange_n(&dirty[w], 0, __ATOMIC_ACQ_REL);
		while (bits) {
			uint32_t slot = w * 64 + __builtin_ctzll(bits);

			bits &= bits - 1;
			n++;
			if (!m->idx_head)
				continue;
			for (int32_t i = m->idx_head[slot]; i >= 0; i = m->idx[i].next) {
				tna_key_unpack(m->idx[i].key, mac, &vlan);
				note(ctx, mac, vlan);
			}
		}
	}
	if (n)
		m->rescans++;
	return n;
}

struct sync_ctx {
	struct tna_fdb_mirror *m;
	const struct tna_model *model;
	uint64_t synced;
	int err;
};

static int sync_one(const struct tna_fdb *f, void *p)
{
	struct sync_ctx *s = p;
	int ret;

	if (f->master != s->m->bridge_ifindex)
		return 0;
	ret = write_key(s->m, s->model, tna_key_pack(f->mac, f->vlan), s->synced);
	/* A full map is not fatal: those MACs simply go to Linux. */
	if (ret && ret != -E2BIG && ret != -ENOSPC) {
		s->m->errors++;
		s->err = s->err ? s->err : ret;
	}
	return 0;
}

int tna_fdb_mirror_sync(struct tna_fdb_mirror *m, const struct tna_model *model,
			uint64_t synced_ns)
{
	struct sync_ctx s = { m, model, synced_ns, 0 };
	int ret = m->ops->clear(m->sink);

	if (ret)
		return ret;
	m->clears++;
	tna_keyset_clear(&m->noted);
	idx_clear(m);
	tna_model_for_each_fdb(model, sync_one, &s);
	return s.err;
}

/* --- keep-alive ---------------------------------------------------------- */

static int collect_used(const uint8_t mac[6], uint16_t vlan, const struct tna_fdb_val *v,
			void *p)
{
	struct tna_fdb_mirror *m = p;

	if (v->flags)		/* static entries do not age, local ones are not sources */
		return 0;
	if (m->ka_n == m->ka_cap) {
		size_t cap = m->ka_cap ? m->ka_cap * 2 : 1024;
		struct tna_ka_item *a = realloc(m->ka, cap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		m->ka = a;
		m->ka_cap = cap;
	}
	m->ka[m->ka_n++] = (struct tna_ka_item){ tna_key_pack(mac, vlan), (int)v->ifindex, v->ack };
	return 0;
}

int tna_fdb_keepalive_start(struct tna_fdb_mirror *m, uint64_t now_ns, uint64_t ageing_ns)
{
	uint64_t since = m->last_round_ns;

	/* The fast path re-stamps at most every TNA_STAMP_NS: an entry in use
	 * may carry a stamp up to that much older than the last round. */
	since = since > TNA_STAMP_NS ? since - TNA_STAMP_NS : 0;
	/* Linux would have aged out what was last used longer ago than the
	 * ageing time (e.g. after ageing_time was lowered): leave it. */
	if (now_ns > ageing_ns && since < now_ns - ageing_ns)
		since = now_ns - ageing_ns;
	if (!m->ka_cur && !(m->ka_cur = calloc(1, sizeof(*m->ka_cur))))
		return -ENOMEM;
	memset(m->ka_cur, 0, sizeof(*m->ka_cur));
	m->ka_n = m->ka_next = 0;
	m->ka_refreshed = m->ka_skipped = 0;
	m->ka_since = since;
	m->ka_walking = true;
	m->last_round_ns = now_ns;
	return 0;
}

#define KA_MAX_VLAN_PORTS 1024

/* The VLANs of the bridge's ports, for undo_vlans(): none on a kernel
 * without bridge VLAN filtering. */
static void load_vlans(struct tna_fdb_mirror *m, struct tna_nl *nl)
{
	int n;

	m->ka_nvlans = 0;
	if (!m->ops->kernel_vlans)
		return;
	if (!m->ka_vlans && !(m->ka_vlans = calloc(KA_MAX_VLAN_PORTS, sizeof(*m->ka_vlans))))
		return;
	n = tna_fdb_port_vlans(nl, m->bridge_ifindex, m->ka_vlans, KA_MAX_VLAN_PORTS);
	m->ka_nvlans = n > 0 ? n : 0;
}

/* A refresh without a VLAN of MAC on PORT was repeated by the kernel in
 * each VLAN of the port: delete what it created where the model had no
 * entry (Linux alone would not have it). */
static void undo_vlans(struct tna_fdb_mirror *m, const struct tna_model *model,
		       struct tna_nl *nl, int port, const uint8_t mac[6])
{
	for (int i = 0; i < m->ka_nvlans; i++) {
		const struct tna_port_vlans *pv = &m->ka_vlans[i];

		if (pv->ifindex != port)
			continue;
		for (int k = 0; k < pv->n; k++)
			if (!tna_model_fdb_lookup(model, m->bridge_ifindex, mac, pv->vid[k]) &&
			    tna_fdb_forget(nl, port, mac, pv->vid[k]) == 0)
				m->vlan_undone++;
		return;
	}
}

size_t tna_fdb_keepalive_step(struct tna_fdb_mirror *m, const struct tna_model *model,
			      struct tna_nl *nl, uint64_t synced_ns, uint64_t deadline_ns)
{
	/* first the walk, a batch per call */
	if (m->ka_walking) {
		int ret = m->ops->used(m->sink, m->ka_since, m->ka_cur, collect_used, m);

		if (ret < 0 || m->ka_cur->done)
			m->ka_walking = false;
		if (ret < 0)
			m->refresh_errors++;
		if (m->ka_walking)
			return 1;
	}
	if (m->ka_next == 0 && m->ka_n)
		load_vlans(m, nl);
	while (m->ka_next < m->ka_n) {
		const struct tna_ka_item *it = &m->ka[m->ka_next++];
		const struct tna_fdb *f;
		struct tna_pend_info pi;
		uint64_t due;
		uint32_t slot, count;
		uint8_t mac[6];
		uint16_t vlan;

		tna_key_unpack(it->key, mac, &vlan);
		slot = tna_pend_slot(mac, vlan);
		count = m->ops->pend(m->sink, slot, &pi);
		f = tna_model_fdb_lookup(model, m->bridge_ifindex, mac, vlan);
		/* Only what agrees with the kernel: confirmed (no move since it
		 * was written), on this port in the model, and any learn from a
		 * pending mark already in the model. */
		if (it->ack != count || !f || f->port != it->port || f->type != TNA_FDB_DYNAMIC ||
		    !settled(&pi, it->port, synced_ns, &due)) {
			m->refresh_skipped++;
			m->ka_skipped++;
		} else if (m->ops->refresh(m->sink, nl, it->port, mac, vlan) == 0) {
			m->refreshed++;
			m->ka_refreshed++;
			if (!vlan)
				undo_vlans(m, model, nl, it->port, mac);
			/* a frame of this slot went to Linux meanwhile */
			if (m->ops->pend(m->sink, slot, NULL) != count)
				m->refresh_raced++;
		} else {
			/* A failure (port just removed, ...) must not stop the round. */
			m->refresh_errors++;
		}
		/* each refresh may wait for RTNL: look at the clock each time */
		if (deadline_ns && mono_ns() >= deadline_ns)
			break;
	}
	return m->ka_n - m->ka_next;
}
