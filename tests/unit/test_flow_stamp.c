/* The flow cache's set stamp (bpf/fpm/flow_cache.h), under BPF_PROG_RUN:
 * the ways of a set share one (tick, generation) stamp, so a fill into a
 * set of an older stamp restamps it and must empty its other ways: a way
 * filled before a table change or a tick must never become current with
 * the new stamp.  Two pairs share a set; after a change that concerns one
 * of them, the other's frame fills the set, and then the first must take
 * the FDB lookups again: after a generation bump its source moved (the
 * frame goes to Linux), after a tick its source must be stamped as used. */
#include "tests/unit/flow_test.h"

/* This CPU's set SET as the fast path left it. */
static int set_get(struct tna_dp *dp, uint32_t set, struct tna_flow_set *s)
{
	uint32_t k = (uint32_t)sched_getcpu() << dp->skel->rodata->tna_flow_log | set;

	return bpf_map_lookup_elem(bpf_map__fd(dp->skel->maps.tna_flows), &k, s);
}

/* Two sources on port IN towards B whose first sets are the same. */
static uint32_t same_set(struct tna_dp *dp, int in, uint8_t src[2][6], uint8_t tag)
{
	uint32_t log = dp->skel->rodata->tna_flow_log, first = 0, found = 0, w[3];
	uint8_t m[12];

	memcpy(m, B, 6);
	for (uint32_t i = 0; found < 2 && i < (1u << 24); i++) {
		uint8_t *s = src[found];

		s[0] = 0x02, s[1] = tag, s[2] = i >> 16, s[3] = i >> 8, s[4] = i, s[5] = 0x01;
		memcpy(m + 6, s, 6);
		memcpy(w, m, 12);
		if (!found)
			first = tna_flow_set(w, in, log);
		found += tna_flow_set(w, in, log) == first;
	}
	CHECK_EQ(found, 2u);
	return first;
}

static int used(const uint8_t mac[6], uint16_t vlan, const struct tna_fdb_val *v, void *ctx)
{
	(void)vlan, (void)v;
	return !memcmp(mac, ctx, 6);
}

int main(void)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC,
				 .fpms = TNA_FPM_BRIDGE };
	struct tna_port_cfg fwd = { .stp_state = 3, .flags = TNA_PORT_F_LEARNING };
	uint8_t a[2][6], c[2][6];
	struct tna_flow_set s;
	uint32_t set;
	uint64_t t0;
	struct tna_dp *dp;
	int rc = fp_netns(3), p1, p2, p3;

	if (rc)
		return rc;
	p1 = fp_ifx("p1"), p2 = fp_ifx("p2"), p3 = fp_ifx("p3");
	dp = flow_dp_load(&o);		/* B goes on p2 */
	if (!dp)
		return tna_test_exit();
	CHECK_EQ(tna_dp__port_set(dp, p1, &fwd), 0);
	CHECK_EQ(tna_dp__port_set(dp, p2, &fwd), 0);
	CHECK_EQ(tna_dp__port_set(dp, p3, &fwd), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p2, 0), 0);

	/* a generation bump: A[1] moves to p3 while both pairs are cached */
	set = same_set(dp, p1, a, 0x5e);
	CHECK_EQ(tna_dp__fdb_set(dp, a[0], 0, p1, 0), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, a[1], 0, p1, 0), 0);
	frame(dp, "a0", p1, a[0], XDP_REDIRECT);
	frame(dp, "a1", p1, a[1], XDP_REDIRECT);
	frame(dp, "a1, cached", p1, a[1], XDP_REDIRECT);
	CHECK_EQ(set_get(dp, set, &s), 0);
	CHECK(s.gen == dp->clk->gen && (uint16_t)(s.way[0].k1 >> 32) == (uint32_t)p1 &&
	      (uint16_t)(s.way[1].k1 >> 32) == (uint32_t)p1, "a0, a1 not both in their set");
	CHECK_EQ(tna_dp__fdb_set(dp, a[1], 0, p3, 0), 0);
	frame(dp, "a0 after the change: fills its stale set", p1, a[0], XDP_REDIRECT);
	CHECK_EQ(set_get(dp, set, &s), 0);
	CHECK(s.gen == dp->clk->gen, "the set not restamped");
	CHECK((uint16_t)(s.way[0].k1 >> 32) == (uint32_t)p1, "a0 not in way 0 of its set");
	for (int i = 1; i < TNA_FLOW_WAYS; i++)
		CHECK((uint16_t)(s.way[i].k1 >> 32) == 0, "way %d of the restamped set not emptied", i);
	frame(dp, "a1 from p1, its source now on p3", p1, a[1], XDP_PASS);

	/* a tick: C[1]'s source must be stamped as used again */
	set = same_set(dp, p1, c, 0x6e);
	CHECK_EQ(tna_dp__fdb_set(dp, c[0], 0, p1, 0), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, c[1], 0, p1, 0), 0);
	frame(dp, "c0", p1, c[0], XDP_REDIRECT);
	frame(dp, "c1", p1, c[1], XDP_REDIRECT);
	t0 = dp->clk->now;
	CHECK(tna_dp__tick(dp) > t0, "the tick did not move");
	frame(dp, "c0 after the tick: fills its stale set", p1, c[0], XDP_REDIRECT);
	frame(dp, "c1 after the tick", p1, c[1], XDP_REDIRECT);
	CHECK(tna_dp__fdb_for_each_used(dp, t0, used, c[1]) == 1,
	      "c1's source not stamped by the tick after t0");
	CHECK(tna_dp__fdb_for_each_used(dp, t0, used, c[0]) == 1,
	      "c0's source not stamped by the tick after t0");
	tna_dp__destroy(dp);
	return tna_test_exit();
}
