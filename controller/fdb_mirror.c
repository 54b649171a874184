/* FDB mirror: model events -> the fast path's FDB map; keep-alive rounds. */
#include <errno.h>
#include <string.h>

#include "common/nl.h"
#include "controller/fdb_keepalive.h"
#include "controller/fdb_mirror.h"
#include "targets/datapath.h"

static int dp_set(void *dp, const uint8_t mac[6], uint16_t vlan, int port,
		  uint32_t flags)
{
	return tna_dp__fdb_set(dp, mac, vlan, port, flags);
}

static int dp_del(void *dp, const uint8_t mac[6], uint16_t vlan)
{
	return tna_dp__fdb_del(dp, mac, vlan);
}

static int dp_clear(void *dp)
{
	return tna_dp__fdb_clear(dp);
}

static const struct tna_fdb_sink_ops dp_ops = {
	.set = dp_set, .del = dp_del, .clear = dp_clear,
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

static uint32_t fdb_flags(const struct tna_fdb *f)
{
	switch (f->type) {
	case TNA_FDB_LOCAL:
		return TNA_FDB_F_LOCAL;
	case TNA_FDB_STATIC:
		return TNA_FDB_F_STATIC;
	default:
		return 0;
	}
}

int tna_fdb_mirror_apply(struct tna_fdb_mirror *m, enum tna_op op,
			 const struct tna_fdb *f)
{
	int ret;

	if (!f || f->master != m->bridge_ifindex)
		return 0;
	if (op == TNA_OP_DEL) {
		ret = m->ops->del(m->sink, f->mac, f->vlan);
		if (ret == -ENOENT)
			ret = 0;	/* never mirrored (e.g. before a resync) */
		if (!ret)
			m->dels++;
	} else {
		ret = m->ops->set(m->sink, f->mac, f->vlan, f->port, fdb_flags(f));
		if (!ret)
			m->sets++;
	}
	if (ret)
		m->errors++;
	return ret;
}

static int sync_one(const struct tna_fdb *f, void *ctx)
{
	struct tna_fdb_mirror *m = ctx;
	int ret = tna_fdb_mirror_apply(m, TNA_OP_ADD, f);

	/* A full map is not fatal: those MACs simply go to Linux. */
	return ret == -E2BIG || ret == -ENOSPC ? 0 : ret;
}

int tna_fdb_mirror_sync(struct tna_fdb_mirror *m, const struct tna_model *model)
{
	int ret = m->ops->clear(m->sink);

	if (ret)
		return ret;
	m->clears++;
	return tna_model_for_each_fdb(model, sync_one, m);
}

struct round_ctx {
	struct tna_fdb_mirror *m;
	struct tna_nl *nl;
	int n;
};

static int refresh_one(const uint8_t mac[6], uint16_t vlan, int port,
		       uint64_t last_used_ns, void *ctx)
{
	struct round_ctx *r = ctx;

	/* A failure (port just removed, ...) must not stop the round. */
	if (tna_fdb_refresh(r->nl, port, mac, vlan) == 0) {
		r->m->refreshed++;
		r->n++;
	} else {
		r->m->refresh_errors++;
	}
	return 0;
}

int tna_fdb_keepalive_round(struct tna_fdb_mirror *m, struct tna_dp *dp,
			    struct tna_nl *nl, uint64_t now_ns,
			    uint64_t ageing_ns)
{
	struct round_ctx r = { .m = m, .nl = nl };
	uint64_t since = m->last_round_ns;
	int ret;

	/* The fast path re-stamps at most every TNA_STAMP_NS: an entry in use
	 * may carry a stamp up to that much older than the last round. */
	since = since > TNA_STAMP_NS ? since - TNA_STAMP_NS : 0;
	/* Linux would have aged out what was last used longer ago than the
	 * ageing time (e.g. after ageing_time was lowered): leave it. */
	if (now_ns > ageing_ns && since < now_ns - ageing_ns)
		since = now_ns - ageing_ns;
	ret = tna_dp__fdb_for_each_used(dp, since, refresh_one, &r);
	m->last_round_ns = now_ns;
	return ret < 0 ? ret : r.n;
}
