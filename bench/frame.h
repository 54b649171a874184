/* Template frames for the load generator: Ethernet + IPv4 or IPv6 + UDP
 * with valid checksums, plus the partial checksum sums that the generator's
 * XDP program needs to finish the checksums after it rewrites the source
 * address.  No side effects; usable without root. */
#ifndef TNA_BENCH_FRAME_H
#define TNA_BENCH_FRAME_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tna_bench_frame_opts {
	size_t sz;		/* sizeof(struct tna_bench_frame_opts) */
	size_t len;		/* frame length without FCS */
	bool ipv6;
	uint8_t src_mac[6], dst_mac[6];
	uint8_t src_ip[16], dst_ip[16];	/* IPv4 uses the first 4 bytes */
	uint16_t sport, dport;
	bool vary_dst;		/* the sums leave out the destination's last
				 * 4 bytes instead of the source's */
};

/* Minimum frame length (no FCS) for the address family. */
size_t tna_bench_frame_min_len(bool ipv6);

/* Build the frame into BUF (at least opts->len bytes) with valid checksums.
 * *L3_SUM and *L4_SUM receive the 32-bit one's-complement sums (native
 * 16-bit words) of the IPv4 header and of the UDP pseudo-header + datagram
 * without the checksum fields and without the last 4 bytes of the source
 * address, or of the destination with opts->vary_dst (L3_SUM is 0 for
 * IPv6).  Returns 0 or -EINVAL. */
int tna_bench_frame_build(const struct tna_bench_frame_opts *opts, uint8_t *buf,
			  uint32_t *l3_sum, uint32_t *l4_sum);

/* One's-complement sum of LEN bytes (native 16-bit words) added to SUM. */
uint32_t tna_bench_csum_add(uint32_t sum, const void *p, size_t len);
/* Fold a 32-bit sum and complement it: the value to store. */
uint16_t tna_bench_csum_fold(uint32_t sum);

#endif
