/* Shared by bench_gen.bpf.c and tna-gen: the generator's configuration
 * (in .rodata, set before load) and the template frame's layout. */
#ifndef TNA_BENCH_GEN_H
#define TNA_BENCH_GEN_H
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Frame offsets: Ethernet (14) + IPv4 (20) or IPv6 (40) + UDP (8). */
#define BENCH_V4_CSUM		(14 + 10)
#define BENCH_V4_SRC		(14 + 12)
#define BENCH_V4_UDP_CSUM	(14 + 20 + 6)
#define BENCH_V4_DST		(14 + 16)
#define BENCH_V6_SRC_LOW	(14 + 8 + 12)
#define BENCH_V6_DST_LOW	(14 + 24 + 12)
#define BENCH_V6_UDP_CSUM	(14 + 40 + 6)
#define BENCH_GEN_MIN_V4	60	/* ETH_ZLEN; headers end at 42 */
#define BENCH_GEN_MIN_V6	(14 + 40 + 8)
/* Every network namespace numbers its loopback 1. */
#define BENCH_GEN_LOOPBACK_IFINDEX	1
#define BENCH_GEN_MAX_PORTS	64

struct bench_gen_cfg {
	__u32 n_src, src_first, src_step;	/* source MAC = prefix:index */
	__u32 n_dst, dst_first, dst_step;
	__u32 n_flows;				/* added to ip_low */
	__u32 ip_low;				/* host order: the last 4 bytes of
						 * the source (dst_flows: the
						 * destination) address */
	__u32 l3_sum, l4_sum;			/* sums without the varying words */
	__u32 action;				/* XDP_REDIRECT (live) */
	__u32 n_ports;				/* used entries of tx_ports */
	__u32 hold_ifindex;			/* frames from here pass (0: none) */
	__u8 src_prefix[2], dst_prefix[2];
	__u8 ipv6;
	__u8 dst_flows;				/* flows vary the destination */
	__u8 pad[2];
};

#endif
