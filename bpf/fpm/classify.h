/* classify: frames only Linux handles right.  Link-local 01:80:c2:00:00:0x
 * (STP, LACP, LLDP, 802.1X), broadcast and multicast (flooding, snooping),
 * and frames to the bridge's own MAC (local delivery). */
#ifndef TNA_FPM_CLASSIFY_H
#define TNA_FPM_CLASSIFY_H
#include "bpf/fpm/common.h"

static __always_inline int fpm_classify(struct tna_pkt *p)
{
	const __u8 *d = p->eth->h_dest, *m;

	if (!fpm_has(p, TNA_FPM_CLASSIFY))
		return TNA_GO;
	if (d[0] & 1) {
		if (d[0] == 0x01 && d[1] == 0x80 && d[2] == 0xc2 &&
		    d[3] == 0 && d[4] == 0 && (d[5] & 0xf0) == 0)
			return TNA_REASON_LINK_LOCAL;
		return TNA_REASON_BCAST_MCAST;
	}
	if (!p->clk)	/* fpm_confirmed found it */
		return TNA_REASON_CONTROLLER_STALE;
	/* two loads a side, as mac_valid() (x86-64 and arm64 JITs load
	 * unaligned): six byte compares cost twelve loads and six branches */
	m = p->clk->bridge_mac;
	if (*(const __u32 *)d == *(const __u32 *)m &&
	    *(const __u16 *)(d + 4) == *(const __u16 *)(m + 4))
		return TNA_REASON_TO_LOCAL_MAC;
	return TNA_GO;
}

#endif /* TNA_FPM_CLASSIFY_H */
