/* The VLAN module (bpf/fpm/vlan.h) under BPF_PROG_RUN: admission by the
 * frame's VID or the ingress port's pvid, the FDB per VLAN, and the bytes
 * that leave: a tag pushed, popped or kept as it came.  The table is
 * filled by hand as the controller would from the kernel's VLANs.  Runs
 * on any kernel (the host's has no bridge VLAN filtering: the equivalence
 * with a real VLAN bridge is tests/vm/vm_vlan_equiv.sh).
 *
 * p1: access port, pvid 10 untagged.  p2: trunk, 10 and 20 tagged, no
 * pvid.  p3: access port, pvid 20 untagged. */
#include "tests/lib/fastpath.h"
#include "bpf/tna_bridge.skel.h"

static const uint8_t BR[6] = { 0x02, 0xbb, 0, 0, 0, 0x01 };
static const uint8_t A[6] = { 0x02, 0, 0, 0, 0, 0x0a };	/* p1, VLAN 10 */
static const uint8_t B[6] = { 0x02, 0, 0, 0, 0, 0x0b };	/* p2, VLANs 10 and 20 */
static const uint8_t C[6] = { 0x02, 0, 0, 0, 0, 0x0c };	/* p3, VLAN 20 */
static const uint8_t D[6] = { 0x02, 0, 0, 0, 0, 0x0d };	/* p2, VLAN 20 only */

#define PASS XDP_PASS
#define R(x) TNA_REASON_##x
#define FWD TNA_VLAN_F_FORWARDING
#define UNT TNA_VLAN_F_UNTAGGED

static int p1, p2, p3;

static void vset(struct tna_dp *dp, int port, uint16_t vid, uint8_t flags)
{
	struct tna_vlan_val v = { .flags = flags };

	CHECK_EQ(tna_dp__vlan_set(dp, port, vid, &v), 0);
}

static void pvid(struct tna_dp *dp, int port, uint16_t vid)
{
	struct tna_vlan_val v = { .pvid = vid };

	CHECK_EQ(tna_dp__vlan_set(dp, port, 0, &v), 0);
}

static struct tna_dp *load(uint64_t extra)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC,
				 .fpms = TNA_FPM_BRIDGE | TNA_FPM_VLAN | extra };
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
	pvid(dp, p1, 10);
	vset(dp, p1, 10, FWD | UNT);
	vset(dp, p2, 10, FWD);
	vset(dp, p2, 20, FWD);
	pvid(dp, p3, 20);
	vset(dp, p3, 20, FWD | UNT);
	CHECK_EQ(tna_dp__fdb_set(dp, A, 10, p1, 0), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, B, 10, p2, 0), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, B, 20, p2, 0), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, C, 20, p3, 0), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, D, 20, p2, 0), 0);
	return dp;
}

