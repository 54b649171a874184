/* The FDB mirror protocol and the dead-man switch on the real pipeline
 * (bpf/fpm/fdb.h, src_guard.h, deadman.h; controller/fdb_mirror.h): frames
 * through BPF_PROG_RUN, the controller's side through the real datapath
 * and a hand-made model.  Each case is one of the windows the protocol
 * closes: a late event writing an old port (stale replay), a frame
 * absorbed on a stale entry's port (hidden move), a bump between the
 * controller's read and write, cached flows, locked and held ports, and a
 * silent controller. */
#include <time.h>
#include <linux/neighbour.h>
#include "tests/lib/fastpath.h"
#include "bpf/tna_bridge.skel.h"
#include "controller/fdb_mirror.h"
#include "introspect/model_priv.h"

#define BR 1000
#define MS 1000000ull

static const uint8_t A[6] = { 0x02, 0, 0, 0, 0, 0x0a };	/* on p1 */
static const uint8_t C[6] = { 0x02, 0, 0, 0, 0, 0x0c };	/* on p3 */
static const uint8_t M[6] = { 0x02, 0, 0, 0, 0, 0x01 };	/* the mover */
static const uint8_t N[6] = { 0x02, 0, 0, 0, 0, 0x0e };	/* new */
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static int p1, p2, p3;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Frame DST <- SRC on IN: the action, and the reason when passed. */
static int run(struct tna_dp *dp, int in, const uint8_t *dst, const uint8_t *src, int *reason)
{
	uint32_t idx = fp_idx(dp, in);
	struct tna_stats_val b = fp_stats(dp, idx), a;
	uint8_t f[64];
	int ret;

	fp_frame(f, dst, src, 0x88b5);
	ret = fp_run(dp, in, f, 64);
	a = fp_stats(dp, idx);
	*reason = -1;
	for (int r = 0; r < TNA_REASON_MAX; r++)
		if (a.passed[r] != b.passed[r])
			*reason = r;
	return ret;
}

#define EXPECT(dp, what, in, dst, src, action, why) do {			\
	int r_, a_ = run(dp, in, dst, src, &r_);				\
	CHECK(a_ == (action) && r_ == (why), "%s: action %d reason %s, expected %d %s", \
	      what, a_, r_ < 0 ? "-" : tna_reason_name(r_), action,		\
	      (why) < 0 ? "-" : tna_reason_name(why));			\
} while (0)
#define FWD -1
#define R(x) TNA_REASON_##x

static void kernel(struct tna_model *m, const uint8_t mac[6], int port)
{
	struct tna_fdb f = { .master = BR, .port = port, .state = NUD_REACHABLE,
			     .type = TNA_FDB_DYNAMIC };

	memcpy(f.mac, mac, 6);
	if (port)
		tna_model_put(m, TNA_SET_FDB, &f);
	else
		tna_model_del(m, TNA_SET_FDB, &f);
}

static uint32_t gen(struct tna_dp *dp)
{
	return __atomic_load_n(&dp->clk->gen, __ATOMIC_ACQUIRE);
}

static uint32_t pend(struct tna_dp *dp, const uint8_t mac[6])
{
	return tna_dp__pend_get(dp, tna_pend_slot(mac, 0), NULL);
}

