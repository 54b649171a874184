/* The routed path's checksum decisions on a native port whose veth peer
 * offloads tx checksums (TNA_PORT_CSUM_FIX), under BPF_PROG_RUN in a
 * private netns, IPv4 and IPv6, through the router's own entry program:
 * a partial TCP/UDP checksum (the field holds the folded pseudo-header
 * sum) leaves completed and is counted; a complete one leaves as it is;
 * UDP without a checksum, a long UDP datagram whose complete checksum
 * does not verify, and other L4 protocols go to Linux (csum_partial);
 * ICMP and ICMPv6 leave as they are.  The decisions come from the IP
 * header the router already checked (bpf/fpm/csum.h fpm_csum_ip); the
 * bytes that leave are compared with what a correct sender would have
 * sent, TTL and MACs rewritten. */
#include "tests/lib/router_frames.h"
#include "targets/router.h"

#define R_CSUM TNA_REASON_CSUM_PARTIAL

static const uint8_t H1[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };	/* host behind p1 */
static const uint8_t H2[6] = { 0x02, 0, 0, 0, 0x02, 0x02 };	/* neighbour on p2 */
static uint8_t M1[6], M2[6];

/* The L4 segment of frame F (IPv4 when V6 is false) after Ethernet: its
 * offset, length and pseudo-header sum. */
static int l4_of(const uint8_t *f, bool v6, int *len, uint32_t *pseudo)
{
	const uint8_t *ip = f + 14;

	if (v6) {
		*len = ip[4] << 8 | ip[5];
		*pseudo = sum16(ip + 8, 32, ip[6] + *len);
		return 14 + 40;
	}
	*len = (ip[2] << 8 | ip[3]) - 20;
	*pseudo = sum16(ip + 12, 8, ip[9] + *len);
	return 14 + 20;
}

/* Set F's TCP/UDP checksum (at FIELD of the L4 header): the full one, or
 * the partial one a sender with tx offload leaves (the folded pseudo sum,
 * not complemented). */
static void set_l4_csum(uint8_t *f, bool v6, int field, bool partial)
{
	uint32_t pseudo;
	int len, off = l4_of(f, v6, &len, &pseudo);
	uint16_t c;

	f[off + field] = f[off + field + 1] = 0;
	if (partial) {
		c = fold(pseudo);
	} else {
		c = ~fold(sum16(f + off, len, pseudo)) & 0xffff;
		if (c == 0 && field == 6)
			c = 0xffff;
	}
	f[off + field] = c >> 8;
	f[off + field + 1] = c & 0xff;
}

/* Turn F's UDP into TCP (a 20-byte header, no options) of the same length. */
static void to_tcp(uint8_t *f, bool v6)
{
	uint8_t *l4 = f + 14 + (v6 ? 40 : 20);

	if (v6)
		f[14 + 6] = 6;
	else
		f[14 + 9] = 6, refix4(f);
	l4[12] = 5 << 4;			/* data offset */
	l4[13] = 0x18;				/* PSH ACK */
	l4[14] = 0xff, l4[15] = 0xff;		/* window */
	l4[18] = l4[19] = 0;			/* urgent */
}

/* What Linux sends for F: MACs, TTL / hop limit, the IPv4 checksum, and
 * the L4 checksum completed when COMPLETE is set. */
static void want(uint8_t *w, const uint8_t *f, int len, bool v6, int field, bool complete)
{
	memcpy(w, f, len);
	memcpy(w, H2, 6);
	memcpy(w + 6, M2, 6);
	if (v6) {
		w[14 + 7]--;
	} else {
		w[22]--;
		refix4(w);
	}
	if (complete)
		set_l4_csum(w, v6, field, false);
}

static void expect_completed(struct tna_dp *dp, const char *what, int in, const uint8_t *f,
			     int len, const uint8_t *w)
{
	uint32_t idx = fp_idx(dp, in);
	uint64_t before = fp_stats(dp, idx).csum_completed;

	expect_fwd(dp, what, in, f, len, w, len);
	CHECK(fp_stats(dp, idx).csum_completed == before + 1, "%s: csum_completed not counted",
	      what);
}

/* F with a complete or (PARTIAL) a partial checksum at FIELD of its L4
 * header must leave with the complete one, counted when completed. */
static void leaves_complete(struct tna_dp *dp, const char *what, int in, uint8_t *f, int len,
			    bool v6, int field, bool partial)
{
	uint8_t w[1600];

	set_l4_csum(f, v6, field, partial);
	want(w, f, len, v6, field, partial);
	if (partial)
		expect_completed(dp, what, in, f, len, w);
	else
		expect_fwd(dp, what, in, f, len, w, len);
}

