/* parse_eth: the Ethernet header must be there, and the source a valid
 * unicast address (Linux drops others, so they go to Linux to be dropped
 * and counted there). */
#ifndef TNA_FPM_PARSE_ETH_H
#define TNA_FPM_PARSE_ETH_H
#include "bpf/fpm/common.h"

/* is_valid_ether_addr(): not multicast, not all zero.  Two loads
 * (x86-64 and arm64 JITs do unaligned loads; through a byte pointer, so
 * clang does not split them by the struct's alignment), the group bit
 * from the first byte as it lay in memory. */
static __always_inline bool mac_valid(const __u8 *a)
{
	__u32 w0 = *(const __u32 *)a;
	__u16 w1 = *(const __u16 *)(a + 4);

	return !(((const __u8 *)&w0)[0] & 1) && (w0 | w1);
}

static __always_inline int fpm_parse_eth(struct tna_pkt *p)
{
	void *data = (void *)(long)p->ctx->data;
	void *data_end = (void *)(long)p->ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return TNA_REASON_MALFORMED;
	p->eth = eth;
	if (!fpm_has(p, TNA_FPM_PARSE_ETH))
		return TNA_GO;
	return mac_valid(eth->h_source) ? TNA_GO : TNA_REASON_MALFORMED;
}

#endif /* TNA_FPM_PARSE_ETH_H */
