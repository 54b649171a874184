/* controller/fdb_mirror: the controller's side of the FDB mirror protocol
 * (bpf/fpm/fdb.h, rule P3) against a fake datapath and a hand-made model:
 * what is written is the model's current entry, never an event's payload;
 * an entry is confirmed (ack = the slot's count) only when the model holds
 * every learn of the bumps counted; unconfirmed writes are retried; the
 * scan finds the keys of bumped slots; the keep-alive refreshes only
 * entries that agree with the kernel. */
#include <errno.h>
#include <stdlib.h>
#include <linux/neighbour.h>
#include "controller/fdb_mirror.h"
#include "introspect/model_priv.h"
#include "targets/datapath.h"
#include "tests/lib/tna_test.h"

#define BR 10
#define MS 1000000ull

/* The fake datapath: a small table and the pending slots. */
struct ent { uint8_t mac[6]; int port; uint32_t flags, ack; bool used; };
struct fake {
	struct ent e[16];
	int n, clears, refreshed[16], nref;
	int fitted, fits;		/* the last ops->fit, and how many */
	struct tna_pend pend[1 << TNA_PEND_BITS];
	uint64_t dirty[TNA_PEND_DIRTY_WORDS];
	struct tna_pend_info info[1 << TNA_PEND_BITS];
};
static struct fake fk;

static int find(const uint8_t mac[6])
{
	for (int i = 0; i < fk.n; i++)
		if (!memcmp(fk.e[i].mac, mac, 6))
			return i;
	return -1;
}

static int f_write(void *s, const uint8_t mac[6], uint16_t vlan, int port, uint32_t flags,
		   uint32_t ack)
{
	int i = find(mac);

	if (i < 0) {
		if (fk.n == 16)
			return -E2BIG;
		i = fk.n++;
		fk.e[i].used = false;
	}
	memcpy(fk.e[i].mac, mac, 6);
	fk.e[i].port = port;
	fk.e[i].flags = flags;
	fk.e[i].ack = ack;
	return 0;
}

static int f_del(void *s, const uint8_t mac[6], uint16_t vlan)
{
	int i = find(mac);

	if (i < 0)
		return -ENOENT;
	fk.e[i] = fk.e[--fk.n];
	return 0;
}

static int f_clear(void *s) { fk.n = 0; fk.clears++; return 0; }

static uint32_t f_pend(void *s, uint32_t slot, struct tna_pend_info *pi)
{
	if (pi)
		*pi = fk.info[slot];
	return fk.pend[slot].count;
}

static uint64_t *f_pend_dirty(void *s) { return fk.dirty; }

static int f_used(void *s, uint64_t since, struct tna_fdb_cursor *cur,
		  int (*cb)(const uint8_t mac[6], uint16_t vlan, const struct tna_fdb_val *v, void *ctx),
		  void *ctx)
{
	cur->done = true;	/* everything in one step */
	for (int i = 0; i < fk.n; i++) {
		struct tna_fdb_val v = { .ifindex = fk.e[i].port, .flags = fk.e[i].flags,
					 .ack = fk.e[i].ack, .last_used = since + 1 };

		if (fk.e[i].used)
			cb(fk.e[i].mac, 0, &v, ctx);
	}
	return 0;
}

static int f_refresh(void *s, struct tna_nl *nl, int port, const uint8_t mac[6], uint16_t vlan)
{
	fk.refreshed[fk.nref++ % 16] = port;
	return 0;
}

static void f_fit(void *s, uint32_t entries)
{
	fk.fitted = entries;
	fk.fits++;
}

static const struct tna_fdb_sink_ops ops = {
	f_write, f_del, f_clear, f_pend, f_pend_dirty, f_used, f_refresh, false, f_fit,
};

/* Keys the scan noted. */
static struct { int n; uint8_t mac[6]; } got;
static void note(void *ctx, const uint8_t mac[6], uint16_t vlan)
{
	got.n++;
	memcpy(got.mac, mac, 6);
}

/* The fast path's bump (P2) of MAC's slot at time T by a frame on PORT. */
static void bump_on(const uint8_t mac[6], uint64_t t, int port)
{
	uint32_t s = tna_pend_slot(mac, 0);

	fk.pend[s].count++;
	fk.dirty[s >> 6] |= 1ull << (s & 63);
	if (fk.info[s].port && fk.info[s].port != port)
		fk.info[s].mixed_ns = t;
	fk.info[s].port = port;
	fk.info[s].bumped_ns = t;
}

