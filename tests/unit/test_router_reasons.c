/* The router pipeline under BPF_PROG_RUN in a private netns with real
 * routes, neighbours and a bridge: the SUCCESS path rewrites exactly the
 * bytes Linux would (MACs, TTL/hop limit, IPv4 checksum, padding trimmed),
 * and every slow-path reason gives XDP_PASS, leaves the packet untouched
 * and bumps exactly its own counter on the ingress port. */
#include <arpa/inet.h>
#include "tests/lib/fastpath.h"
#include "targets/router.h"
#include "tests/lib/router_frames.h"

static const uint8_t H1[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };	/* host behind p1 */
static const uint8_t H2[6] = { 0x02, 0, 0, 0, 0x02, 0x02 };	/* neighbour on p2 */
static const uint8_t H3[6] = { 0x02, 0, 0, 0, 0x03, 0x02 };	/* host on br0, port p3 */
static const uint8_t H4[6] = { 0x02, 0, 0, 0, 0x04, 0x02 };	/* host on br0, port p4 */
static const uint8_t HX[6] = { 0x02, 0, 0, 0, 0xee, 0xee };	/* not in the FDB */
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static uint8_t M1[6], M2[6], MBR[6];				/* p1, p2, br0 MACs */
static int p1, p2, p3, p4, p5, br;

static int sh(const char *cmd)
{
	int rc = system(cmd);

	CHECK(rc == 0, "command failed: %s", cmd);
	return rc;
}

static struct tna_dp *load(enum tna_target t, uint64_t fpms, bool direct, uint8_t nf)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = t, .fpms = fpms,
				 .bridge_ifindex = br, .fib_direct4 = direct, .nf_routed = nf };
	struct tna_port_cfg fwd = { .stp_state = 3, .flags = TNA_PORT_F_LEARNING };
	struct tna_rif_cfg brif = { .l3_ifindex = br, .flags = TNA_RIF_F_BRIDGE };
	struct tna_rif_cfg port = { .l3_ifindex = br, .flags = TNA_RIF_F_ROUTE | TNA_RIF_F_BRPORT };
	struct tna_dp *dp;

	memcpy(o.bridge_mac, MBR, 6);
	memcpy(brif.mac, MBR, 6);
	memcpy(port.mac, MBR, 6);
	dp = tna_dp__load(&o);
	CHECK(dp != NULL, "tna_dp__load(%#llx): %s", (unsigned long long)fpms, strerror(errno));
	if (!dp)
		return NULL;
	CHECK_EQ(tna_dp__router_port_add(dp, p1, M1, false), 0);
	CHECK_EQ(tna_dp__router_port_add(dp, p2, M2, false), 0);
	if (fpms & TNA_FPM_FDB_DST) {
		CHECK_EQ(tna_dp__rif_set(dp, br, &brif), 0);
		CHECK_EQ(tna_dp__port_set(dp, p3, &fwd), 0);
		CHECK_EQ(tna_dp__port_set(dp, p4, &fwd), 0);
		CHECK_EQ(tna_dp__rif_set(dp, p3, &port), 0);
		CHECK_EQ(tna_dp__rif_set(dp, p4, &port), 0);
		CHECK_EQ(tna_dp__fdb_set(dp, H3, 0, p3, 0), 0);
		CHECK_EQ(tna_dp__fdb_set(dp, H4, 0, p4, 0), 0);
		CHECK_EQ(tna_dp__fdb_set(dp, MBR, 0, br, TNA_FDB_F_LOCAL), 0);
	}
	return dp;
}

#define R(x) TNA_REASON_##x
#define ROUTER (TNA_FPM_ROUTER)
#define BOTH (TNA_FPM_ROUTER | TNA_FPM_BRIDGE)

static void routed4_want(uint8_t *w, const uint8_t *f, int len, const uint8_t *dmac,
			 const uint8_t *smac)
{
	memcpy(w, f, len);
	memcpy(w, dmac, 6);
	memcpy(w + 6, smac, 6);
	w[22]--;			/* TTL */
	refix4(w);			/* the checksum Linux would have */
}

