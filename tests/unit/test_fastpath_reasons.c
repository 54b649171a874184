/* The bridge pipeline under BPF_PROG_RUN (no live traffic): a known unicast
 * between forwarding ports is redirected, and every slow-path reason gives
 * XDP_PASS and bumps exactly its own counter on the ingress port. */
#include <sched.h>
#include "tests/lib/fastpath.h"
#include "bpf/tna_bridge.skel.h"

static const uint8_t BR[6] = { 0x02, 0xbb, 0, 0, 0, 0x01 };	/* bridge MAC */
static const uint8_t A[6] = { 0x02, 0, 0, 0, 0, 0x0a };	/* on p1 */
static const uint8_t A2[6] = { 0x02, 0, 0, 0, 0, 0xa2 };	/* on p1 */
static const uint8_t B[6] = { 0x02, 0, 0, 0, 0, 0x0b };	/* on p2 */
static const uint8_t C[6] = { 0x02, 0, 0, 0, 0, 0x0c };	/* on p3 */
static const uint8_t X[6] = { 0x02, 0, 0, 0, 0, 0xee };	/* unknown */
static const uint8_t L[6] = { 0x02, 0xbb, 0, 0, 0, 0x02 };	/* port's own, local */
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MCAST[6] = { 0x33, 0x33, 0, 0, 0, 1 };
static const uint8_t STP[6] = { 0x01, 0x80, 0xc2, 0, 0, 0 };

static int p1, p2, p3;

static struct tna_dp *load(enum tna_target t, uint64_t fpms, bool brnf)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = t, .fpms = fpms,
				 .br_netfilter = brnf };
	struct tna_port_cfg fwd = { .stp_state = 3, .flags = TNA_PORT_F_LEARNING };
	struct tna_dp *dp;

	memcpy(o.bridge_mac, BR, 6);
	dp = tna_dp__load(&o);
	CHECK(dp != NULL, "tna_dp__load: %s", strerror(errno));
	if (!dp)
		return NULL;
	CHECK_EQ(tna_dp__port_set(dp, p1, &fwd), 0);
	CHECK_EQ(tna_dp__port_set(dp, p2, &fwd), 0);
	CHECK_EQ(tna_dp__port_set(dp, p3, &fwd), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, A, 0, p1, 0), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, A2, 0, p1, 0), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p2, 0), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, C, 0, p3, 0), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, L, 0, p2, TNA_FDB_F_LOCAL), 0);
	return dp;
}

/* Send DST <- SRC (ethertype PROTO, LEN bytes) on IN; expect ACTION and
 * that only counter REASON (or forwarded when -1) of IN moved by one. */
static void expect_frame(struct tna_dp *dp, const char *what, int in,
			 const uint8_t *f, int len, int action, int reason)
{
	uint32_t idx = fp_idx(dp, in);
	struct tna_stats_val before = fp_stats(dp, idx), after;
	int ret;

	ret = fp_run(dp, in, f, len);
	after = fp_stats(dp, idx);
	CHECK(ret == action, "%s: action %d, expected %d", what, ret, action);
	fp_check_counted(what, &before, &after, reason);
}

static void expect(struct tna_dp *dp, const char *what, int in,
		   const uint8_t *dst, const uint8_t *src, uint16_t proto,
		   int len, int action, int reason)
{
	uint8_t f[64];

	fp_frame(f, dst, src, proto);
	expect_frame(dp, what, in, f, len, action, reason);
}

/* Some CPU's flow-cache slot holds IN -> OUT. */
static bool flow_cached(struct tna_dp *dp, int in, int out)
{
	struct tna_flow_set v;
	bool found = false;
	int fd = bpf_map__fd(dp->skel->maps.tna_flows);
	uint32_t n = bpf_map__max_entries(dp->skel->maps.tna_flows);

	for (uint32_t k = 0; k < n && !found; k++) {
		if (bpf_map_lookup_elem(fd, &k, &v))
			break;
		for (int w = 0; w < TNA_FLOW_WAYS; w++)
			found |= v.gen == dp->clk->gen && v.tick == dp->clk->now &&
				 (uint16_t)(v.way[w].k1 >> 32) == (uint32_t)in &&
				 v.way[w].k1 >> 48 == (uint32_t)out;
	}
	return found;
}

