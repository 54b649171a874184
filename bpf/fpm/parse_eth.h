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
	/* multicast or all-zero source: is_valid_ether_addr() fails */
	if ((eth->h_source[0] & 1) ||
	    !(eth->h_source[0] | eth->h_source[1] | eth->h_source[2] |
	      eth->h_source[3] | eth->h_source[4] | eth->h_source[5]))
		return TNA_REASON_MALFORMED;
	return TNA_GO;
}

#endif /* TNA_FPM_PARSE_ETH_H */
