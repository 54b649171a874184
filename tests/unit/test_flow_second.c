/* The flow cache's second set (bpf/fpm/flow_cache.h), under BPF_PROG_RUN:
 * a pair whose first set already holds TNA_FLOW_WAYS current pairs goes
 * to its second set instead of evicting one, is answered from there, and an
 * answer there obeys the same rule as in the first set: a change of the
 * mirror (a move of the destination or of the source) is seen by the very
 * next frame.  And the size: pipelines of a process share one budget. */
#include "tests/unit/flow_test.h"

/* The way of this CPU's set SET holding the frame DST <- SRC from IN
 * under the current stamp, or -1. */
static int way_of(struct tna_dp *dp, uint32_t set, const uint8_t *dst,
		  const uint8_t *src, int in)
{
	uint32_t log = dp->skel->rodata->tna_flow_log, w[3];
	uint32_t k = (uint32_t)sched_getcpu() << log | set;
	struct tna_flow_set s;
	uint64_t k0;
	uint8_t m[12];

	memcpy(m, dst, 6);
	memcpy(m + 6, src, 6);
	memcpy(w, m, 12);
	memcpy(&k0, m, 8);
	if (bpf_map_lookup_elem(bpf_map__fd(dp->skel->maps.tna_flows), &k, &s) ||
	    s.gen != dp->clk->gen || s.tick != dp->clk->now)
		return -1;
	for (int i = 0; i < TNA_FLOW_WAYS; i++)
		if (s.way[i].k0 == k0 &&
		    (s.way[i].k1 & TNA_FLOW_K1_KEY) == tna_flow_k1(w, in, 0))
			return i;
	return -1;
}

