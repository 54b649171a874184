/* One small interface per target: how to attach, and what a port needs to
 * be a redirect egress.  generic/ and native/ each provide one. */
#ifndef TNA_TARGETS_BACKEND_H
#define TNA_TARGETS_BACKEND_H
#include <stdint.h>
#include "targets/datapath.h"

struct tna_backend {
	const char *name;		/* "generic", "native" */
	enum tna_target target;
	uint32_t xdp_flags;		/* XDP_FLAGS_SKB_MODE, XDP_FLAGS_DRV_MODE */
	/* TNA_PORT_F_* this backend adds for IFINDEX (e.g. NO_XMIT) */
	uint8_t (*port_flags)(int ifindex);
	/* May frames received on IFINDEX carry partial checksums that this
	 * target's redirect would lose?  (native: a veth whose peer offloads
	 * tx checksums; generic keeps the skb and its checksum state) */
	bool (*port_csum_partial)(int ifindex);
};

extern const struct tna_backend tna_backend_generic;
extern const struct tna_backend tna_backend_native;
const struct tna_backend *tna_backend_get(enum tna_target t);

#endif