/* Every set of CPU's flow cache full of current entries for pairs no
 * frame of the test has. */
static void flows_fill(struct tna_dp *dp, int cpu)
{
	int fd = bpf_map__fd(dp->skel->maps.tna_flows);
	uint32_t sets = bpf_map__max_entries(dp->skel->maps.tna_flows) /
			libbpf_num_possible_cpus();
	struct tna_flow_set v = {};

	v.gen = dp->clk->gen;
	v.tick = dp->clk->now;
	for (int w = 0; w < TNA_FLOW_WAYS; w++)	/* no source of the test */
		v.way[w].k1 = 0xff02 | (uint64_t)w << 24 | (uint64_t)1 << 32;
	for (uint32_t k = (uint32_t)cpu * sets; k < (uint32_t)(cpu + 1) * sets; k++)
		CHECK_EQ(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
}

/* Some CPU's flow cache is skipping itself (too few hits). */
static bool flow_skipping(struct tna_dp *dp)
{
	int ncpu = libbpf_num_possible_cpus(), fd;
	struct { uint32_t probes, hits, skip, pad; } *v = calloc(ncpu, sizeof(*v));
	uint32_t k = 0;
	bool on = false;

	fd = bpf_map__fd(dp->skel->maps.tna_flow_use);
	if (v && !bpf_map_lookup_elem(fd, &k, v))
		for (int c = 0; c < ncpu; c++)
			on |= v[c].skip > 0;
	free(v);
	return on;
}

#define PASS XDP_PASS
#define R(x) TNA_REASON_##x

static bool fdb_has(struct tna_dp *dp, const uint8_t mac[6])
{
	struct tna_fdb_key k = { 0 };
	struct tna_fdb_val v;

	memcpy(k.mac, mac, 6);
	return !bpf_map_lookup_elem(bpf_map__fd(dp->skel->maps.tna_fdb), &k, &v);
}

/* The mirror entry of MAC is confirmed (its ack is its slot's count). */
static bool fdb_confirmed(struct tna_dp *dp, const uint8_t mac[6])
{
	struct tna_fdb_key k = { 0 };
	struct tna_fdb_val v;

	memcpy(k.mac, mac, 6);
	return !bpf_map_lookup_elem(bpf_map__fd(dp->skel->maps.tna_fdb), &k, &v) &&
	       v.ack == tna_dp__pend_get(dp, tna_pend_slot(mac, 0), NULL);
}

/* An IPv4 (VERSION 4) or IPv6 frame B <- A of FLEN bytes whose IP length
 * field says IPLEN; IPv4 gets a valid checksum unless BADSUM. */
static int ip_frame(uint8_t *f, int version, int flen, int iplen, int ihl, bool badsum)
{
	fp_frame(f, B, A, version == 4 ? 0x0800 : 0x86dd);
	memset(f + 14, 0, flen - 14);
	if (version == 6) {
		f[14] = 0x60;
		f[18] = (iplen - 40) >> 8;
		f[19] = (iplen - 40) & 0xff;
		f[20] = ihl;			/* next header */
		f[21] = 64;
		return flen;
	}
	f[14] = 0x40 | ihl;
	f[16] = iplen >> 8;
	f[17] = iplen & 0xff;
	f[22] = 64;
	f[23] = 17;
	f[26] = 10, f[29] = 1, f[30] = 10, f[33] = 2;
	fp_ip4_csum(f);
	if (badsum)
		f[25] ^= 1;
	return flen;
}

/* Run FRAME through the program and return the action; *OUTLEN gets the
 * length of the frame the program left (after any trim). */
static int run_len(struct tna_dp *dp, int in, const uint8_t *f, int len, uint32_t *outlen)
{
	uint8_t out[256];

	return fp_run_out(dp, in, f, len, out, sizeof(out), outlen);
}

static void brnf_tests(void)
{
	struct tna_dp *dp = load(TNA_TARGET_GENERIC, TNA_FPM_BRIDGE |
				 TNA_FPM_BRNF_IPV4 | TNA_FPM_BRNF_IPV6, false);
	uint8_t f[128];
	uint32_t olen;
	int ret;

	if (!dp)
		return;
	ip_frame(f, 4, 64, 50, 5, false);
	ret = run_len(dp, p1, f, 64, &olen);
	CHECK(ret == XDP_REDIRECT && olen == 64, "valid IPv4: action %d len %u", ret, olen);
	ip_frame(f, 4, 64, 28, 5, false);	/* 22 bytes of padding */
	ret = run_len(dp, p1, f, 64, &olen);
	CHECK(ret == XDP_REDIRECT && olen == 14 + 28,
	      "padded IPv4 is forwarded trimmed like br_validate_ipv4: action %d len %u", ret, olen);
	ip_frame(f, 6, 100, 60, 17, false);	/* UDP, 26 bytes of padding */
	ret = run_len(dp, p1, f, 100, &olen);
	CHECK(ret == XDP_REDIRECT && olen == 14 + 60,
	      "padded IPv6 is forwarded trimmed: action %d len %u", ret, olen);
	ip_frame(f, 4, 64, 50, 5, true);
	expect_frame(dp, "IPv4 bad checksum", p1, f, 64, PASS, R(BRNF_INVALID));
	/* words whose sum carries out of 32 and 16 bits, and whose 16-bit
	 * parts add up to 0x1fffe, not 0xffff: the fold must keep every
	 * carry (brnf_ipv4 folds the 35-bit sum in two steps) */
	static const uint8_t addrs[8] = { 0xf0, 0xfe, 0xf0, 0xfe, 0xe1, 0xff, 0xfe, 0xfe };
	ip_frame(f, 4, 64, 50, 5, false);
	f[15] = 0xfe;				/* TOS */
	f[18] = 0xff, f[19] = 0xf0;		/* ID */
	f[20] = 0x40;				/* DF: not a fragment */
	f[22] = 0xea;				/* TTL */
	memcpy(f + 26, addrs, sizeof(addrs));
	fp_ip4_csum(f);
	expect_frame(dp, "valid IPv4 whose header sum carries", p1, f, 64, XDP_REDIRECT, -1);
	f[25] ^= 1;
	expect_frame(dp, "IPv4 whose header sum carries, bad checksum", p1, f, 64, PASS,
		     R(BRNF_INVALID));
	ip_frame(f, 4, 64, 51, 5, false);
	expect_frame(dp, "IPv4 length beyond frame", p1, f, 64, PASS, R(BRNF_INVALID));
	ip_frame(f, 4, 64, 50, 4, false);
	expect_frame(dp, "IPv4 IHL 4", p1, f, 64, PASS, R(BRNF_INVALID));
	ip_frame(f, 4, 64, 50, 6, false);
	expect_frame(dp, "IPv4 options", p1, f, 64, PASS, R(BRNF_IP_OPTIONS));
	ip_frame(f, 4, 64, 50, 5, false);
	f[14] = 0x65;				/* version 6 in an IPv4 frame */
	expect_frame(dp, "IPv4 wrong version", p1, f, 64, PASS, R(BRNF_INVALID));
	ip_frame(f, 4, 30, 50, 5, false);
	expect_frame(dp, "IPv4 truncated header", p1, f, 30, PASS, R(BRNF_INVALID));
	ip_frame(f, 6, 100, 87, 17, false);
	expect_frame(dp, "IPv6 length beyond frame", p1, f, 100, PASS, R(BRNF_INVALID));
	ip_frame(f, 6, 100, 60, 0, false);
	expect_frame(dp, "IPv6 hop-by-hop", p1, f, 100, PASS, R(BRNF_IP_OPTIONS));
	fp_frame(f, B, A, 0x0806);
	expect_frame(dp, "unicast ARP is not IP", p1, f, 64, XDP_REDIRECT, -1);
	expect_frame(dp, "short ARP without the ARP module", p1, f, 21, XDP_REDIRECT, -1);
	tna_dp__destroy(dp);

	/* bridge-nf-call-arptables: an ARP frame shorter than its header is
	 * dropped by br_nf_forward_arp (found by the equivalence harness) */
	dp = load(TNA_TARGET_GENERIC, TNA_FPM_BRIDGE | TNA_FPM_BRNF_ARP, false);
	if (!dp)
		return;
	fp_frame(f, B, A, 0x0806);
	expect_frame(dp, "ARP shorter than its header", p1, f, 21, PASS, R(BRNF_INVALID));
	expect_frame(dp, "ARP with its header", p1, f, 22, XDP_REDIRECT, -1);
	tna_dp__destroy(dp);
}

int main(void)
{
	struct tna_port_cfg cfg = { .stp_state = 3, .flags = TNA_PORT_F_LEARNING };
	struct tna_dp *dp;
	int rc = fp_netns(3);
	uint32_t k;

	if (rc)
		return rc;
	p1 = fp_ifx("p1"), p2 = fp_ifx("p2"), p3 = fp_ifx("p3");

	dp = load(TNA_TARGET_GENERIC, TNA_FPM_BRIDGE, false);
	if (!dp)
		return tna_test_exit();
	expect(dp, "known unicast", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
	expect(dp, "known unicast 3", p3, A, C, 0x0800, 64, XDP_REDIRECT, -1);
	/* (frames shorter than 14 bytes: BPF_PROG_RUN refuses them) */
	expect(dp, "multicast source", p1, B, MCAST, 0x0800, 64, PASS, R(MALFORMED));
	expect(dp, "zero source", p1, B, (uint8_t[6]){0}, 0x0800, 64, PASS, R(MALFORMED));
	expect(dp, "STP BPDU", p1, STP, A, 0x0026, 64, PASS, R(LINK_LOCAL));
	expect(dp, "LLDP", p1, (uint8_t[6]){1, 0x80, 0xc2, 0, 0, 0xe}, A, 0x88cc, 64, PASS, R(LINK_LOCAL));
	expect(dp, "broadcast", p1, BCAST, A, 0x0806, 64, PASS, R(BCAST_MCAST));
	expect(dp, "multicast", p1, MCAST, A, 0x86dd, 64, PASS, R(BCAST_MCAST));
	expect(dp, "to bridge MAC", p1, BR, A, 0x0800, 64, PASS, R(TO_LOCAL_MAC));
	/* a new bridge MAC (a port with a lower one joined): a table write,
	 * the same program follows it at once, both ways */
	tna_dp__set_bridge_mac(dp, A);
	expect(dp, "to the new bridge MAC", p3, A, C, 0x0800, 64, PASS, R(TO_LOCAL_MAC));
	tna_dp__set_bridge_mac(dp, BR);
	expect(dp, "to the old bridge MAC again", p3, A, C, 0x0800, 64, XDP_REDIRECT, -1);
	expect(dp, "to bridge MAC again", p1, BR, A, 0x0800, 64, PASS, R(TO_LOCAL_MAC));
	expect(dp, "to a local FDB entry", p1, L, A, 0x0800, 64, PASS, R(TO_LOCAL_MAC));
	expect(dp, "unknown source", p1, B, X, 0x0800, 64, PASS, R(SRC_UNKNOWN));
	expect(dp, "moved source", p1, C, B, 0x0800, 64, PASS, R(SRC_MOVED));
	/* Linux moves B to p1 now; until the controller confirms B again from
	 * the kernel, frames for B must not go to p2 (bpf/fpm/fdb.h, P2) */
	CHECK(fdb_has(dp, B) && !fdb_confirmed(dp, B), "moved source: B still confirmed");
	expect(dp, "to the moved MAC", p3, B, C, 0x0800, 64, PASS, R(FDB_UNCONFIRMED));
	expect(dp, "from the moved MAC on its old port", p2, C, B, 0x0800, 64, PASS,
	       R(FDB_UNCONFIRMED));
	CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p2, 0), 0);
	CHECK(fdb_confirmed(dp, B), "confirmed again");
	/* the same when the move is learned from a broadcast */
	expect(dp, "broadcast from a moved MAC", p1, BCAST, B, 0x0806, 64, PASS, R(BCAST_MCAST));
	CHECK(!fdb_confirmed(dp, B), "broadcast from moved source: B still confirmed");
	CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p2, 0), 0);
	expect(dp, "broadcast from a known MAC", p2, BCAST, B, 0x0806, 64, PASS, R(BCAST_MCAST));
	CHECK(fdb_confirmed(dp, B), "broadcast from B on its own port unconfirmed it");
	expect(dp, "local source", p1, B, L, 0x0800, 64, PASS, R(SRC_LOCAL));
	expect(dp, "unknown destination", p1, X, A, 0x0800, 64, PASS, R(DST_UNKNOWN));
	expect(dp, "destination on ingress port", p1, A2, A, 0x0800, 64, PASS, R(DST_SAME_PORT));
	expect(dp, "not a port (lo)", 1, B, A, 0x0800, 64, PASS, R(NOT_A_PORT));
	/* no VLAN module: a tagged frame is just a frame (no VLAN filtering) */
	expect(dp, "tagged, VLAN module off", p1, B, A, 0x8100, 64, XDP_REDIRECT, -1);

	/* learning off on a port: Linux does not learn there, no source check */
	cfg.flags = 0;
	CHECK_EQ(tna_dp__port_set(dp, p1, &cfg), 0);
	expect(dp, "unknown source, learning off", p1, B, X, 0x0800, 64, XDP_REDIRECT, -1);
	cfg.flags = TNA_PORT_F_LEARNING;

	cfg.stp_state = 4;			/* blocking */
	CHECK_EQ(tna_dp__port_set(dp, p3, &cfg), 0);
	expect(dp, "ingress blocking", p3, A, C, 0x0800, 64, PASS, R(PORT_NOT_FORWARDING));
	expect(dp, "egress blocking", p1, C, A, 0x0800, 64, PASS, R(EGRESS_NOT_FORWARDING));
	cfg.stp_state = 2;			/* learning */
	CHECK_EQ(tna_dp__port_set(dp, p3, &cfg), 0);
	expect(dp, "ingress learning", p3, A, C, 0x0800, 64, PASS, R(PORT_NOT_FORWARDING));
	cfg.stp_state = 3;
	CHECK_EQ(tna_dp__port_set(dp, p3, &cfg), 0);
	CHECK_EQ(tna_dp__port_del(dp, p3), 0);
	expect(dp, "egress removed", p1, C, A, 0x0800, 64, PASS, R(EGRESS_NOT_FORWARDING));
	CHECK_EQ(tna_dp__port_set(dp, p3, &cfg), 0);

	cfg.flags = TNA_PORT_F_LEARNING | TNA_PORT_F_ISOLATED;
	CHECK_EQ(tna_dp__port_set(dp, p1, &cfg), 0);
	expect(dp, "one end isolated", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
	CHECK_EQ(tna_dp__port_set(dp, p2, &cfg), 0);
	expect(dp, "both ends isolated", p1, B, A, 0x0800, 64, PASS, R(PORT_ISOLATED));
	cfg.flags = TNA_PORT_F_LEARNING;
	CHECK_EQ(tna_dp__port_set(dp, p2, &cfg), 0);
	cfg.flags = TNA_PORT_F_LEARNING | TNA_PORT_F_LOCKED;
	CHECK_EQ(tna_dp__port_set(dp, p1, &cfg), 0);
	expect(dp, "locked port", p1, B, A, 0x0800, 64, PASS, R(PORT_LOCKED));
	cfg.flags = TNA_PORT_F_LEARNING | TNA_PORT_F_SLOWPATH;
	CHECK_EQ(tna_dp__port_set(dp, p1, &cfg), 0);
	expect(dp, "slow-path ingress", p1, B, A, 0x0800, 64, PASS, R(PORT_SLOWPATH));
	expect(dp, "slow-path egress", p2, A, B, 0x0800, 64, PASS, R(PORT_SLOWPATH));
	cfg.flags = TNA_PORT_F_LEARNING;
	CHECK_EQ(tna_dp__port_set(dp, p1, &cfg), 0);
	/* generic mode never marks NO_XMIT, even if asked */
	cfg.flags = TNA_PORT_F_LEARNING | TNA_PORT_F_NO_XMIT;
	CHECK_EQ(tna_dp__port_set(dp, p2, &cfg), 0);
	expect(dp, "generic ignores NO_XMIT", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
	CHECK_EQ(tna_dp__port_no_xmit(dp, p2, true), 0);
	expect(dp, "generic ignores port_no_xmit", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);

	/* flow cache: a steady flow is answered from it, and every change of
	 * the mirror is seen by the very next frame */
	CHECK_EQ(tna_dp__port_set(dp, p2, &cfg), 0);
	expect(dp, "flow: first", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
	expect(dp, "flow: cached", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
	CHECK(flow_cached(dp, p1, p2), "no flow-cache entry p1 -> p2");
	CHECK_EQ(tna_dp__fdb_del(dp, B, 0), 0);
	expect(dp, "flow: dst deleted", p1, B, A, 0x0800, 64, PASS, R(DST_UNKNOWN));
	CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p2, 0), 0);
	expect(dp, "flow: dst back", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
	expect(dp, "flow: cached again", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
	CHECK_EQ(tna_dp__fdb_set(dp, A, 0, p3, 0), 0);
	expect(dp, "flow: src moved", p1, B, A, 0x0800, 64, PASS, R(SRC_MOVED));
	CHECK_EQ(tna_dp__fdb_set(dp, A, 0, p1, 0), 0);
	expect(dp, "flow: src back", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
	CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p1, 0), 0);
	expect(dp, "flow: dst moved to ingress", p1, B, A, 0x0800, 64, PASS, R(DST_SAME_PORT));
	CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p2, 0), 0);
	expect(dp, "flow: refilled", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
	/* a window of probes that all miss (new sources) makes the cache
	 * skip itself; frames are then answered by the FDB lookups, and every
	 * change is still seen by the next frame.  One CPU: the counts are
	 * per CPU. */
	{
		cpu_set_t one;
		uint8_t src[6] = { 0x02, 0x77 };

		CPU_ZERO(&one);
		CPU_SET(sched_getcpu(), &one);
		CHECK_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
		CHECK(!flow_skipping(dp), "the cache skips itself before any miss");
		/* cold misses (room in the set) do not make it skip */
		for (int i = 0; i < 256; i++) {
			src[4] = i >> 8;
			src[5] = i;
			expect(dp, "flow: new source, room", p1, B, src, 0x0800, 64, PASS,
			       R(SRC_UNKNOWN));
		}
		CHECK(!flow_skipping(dp), "256 cold misses, the cache skips itself");
		/* misses that must evict a current entry do: every set of
		 * this CPU full of other current pairs */
		flows_fill(dp, sched_getcpu());
		for (int i = 0; i < 256; i++) {
			src[4] = i >> 8;
			src[5] = i;
			expect(dp, "flow: new source, no room", p1, B, src, 0x0800, 64, PASS,
			       R(SRC_UNKNOWN));
		}
		CHECK(flow_skipping(dp), "256 evicting misses in a row, the cache does not skip itself");
		expect(dp, "flow: skipping, forwarded", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
		CHECK_EQ(tna_dp__fdb_del(dp, B, 0), 0);
		expect(dp, "flow: skipping, dst deleted", p1, B, A, 0x0800, 64, PASS,
		       R(DST_UNKNOWN));
		CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p2, 0), 0);
		expect(dp, "flow: skipping, dst back", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
	}
	cfg.stp_state = 4;
	CHECK_EQ(tna_dp__port_set(dp, p2, &cfg), 0);
	expect(dp, "flow: egress blocking", p1, B, A, 0x0800, 64, PASS, R(EGRESS_NOT_FORWARDING));
	cfg.stp_state = 3;
	CHECK_EQ(tna_dp__port_set(dp, p2, &cfg), 0);
	CHECK_EQ(tna_dp__fdb_clear(dp), 0);
	expect(dp, "flow: FDB flushed", p1, B, A, 0x0800, 64, PASS, R(SRC_UNKNOWN));
	CHECK_EQ(tna_dp__fdb_set(dp, A, 0, p1, 0), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p2, 0), 0);

	k = fp_idx(dp, p2);			/* devmap slot gone under a port */
	CHECK_EQ(bpf_map_delete_elem(dp->devmap_fd, &k), 0);
	expect(dp, "devmap slot missing", p1, B, A, 0x0800, 64, PASS, R(REDIRECT_FAILED));
	tna_dp__destroy(dp);

	brnf_tests();

	dp = load(TNA_TARGET_GENERIC, TNA_FPM_BRIDGE, true);
	if (dp)
		expect(dp, "br_netfilter", p1, B, A, 0x0800, 64, PASS, R(BR_NETFILTER));
	tna_dp__destroy(dp);

	dp = load(TNA_TARGET_GENERIC, TNA_FPM_BRIDGE & ~TNA_FPM_FDB_DST, false);
	if (dp)
		expect(dp, "no FDB_DST module", p1, B, A, 0x0800, 64, PASS, R(FPM_OFF));
	tna_dp__destroy(dp);

	/* the VLAN module: tests/unit/test_fastpath_vlan.c */

	/* native: the peer q2 has neither XDP nor GRO, p2 cannot transmit */
	dp = load(TNA_TARGET_NATIVE, TNA_FPM_BRIDGE, false);
	if (dp) {
		struct tna_port_cfg got;

		CHECK_EQ(tna_dp__port_get(dp, p2, &got), 0);
		CHECK(got.flags & TNA_PORT_F_NO_XMIT, "native p2 flags %#x", got.flags);
		expect(dp, "native: egress cannot xmit", p1, B, A, 0x0800, 64, PASS, R(EGRESS_NO_XMIT));
		struct tna_gro_undo undo;

		CHECK_EQ(tna_peer_gro_enable(p2, &undo), 0);
		CHECK(undo.changed, "GRO was off on q2, must be recorded as changed");
		CHECK_EQ(undo.peer_ifindex, fp_ifx("q2"));
		CHECK_EQ(tna_dp__port_set(dp, p2, &cfg), 0);
		expect(dp, "native: peer GRO on", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
		CHECK_EQ(tna_peer_gro_undo(&undo), 0);
		CHECK_EQ(system("ethtool -k q2 | grep -q 'generic-receive-offload: off'"), 0);
		CHECK_EQ(tna_dp__port_set(dp, p2, &cfg), 0);
		expect(dp, "native: GRO undone", p1, B, A, 0x0800, 64, PASS, R(EGRESS_NO_XMIT));
		/* enabling when already on changes nothing and undoes nothing */
		CHECK_EQ(system("ethtool -K q2 gro on"), 0);
		CHECK_EQ(tna_peer_gro_enable(p2, &undo), 0);
		CHECK(!undo.changed, "GRO already on: nothing to undo");
		CHECK_EQ(tna_peer_gro_undo(&undo), 0);
		CHECK_EQ(system("ethtool -k q2 | grep -q 'generic-receive-offload: on'"), 0);
		/* NO_XMIT alone, as the kernel's notification of a lost
		 * ndo-xmit gives it: at once; a refresh reads the device */
		CHECK_EQ(tna_dp__port_set(dp, p2, &cfg), 0);
		expect(dp, "native: peer GRO on again", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
		CHECK_EQ(tna_dp__port_no_xmit(dp, p2, true), 1);
		CHECK_EQ(tna_dp__port_no_xmit(dp, p2, true), 0);
		expect(dp, "native: port_no_xmit", p1, B, A, 0x0800, 64, PASS, R(EGRESS_NO_XMIT));
		CHECK_EQ(tna_dp__port_refresh(dp, p2), 1);
		expect(dp, "native: refreshed from the device", p1, B, A, 0x0800, 64, XDP_REDIRECT, -1);
		CHECK_EQ(tna_dp__port_no_xmit(dp, fp_ifx("q2"), true), -ENOENT);
	}
	tna_dp__destroy(dp);
	return tna_test_exit();
}
