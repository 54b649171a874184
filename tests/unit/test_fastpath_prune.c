/* Specialisation: modules that are off are gone after verification (xlated
 * instruction counts), and the source stamp used for FDB keep-alive is
 * written at most once a second. */
#include <time.h>
#include "tests/lib/fastpath.h"

static const uint8_t A[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t B[6] = { 0x02, 0, 0, 0, 0, 0x0b };

static uint32_t insns(uint64_t fpms, bool brnf)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC,
				 .fpms = fpms, .br_netfilter = brnf };
	struct tna_dp *dp = tna_dp__load(&o);
	uint32_t n;

	CHECK(dp != NULL, "load fpms %#llx: %s", (unsigned long long)fpms, strerror(errno));
	n = tna_dp__xlated_insns(dp);
	tna_dp__destroy(dp);
	printf("fpms %#05llx%s: %u xlated insns\n", (unsigned long long)fpms,
	       brnf ? " br_netfilter" : "", n);
	return n;
}

struct used { int n; uint64_t last; int port; };

static int used_cb(const uint8_t mac[6], uint16_t vlan, const struct tna_fdb_val *v, void *ctx)
{
	struct used *u = ctx;

	u->n++;
	u->last = v->last_used;
	u->port = v->ifindex;
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(void)
{
	struct tna_port_cfg fwd = { .stp_state = 3, .flags = TNA_PORT_F_LEARNING };
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC };
	uint32_t all, bridge, minimal, brnf;
	struct used u = {}, u2 = {};
	struct tna_dp *dp;
	int rc = fp_netns(2), p1, p2;
	uint8_t f[64];

	if (rc)
		return rc;
	all = insns(TNA_FPM_ALL, false);
	bridge = insns(TNA_FPM_BRIDGE, false);
	minimal = insns(TNA_FPM_PARSE_ETH | TNA_FPM_CLASSIFY, false);
	brnf = insns(TNA_FPM_BRIDGE, true);
	CHECK(all > 0 && bridge > 0 && minimal > 0 && brnf > 0, "counts");
	CHECK(bridge < all, "no VLAN module: %u < %u", bridge, all);
	CHECK(minimal < bridge, "parse+classify only: %u < %u", minimal, bridge);
	/* all to Linux: only the port lookup and the source guard of the FDB
	 * mirror protocol (bpf/fpm/src_guard.h) are left */
	CHECK(brnf < bridge / 2, "br_netfilter (all to Linux): %u < %u / 2", brnf, bridge);

	/* last_used of the SOURCE entry: stamped on use, not again within 1 s */
	p1 = fp_ifx("p1");
	p2 = fp_ifx("p2");
	dp = tna_dp__load(&o);
	CHECK(dp != NULL, "load: %s", strerror(errno));
	if (!dp)
		return tna_test_exit();
	CHECK_EQ(tna_dp__port_set(dp, p1, &fwd), 0);
	CHECK_EQ(tna_dp__port_set(dp, p2, &fwd), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, A, 0, p1, 0), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p2, 0), 0);
	uint64_t t0 = tna_dp__tick(dp);
	CHECK(t0 <= mono_ns() && t0 + 1000000000ULL > mono_ns(), "tick is CLOCK_MONOTONIC");
	CHECK_EQ(tna_dp__fdb_for_each_used(dp, 0, used_cb, &u), 0);
	CHECK_EQ(u.n, 0);			/* nothing used yet */
	t0 = tna_dp__tick(dp);
	fp_frame(f, B, A, 0x0800);
	CHECK_EQ(fp_run(dp, p1, f, 64), XDP_REDIRECT);
	CHECK_EQ(fp_run(dp, p1, f, 64), XDP_REDIRECT);
	uint64_t t1 = mono_ns();
	CHECK_EQ(tna_dp__fdb_for_each_used(dp, 0, used_cb, &u), 0);	/* ticks: t2 */
	CHECK_EQ(u.n, 1);			/* only A, the source */
	CHECK_EQ(u.port, p1);
	CHECK_EQ(u.last, t0);			/* the tick before the use */
	u2.n = 0;
	CHECK_EQ(tna_dp__fdb_for_each_used(dp, t0, used_cb, &u2), 0);
	CHECK_EQ(u2.n, 0);			/* "newer than since" is strict */
	/* no traffic since: the stamp stays; traffic after a tick moves it */
	CHECK_EQ(tna_dp__fdb_for_each_used(dp, 0, used_cb, &u2), 0);
	CHECK_EQ(u2.last, t0);
	CHECK_EQ(fp_run(dp, p1, f, 64), XDP_REDIRECT);
	CHECK_EQ(tna_dp__fdb_for_each_used(dp, 0, used_cb, &u2), 0);
	CHECK(u2.last > t1, "re-stamped with a later tick: %llu > %llu",
	      (unsigned long long)u2.last, (unsigned long long)t1);
	/* the controller re-setting an entry on the same port keeps the stamp */
	CHECK_EQ(tna_dp__fdb_set(dp, A, 0, p1, TNA_FDB_F_STATIC), 0);
	u2.n = 0;
	CHECK_EQ(tna_dp__fdb_for_each_used(dp, 0, used_cb, &u2), 0);
	CHECK_EQ(u2.n, 1);
	/* a move starts afresh */
	CHECK_EQ(tna_dp__fdb_set(dp, A, 0, p2, 0), 0);
	u2.n = 0;
	CHECK_EQ(tna_dp__fdb_for_each_used(dp, 0, used_cb, &u2), 0);
	CHECK_EQ(u2.n, 0);
	CHECK_EQ(tna_dp__fdb_del(dp, A, 0), 0);
	CHECK_EQ(tna_dp__fdb_del(dp, A, 0), -ENOENT);
	CHECK_EQ(tna_dp__port_set(dp, TNA_MAX_IFINDEX, &fwd), -ERANGE);

	/* 100k+ entries fit, and clear empties the mirror */
	for (uint32_t i = 0; i < 100000; i++) {
		uint8_t m[6] = { 0x02, 1, i >> 24, i >> 16, i >> 8, i };

		if (tna_dp__fdb_set(dp, m, 0, p1, 0)) {
			CHECK(0, "fdb_set #%u: %s", i, strerror(errno));
			break;
		}
	}
	CHECK_EQ(tna_dp__fdb_clear(dp), 0);
	CHECK_EQ(fp_run(dp, p1, f, 64), XDP_PASS);	/* B unknown now */
	tna_dp__destroy(dp);
	return tna_test_exit();
}
