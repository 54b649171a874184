/* The pipeline object with the FDB kfunc mode (bpf/tna_bridge_kfunc.bpf.c)
 * on a kernel without bpf_xdp_fdb_lookup(): it still loads (weak ksym),
 * without the bit it forwards from the mirror like the mirror object, and
 * with the bit it never reads the mirror: every frame goes to Linux
 * (fpm_off; on a kernel with the kfunc, a veth outside any bridge is
 * not_a_port).  In the test VM, tests/vm/vm_deploy_kfunc_equiv.sh runs the
 * mode for real. */
#include <bpf/btf.h>
#include "tests/lib/fastpath.h"

static const uint8_t A[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t B[6] = { 0x02, 0, 0, 0, 0, 0x0b };

static void run(uint64_t fpms, int want_act, int want_reason)
{
	struct tna_port_cfg fwd = { .stp_state = 3, .flags = TNA_PORT_F_LEARNING };
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC, .fpms = fpms };
	int p1 = fp_ifx("p1"), p2 = fp_ifx("p2");
	struct tna_stats_val s;
	struct tna_dp *dp;
	uint8_t f[64];

	dp = tna_dp__load(&o);
	CHECK(dp != NULL, "load fpms %#llx: %s", (unsigned long long)fpms, strerror(errno));
	if (!dp)
		return;
	printf("fpms %#llx: %u xlated insns\n", (unsigned long long)fpms,
	       tna_dp__xlated_insns(dp));
	CHECK_EQ(tna_dp__port_set(dp, p1, &fwd), 0);
	CHECK_EQ(tna_dp__port_set(dp, p2, &fwd), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, A, 0, p1, 0), 0);
	CHECK_EQ(tna_dp__fdb_set(dp, B, 0, p2, 0), 0);
	fp_frame(f, B, A, 0x0800);
	CHECK_EQ(fp_run(dp, p1, f, 64), want_act);
	s = fp_stats(dp, fp_idx(dp, p1));
	if (want_reason >= 0)
		CHECK(s.passed[want_reason] == 1, "passed as %s: %llu",
		      tna_reason_name(want_reason), (unsigned long long)s.passed[want_reason]);
	else
		CHECK_EQ(s.forwarded, 1);
	tna_dp__destroy(dp);
}

int main(void)
{
	const uint64_t bridge = TNA_FPM_BRIDGE & ~TNA_FPM_FLOW_CACHE;
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool kfunc = vmlinux && btf__find_by_name_kind(vmlinux, "bpf_xdp_fdb_lookup",
						       BTF_KIND_FUNC) > 0;
	int rc = fp_netns(2);

	btf__free(vmlinux);
	if (rc)
		return rc;
	printf("kernel %s bpf_xdp_fdb_lookup\n", kfunc ? "has" : "has no");
	/* the mirror object, and the kfunc object with the mode off: mirror */
	run(bridge, XDP_REDIRECT, -1);
	run(TNA_FPM_BRIDGE, XDP_REDIRECT, -1);
	/* the mode on: the mirror is not read */
	run(bridge | TNA_FPM_FDB_KFUNC, XDP_PASS,
	    kfunc ? TNA_REASON_NOT_A_PORT : TNA_REASON_FPM_OFF);
	return tna_test_exit();
}
