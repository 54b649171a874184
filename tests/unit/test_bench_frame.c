/* bench/frame: template frames have valid IPv4 and UDP checksums for IPv4
 * and IPv6, correct length fields, and the partial sums let the generator
 * finish valid checksums for any other source address.  The checker here
 * is written independently (byte-wise big-endian sum). */
#include <errno.h>
#include <stdint.h>
#include <arpa/inet.h>
#include "bench/frame.h"
#include "tests/lib/tna_test.h"

/* Internet checksum over big-endian 16-bit words, folded, not inverted. */
static uint16_t be_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i < len; i += 2)
		sum += (p[i] << 8) | (i + 1 < len ? p[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* 0xffff when the UDP checksum (with pseudo-header) verifies. */
static uint16_t udp_verify(const uint8_t *f, size_t len, int v6)
{
	const uint8_t *ip = f + 14, *udp = f + 14 + (v6 ? 40 : 20);
	size_t alen = v6 ? 16 : 4, ulen = len - (udp - f);
	uint32_t sum = 17 + ulen;

	sum += be_sum(ip + (v6 ? 8 : 12), 2 * alen, 0);
	return be_sum(udp, ulen, sum);
}

/* What the XDP program does: put the last 4 address bytes (of the
 * source, or with DST of the destination), finish sums. */
static void rewrite_addr(uint8_t *f, int v6, int dst, uint32_t l3, uint32_t l4, uint32_t src_low)
{
	uint8_t *src = f + 14 + (v6 ? 8 + 12 : 12) + (dst ? (v6 ? 16 : 4) : 0);
	uint32_t be = htonl(src_low);
	uint16_t c;

	memcpy(src, &be, 4);
	if (!v6) {
		c = tna_bench_csum_fold(tna_bench_csum_add(l3, src, 4));
		memcpy(f + 14 + 10, &c, 2);
	}
	c = tna_bench_csum_fold(tna_bench_csum_add(l4, src, 4));
	if (!c)
		c = 0xffff;
	memcpy(f + 14 + (v6 ? 40 : 20) + 6, &c, 2);
}

static void rewrite_src(uint8_t *f, int v6, uint32_t l3, uint32_t l4, uint32_t src_low)
{
	rewrite_addr(f, v6, 0, l3, l4, src_low);
}

int main(void)
{
	struct tna_bench_frame_opts o = {
		.sz = sizeof(o), .len = 60, .src_mac = { 2, 0x5e, 0, 0, 0, 1 },
		.dst_mac = { 2, 0xde, 0, 0, 0, 2 }, .src_ip = { 198, 18, 0, 1 },
		.dst_ip = { 198, 19, 0, 1 }, .sport = 9, .dport = 9,
	};
	uint8_t f[1600];
	uint32_t l3, l4;

	/* IPv4, minimum and a larger odd size. */
	size_t sizes[] = { 60, 1001, 1514 };
	for (unsigned i = 0; i < 3; i++) {
		o.len = sizes[i];
		CHECK_EQ(tna_bench_frame_build(&o, f, &l3, &l4), 0);
		CHECK_EQ((f[12] << 8) | f[13], 0x0800);
		CHECK_EQ((f[16] << 8) | f[17], sizes[i] - 14);	/* IPv4 total length */
		CHECK_EQ((f[38] << 8) | f[39], sizes[i] - 34);	/* UDP length */
		CHECK_EQ(be_sum(f + 14, 20, 0), 0xffff);
		CHECK_EQ(udp_verify(f, sizes[i], 0), 0xffff);
		CHECK(!memcmp(f, o.dst_mac, 6) && !memcmp(f + 6, o.src_mac, 6), "MACs");
		for (uint32_t s = 0xc6120000; s < 0xc6120000 + 70000; s += 6997) {
			rewrite_src(f, 0, l3, l4, s);
			CHECK_EQ(be_sum(f + 14, 20, 0), 0xffff);
			CHECK_EQ(udp_verify(f, sizes[i], 0), 0xffff);
		}
	}

	/* IPv6. */
	o.ipv6 = true;
	inet_pton(AF_INET6, "2001:db8:1::1", o.src_ip);
	inet_pton(AF_INET6, "2001:db8:2::1", o.dst_ip);
	o.len = 62;
	CHECK_EQ(tna_bench_frame_build(&o, f, &l3, &l4), 0);
	CHECK_EQ((f[12] << 8) | f[13], 0x86dd);
	CHECK_EQ((f[18] << 8) | f[19], 8);		/* payload length */
	CHECK_EQ(f[20], 17);
	CHECK_EQ(udp_verify(f, 62, 1), 0xffff);
	CHECK_EQ(l3, 0);
	for (uint32_t s = 0; s < 200000; s += 9973) {
		rewrite_src(f, 1, l3, l4, s);
		CHECK_EQ(udp_verify(f, 62, 1), 0xffff);
	}

	/* The flows in the destination address (vary_dst): the source stays. */
	for (int v6 = 0; v6 < 2; v6++) {
		uint8_t src0[16];

		o.ipv6 = v6;
		o.len = v6 ? 62 : 60;
		o.vary_dst = true;
		CHECK_EQ(tna_bench_frame_build(&o, f, &l3, &l4), 0);
		memcpy(src0, f + 14 + (v6 ? 8 : 12), v6 ? 16 : 4);
		CHECK_EQ(udp_verify(f, o.len, v6), 0xffff);
		for (uint32_t d = 0x0a400001; d < 0x0a400001 + 70000; d += 6997) {
			rewrite_addr(f, v6, 1, l3, l4, d);
			if (!v6)
				CHECK_EQ(be_sum(f + 14, 20, 0), 0xffff);
			CHECK_EQ(udp_verify(f, o.len, v6), 0xffff);
			CHECK(!memcmp(src0, f + 14 + (v6 ? 8 : 12), v6 ? 16 : 4), "source kept");
		}
		o.vary_dst = false;
	}

	/* Too short for the headers, or no size field: refused. */
	o.len = 61;
	CHECK_EQ(tna_bench_frame_build(&o, f, &l3, &l4), -EINVAL);
	o.ipv6 = false;
	o.len = 59;
	CHECK_EQ(tna_bench_frame_build(&o, f, &l3, &l4), -EINVAL);
	o.len = 60;
	o.sz = 0;
	CHECK_EQ(tna_bench_frame_build(&o, f, &l3, &l4), -EINVAL);
	CHECK_EQ(tna_bench_frame_min_len(false), 60);
	CHECK_EQ(tna_bench_frame_min_len(true), 62);
	return tna_test_exit();
}
