/* IPv6 DIRECT lookups (fib_direct6) under BPF_PROG_RUN in a private netns:
 * a DIRECT lookup sees only the main table, where the box's own addresses
 * and the subnets' anycast addresses are not; the local table's
 * destinations, read from the kernel as the planner reads them
 * (tna_router_in_from_model), must go to Linux as a full lookup sends
 * them (fib_not_fwded), and so must link-local, multicast, hop limit 1;
 * a table the set cannot describe turns DIRECT off in the planner. */
#include "tests/lib/router_frames.h"
#include "targets/router.h"
#include "assembler/router_plan.h"
#include "introspect/model.h"

static const uint8_t H1[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };	/* host behind p1 */
static const uint8_t H2[6] = { 0x02, 0, 0, 0, 0x02, 0x02 };	/* neighbour on p2 */
static uint8_t M1[6], M2[6];
static struct tna_router_in in;
static struct tna_router_plan plan;

static void mac_of(int ifx, uint8_t m[6])
{
	struct tna_model *mo = tna_model_new();
	const struct tna_link *l = mo && !tna_model_dump(mo) ? tna_model_link(mo, ifx) : NULL;

	CHECK(l != NULL, "link %d in the model", ifx);
	if (l)
		memcpy(m, l->mac, 6);
	tna_model_free(mo);
}

/* The planner's input and plan from the namespace as it is now. */
static int replan(void)
{
	struct tna_model *m = tna_model_new();
	int err = !m ? -ENOMEM : tna_model_dump(m);

	if (!err)
		err = tna_router_in_from_model(m, &in);
	tna_model_free(m);
	if (!err)
		err = tna_router_plan(&in, &plan);
	CHECK_EQ(err, 0);
	return err;
}

static bool listed(const char *a)
{
	uint8_t x[16];

	inet_pton(AF_INET6, a, x);
	for (int i = 0; i < plan.n_local6; i++)
		if (!memcmp(plan.local6[i], x, 16))
			return true;
	return false;
}

static void to_linux(struct tna_dp *dp, const char *what, const char *dst, int hlim, int reason)
{
	uint8_t f[128];
	int n = frame6(f, M1, H1, "2001:db8:1::2", dst, hlim, 17, 18, 80);

	expect_pass(dp, what, fp_ifx("p1"), f, n, reason);
}

#define R(x) TNA_REASON_##x