int main(void)
{
	uint8_t f[1600], w[1600];
	struct tna_dp *dp;
	int rc = fp_netns(5), n;
	uint32_t k;

	if (rc)
		return rc;
	p1 = fp_ifx("p1"), p2 = fp_ifx("p2"), p3 = fp_ifx("p3"), p4 = fp_ifx("p4"), p5 = fp_ifx("p5");
	if (system("ip link add br0 type bridge && ip link set p3 master br0 && "
		   "ip link set p4 master br0 && ip link set br0 up && "
		   "ip link set br0 address 02:bb:00:00:00:01")) {
		printf("SKIP: cannot create a bridge in a private netns\n");
		return 77;
	}
	br = fp_ifx("br0");
	sh("sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 "
	   "net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0");
	sh("ip addr add 10.1.0.1/24 dev p1 && ip addr add 10.2.0.1/24 dev p2 && "
	   "ip addr add 10.3.0.1/24 dev br0 && ip addr add 10.5.0.1/24 dev p5");
	sh("ip addr add 2001:db8:1::1/64 dev p1 nodad && ip addr add 2001:db8:2::1/64 dev p2 nodad && "
	   "ip addr add 2001:db8:3::1/64 dev br0 nodad");
	sh("ip neigh add 10.2.0.2 lladdr 02:00:00:00:02:02 dev p2 nud permanent && "
	   "ip neigh add 10.1.0.3 lladdr 02:00:00:00:01:03 dev p1 nud permanent && "
	   "ip neigh add 10.3.0.3 lladdr 02:00:00:00:03:02 dev br0 nud permanent && "
	   "ip neigh add 10.3.0.9 lladdr 02:00:00:00:ee:ee dev br0 nud permanent && "
	   "ip neigh add 10.5.0.2 lladdr 02:00:00:00:05:02 dev p5 nud permanent && "
	   "ip neigh add 2001:db8:2::2 lladdr 02:00:00:00:02:02 dev p2 nud permanent && "
	   "ip neigh add 2001:db8:3::3 lladdr 02:00:00:00:03:02 dev br0 nud permanent");
	sh("ip route add 10.20.0.0/16 via 10.2.0.2 && ip route add blackhole 10.90.0.0/16 && "
	   "ip route add unreachable 10.91.0.0/16 && ip route add prohibit 10.92.0.0/16 && "
	   "ip route add 10.93.0.0/16 via 10.2.0.2 mtu lock 576 && "
	   "ip route add 2001:db8:20::/48 via 2001:db8:2::2 && ip route add blackhole 2001:db8:90::/48 && "
	   "ip route add unreachable 2001:db8:91::/48 && ip route add prohibit 2001:db8:92::/48");
	frame_mac_of("p1", M1), frame_mac_of("p2", M2), frame_mac_of("br0", MBR);

	/* ---- the plain router: parse + router modules only ---- */
	dp = load(TNA_TARGET_GENERIC, ROUTER, false, 0);
	if (!dp)
		return tna_test_exit();
	{	/* the rif table API */
		struct tna_rif_cfg c = { .l3_ifindex = p1 }, got;

		CHECK_EQ(tna_dp__rif_set(dp, 0, &c), -ERANGE);
		CHECK_EQ(tna_dp__rif_set(dp, TNA_MAX_IFINDEX, &c), -ERANGE);
		c.l3_ifindex = 0;
		CHECK_EQ(tna_dp__rif_set(dp, p1, &c), -ERANGE);
		CHECK_EQ(tna_dp__rif_get(dp, p5, &got), -ENOENT);
		CHECK_EQ(tna_dp__rif_get(dp, p1, &got), 0);
		CHECK(got.l3_ifindex == p1 && got.flags == TNA_RIF_F_ROUTE && !memcmp(got.mac, M1, 6),
		      "rif of p1: l3 %d flags %#x", got.l3_ifindex, got.flags);
		CHECK_EQ(tna_dp__rif_set(dp, p5, &got), 0);
		CHECK_EQ(tna_dp__rif_del(dp, p5), 0);
		CHECK_EQ(tna_dp__rif_get(dp, p5, &got), -ENOENT);
	}

	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
	routed4_want(w, f, n, H2, M2);
	CHECK_EQ(w[22], 63);
	expect_fwd(dp, "v4 to a neighbour", p1, f, n, w, n);
	n = frame4(f, M1, H1, "10.1.0.2", "10.20.1.1", 2, 100, 142);
	routed4_want(w, f, n, H2, M2);
	expect_fwd(dp, "v4 via a gateway, TTL 2", p1, f, n, w, n);
	/* the source check's flag (tna_clock.src_flags): a subnet's
	 * broadcast address as the source is forwarded as the kernel does
	 * with the default rules, and a martian once every source is looked
	 * up; other sources are forwarded either way */
	n = frame4(f, M1, H1, "10.1.0.255", "10.2.0.2", 64, 18, 60);
	routed4_want(w, f, n, H2, M2);
	expect_fwd(dp, "broadcast source, source check off", p1, f, n, w, n);
	CHECK_EQ(tna_dp__src_fib_check_set(dp, true), 0);
	expect_pass(dp, "broadcast source, source check on", p1, f, n, R(MARTIAN_SRC));
	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
	routed4_want(w, f, n, H2, M2);
	expect_fwd(dp, "unicast source, source check on", p1, f, n, w, n);
	CHECK_EQ(tna_dp__src_fib_check_set(dp, false), 0);
	n = frame4(f, M1, H1, "10.1.0.255", "10.2.0.2", 64, 18, 60);
	routed4_want(w, f, n, H2, M2);
	expect_fwd(dp, "broadcast source, source check off again", p1, f, n, w, n);
	/* the checksum carry: 0xffff-ish checksums must still come out right */
	for (int ttl = 2; ttl < 256; ttl += 37) {
		n = frame4(f, M1, H1, "10.1.0.2", "10.20.1.1", ttl, 30, 72);
		f[18] = ttl; f[19] = 255 - ttl;		/* vary the id to move the checksum */
		refix4(f);
		routed4_want(w, f, n, H2, M2);
		expect_fwd(dp, "v4 checksum sweep", p1, f, n, w, n);
	}
	/* header checksum check: random valid headers pass, one flipped bit fails */
	srand(8);
	for (int i = 0; i < 64; i++) {
		n = frame4(f, M1, H1, "10.1.0.2", "10.20.1.1", 2 + rand() % 250, 30, 72);
		f[15] = rand(); f[18] = rand(); f[19] = rand();	/* TOS, id */
		f[20] = rand() & 0x40; f[21] = 0;		/* DF or not */
		f[27] = rand();				/* source 10.1.0.x */
		if (f[27] == 0 || f[27] == 255)
			f[27] = 7;
		refix4(f);
		routed4_want(w, f, n, H2, M2);
		expect_fwd(dp, "v4 random valid header", p1, f, n, w, n);
		f[14 + 4 + rand() % 16] ^= 1 << (rand() % 8);	/* id .. addresses */
		expect_pass(dp, "v4 random header, one bit flipped", p1, f, n, R(IP_MALFORMED));
	}
	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 4, 60);	/* 46 B packet + 14 pad */
	routed4_want(w, f, n, H2, M2);
	expect_fwd(dp, "v4 padding trimmed as ip_rcv does", p1, f, n, w, 14 + 32);

	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:2::2", 64, 17, 18, 14 + 40 + 26);
	memcpy(w, f, n); memcpy(w, H2, 6); memcpy(w + 6, M2, 6); w[21]--;
	expect_fwd(dp, "v6 to a neighbour", p1, f, n, w, n);
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:20::5", 2, 17, 18, 14 + 40 + 26 + 10);
	memcpy(w, f, n); memcpy(w, H2, 6); memcpy(w + 6, M2, 6); w[21]--;
	expect_fwd(dp, "v6 via a gateway, padding trimmed", p1, f, n, w, 14 + 40 + 26);

	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 1, 18, 60);
	expect_pass(dp, "v4 TTL 1", p1, f, n, R(TTL_EXCEEDED));
	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 0, 18, 60);
	expect_pass(dp, "v4 TTL 0", p1, f, n, R(TTL_EXCEEDED));
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:2::2", 1, 17, 18, 80);
	expect_pass(dp, "v6 hop limit 1", p1, f, n, R(TTL_EXCEEDED));
	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
	f[14] = 0x46; refix4(f);
	expect_pass(dp, "v4 options", p1, f, n, R(IP_OPTIONS));
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:2::2", 64, 0, 18, 80);
	expect_pass(dp, "v6 hop-by-hop", p1, f, n, R(IP_OPTIONS));
	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
	f[20] = 0x20; refix4(f);
	expect_pass(dp, "v4 more fragments", p1, f, n, R(IP_FRAGMENT));
	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
	f[20] = 0; f[21] = 0x10; refix4(f);
	expect_pass(dp, "v4 fragment offset", p1, f, n, R(IP_FRAGMENT));
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:2::2", 64, 44, 18, 80);
	expect_pass(dp, "v6 fragment header", p1, f, n, R(IP_FRAGMENT));
	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
	f[24] ^= 1;
	expect_pass(dp, "v4 bad checksum", p1, f, n, R(IP_MALFORMED));
	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
	f[17] = 200; refix4(f);
	expect_pass(dp, "v4 total length beyond the frame", p1, f, n, R(IP_MALFORMED));
	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
	f[14] = 0x55; refix4(f);
	expect_pass(dp, "v4 version 5", p1, f, n, R(IP_MALFORMED));
	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
	expect_pass(dp, "v4 header cut", p1, f, 14 + 16, R(IP_MALFORMED));
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:2::2", 64, 17, 18, 80);
	f[18] = 1;
	expect_pass(dp, "v6 payload length beyond the frame", p1, f, n, R(IP_MALFORMED));
	n = frame4(f, M1, H1, "127.0.0.1", "10.2.0.2", 64, 18, 60);
	expect_pass(dp, "v4 loopback source", p1, f, n, R(IP_SPECIAL_ADDR));
	n = frame4(f, M1, H1, "10.1.0.2", "224.1.2.3", 64, 18, 60);
	expect_pass(dp, "v4 multicast destination", p1, f, n, R(IP_SPECIAL_ADDR));
	n = frame4(f, M1, H1, "0.0.0.0", "10.2.0.2", 64, 18, 60);
	expect_pass(dp, "v4 zero source", p1, f, n, R(IP_SPECIAL_ADDR));
	n = frame6(f, M1, H1, "fe80::2", "2001:db8:2::2", 64, 17, 18, 80);
	expect_pass(dp, "v6 link-local source", p1, f, n, R(IP_SPECIAL_ADDR));
	n = frame6(f, M1, H1, "::ffff:10.1.0.2", "2001:db8:2::2", 64, 17, 18, 80);
	expect_pass(dp, "v6 v4-mapped source", p1, f, n, R(IP_SPECIAL_ADDR));
	n = frame6(f, M1, H1, "2001:db8:1::2", "ff0e::1", 64, 17, 18, 80);
	expect_pass(dp, "v6 multicast destination", p1, f, n, R(IP_SPECIAL_ADDR));

	n = frame4(f, M1, H1, "10.1.0.2", "10.90.0.1", 64, 18, 60);
	expect_pass(dp, "v4 blackhole route", p1, f, n, R(FIB_BLACKHOLE));
	n = frame4(f, M1, H1, "10.1.0.2", "10.91.0.1", 64, 18, 60);
	expect_pass(dp, "v4 unreachable route", p1, f, n, R(FIB_UNREACHABLE));
	n = frame4(f, M1, H1, "10.1.0.2", "10.92.0.1", 64, 18, 60);
	expect_pass(dp, "v4 prohibit route", p1, f, n, R(FIB_PROHIBIT));
	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.1", 64, 18, 60);
	expect_pass(dp, "v4 to a local address", p1, f, n, R(FIB_NOT_FWDED));
	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.99", 64, 18, 60);
	expect_pass(dp, "v4 unresolved neighbour", p1, f, n, R(FIB_NO_NEIGH));
	n = frame4(f, M1, H1, "10.1.0.2", "10.93.0.1", 64, 600, 14 + 20 + 8 + 600);
	expect_pass(dp, "v4 bigger than the route MTU", p1, f, n, R(FIB_FRAG_NEEDED));
	n = frame4(f, M1, H1, "10.1.0.2", "10.1.0.3", 64, 18, 60);
	expect_pass(dp, "v4 back out of the ingress (ICMP redirect)", p1, f, n, R(ROUTE_SAME_IFACE));
	n = frame4(f, M1, H1, "10.1.0.2", "10.5.0.2", 64, 18, 60);
	expect_pass(dp, "v4 out of a port not in the pipeline", p1, f, n, R(EGRESS_NO_XMIT));
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:90::1", 64, 17, 18, 80);
	expect_pass(dp, "v6 blackhole route", p1, f, n, R(FIB_BLACKHOLE));
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:91::1", 64, 17, 18, 80);
	expect_pass(dp, "v6 unreachable route", p1, f, n, R(FIB_UNREACHABLE));
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:92::1", 64, 17, 18, 80);
	expect_pass(dp, "v6 prohibit route", p1, f, n, R(FIB_PROHIBIT));
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:2::1", 64, 17, 18, 80);
	expect_pass(dp, "v6 to a local address", p1, f, n, R(FIB_NOT_FWDED));
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:2::99", 64, 17, 18, 80);
	expect_pass(dp, "v6 unresolved neighbour", p1, f, n, R(FIB_NO_NEIGH));
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:99::1", 64, 17, 18, 80);
	expect_pass(dp, "v6 no route", p1, f, n, R(FIB_NOT_FWDED));

	n = frame4(f, H2, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
	expect_pass(dp, "to another host's MAC", p1, f, n, R(NOT_FOR_US));
	n = frame4(f, BCAST, H1, "10.1.0.2", "10.1.0.255", 64, 18, 60);
	expect_pass(dp, "broadcast", p1, f, n, R(BCAST_MCAST));
	fp_frame(f, M1, H1, 0x0806);
	expect_pass(dp, "unicast ARP to us", p1, f, 64, R(L3_OTHER));
	n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
	expect_pass(dp, "not a port of the pipeline (p5)", p5, f, n, R(NOT_A_PORT));

	/* a route change takes effect on the next packet */
	n = frame4(f, M1, H1, "10.1.0.2", "10.20.1.1", 64, 18, 60);
	routed4_want(w, f, n, H2, M2);
	expect_fwd(dp, "before the route change", p1, f, n, w, n);
	sh("ip route replace blackhole 10.20.0.0/16");
	expect_pass(dp, "route replaced by a blackhole", p1, f, n, R(FIB_BLACKHOLE));
	sh("ip route replace 10.20.0.0/16 via 10.2.0.2");
	expect_fwd(dp, "route back", p1, f, n, w, n);

	/* forwarding off on the ingress device */
	sh("sysctl -qw net.ipv4.conf.p1.forwarding=0");
	expect_pass(dp, "v4 forwarding off on p1", p1, f, n, R(FIB_FWD_DISABLED));
	sh("sysctl -qw net.ipv4.conf.p1.forwarding=1");

	/* policy rules: a rule sends 10.1.0.2 to a table with a blackhole */
	sh("ip rule add from 10.1.0.2 table 100 pref 100 && ip route add blackhole 10.20.0.0/16 table 100");
	expect_pass(dp, "policy rule honoured without DIRECT", p1, f, n, R(FIB_BLACKHOLE));
	tna_dp__destroy(dp);
	dp = load(TNA_TARGET_GENERIC, ROUTER, true, 0);
	if (dp) {
		/* what the planner prevents: DIRECT skips the rule */
		expect_fwd(dp, "DIRECT skips the rule (so the planner must not set it)", p1, f, n, w, n);
		sh("ip rule del pref 100 && ip route flush table 100");
		n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.1", 64, 18, 60);
		/* once rules were customised the kernel keeps local and main
		 * apart: DIRECT then misses the box's own addresses (Linux
		 * would deliver this locally).  Why tna_fib_direct4 stays off. */
		expect_pass(dp, "DIRECT after unmerge misses local addresses", p1, f, n, R(FIB_NO_NEIGH));
		n = frame4(f, M1, H1, "10.1.0.2", "10.90.0.1", 64, 18, 60);
		expect_pass(dp, "DIRECT blackhole", p1, f, n, R(FIB_BLACKHOLE));
		n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
		routed4_want(w, f, n, H2, M2);
		expect_fwd(dp, "DIRECT forwards", p1, f, n, w, n);
		/* rp_filter on the ingress: everything routed goes to Linux */
		CHECK_EQ(tna_dp__router_port_add(dp, p1, M1, true), 0);
		expect_pass(dp, "rp_filter on the ingress", p1, f, n, R(RP_FILTER));
		CHECK_EQ(tna_dp__router_port_add(dp, p1, M1, false), 0);
		k = fp_idx(dp, p2);
		CHECK_EQ(bpf_map_delete_elem(dp->devmap_fd, &k), 0);
		expect_pass(dp, "devmap slot of the egress missing", p1, f, n, R(REDIRECT_FAILED));
	}
	tna_dp__destroy(dp);

	/* netfilter sees routed IPv4: that is not routed by XDP, IPv6 still is */
	dp = load(TNA_TARGET_GENERIC, ROUTER, false, TNA_NF_ROUTED_V4);
	if (dp) {
		n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
		expect_pass(dp, "netfilter rules see routed IPv4", p1, f, n, R(NETFILTER));
		n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:2::2", 64, 17, 18, 80);
		memcpy(w, f, n); memcpy(w, H2, 6); memcpy(w + 6, M2, 6); w[21]--;
		expect_fwd(dp, "IPv6 fast while IPv4 rules exist", p1, f, n, w, n);
	}
	tna_dp__destroy(dp);
	dp = load(TNA_TARGET_GENERIC, ROUTER, false, TNA_NF_ROUTED_V6);
	if (dp) {
		n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:2::2", 64, 17, 18, 80);
		expect_pass(dp, "netfilter rules see routed IPv6", p1, f, n, R(NETFILTER));
	}
	tna_dp__destroy(dp);

	/* only IPv4 configured: IPv6 is not parsed at all */
	dp = load(TNA_TARGET_GENERIC, ROUTER & ~TNA_FPM_IPV6, false, 0);
	if (dp) {
		n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:2::2", 64, 17, 18, 80);
		expect_pass(dp, "IPv6 with only the IPv4 module", p1, f, n, R(L3_OTHER));
	}
	tna_dp__destroy(dp);

	/* ---- composed with the bridge br0 (p3, p4; 10.3.0.1) ---- */
	dp = load(TNA_TARGET_GENERIC, BOTH, false, 0);
	if (!dp)
		return tna_test_exit();
	n = frame4(f, MBR, H3, "10.3.0.3", "10.2.0.2", 64, 18, 60);
	routed4_want(w, f, n, H2, M2);
	expect_fwd(dp, "bridge port -> bridge MAC -> routed out of p2", p3, f, n, w, n);
	n = frame4(f, M1, H1, "10.1.0.2", "10.3.0.3", 64, 18, 60);
	routed4_want(w, f, n, H3, MBR);
	expect_fwd(dp, "routed into the bridge, port from the FDB", p1, f, n, w, n);
	n = frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:3::3", 64, 17, 18, 80);
	memcpy(w, f, n); memcpy(w, H3, 6); memcpy(w + 6, MBR, 6); w[21]--;
	expect_fwd(dp, "v6 routed into the bridge", p1, f, n, w, n);
	n = frame4(f, H4, H3, "10.3.0.3", "10.3.0.4", 64, 18, 60);
	expect_fwd(dp, "bridged p3 -> p4 untouched", p3, f, n, f, n);
	n = frame4(f, M1, H1, "10.1.0.2", "10.3.0.9", 64, 18, 60);
	expect_pass(dp, "route into the bridge, MAC not in the FDB", p1, f, n, R(BR_EGRESS_UNKNOWN));
	n = frame4(f, MBR, HX, "10.3.0.3", "10.2.0.2", 64, 18, 60);
	expect_pass(dp, "to the bridge MAC from an unknown source", p3, f, n, R(SRC_UNKNOWN));
	n = frame4(f, MBR, H3, "10.3.0.3", "10.3.0.1", 64, 18, 60);
	expect_pass(dp, "to the bridge's own address", p3, f, n, R(FIB_NOT_FWDED));
	n = frame4(f, M2, H3, "10.3.0.3", "10.2.0.2", 64, 18, 60);
	expect_pass(dp, "bridge port, p2's MAC: unknown to the bridge", p3, f, n, R(DST_UNKNOWN));
	n = frame4(f, BCAST, H1, "10.1.0.2", "10.1.0.255", 64, 18, 60);
	expect_pass(dp, "broadcast on a plain routed port", p1, f, n, R(BCAST_MCAST));
	n = frame4(f, H2, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
	expect_pass(dp, "plain routed port, other MAC", p1, f, n, R(NOT_FOR_US));
	{
		struct tna_port_cfg c = { .stp_state = 4, .flags = TNA_PORT_F_LEARNING };

		CHECK_EQ(tna_dp__port_set(dp, p4, &c), 0);
		n = frame4(f, MBR, H4, "10.3.0.4", "10.2.0.2", 64, 18, 60);
		expect_pass(dp, "to the bridge MAC on a blocking port", p4, f, n, R(PORT_NOT_FORWARDING));
		CHECK_EQ(tna_dp__fdb_set(dp, H3, 0, p4, 0), 0);
		n = frame4(f, M1, H1, "10.1.0.2", "10.3.0.3", 64, 18, 60);
		expect_pass(dp, "routed into the bridge, egress port blocking", p1, f, n,
			    R(EGRESS_NOT_FORWARDING));
	}
	{	/* the MAC is on a port of another bridge (p4 pretends it is) */
		struct tna_rif_cfg other = { .l3_ifindex = p2, .flags = TNA_RIF_F_ROUTE | TNA_RIF_F_BRPORT };
		struct tna_port_cfg c = { .stp_state = 3, .flags = TNA_PORT_F_LEARNING };

		memcpy(other.mac, MBR, 6);
		CHECK_EQ(tna_dp__port_set(dp, p4, &c), 0);
		CHECK_EQ(tna_dp__rif_set(dp, p4, &other), 0);
		n = frame4(f, M1, H1, "10.1.0.2", "10.3.0.3", 64, 18, 60);
		expect_pass(dp, "routed into the bridge, MAC learned on another bridge's port",
			    p1, f, n, R(BR_EGRESS_OTHER));
	}
	{	/* restrictive-change hold, egress qdisc, martian sources */
		struct tna_port_cfg c;
		uint32_t a;

		CHECK_EQ(tna_dp__port_get(dp, p1, &c), 0);
		c.stp_state = TNA_STP_HELD;
		CHECK_EQ(tna_dp__port_set(dp, p1, &c), 0);
		n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
		expect_pass(dp, "ingress held on Linux", p1, f, n, R(CONFIG_CHANGE));
		c.stp_state = TNA_STP_FORWARDING;
		CHECK_EQ(tna_dp__port_set(dp, p1, &c), 0);
		CHECK_EQ(tna_dp__port_get(dp, p2, &c), 0);
		c.flags |= TNA_PORT_F_EGRESS_LINUX;
		CHECK_EQ(tna_dp__port_set(dp, p2, &c), 0);
		expect_pass(dp, "egress with a qdisc", p1, f, n, R(EGRESS_QDISC));
		c.flags &= ~TNA_PORT_F_EGRESS_LINUX;
		CHECK_EQ(tna_dp__port_set(dp, p2, &c), 0);
		inet_pton(AF_INET, "10.2.0.1", &a);
		CHECK_EQ(tna_dp__src_martian4_set(dp, &a, 1), 0);
		n = frame4(f, M1, H1, "10.2.0.1", "10.2.0.2", 64, 18, 60);
		expect_pass(dp, "source: the router's own address", p1, f, n, R(MARTIAN_SRC));
		n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
		routed4_want(w, f, n, H2, M2);
		expect_fwd(dp, "another source is forwarded", p1, f, n, w, n);
		CHECK_EQ(tna_dp__src_martian4_set(dp, NULL, 0), 0);
		n = frame4(f, M1, H1, "10.2.0.1", "10.2.0.2", 64, 18, 60);
		routed4_want(w, f, n, H2, M2);
		expect_fwd(dp, "set emptied: forwarded again", p1, f, n, w, n);
	}
	tna_dp__destroy(dp);

	dp = load(TNA_TARGET_GENERIC, BOTH | TNA_FPM_VLAN, false, 0);
	if (dp) {
		n = frame4(f, MBR, H3, "10.3.0.3", "10.2.0.2", 64, 18, 60);
		expect_pass(dp, "VLAN filtering bridge: routing left to Linux", p3, f, n, R(ROUTE_VLAN));
	}
	tna_dp__destroy(dp);

	/* native: p2's peer has neither XDP nor GRO: it cannot transmit */
	dp = load(TNA_TARGET_NATIVE, ROUTER, false, 0);
	if (dp) {
		n = frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, 18, 60);
		expect_pass(dp, "native: egress cannot transmit XDP frames", p1, f, n, R(EGRESS_NO_XMIT));
	}
	tna_dp__destroy(dp);
	return tna_test_exit();
}
