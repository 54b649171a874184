/* Frames and expectations of the router's fast-path unit tests: crafted
 * IPv4/IPv6 UDP frames with valid checksums, and one BPF_PROG_RUN checked
 * for XDP_PASS with the packet untouched and exactly its reason counted,
 * or for XDP_REDIRECT with the bytes Linux would send. */
#ifndef TNA_TESTS_ROUTER_FRAMES_H
#define TNA_TESTS_ROUTER_FRAMES_H
#include <arpa/inet.h>
#include "tests/lib/fastpath.h"

static inline uint16_t csum(const void *buf, int len)
{
	const uint8_t *b = buf;
	uint32_t s = 0;

	for (int i = 0; i + 1 < len; i += 2)
		s += b[i] << 8 | b[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

/* Ethernet + IPv4 + UDP (ports 1000 -> 2000) with PAYLOAD bytes; LEN is
 * the frame length (>= the packet: the rest is padding).  Returns LEN. */
static inline int frame4(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6],
		  const char *src, const char *dst, int ttl, int payload, int len)
{
	uint8_t *ip = f + 14, *udp = ip + 20;
	int tot = 20 + 8 + payload;

	memset(f, 0, len);
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x08; f[13] = 0x00;
	ip[0] = 0x45; ip[1] = 0x10;
	ip[2] = tot >> 8; ip[3] = tot & 0xff;
	ip[4] = 0x12; ip[5] = 0x34;
	ip[6] = 0x40;			/* DF */
	ip[8] = ttl; ip[9] = 17;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	uint16_t c = csum(ip, 20);
	ip[10] = c >> 8; ip[11] = c & 0xff;
	udp[0] = 1000 >> 8; udp[1] = 1000 & 0xff; udp[2] = 2000 >> 8; udp[3] = 2000 & 0xff;
	udp[4] = (8 + payload) >> 8; udp[5] = (8 + payload) & 0xff;
	for (int i = 0; i < payload; i++)
		udp[8 + i] = i;
	for (int i = 14 + tot; i < len; i++)
		f[i] = 0xa5;		/* padding */
	return len;
}

static inline void refix4(uint8_t *f)		/* recompute the IPv4 checksum */
{
	f[24] = f[25] = 0;
	uint16_t c = csum(f + 14, (f[14] & 0xf) * 4);
	f[24] = c >> 8; f[25] = c & 0xff;
}

/* Ethernet + IPv6 + UDP; NH is the next header. */
static inline int frame6(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6],
		  const char *src, const char *dst, int hlim, int nh, int payload, int len)
{
	uint8_t *ip = f + 14, *udp = ip + 40;
	int pl = 8 + payload;

	memset(f, 0, len);
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x86; f[13] = 0xdd;
	ip[0] = 0x60; ip[1] = 0x01; ip[2] = 0x23; ip[3] = 0x45;
	ip[4] = pl >> 8; ip[5] = pl & 0xff;
	ip[6] = nh; ip[7] = hlim;
	inet_pton(AF_INET6, src, ip + 8);
	inet_pton(AF_INET6, dst, ip + 24);
	udp[0] = 1000 >> 8; udp[1] = 1000 & 0xff; udp[2] = 2000 >> 8; udp[3] = 2000 & 0xff;
	udp[4] = pl >> 8; udp[5] = pl & 0xff;
	for (int i = 0; i < payload; i++)
		udp[8 + i] = i;
	return len;
}

/* Sum of LEN bytes as 16-bit words in network order (an odd last byte
 * padded), not folded, plus S; and the fold to 16 bits. */
static inline uint32_t sum16(const uint8_t *b, int len, uint32_t s)
{
	for (int i = 0; i + 1 < len; i += 2)
		s += b[i] << 8 | b[i + 1];
	if (len & 1)
		s += b[len - 1] << 8;
	return s;
}

static inline uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* DEV's MAC, from ip(8): /sys is the namespace's the test came from */
static inline void frame_mac_of(const char *dev, uint8_t m[6])
{
	char cmd[128];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ip -br link show %s | awk '{print $3}'", dev);
	f = popen(cmd, "r");
	if (!f || fscanf(f, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2],
			 &m[3], &m[4], &m[5]) != 6)
		CHECK(0, "no MAC for %s", dev);
	if (f)
		pclose(f);
}

struct out { int ret; uint8_t data[2048]; uint32_t len; };

static inline struct out run(struct tna_dp *dp, int in, const uint8_t *f, int len)
{
	struct out o = {};

	o.ret = fp_run_out(dp, in, f, len, o.data, sizeof(o.data), &o.len);
	return o;
}

/* Run F on IN: expect XDP_PASS with the packet unchanged and only REASON
 * of IN moved by one. */
static inline void expect_pass(struct tna_dp *dp, const char *what, int in,
			const uint8_t *f, int len, int reason)
{
	uint32_t idx = fp_idx(dp, in);
	struct tna_stats_val before = fp_stats(dp, idx), after;
	struct out o = run(dp, in, f, len);

	after = fp_stats(dp, idx);
	CHECK(o.ret == XDP_PASS, "%s: action %d, expected XDP_PASS", what, o.ret);
	CHECK(o.len == (uint32_t)len && !memcmp(o.data, f, len), "%s: packet changed", what);
	fp_check_counted(what, &before, &after, reason);
}

/* Expect XDP_REDIRECT, forwarded +1 on IN, and the output equal to WANT. */
static inline void expect_fwd(struct tna_dp *dp, const char *what, int in,
		       const uint8_t *f, int len, const uint8_t *want, int wlen)
{
	uint32_t idx = fp_idx(dp, in);
	struct tna_stats_val before = fp_stats(dp, idx), after;
	struct out o = run(dp, in, f, len);

	after = fp_stats(dp, idx);
	CHECK(o.ret == XDP_REDIRECT, "%s: action %d, expected XDP_REDIRECT", what, o.ret);
	CHECK(after.forwarded - before.forwarded == 1, "%s: forwarded moved by %llu", what,
	      (unsigned long long)(after.forwarded - before.forwarded));
	CHECK(o.len == (uint32_t)wlen, "%s: %u bytes out, expected %d", what, o.len, wlen);
	for (int i = 0; i < wlen && i < (int)o.len; i++)
		if (o.data[i] != want[i]) {
			CHECK(0, "%s: byte %d is %#04x, expected %#04x", what, i, o.data[i], want[i]);
			break;
		}
}

#endif