static void bump(const uint8_t mac[6], uint64_t t)
{
	bump_on(mac, t, 99);	/* from a port nobody is mirrored on */
}

static bool confirmed(const uint8_t mac[6])
{
	int i = find(mac);

	return i >= 0 && fk.e[i].ack == fk.pend[tna_pend_slot(mac, 0)].count;
}

static void kernel(struct tna_model *m, const uint8_t mac[6], int port, enum tna_fdb_type t)
{
	struct tna_fdb f = { .master = BR, .port = port, .state = NUD_REACHABLE, .type = t };

	memcpy(f.mac, mac, 6);
	if (port)
		tna_model_put(m, TNA_SET_FDB, &f);
	else
		tna_model_del(m, TNA_SET_FDB, &f);
}

int main(void)
{
	static const uint8_t A[6] = { 2, 0, 0, 0, 0, 0xa }, M[6] = { 2, 0, 0, 0, 0, 1 },
		L[6] = { 2, 0, 0, 0, 0, 0xb }, S[6] = { 2, 0, 0, 0, 0, 0xc };
	struct tna_model *model = tna_model_new();
	struct tna_fdb_mirror m;
	uint64_t t = 1000 * MS;		/* "now" */
	uint8_t other[6] = { 2, 0, 0, 0, 0, 0x99 };
	int i;

	tna_fdb_mirror_init_ops(&m, BR, &ops, &fk);

	/* learn: noted, then written from the model, confirmed */
	kernel(model, A, 11, TNA_FDB_DYNAMIC);
	kernel(model, M, 11, TNA_FDB_DYNAMIC);
	tna_fdb_mirror_note(&m, A, 0);
	tna_fdb_mirror_note(&m, M, 0);
	CHECK_EQ(tna_fdb_mirror_flush(&m, model, t, t, 0), 0);
	CHECK(fk.n == 2 && fk.e[find(A)].port == 11 && confirmed(A) && confirmed(M),
	      "learned and confirmed");
	/* the flow cache is fitted to the keys mirrored, once per change */
	CHECK(fk.fits == 1 && fk.fitted == 2, "fit %d times, to %d", fk.fits, fk.fitted);
	tna_fdb_mirror_note(&m, A, 0);		/* rewritten: no new key */
	tna_fdb_mirror_flush(&m, model, t, t, 0);
	CHECK(fk.fits == 1 && fk.fitted == 2, "a rewrite fits again (%d)", fk.fits);

	/* Stale replay: M moves to 12 then 13 (the fast path bumped its slot
	 * for each frame that taught Linux); the first move's event is applied
	 * after the second is in the model: the current port is written. */
	bump(M, t + 1 * MS);
	kernel(model, M, 12, TNA_FDB_DYNAMIC);
	bump(M, t + 2 * MS);
	kernel(model, M, 13, TNA_FDB_DYNAMIC);
	t += 100 * MS;
	tna_fdb_mirror_note(&m, M, 0);		/* the first move's event, late */
	CHECK_EQ(tna_fdb_mirror_flush(&m, model, t, t, 0), 0);
	CHECK(fk.e[find(M)].port == 13 && confirmed(M),
	      "late event writes the current port, confirmed: port %d", fk.e[find(M)].port);

	/* P3: the model may not hold the learn of a recent bump yet (synced
	 * before bump + the learn delay): written unconfirmed, retried. */
	bump(M, t);
	kernel(model, M, 11, TNA_FDB_DYNAMIC);
	tna_fdb_mirror_note(&m, M, 0);
	CHECK_EQ(tna_fdb_mirror_flush(&m, model, t + 1 * MS, t + 1 * MS, 0), 0);
	CHECK(fk.e[find(M)].port == 11 && !confirmed(M), "recent bump: unconfirmed");
	CHECK_EQ(tna_fdb_mirror_pending(&m), 1);
	CHECK_EQ(tna_fdb_mirror_retry_due(&m), t + TNA_MIRROR_LEARN_NS);
	/* not due yet: nothing happens */
	tna_fdb_mirror_flush(&m, model, t + 10 * MS, t + 10 * MS, 0);
	CHECK(!confirmed(M), "retry before it is due");
	/* due, but the model is not synced that far: still unconfirmed */
	tna_fdb_mirror_flush(&m, model, t + TNA_MIRROR_LEARN_NS, t + 10 * MS, 0);
	CHECK(!confirmed(M), "retry with a model that lags");
	CHECK_EQ(tna_fdb_mirror_pending(&m), 1);
	/* due and synced: confirmed, nothing left */
	tna_fdb_mirror_flush(&m, model, t + TNA_MIRROR_LEARN_NS + MS,
			     t + TNA_MIRROR_LEARN_NS + MS, 0);
	CHECK(confirmed(M), "retry confirms once the model holds the learn");
	CHECK_EQ(tna_fdb_mirror_pending(&m), 0);
	t += TNA_MIRROR_LEARN_NS + 10 * MS;

	/* A host sending steadily from where it is: every frame of an
	 * unconfirmed source bumps, all from its port; the model has it
	 * there: confirmed at once, no endless retry. */
	kernel(model, A, 11, TNA_FDB_DYNAMIC);
	for (i = 0; i < 5; i++)
		bump_on(A, t + i * MS, 11);
	tna_fdb_mirror_note(&m, A, 0);
	tna_fdb_mirror_flush(&m, model, t + 5 * MS, t + 5 * MS, 0);
	CHECK(confirmed(A), "a new MAC sending from its port is confirmed at once");
	bump_on(A, t + 6 * MS, 12);		/* moved to 12 */
	bump_on(A, t + 7 * MS, 11);		/* and back */
	tna_fdb_mirror_note(&m, A, 0);
	tna_fdb_mirror_flush(&m, model, t + 8 * MS, t + 8 * MS, 0);
	CHECK(!confirmed(A), "frames from two ports within the learn delay");
	t += TNA_MIRROR_LEARN_NS + 10 * MS;
	for (i = 0; i < 5; i++)
		bump_on(A, t + i * MS, 11);
	tna_fdb_mirror_flush(&m, model, t + 5 * MS, t + 5 * MS, 0);
	CHECK(confirmed(A), "steady sender on its port confirmed despite recent bumps");
	/* ... but not on a port the model does not name */
	bump_on(A, t + 6 * MS, 12);
	tna_fdb_mirror_note(&m, A, 0);
	tna_fdb_mirror_flush(&m, model, t + 7 * MS, t + 7 * MS, 0);
	CHECK(!confirmed(A), "a recent frame from port 12 while the model says 11");
	t += TNA_MIRROR_LEARN_NS + 10 * MS;
	tna_fdb_mirror_flush(&m, model, t, t, 0);
	CHECK(confirmed(A), "confirmed once the model holds that learn");
	t += 10 * MS;

	/* A bump between the controller's read of the count and its write
	 * (simulated: the write carries the count read before) leaves the
	 * entry unconfirmed: the fast path compares with the live count. */
	tna_fdb_mirror_note(&m, A, 0);
	tna_fdb_mirror_flush(&m, model, t, t, 0);
	CHECK(confirmed(A), "A confirmed");
	bump(A, t + MS);
	CHECK(!confirmed(A), "a later bump unconfirms what was written before");

	/* the scan notes the keys of bumped slots, and only those */
	tna_fdb_mirror_scan(&m, note, NULL);		/* the bumps so far */
	bump(M, t + 2 * MS);
	{
		got.n = 0;
		int n = tna_fdb_mirror_scan(&m, note, NULL);

		CHECK_EQ(n, 1);
		CHECK(got.n == 1 && !memcmp(got.mac, M, 6), "scan noted %d key(s)", got.n);
		got.n = 0;
		n = tna_fdb_mirror_scan(&m, note, NULL);
		CHECK_EQ(n, 0);
		CHECK_EQ(got.n, 0);
	}

	/* deleted in the kernel: deleted in the mirror, whatever the event */
	kernel(model, A, 0, TNA_FDB_DYNAMIC);
	tna_fdb_mirror_note(&m, A, 0);
	tna_fdb_mirror_flush(&m, model, t + 100 * MS, t + 100 * MS, 0);
	CHECK(find(A) < 0, "deleted");
	CHECK(fk.fits == 2 && fk.fitted == 1, "fitted to %d after a delete", fk.fitted);
	tna_fdb_mirror_note(&m, A, 0);		/* again: not an error */
	tna_fdb_mirror_flush(&m, model, t + 100 * MS, t + 100 * MS, 0);
	CHECK_EQ(m.errors, 0);
	CHECK_EQ(fk.fitted, 1);			/* nothing counted twice */

	/* flags: local, static, sticky (Linux never moves a sticky one) */
	kernel(model, L, BR, TNA_FDB_LOCAL);
	kernel(model, S, 13, TNA_FDB_STATIC);
	{
		struct tna_fdb f = { .master = BR, .port = 12, .state = NUD_NOARP,
				     .type = TNA_FDB_STATIC, .ntf_flags = NTF_STICKY };

		memcpy(f.mac, other, 6);
		tna_model_put(model, TNA_SET_FDB, &f);
	}
	tna_fdb_mirror_note(&m, L, 0);
	tna_fdb_mirror_note(&m, S, 0);
	tna_fdb_mirror_note(&m, other, 0);
	tna_fdb_mirror_flush(&m, model, t + 100 * MS, t + 100 * MS, 0);
	CHECK_EQ(fk.e[find(L)].flags, TNA_FDB_F_LOCAL);
	CHECK_EQ(fk.e[find(S)].flags, TNA_FDB_F_STATIC);
	CHECK_EQ(fk.e[find(other)].flags, TNA_FDB_F_STATIC | TNA_FDB_F_STICKY);

	/* another bridge's entries are not mirrored by a sync */
	{
		struct tna_fdb f = { .master = 99, .port = 50, .type = TNA_FDB_DYNAMIC };

		f.mac[0] = 2, f.mac[5] = 0x77;
		tna_model_put(model, TNA_SET_FDB, &f);
		CHECK_EQ(tna_fdb_mirror_sync(&m, model, t + 100 * MS), 0);
		CHECK(find(f.mac) < 0 && find(M) >= 0 && fk.clears == 1, "sync: this bridge only");
	}

	/* Keep-alive: only entries that agree with the kernel are refreshed,
	 * on their port; never one the kernel has elsewhere (NTF_USE would
	 * move it back), unconfirmed, or with a learn the model may miss. */
	t += 200 * MS;
	for (i = 0; i < fk.n; i++)
		fk.e[i].used = true;
	kernel(model, M, 13, TNA_FDB_DYNAMIC);
	tna_fdb_mirror_note(&m, M, 0);
	tna_fdb_mirror_flush(&m, model, t, t, 0);
	CHECK(confirmed(M) && fk.e[find(M)].port == 13, "M confirmed on 13");
	CHECK_EQ(tna_fdb_keepalive_start(&m, t, 300000 * MS), 0);
	fk.nref = 0;
	CHECK_EQ(tna_fdb_keepalive_step(&m, model, NULL, t, 0), 0);
	CHECK_EQ(m.ka_n, 1);					/* M only: dynamic */
	CHECK(fk.nref == 1 && fk.refreshed[0] == 13, "refreshed on its port: %d", fk.refreshed[0]);
	/* the kernel moved it (the model says so), the mirror not yet */
	kernel(model, M, 12, TNA_FDB_DYNAMIC);
	tna_fdb_keepalive_start(&m, t, 300000 * MS);
	fk.nref = 0;
	tna_fdb_keepalive_step(&m, model, NULL, t, 0);
	CHECK_EQ(fk.nref, 0);
	/* agrees with the model, but a frame just went to Linux from it */
	kernel(model, M, 13, TNA_FDB_DYNAMIC);
	bump(M, t);
	tna_fdb_keepalive_start(&m, t, 300000 * MS);
	fk.nref = 0;
	tna_fdb_keepalive_step(&m, model, NULL, t + MS, 0);
	CHECK_EQ(fk.nref, 0);
	CHECK(m.refresh_skipped >= 2, "skipped %llu", (unsigned long long)m.refresh_skipped);

	tna_fdb_mirror_fini(&m);
	tna_model_free(model);
	return tna_test_exit();
}