/* DST <- SRC, LEN bytes; with a tag TCI of ethertype TPID when TPID != 0. */
static int frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t tpid,
		 uint16_t tci, int len)
{
	int o = 12;

	memset(f, 0, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (tpid) {
		f[o++] = tpid >> 8, f[o++] = tpid & 0xff;
		f[o++] = tci >> 8, f[o++] = tci & 0xff;
	}
	f[o++] = 0x88, f[o++] = 0xb5;	/* local experimental: not IP */
	for (int i = o; i < len; i++)
		f[i] = (i - o) & 0xff;
	return len;
}

/* Run F on IN: expect ACTION and exactly counter REASON (-1: forwarded);
 * when OUT is given, the frame as it leaves must equal OUT (OUT_LEN). */
static void expect(struct tna_dp *dp, const char *what, int in, const uint8_t *f, int len,
		   int action, int reason, const uint8_t *out, int out_len)
{
	uint32_t idx = fp_idx(dp, in);
	struct tna_stats_val before = fp_stats(dp, idx), after;
	uint8_t got[2048];
	uint32_t got_len = 0;
	int ret = fp_run_out(dp, in, f, len, got, sizeof(got), &got_len);

	after = fp_stats(dp, idx);
	CHECK(ret == action, "%s: action %d, expected %d", what, ret, action);
	fp_check_counted(what, &before, &after, reason);
	if (!out)	/* passed frames reach Linux as they came */
		out = f, out_len = len;
	CHECK(got_len == (uint32_t)out_len && !memcmp(got, out, out_len),
	      "%s: %u bytes left, not the %d expected (or other bytes)", what,
	      got_len, out_len);
}

int main(void)
{
	uint8_t f[1600], w[1600];
	struct tna_dp *dp;
	uint32_t slot, before;
	int n, m, rc = fp_netns(3);

	if (rc)
		return rc;
	p1 = fp_ifx("p1"), p2 = fp_ifx("p2"), p3 = fp_ifx("p3");
	dp = load(0);
	if (!dp)
		return tna_test_exit();

	/* untagged on an access port -> trunk: VLAN 10 pushed, priority 0 */
	n = frame(f, B, A, 0, 0, 64);
	m = frame(w, B, A, 0x8100, 10, 68);
	expect(dp, "untagged -> tagged", p1, f, n, XDP_REDIRECT, -1, w, m);
	/* tagged on the trunk -> access port: popped */
	n = frame(f, A, B, 0x8100, 0xa00a, 68);	/* priority 5, VLAN 10 */
	m = frame(w, A, B, 0, 0, 64);
	expect(dp, "tagged -> untagged", p2, f, n, XDP_REDIRECT, -1, w, m);
	n = frame(f, C, B, 0x8100, 20, 68);
	m = frame(w, C, B, 0, 0, 64);
	expect(dp, "tagged 20 -> untagged", p2, f, n, XDP_REDIRECT, -1, w, m);
	/* tagged in, tagged out: the tag as it came (its priority too) */
	vset(dp, p3, 20, FWD);
	n = frame(f, C, B, 0x8100, 0xe014, 68);
	expect(dp, "tagged -> tagged", p2, f, n, XDP_REDIRECT, -1, f, n);
	vset(dp, p3, 20, FWD | UNT);
	/* a tagged frame on an access port, of its VLAN: admitted */
	n = frame(f, B, A, 0x8100, 10, 68);
	expect(dp, "tagged on the access port", p1, f, n, XDP_REDIRECT, -1, f, n);

	/* the FDB per VLAN: D and C are known in VLAN 20 only */
	n = frame(f, D, B, 0x8100, 10, 68);
	expect(dp, "MAC of another VLAN", p2, f, n, PASS, R(DST_UNKNOWN), NULL, 0);
	n = frame(f, C, A, 0, 0, 64);
	expect(dp, "untagged to a MAC of another VLAN", p1, f, n, PASS, R(DST_UNKNOWN), NULL, 0);
	/* A is known in VLAN 10: from p3 (VLAN 20) it is a new source there,
	 * and the pending slot bumped is VLAN 20's (Linux learns it there) */
	slot = tna_pend_slot(A, 20);
	before = tna_dp__pend_get(dp, slot, NULL);
	n = frame(f, C, A, 0, 0, 64);
	expect(dp, "source known in another VLAN", p3, f, n, PASS, R(SRC_UNKNOWN), NULL, 0);
	CHECK(tna_dp__pend_get(dp, slot, NULL) == before + 1,
	      "the pending slot of (A, VLAN 20) was not bumped");

	/* admission */
	n = frame(f, A, B, 0x8100, 30, 68);
	expect(dp, "VLAN not on the port", p2, f, n, PASS, R(VLAN_INGRESS), NULL, 0);
	n = frame(f, A, B, 0, 0, 64);
	expect(dp, "untagged on the trunk (no pvid)", p2, f, n, PASS, R(VLAN_NO_PVID), NULL, 0);
	n = frame(f, B, A, 0x8100, 0xa000, 68);
	expect(dp, "priority-tagged", p1, f, n, PASS, R(VLAN_PRIO_TAGGED), NULL, 0);
	n = frame(f, B, A, 0x88a8, 10, 68);
	expect(dp, "802.1ad", p1, f, n, PASS, R(VLAN_OTHER_PROTO), NULL, 0);
	n = frame(f, B, A, 0x8100, 10, 15);
	expect(dp, "tag cut short", p1, f, n, PASS, R(MALFORMED), NULL, 0);
	vset(dp, p1, 10, UNT);		/* per-VLAN state not forwarding */
	n = frame(f, B, A, 0, 0, 64);
	expect(dp, "VLAN blocking on ingress", p1, f, n, PASS, R(VLAN_INGRESS), NULL, 0);
	vset(dp, p1, 10, FWD | UNT | TNA_VLAN_F_LINUX);
	expect(dp, "per-VLAN option", p1, f, n, PASS, R(VLAN_OPTION), NULL, 0);
	vset(dp, p1, 10, FWD | UNT);

	/* egress */
	CHECK_EQ(tna_dp__vlan_del(dp, p2, 10), 0);
	expect(dp, "egress not in the VLAN", p1, f, n, PASS, R(VLAN_EGRESS), NULL, 0);
	vset(dp, p2, 10, UNT);
	expect(dp, "egress VLAN blocking", p1, f, n, PASS, R(VLAN_EGRESS), NULL, 0);
	vset(dp, p2, 10, FWD);
	/* a pushed tag must not make the frame too long for the egress:
	 * 1518 bytes may leave a 1500-byte port, 1522 may not */
	n = frame(f, B, A, 0, 0, 1518);
	expect(dp, "push past the egress bound", p1, f, n, PASS, R(EGRESS_MTU), NULL, 0);
	n = frame(f, B, A, 0, 0, 1514);
	m = frame(w, B, A, 0x8100, 10, 1518);
	expect(dp, "push up to the egress bound", p1, f, n, XDP_REDIRECT, -1, w, m);
	/* pvid gone: untagged frames are Linux's (it drops them) */
	CHECK_EQ(tna_dp__vlan_del(dp, p1, 0), 0);
	n = frame(f, B, A, 0, 0, 64);
	expect(dp, "pvid removed", p1, f, n, PASS, R(VLAN_NO_PVID), NULL, 0);
	tna_dp__destroy(dp);

	/* br_netfilter's checks on: tagged frames are Linux's */
	dp = load(TNA_FPM_BRNF_IPV4);
	if (dp) {
		n = frame(f, A, B, 0x8100, 10, 68);
		expect(dp, "tagged with br_netfilter", p2, f, n, PASS, R(VLAN_BRNF), NULL, 0);
		n = frame(f, B, A, 0, 0, 64);
		m = frame(w, B, A, 0x8100, 10, 68);
		expect(dp, "untagged with br_netfilter", p1, f, n, XDP_REDIRECT, -1, w, m);
	}
	tna_dp__destroy(dp);

	/* the flow cache is keyed without VLAN: never loaded with it */
	dp = load(TNA_FPM_FLOW_CACHE);
	if (dp) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		CHECK_EQ(bpf_obj_get_info_by_fd(tna_dp__prog_fd(dp), &info, &len), 0);
		CHECK(!(dp->skel->rodata->tna_fpms & TNA_FPM_FLOW_CACHE),
		      "flow cache loaded with the VLAN module");
	}
	tna_dp__destroy(dp);
	return tna_test_exit();
}
