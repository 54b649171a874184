/* A device that refuses the NIC stage: the port keeps its host stage, the
 * refusal carries the kernel's words and is remembered (no retry storm).
 * On this machine no device takes offloaded programs, so a veth plays the
 * refusing device (the kernel refuses to bind maps to it).  Also: what is
 * taken from a verifier log as the device's reason. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/datapath.h"
#include "targets/offload/nic.h"
#include "targets/offload/nic_why.h"
#include "tests/lib/tna_test.h"

static const char *str(const char *s) { return s; }

static void log_lines(void)
{
	char out[256];

	tna_offload_verifier_msg("func#0 @0\n0: R1=ctx() R10=fp0\n; int tna_nic(struct xdp_md *ctx)\n"
				 "0: (61) r8 = *(u32 *)(r1 +4)\n[netdevsim] Hello from netdevsim!\n"
				 "processed 101 insns (limit 1000000) max_states_per_insn 0\n",
				 out, sizeof(out));
	CHECK_STR(str(out), "[netdevsim] Hello from netdevsim!");
	tna_offload_verifier_msg("0: (b7) r0 = 0\n[nfp] unsupported function id: 51\n"
				 "verification time 17 usec\n", out, sizeof(out));
	CHECK_STR(str(out), "[nfp] unsupported function id: 51");
	tna_offload_verifier_msg("12: (7b) *(u64 *)(r0 +0) = r1\nR0 invalid mem access 'map_value_or_null'\n"
				 "processed 12 insns\n", out, sizeof(out));
	CHECK_STR(str(out), "R0 invalid mem access 'map_value_or_null'");
	tna_offload_verifier_msg("", out, sizeof(out));
	CHECK_STR(str(out), "");
}

int main(void)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC };
	struct tna_offload_caps nsim;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct tna_dp *dp;
	char why[512], again[512];
	int p1;

	log_lines();
	if (geteuid() != 0)
		SKIP_TEST("needs root (a private netns, XDP)");
	if (unshare(CLONE_NEWNET))
		SKIP_TEST("unshare(CLONE_NEWNET): %s", strerror(errno));
	if (system("ip link add p1 type veth peer name q1 && ip link set p1 up && ip link set q1 up"))
		SKIP_TEST("cannot create a veth pair in a private netns");
	p1 = if_nametoindex("p1");
	tna_offload_caps_netdevsim(&nsim);	/* the model passes; the kernel refuses */

	dp = tna_dp__load(&o);
	CHECK(dp != NULL, "load the host stage: %s", strerror(errno));
	if (!dp)
		return tna_test_exit();
	CHECK_EQ(tna_dp__nic_attach(dp, p1, &nsim, why, sizeof(why)), -ENOENT);	/* not attached */
	CHECK_EQ(tna_dp__attach(dp, p1), 0);
	CHECK_EQ(tna_dp__nic_attach(dp, p1, &nsim, why, sizeof(why)), -EINVAL);
	printf("refused: %s\n", why);
	CHECK(strstr(why, "the device refused map tna_nic_cfg") && strstr(why, "Invalid argument"),
	      "%s", why);
	CHECK_EQ(tna_dp__nic_attach(dp, p1, &nsim, again, sizeof(again)), -EPERM);
	CHECK_STR(str(again), why);
	CHECK_EQ(tna_dp__nic_prog_id(dp, p1), 0);
	CHECK_EQ(tna_dp__nic_set(dp, p1, TNA_NIC_F_BRIDGE_PORT, 4), -ENOENT);
	CHECK_EQ(bpf_xdp_query(p1, 0, &q), 0);
	CHECK(q.skb_prog_id && !q.hw_prog_id, "the host stage stays, no HW program (skb %u hw %u)",
	      q.skb_prog_id, q.hw_prog_id);
	/* a model that refuses: nothing is created at all */
	nsim.max_insns = 10;
	CHECK_EQ(tna_dp__detach(dp, p1), 0);
	CHECK_EQ(tna_dp__attach(dp, p1), 0);
	CHECK_EQ(tna_dp__nic_attach(dp, p1, &nsim, why, sizeof(why)), -E2BIG);
	CHECK(strstr(why, "model (netdevsim)") && strstr(why, "instructions > 10"), "%s", why);
	tna_dp__destroy(dp);
	CHECK_EQ(bpf_xdp_query(p1, 0, &q), 0);
	CHECK(!q.prog_id && !q.skb_prog_id, "nothing left");
	return tna_test_exit();
}