int main(void)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC,
				 .fpms = TNA_FPM_BRIDGE };
	struct tna_port_cfg fwd = { .stp_state = 3, .flags = TNA_PORT_F_LEARNING };
	struct tna_model *model = tna_model_new();
	struct tna_fdb_mirror m;
	struct tna_dp *dp;
	uint64_t t;
	uint32_t c, g;
	int rc = fp_netns(3);

	if (rc)
		return rc;
	p1 = fp_ifx("p1"), p2 = fp_ifx("p2"), p3 = fp_ifx("p3");
	dp = tna_dp__load(&o);
	CHECK(dp != NULL, "load: %s", strerror(errno));
	if (!dp)
		return tna_test_exit();
	CHECK_EQ(tna_dp__port_set(dp, p1, &fwd), 0);
	CHECK_EQ(tna_dp__port_set(dp, p2, &fwd), 0);
	CHECK_EQ(tna_dp__port_set(dp, p3, &fwd), 0);
	tna_fdb_mirror_init(&m, BR, dp);
	kernel(model, A, p1);
	kernel(model, C, p3);
	kernel(model, M, p1);
	t = mono_ns();
	CHECK_EQ(tna_fdb_mirror_sync(&m, model, t), 0);
	EXPECT(dp, "A -> C", p1, C, A, XDP_REDIRECT, FWD);
	EXPECT(dp, "C -> M", p3, M, C, XDP_REDIRECT, FWD);
	EXPECT(dp, "M -> C", p1, C, M, XDP_REDIRECT, FWD);

	/* P2: M shows up on p2.  Linux learns it there; the guard bumps M's
	 * slot first, so M's entry is unconfirmed: nothing is forwarded to
	 * or from M on the mirror's word, and the cached C -> M flow is gone. */
	EXPECT(dp, "C -> M cached", p3, M, C, XDP_REDIRECT, FWD);
	g = gen(dp);
	c = pend(dp, M);
	EXPECT(dp, "M moves to p2", p2, C, M, XDP_PASS, R(SRC_MOVED));
	CHECK(pend(dp, M) == c + 1 && gen(dp) != g, "move: slot bumped %u -> %u, gen %u -> %u",
	      c, pend(dp, M), g, gen(dp));
	EXPECT(dp, "C -> M after the move (flow cache invalidated)", p3, M, C, XDP_PASS,
	       R(FDB_UNCONFIRMED));
	/* Hidden move: M back on p1, where the stale entry names it: to Linux */
	c = pend(dp, M);
	EXPECT(dp, "M back on p1 (stale entry's port)", p1, C, M, XDP_PASS, R(FDB_UNCONFIRMED));
	CHECK_EQ(pend(dp, M), c + 1);
	/* an unconfirmed entry on the frame's own port: bumped (a concurrent
	 * write may carry another port), flow caches untouched */
	g = gen(dp);
	EXPECT(dp, "M again on p1", p1, C, M, XDP_PASS, R(FDB_UNCONFIRMED));
	CHECK_EQ(gen(dp), g);

	/* Stale replay: the kernel had M on p2, then p1 again.  The first
	 * move's event, applied late, must not write p2: it writes what the
	 * model holds now (p1), and confirms it only when the model holds
	 * every learn the bumps could have caused. */
	kernel(model, M, p1);
	tna_fdb_mirror_note(&m, M, 0);
	t = mono_ns();
	tna_fdb_mirror_flush(&m, model, t, t, 0);
	EXPECT(dp, "to M right after the moves", p3, M, C, XDP_PASS, R(FDB_UNCONFIRMED));
	CHECK_EQ(tna_fdb_mirror_pending(&m), 1);	/* a retry */
	usleep((TNA_MIRROR_LEARN_NS + 5 * MS) / 1000);
	t = mono_ns();
	tna_fdb_mirror_flush(&m, model, t, t, 0);
	CHECK_EQ(tna_fdb_mirror_pending(&m), 0);
	EXPECT(dp, "to M once confirmed: p1", p3, M, C, XDP_REDIRECT, FWD);
	EXPECT(dp, "from M on p1", p1, C, M, XDP_REDIRECT, FWD);

	/* P3: a bump between the controller's read of the count and its
	 * write leaves the entry unconfirmed. */
	c = pend(dp, M);
	EXPECT(dp, "M on p2 between read and write", p2, C, M, XDP_PASS, R(SRC_MOVED));
	CHECK_EQ(tna_dp__fdb_write(dp, M, 0, p1, 0, c), 0);	/* the write with the old count */
	EXPECT(dp, "to M after that write", p3, M, C, XDP_PASS, R(FDB_UNCONFIRMED));

	/* The same with the mirror, and a model that lags: it has M on p1,
	 * the frame on p2 is not in it (synced before bump + learn delay). */
	tna_fdb_mirror_note(&m, M, 0);
	t = mono_ns();
	tna_fdb_mirror_flush(&m, model, t, t - 1 * MS, 0);
	EXPECT(dp, "lagging model: M unconfirmed", p3, M, C, XDP_PASS, R(FDB_UNCONFIRMED));
	kernel(model, M, p2);			/* the learn arrives */
	usleep((TNA_MIRROR_LEARN_NS + 5 * MS) / 1000);
	t = mono_ns();
	tna_fdb_mirror_note(&m, M, 0);
	tna_fdb_mirror_flush(&m, model, t, t, 0);
	EXPECT(dp, "to M on p2", p1, M, A, XDP_REDIRECT, FWD);

	/* A new source: unknown, bumped (no cached answer can hold it), then
	 * learned: a host sending from where it is is confirmed at once. */
	g = gen(dp);
	c = pend(dp, N);
	EXPECT(dp, "new source", p3, BCAST, N, XDP_PASS, R(BCAST_MCAST));
	EXPECT(dp, "new source, unicast", p3, A, N, XDP_PASS, R(SRC_UNKNOWN));
	CHECK(pend(dp, N) == c + 2 && gen(dp) == g, "unknown source: slot %u -> %u, gen %u -> %u",
	      c, pend(dp, N), g, gen(dp));
	kernel(model, N, p3);
	tna_fdb_mirror_note(&m, N, 0);
	t = mono_ns();
	tna_fdb_mirror_flush(&m, model, t, t, 0);
	EXPECT(dp, "new source confirmed at once", p3, A, N, XDP_REDIRECT, FWD);

	/* Static entries move on learning too; sticky and local ones never */
	CHECK_EQ(tna_dp__fdb_set(dp, M, 0, p2, TNA_FDB_F_STATIC), 0);
	c = pend(dp, M);
	EXPECT(dp, "static M seen on p1", p1, C, M, XDP_PASS, R(SRC_MOVED));
	CHECK_EQ(pend(dp, M), c + 1);
	CHECK_EQ(tna_dp__fdb_set(dp, M, 0, p2, TNA_FDB_F_STATIC | TNA_FDB_F_STICKY), 0);
	c = pend(dp, M);
	EXPECT(dp, "sticky M seen on p1", p1, C, M, XDP_PASS, R(SRC_MOVED));
	CHECK_EQ(pend(dp, M), c);
	/* learning off on the port: Linux learns nothing there */
	fwd.flags = 0;
	CHECK_EQ(tna_dp__port_set(dp, p1, &fwd), 0);
	c = pend(dp, N);
	EXPECT(dp, "N on a port without learning", p1, BCAST, N, XDP_PASS, R(BCAST_MCAST));
	CHECK_EQ(pend(dp, N), c);
	/* a locked port (802.1X): Linux never moves an entry from it */
	fwd.flags = TNA_PORT_F_LEARNING | TNA_PORT_F_LOCKED;
	CHECK_EQ(tna_dp__port_set(dp, p1, &fwd), 0);
	c = pend(dp, N);
	EXPECT(dp, "N on a locked port", p1, BCAST, N, XDP_PASS, R(BCAST_MCAST));
	CHECK_EQ(pend(dp, N), c);
	/* a held port (restrictive change being applied): its real state is
	 * not in the table, Linux may learn there */
	fwd.flags = TNA_PORT_F_LEARNING;
	fwd.stp_state = TNA_STP_HELD;
	CHECK_EQ(tna_dp__port_set(dp, p1, &fwd), 0);
	c = pend(dp, N);
	EXPECT(dp, "N on a held port", p1, A, N, XDP_PASS, R(CONFIG_CHANGE));
	CHECK_EQ(pend(dp, N), c + 1);
	EXPECT(dp, "to N after it was seen on a held port", p3, N, C, XDP_PASS,
	       R(FDB_UNCONFIRMED));
	fwd.stp_state = 3;
	CHECK_EQ(tna_dp__port_set(dp, p1, &fwd), 0);

	/* Dead-man switch: armed, no heartbeat for the limit: every frame to
	 * Linux, and the guard still marks sources (conservatively: the port
	 * table may be stale too).  A heartbeat does not bring trust back:
	 * only the controller, once caught up. */
	CHECK(tna_dp__trusted(dp), "trusted before arming");
	CHECK_EQ(tna_dp__deadman_arm(dp, 30 * MS), 0);
	EXPECT(dp, "armed, heartbeat fresh", p1, C, A, XDP_REDIRECT, FWD);
	usleep(150 * 1000);
	CHECK(!tna_dp__trusted(dp), "no heartbeat for 150 ms: still trusted");
	CHECK(tna_dp__deadman_trips(dp) == 1, "trips %u", tna_dp__deadman_trips(dp));
	EXPECT(dp, "controller silent", p1, C, A, XDP_PASS, R(CONTROLLER_STALE));
	fwd.flags = 0;				/* (a stale table says no learning) */
	CHECK_EQ(tna_dp__port_set(dp, p2, &fwd), 0);
	c = pend(dp, A);
	EXPECT(dp, "silent: A seen on p2", p2, C, A, XDP_PASS, R(CONTROLLER_STALE));
	CHECK_EQ(pend(dp, A), c + 1);
	/* from here the limit is long: this process, descheduled for 30 ms
	 * on a busy machine, would trip it again */
	__atomic_store_n(&dp->clk->deadman_ns, 2000 * MS, __ATOMIC_RELEASE);
	tna_dp__heartbeat(dp, mono_ns(), 0);
	usleep(60 * 1000);
	CHECK(!tna_dp__trusted(dp), "a heartbeat alone gave trust back");
	for (int i = 0; i < 6; i++) {		/* a live loop: beats, caught up */
		tna_dp__heartbeat(dp, mono_ns(), 0);
		tna_dp__trust(dp, true);
		usleep(10 * 1000);
	}
	CHECK(tna_dp__trusted(dp), "trust back while heartbeats come");
	EXPECT(dp, "controller back, A still unconfirmed", p3, A, C, XDP_PASS, R(FDB_UNCONFIRMED));
	CHECK_EQ(tna_dp__fdb_set(dp, A, 0, p1, 0), 0);	/* confirmed again */
	EXPECT(dp, "controller back", p3, A, C, XDP_REDIRECT, FWD);

	tna_fdb_mirror_fini(&m);
	tna_dp__destroy(dp);
	tna_model_free(model);
	return tna_test_exit();
}
