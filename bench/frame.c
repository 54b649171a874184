/* Template frames for the load generator (see frame.h). */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include "bench/frame.h"
#include "bench/bench_gen.h"

size_t tna_bench_frame_min_len(bool ipv6)
{
	return ipv6 ? BENCH_GEN_MIN_V6 : ETH_ZLEN;
}

uint32_t tna_bench_csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint16_t w;

	for (; len >= 2; len -= 2, b += 2) {
		memcpy(&w, b, 2);
		sum += w;
	}
	if (len) {
		uint8_t last[2] = { b[0], 0 };

		memcpy(&w, last, 2);
		sum += w;
	}
	return sum;
}

uint16_t tna_bench_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static void put16(uint8_t *p, uint16_t host)
{
	uint16_t v = htons(host);

	memcpy(p, &v, 2);
}

int tna_bench_frame_build(const struct tna_bench_frame_opts *o, uint8_t *buf,
			  uint32_t *l3_sum, uint32_t *l4_sum)
{
	size_t l3 = ETH_HLEN, l4, alen, len;
	uint8_t *ip = buf + l3, *udp;
	uint32_t sum = 0;
	uint16_t c;

	if (!o || o->sz < sizeof(*o) || o->len < tna_bench_frame_min_len(o->ipv6) ||
	    o->len > 9000)
		return -EINVAL;
	len = o->len;
	memset(buf, 0, len);
	memcpy(buf, o->dst_mac, 6);
	memcpy(buf + 6, o->src_mac, 6);
	put16(buf + 12, o->ipv6 ? ETH_P_IPV6 : ETH_P_IP);

	if (o->ipv6) {
		alen = 16;
		l4 = l3 + 40;
		ip[0] = 0x60;
		put16(ip + 4, len - l4);	/* payload length */
		ip[6] = 17;			/* UDP */
		ip[7] = 64;			/* hop limit */
		memcpy(ip + 8, o->src_ip, 16);
		memcpy(ip + 24, o->dst_ip, 16);
	} else {
		alen = 4;
		l4 = l3 + 20;
		ip[0] = 0x45;
		put16(ip + 2, len - l3);	/* total length */
		ip[6] = 0x40;			/* DF */
		ip[8] = 64;			/* TTL */
		ip[9] = 17;			/* UDP */
		memcpy(ip + 12, o->src_ip, 4);
		memcpy(ip + 16, o->dst_ip, 4);
	}
	udp = buf + l4;
	put16(udp, o->sport);
	put16(udp + 2, o->dport);
	put16(udp + 4, len - l4);
	for (size_t i = l4 + 8; i < len; i++)
		buf[i] = i & 0xff;

	/* The 4 bytes the generator rewrites per frame: the last of the
	 * source address, or of the destination. */
	uint8_t *src = ip + (o->ipv6 ? 8 : 12), *dst = src + alen;
	uint8_t *vary = (o->vary_dst ? dst : src) + alen - 4;

	/* IPv4 header sum without them. */
	if (!o->ipv6) {
		sum = tna_bench_csum_add(0, ip, 12);
		sum = tna_bench_csum_add(sum, o->vary_dst ? src : dst, 4);
	}
	*l3_sum = sum;
	if (!o->ipv6) {
		c = tna_bench_csum_fold(tna_bench_csum_add(sum, vary, 4));
		memcpy(ip + 10, &c, 2);
	}

	/* UDP: pseudo-header (addresses, protocol, length) + datagram,
	 * without them either. */
	uint8_t ph[4] = { 0, 17, 0, 0 };

	put16(ph + 2, len - l4);
	sum = tna_bench_csum_add(0, src, alen - (o->vary_dst ? 0 : 4));
	sum = tna_bench_csum_add(sum, dst, alen - (o->vary_dst ? 4 : 0));
	sum = tna_bench_csum_add(sum, ph, 4);
	sum = tna_bench_csum_add(sum, udp, len - l4);
	*l4_sum = sum;
	c = tna_bench_csum_fold(tna_bench_csum_add(sum, vary, 4));
	if (!c)
		c = 0xffff;
	memcpy(udp + 6, &c, 2);
	return 0;
}