int main(void)
{
	uint8_t f[1600], w[1600];
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_NATIVE,
				 .fpms = TNA_FPM_ROUTER };
	struct tna_port_cfg c;
	struct tna_dp *dp;
	int rc = fp_netns(2), p1, p2, n;

	if (rc)
		return rc;
	p1 = fp_ifx("p1"), p2 = fp_ifx("p2");
	frame_mac_of("p1", M1), frame_mac_of("p2", M2);
	/* q1 sends with tx checksum offload (the veth default): p1 gets
	 * FIX; q2 has GRO on, so p2 can transmit redirected frames */
	if (system("ethtool -K q1 tx on >/dev/null 2>&1 && ethtool -K q2 gro on >/dev/null 2>&1 && "
		   "sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 && "
		   "ip addr add 10.1.0.1/24 dev p1 && ip addr add 10.2.0.1/24 dev p2 && "
		   "ip addr add 2001:db8:1::1/64 dev p1 nodad && "
		   "ip addr add 2001:db8:2::1/64 dev p2 nodad && "
		   "ip neigh add 10.2.0.2 lladdr 02:00:00:00:02:02 dev p2 nud permanent && "
		   "ip neigh add 2001:db8:2::2 lladdr 02:00:00:00:02:02 dev p2 nud permanent")) {
		printf("SKIP: cannot set up the namespace (ethtool, ip)\n");
		return 77;
	}
	dp = tna_dp__load(&o);
	CHECK(dp != NULL, "tna_dp__load: %s", strerror(errno));
	if (!dp)
		return tna_test_exit();
	CHECK_EQ(tna_dp__router_port_add(dp, p1, M1, false), 0);
	CHECK_EQ(tna_dp__router_port_add(dp, p2, M2, false), 0);
	CHECK_EQ(tna_dp__port_get(dp, p1, &c), 0);
	if (c.csum != TNA_PORT_CSUM_FIX) {
		printf("SKIP: p1 is not a port with partial checksums (csum %u)\n", c.csum);
		tna_dp__destroy(dp);
		return 77;
	}
	CHECK_EQ(tna_dp__port_get(dp, p2, &c), 0);
	CHECK(!(c.flags & TNA_PORT_F_NO_XMIT), "p2 can transmit XDP frames");

	for (int v6 = 0; v6 < 2; v6++) {
		const char *fam = v6 ? "IPv6" : "IPv4";
		char what[96];

#define FRAME(payload) (v6 ? frame6(f, M1, H1, "2001:db8:1::2", "2001:db8:2::2", 64, 17,	\
				    payload, 14 + 40 + 8 + (payload))				\
			   : frame4(f, M1, H1, "10.1.0.2", "10.2.0.2", 64, payload,		\
				    14 + 20 + 8 + (payload)))
#define SAY(s) (snprintf(what, sizeof(what), "%s: %s", fam, s), what)
		/* UDP */
		n = FRAME(18);
		leaves_complete(dp, SAY("short UDP, complete checksum: as it is"), p1, f, n, v6, 6,
				false);
		leaves_complete(dp, SAY("short UDP, partial checksum: completed"), p1, f, n, v6, 6,
				true);
		/* every block size of the sum and an odd tail, up to a full
		 * 1500-byte MTU's datagram */
		static const int sizes[] = { 517, 1023, 1200, 1427, 1452 - 20 + 1, 200 };

		for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			n = FRAME(sizes[i] - (v6 ? 20 : 0));
			snprintf(what, sizeof(what), "%s: UDP of %d bytes, partial checksum: completed",
				 fam, n);
			leaves_complete(dp, what, p1, f, n, v6, 6, true);
			snprintf(what, sizeof(what),
				 "%s: UDP of %d bytes, complete checksum: verified, as it is", fam, n);
			leaves_complete(dp, what, p1, f, n, v6, 6, false);
		}
		/* n: the 200-byte payload's frame */
		f[n - 1] ^= 0x40;		/* no longer verifies */
		expect_pass(dp, SAY("long UDP, checksum does not verify"), p1, f, n, R_CSUM);
		f[14 + (v6 ? 40 : 20) + 6] = f[14 + (v6 ? 40 : 20) + 7] = 0;
		expect_pass(dp, SAY("UDP without a checksum"), p1, f, n, R_CSUM);
		/* TCP */
		n = FRAME(40);
		to_tcp(f, v6);
		leaves_complete(dp, SAY("TCP, complete checksum: as it is"), p1, f, n, v6, 16, false);
		leaves_complete(dp, SAY("TCP, partial checksum: completed"), p1, f, n, v6, 16, true);
		/* ICMP: always complete */
		n = FRAME(18);
		if (v6)
			f[14 + 6] = 58;
		else
			f[14 + 9] = 1, refix4(f);
		want(w, f, n, v6, 0, false);
		expect_fwd(dp, SAY("ICMP: as it is"), p1, f, n, w, n);
		/* another protocol (GRE): what is inside is unknown */
		n = FRAME(18);
		if (v6)
			f[14 + 6] = 47;
		else
			f[14 + 9] = 47, refix4(f);
		expect_pass(dp, SAY("GRE: to Linux"), p1, f, n, R_CSUM);
#undef FRAME
#undef SAY
	}
	tna_dp__destroy(dp);
	return tna_test_exit();
}
