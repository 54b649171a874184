/* parse_eth: the Ethernet header must be there, and the source a valid
 * unicast address (Linux drops others, so they go to Linux to be dropped
 * and counted there). */
#ifndef TNA_FPM_PARSE_ETH_H
#define TNA_FPM_PARSE_ETH_H
#include "bpf/fpm/common.h"

static __always_inline int fpm_parse_eth(struct tna_pkt *p)
{
	void *data = (void *)(long)p->ctx->data;
	void *data_end = (void *)(long)p->ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return TNA_REASON_MALFORMED;
	p->eth = eth;
	if (!fpm_on(TNA_FPM_PARSE_ETH))
		return TNA_GO;
	/* multicast or all-zero source: is_valid_ether_addr() fails.  Two
	 * loads (x86-64 and arm64 JITs do unaligned loads), the group bit
	 * from the first byte as it lay in memory. */
	__u32 s0 = *(const __u32 *)eth->h_source;
	__u16 s1 = *(const __u16 *)(eth->h_source + 4);

	if ((((const __u8 *)&s0)[0] & 1) || !(s0 | s1))
		return TNA_REASON_MALFORMED;
	return TNA_GO;
}

#endif /* TNA_FPM_PARSE_ETH_H */