int main(void)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC,
				 .fpms = TNA_FPM_ROUTER, .fib_direct6 = true };
	uint8_t f[128], w[128];
	struct tna_dp *dp;
	int rc = fp_netns(3), p1, p2, n;

	if (rc)
		return rc;
	p1 = fp_ifx("p1"), p2 = fp_ifx("p2");
	if (system("ip link set lo up && sysctl -qw net.ipv6.conf.all.forwarding=1 && "
		   "ip addr add 2001:db8:1::1/64 dev p1 nodad && "
		   "ip addr add 2001:db8:2::1/64 dev p2 nodad && "
		   "ip addr add 2001:db8:77::1/128 dev lo && "
		   "ip neigh add 2001:db8:2::2 lladdr 02:00:00:00:02:02 dev p2 nud permanent && "
		   "ip route add 2001:db8:20::/48 via 2001:db8:2::2 && "
		   "ip route add 2001:db8:77::/48 via 2001:db8:2::2")) {
		printf("SKIP: cannot configure IPv6 in a private netns\n");
		return 77;
	}
	/* A neighbour entry for the box's own address and for the subnet's
	 * anycast address: a DIRECT lookup alone would forward to them. */
	if (system("ip neigh add 2001:db8:2::1 lladdr 02:00:00:00:02:03 dev p2 nud permanent && "
		   "ip neigh add 2001:db8:2:: lladdr 02:00:00:00:02:04 dev p2 nud permanent"))
		CHECK(0, "neighbours for the own and anycast addresses");
	mac_of(p1, M1), mac_of(p2, M2);
	if (replan())
		return tna_test_exit();
	CHECK(plan.v6 && plan.fib_direct6, "planner: IPv6 DIRECT with the default rules (%s)",
	      plan.reason);
	CHECK(listed("2001:db8:1::1") && listed("2001:db8:2::1") && listed("2001:db8:77::1"),
	      "own addresses listed (%d)", plan.n_local6);
	CHECK(listed("2001:db8:1::") && listed("2001:db8:2::"), "anycast addresses listed");
	CHECK(!listed("::1") && !listed("ff02::1"), "loopback and multicast left to l3_classify");

	dp = tna_dp__load(&o);
	CHECK(dp != NULL, "load: %s", strerror(errno));
	if (!dp)
		return tna_test_exit();
	CHECK_EQ(tna_dp__router_port_add(dp, p1, M1, false), 0);
	CHECK_EQ(tna_dp__router_port_add(dp, p2, M2, false), 0);

	/* without the set, what DIRECT alone does: the box's own address is
	 * forwarded to its "neighbour" (Linux would deliver it locally) */
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:2::1", 64, 17, 18, 80);
	CHECK_EQ(fp_run(dp, p1, f, n), XDP_REDIRECT);

	CHECK_EQ(tna_dp__local6_set(dp, plan.local6, plan.n_local6), 0);
	to_linux(dp, "own address of the egress", "2001:db8:2::1", 64, R(FIB_NOT_FWDED));
	to_linux(dp, "own address of the ingress", "2001:db8:1::1", 64, R(FIB_NOT_FWDED));
	to_linux(dp, "subnet-router anycast", "2001:db8:2::", 64, R(FIB_NOT_FWDED));
	to_linux(dp, "own address on lo inside a routed prefix", "2001:db8:77::1", 64,
		 R(FIB_NOT_FWDED));
	to_linux(dp, "link-local destination", "fe80::1", 64, R(IP_SPECIAL_ADDR));
	to_linux(dp, "multicast destination", "ff02::1", 64, R(IP_SPECIAL_ADDR));
	to_linux(dp, "loopback destination", "::1", 64, R(IP_SPECIAL_ADDR));
	to_linux(dp, "hop limit 1", "2001:db8:20::5", 1, R(TTL_EXCEEDED));
	to_linux(dp, "no route (not in main)", "2001:db8:99::1", 64, R(FIB_NOT_FWDED));

	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:20::5", 64, 17, 18, 80);
	memcpy(w, f, n); memcpy(w, H2, 6); memcpy(w + 6, M2, 6); w[21]--;
	expect_fwd(dp, "via a gateway", p1, f, n, w, n);
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:77::5", 64, 17, 18, 80);
	memcpy(w, f, n); memcpy(w, H2, 6); memcpy(w + 6, M2, 6); w[21]--;
	expect_fwd(dp, "beside an own address in a routed prefix", p1, f, n, w, n);

	/* an address added: in the set after the next plan, gone after removal */
	system("ip addr add 2001:db8:20::9/128 dev lo");
	if (!replan()) {
		CHECK(listed("2001:db8:20::9"), "new address listed");
		CHECK_EQ(tna_dp__local6_set(dp, plan.local6, plan.n_local6), 0);
	}
	to_linux(dp, "address added", "2001:db8:20::9", 64, R(FIB_NOT_FWDED));
	system("ip addr del 2001:db8:20::9/128 dev lo");
	if (!replan())
		CHECK_EQ(tna_dp__local6_set(dp, plan.local6, plan.n_local6), 0);
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:20::9", 64, 17, 18, 80);
	memcpy(w, f, n); memcpy(w, H2, 6); memcpy(w + 6, M2, 6); w[21]--;
	expect_fwd(dp, "address removed: routed again", p1, f, n, w, n);
	tna_dp__destroy(dp);

	/* what the set cannot describe: DIRECT off */
	system("ip -6 route add local 2001:db8:88::/64 dev lo table local");
	if (!replan())
		CHECK(in.local6_unlisted && !plan.fib_direct6, "a local prefix keeps full lookups");
	system("ip -6 route del local 2001:db8:88::/64 dev lo table local");
	system("ip -6 rule add from 2001:db8:1::/64 table 100 pref 100");
	if (!replan())
		CHECK(!in.local6_unlisted && !plan.fib_direct6, "a policy rule keeps full lookups");
	return tna_test_exit();
}