int main(void)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC,
				 .fpms = TNA_FPM_BRIDGE };
	struct tna_port_cfg fwd = { .stp_state = 3, .flags = TNA_PORT_F_LEARNING };
	enum { N = TNA_FLOW_WAYS + 1 };	/* the last pair finds its first set full */
	uint8_t src[N][6];
	uint32_t first = 0, second, log, w[3], found = 0;
	uint8_t m[12];
	char what[32];
	struct tna_dp *dp;
	int rc = fp_netns(3), p1, p2, p3;

	if (rc)
		return rc;
	p1 = fp_ifx("p1"), p2 = fp_ifx("p2"), p3 = fp_ifx("p3");
	dp = flow_dp_load(&o);		/* B goes on p2 */
	if (!dp)
		return tna_test_exit();
	log = dp->skel->rodata->tna_flow_log;
	CHECK(log >= TNA_FLOW_MIN_BITS && log <= TNA_FLOW_MAX_BITS, "flow cache of 2^%u", log);
	CHECK_EQ(bpf_map__max_entries(dp->skel->maps.tna_flows),
		 (uint32_t)libbpf_num_possible_cpus() << log);

	/* N sources on p1 towards B whose first sets are the same */
	for (int i = 0; i < N; i++)
		memset(src[i], 0, 6), src[i][0] = 0x02, src[i][1] = 0x5e;
	memcpy(m, B, 6);
	for (uint32_t i = 0; found < N && i < (1u << 24); i++) {
		uint8_t *s = src[found];

		s[2] = i >> 16, s[3] = i >> 8, s[4] = i, s[5] = 0x01;
		memcpy(m + 6, s, 6);
		memcpy(w, m, 12);
		if (!found)
			first = tna_flow_set(w, p1, log);
		if (tna_flow_set(w, p1, log) == first &&
		    (found < N - 1 || tna_flow_alt(w, p1, log) != first))
			found++;
	}
	CHECK_EQ(found, (uint32_t)N);
	memcpy(m + 6, src[N - 1], 6);
	memcpy(w, m, 12);
	second = tna_flow_alt(w, p1, log);

	CHECK_EQ(tna_dp__port_set(dp, p1, &fwd), 0);
	CHECK_EQ(tna_dp__port_set(dp, p2, &fwd), 0);
	CHECK_EQ(tna_dp__port_set(dp, p3, &fwd), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p2, 0), 0);
	for (int i = 0; i < N; i++)
		CHECK_EQ(tna_dp__fdb_set(dp, src[i], 0, p1, 0), 0);
	for (int i = 0; i < N; i++) {
		snprintf(what, sizeof(what), "pair %d", i);
		frame(dp, what, p1, src[i], XDP_REDIRECT);
	}
	for (int i = 0; i < N - 1; i++)
		CHECK(way_of(dp, first, B, src[i], p1) >= 0, "pair %d not in its first set", i);
	CHECK(way_of(dp, second, B, src[N - 1], p1) >= 0, "last pair not in its second set");
	frame(dp, "last pair again", p1, src[N - 1], XDP_REDIRECT);
	frame(dp, "pair 0 again", p1, src[0], XDP_REDIRECT);
	CHECK(way_of(dp, second, B, src[N - 1], p1) >= 0, "last pair left its second set");

	/* the answer in the second set follows the mirror at once */
	CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p1, 0), 0);
	frame(dp, "dst moved to the ingress port", p1, src[N - 1], XDP_PASS);
	CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p2, 0), 0);
	frame(dp, "dst back", p1, src[N - 1], XDP_REDIRECT);
	frame(dp, "dst back, cached", p1, src[N - 1], XDP_REDIRECT);
	CHECK_EQ(tna_dp__fdb_set(dp, src[N - 1], 0, p3, 0), 0);
	frame(dp, "src moved", p1, src[N - 1], XDP_PASS);
	CHECK_EQ(tna_dp__fdb_del(dp, src[N - 1], 0), 0);
	frame(dp, "src deleted", p1, src[N - 1], XDP_PASS);
	CHECK_EQ(tna_dp__fdb_set(dp, src[N - 1], 0, p1, 0), 0);
	frame(dp, "src back", p1, src[N - 1], XDP_REDIRECT);

	/* the part in use fitted to the mirror: a pair goes to its set
	 * among 2^fit entries, the answers stay exact, and a value beyond
	 * the table (user space writes it) is bounded by it */
	CHECK_EQ(tna_flow_fit(0, TNA_FLOW_MAX_BITS), TNA_FLOW_MIN_BITS);
	CHECK_EQ(tna_flow_fit(4096, TNA_FLOW_MAX_BITS), 11u);	/* a set per two MACs */
	CHECK_EQ(tna_flow_fit(4097, TNA_FLOW_MAX_BITS), 12u);
	CHECK_EQ(tna_flow_fit(20000, TNA_FLOW_MAX_BITS), 14u);
	CHECK_EQ(tna_flow_fit(200000, TNA_FLOW_MAX_BITS), TNA_FLOW_MAX_BITS);
	CHECK_EQ(tna_flow_fit(200000, 15), 15u);
	CHECK_EQ(tna_dp__flow_fit(dp, 3), TNA_FLOW_MIN_BITS);
	CHECK_EQ(tna_dp__flow_fit(dp, 4200), TNA_FLOW_MIN_BITS + 1);	/* grows at once */
	CHECK_EQ(tna_dp__flow_fit(dp, 3800), TNA_FLOW_MIN_BITS + 1);	/* shrinks late */
	CHECK_EQ(tna_dp__flow_fit(dp, 3), TNA_FLOW_MIN_BITS + 1);
	CHECK_EQ(tna_dp__flow_fit(dp, 0), TNA_FLOW_MIN_BITS + 1);
	dp->clk->flow_bits = 0;
	CHECK_EQ(tna_dp__flow_fit(dp, 3), TNA_FLOW_MIN_BITS);
	{
		uint32_t fit = TNA_FLOW_MIN_BITS, fs;

		memcpy(m + 6, src[0], 6);
		memcpy(w, m, 12);
		fs = tna_flow_set(w, p1, fit);
		frame(dp, "pair 0, fitted", p1, src[0], XDP_REDIRECT);
		frame(dp, "pair 0, fitted, again", p1, src[0], XDP_REDIRECT);
		CHECK(way_of(dp, fs, B, src[0], p1) >= 0 ||
		      way_of(dp, tna_flow_alt(w, p1, fit), B, src[0], p1) >= 0,
		      "pair 0 not in its sets among 2^%u", fit);
		CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p1, 0), 0);
		frame(dp, "fitted: dst moved to the ingress port", p1, src[0], XDP_PASS);
		CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p2, 0), 0);
		frame(dp, "fitted: dst back", p1, src[0], XDP_REDIRECT);
		dp->clk->flow_bits = 40;	/* bounded: the whole table */
		frame(dp, "pair 0, bits out of range", p1, src[0], XDP_REDIRECT);
		CHECK(way_of(dp, first, B, src[0], p1) >= 0,
		      "bits beyond the table: pair 0 not in its set of the whole table");
		dp->clk->flow_bits = 0;
	}

	/* further pipelines of the process share TNA_FLOW_BUDGET: the one
	 * that no longer fits gets less, and a freed table is given back */
	{
		struct tna_dp *more[64];
		uint64_t held = dp->flow_bytes;
		int n = 0;

		while (n < 64 && (more[n] = tna_dp__load(&o)) &&
		       more[n]->skel->rodata->tna_flow_log == log)
			held += more[n++]->flow_bytes;
		CHECK(n < 64 && more[n], "no pipeline got a smaller flow cache");
		CHECK(held <= TNA_FLOW_BUDGET, "%llu bytes of flow caches",
		      (unsigned long long)held);
		for (int i = 0; i <= n && i < 64; i++)
			tna_dp__destroy(more[i]);
		more[0] = tna_dp__load(&o);
		CHECK(more[0] && more[0]->skel->rodata->tna_flow_log == log,
		      "the budget was not given back");
		tna_dp__destroy(more[0]);
	}
	/* a pipeline sharing the maps of another (a swap) shares its table */
	{
		struct tna_dp_opts so = o;
		struct tna_dp *sw;

		so.share_maps_with = dp;
		sw = tna_dp__load(&so);
		CHECK(sw != NULL, "shared load: %s", strerror(errno));
		if (sw) {
			struct bpf_map_info a = {}, b = {};
			__u32 la = sizeof(a), lb = sizeof(b);

			CHECK_EQ(sw->skel->rodata->tna_flow_log, log);
			CHECK_EQ(sw->flow_bytes, 0);
			bpf_obj_get_info_by_fd(bpf_map__fd(dp->skel->maps.tna_flows), &a, &la);
			bpf_obj_get_info_by_fd(bpf_map__fd(sw->skel->maps.tna_flows), &b, &lb);
			CHECK(a.id && a.id == b.id, "flow tables %u and %u", a.id, b.id);
			tna_dp__destroy(sw);
		}
	}
	/* a pipeline without the module (VLAN filtering) gets no table; the
	 * first of its family with the module allocates one, which the
	 * family then shares */
	{
		struct tna_dp_opts vo = o, so = o, to = o;
		struct tna_dp *v, *sw = NULL, *t = NULL;

		vo.fpms = TNA_FPM_BRIDGE | TNA_FPM_VLAN;
		v = tna_dp__load(&vo);
		CHECK(v != NULL, "VLAN load: %s", strerror(errno));
		if (v) {
			CHECK_EQ(v->skel->rodata->tna_flow_log, 0u);
			CHECK_EQ(bpf_map__max_entries(v->skel->maps.tna_flows), 1u);
			CHECK(v->flow_bytes == sizeof(struct tna_flow_set), "%llu bytes without "
			      "the module", (unsigned long long)v->flow_bytes);
			so.share_maps_with = v;
			sw = tna_dp__load(&so);
			CHECK(sw != NULL, "load sharing a family without a table: %s",
			      strerror(errno));
		}
		if (sw) {
			CHECK(sw->skel->rodata->tna_flow_log >= TNA_FLOW_MIN_BITS,
			      "flow cache of 2^%u", sw->skel->rodata->tna_flow_log);
			CHECK(sw->flow_bytes > sizeof(struct tna_flow_set), "no table of its own");
			CHECK_EQ(tna_dp__port_set(sw, p1, &fwd), 0);
			CHECK_EQ(tna_dp__port_set(sw, p2, &fwd), 0);
			CHECK_EQ(tna_dp__fdb_set(sw, B, 0, p2, 0), 0);
			CHECK_EQ(tna_dp__fdb_set(sw, src[0], 0, p1, 0), 0);
			frame(sw, "family's first table", p1, src[0], XDP_REDIRECT);
			frame(sw, "family's first table, cached", p1, src[0], XDP_REDIRECT);
			CHECK_EQ(tna_dp__fdb_set(sw, B, 0, p1, 0), 0);
			frame(sw, "family's first table: dst moved", p1, src[0], XDP_PASS);
			to.share_maps_with = sw;
			t = tna_dp__load(&to);
			CHECK(t && t->flow_bytes == 0 &&
			      t->skel->rodata->tna_flow_log == sw->skel->rodata->tna_flow_log,
			      "the family's next pipeline does not share its table");
		}
		tna_dp__destroy(t);
		tna_dp__destroy(sw);
		tna_dp__destroy(v);
	}
	tna_dp__destroy(dp);
	return tna_test_exit();
}
