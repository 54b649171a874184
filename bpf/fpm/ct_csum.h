/* ct_csum: the transport checksum as conntrack checks it.  With
 * net.netfilter.nf_conntrack_checksum=1 (the default) conntrack marks a
 * TCP or UDP packet with a bad checksum invalid at prerouting
 * (nf_ip_checksum over the whole IP payload, pseudo header with the
 * payload length), and a typical ruleset then drops it.  XDP cannot see
 * whether the driver already verified the sum (CHECKSUM_UNNECESSARY) or
 * the sender left it partial (a local stack over veth): a sum that does
 * not verify here goes to Linux, which decides either way. */
#ifndef TNA_FPM_CT_CSUM_H
#define TNA_FPM_CT_CSUM_H
#include "bpf/fpm/common.h"

#define CT_CSUM_MAX_BLOCKS	20	/* 512-byte blocks: payloads up to 10 KiB */
_Static_assert(CT_CSUM_MAX_BLOCKS * 512 + 512 <= 0x4000, "csum_off() masks offsets to 14 bits");

static __always_inline __u32 csum_add32(__u32 a, __u32 b)
{
	a += b;
	return a + (a < b);
}

static __always_inline __u16 csum_fold16(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s;
}

/* bpf_csum_diff over N bytes at L4 + off when they are in the packet. */
/* OFF (at most CT_CSUM_MAX_BLOCKS * 512 < 0x4000) with bounds the verifier
 * can see: after the loops it has lost them, and before 6.18 it gives a
 * packet pointer plus an offset that may exceed 0xffff no range from the
 * comparison with data_end ("R3 offset is outside of the packet" on 6.12).
 * The mask changes no value; barrier_var keeps the compiler from dropping
 * it. */
static __always_inline __u32 csum_off(__u32 off)
{
	barrier_var(off);
	return off & 0x3fff;
}

#define CSUM_BLOCK(n)								\
	do {									\
		if (len - off >= (n)) {						\
			void *q = l4 + csum_off(off);				\
			if (q + (n) > data_end)					\
				return -1;					\
			sum = bpf_csum_diff(NULL, 0, q, (n), sum);		\
			off += (n);						\
		}								\
	} while (0)

/* The ones' complement sum of LEN bytes at L4OFF (the whole IP payload)
 * plus SEED, folded to 16 bits; -1 when the bytes are not all in the
 * packet.  A global function: the verifier checks it once, not once per
 * path into it.  Also what bpf/fpm/csum.h completes partial checksums
 * with. */
__attribute__((noinline)) int tna_l4_sum(struct xdp_md *ctx, __u32 l4off, __u32 len,
					 __u32 seed)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u32 off = 0, sum = seed;
	void *l4;
	__u8 *t;

	if (!ctx || l4off > 128 || len > CT_CSUM_MAX_BLOCKS * 512)
		return -1;
	barrier_var(l4off);	/* so the mask below is emitted: the verifier keeps it */
	l4 = data + (l4off & 0xff);
	for (int i = 0; i < CT_CSUM_MAX_BLOCKS; i++) {
		void *q = l4 + csum_off(off);

		if (len - off < 512)
			break;
		if (q + 512 > data_end)
			return -1;
		sum = bpf_csum_diff(NULL, 0, q, 512, sum);
		off += 512;
	}
	CSUM_BLOCK(256);
	CSUM_BLOCK(128);
	CSUM_BLOCK(64);
	CSUM_BLOCK(32);
	CSUM_BLOCK(16);
	CSUM_BLOCK(8);
	CSUM_BLOCK(4);
	/* 0..3 bytes left: as 16-bit words in memory order, the last odd
	 * byte padded with zero (its high half in network order) */
	t = l4 + csum_off(off);
	if (len - off >= 2) {
		if ((void *)(t + 2) > data_end)
			return -1;
		sum = csum_add32(sum, *(__u16 *)t);
		t += 2;
		off += 2;
	}
	if (len - off == 1) {
		if ((void *)(t + 1) > data_end)
			return -1;
		sum = csum_add32(sum, bpf_htons((__u16)*t << 8));
	}
	return csum_fold16(sum);
}

/* 1 when the L4 checksum verifies: the sum with PSEUDO (the pseudo
 * header) folds to 0xffff. */
static __always_inline int tna_ct_l4_csum(struct xdp_md *ctx, __u32 l4off, __u32 len,
					  __u32 pseudo)
{
	return tna_l4_sum(ctx, l4off, len, pseudo) == 0xffff;
}

/* A 64-bit sum of 32-bit words folded to 32 bits with end-around carry:
 * the same ones' complement value as a chain of csum_add32, without a
 * compare per word (up to 2^32 words cannot overflow 64 bits). */
static __always_inline __u32 csum_fold64(__u64 s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	return s;
}

/* The pseudo-header sums (per frame on the routed path: csum.h's partial
 * check, filter_path.h's conntrack check), as plain 64-bit adds. */
static __always_inline __u32 ct_pseudo4(__be32 s, __be32 d, __u8 proto, __u32 len)
{
	return csum_fold64((__u64)s + d + bpf_htons(proto) + bpf_htons(len));
}

static __always_inline __u32 ct_pseudo6(const __be32 *s, const __be32 *d, __u8 proto, __u32 len)
{
	__u32 sum = 0;

	for (int i = 0; i < 4; i++) {
		sum = csum_add32(sum, s[i]);
		sum = csum_add32(sum, d[i]);
	}
	sum = csum_add32(sum, bpf_htonl(len));
	return csum_add32(sum, bpf_htonl(proto));
}

#endif /* TNA_FPM_CT_CSUM_H */
