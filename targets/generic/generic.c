/* generic: XDP in skb mode.  Works on every netdev; redirect egress needs
 * nothing from the egress device. */
#include <linux/if_link.h>
#include "targets/backend.h"

static uint8_t generic_port_flags(int ifindex)
{
	return 0;
}

/* The skb goes on with its checksum state: nothing to complete. */
static bool generic_port_csum_partial(int ifindex)
{
	return false;
}

const struct tna_backend tna_backend_generic = {
	.name = "generic",
	.target = TNA_TARGET_GENERIC,
	.xdp_flags = XDP_FLAGS_SKB_MODE,
	.port_flags = generic_port_flags,
	.port_csum_partial = generic_port_csum_partial,
};

const struct tna_backend *tna_backend_get(enum tna_target t)
{
	switch (t) {
	case TNA_TARGET_GENERIC: return &tna_backend_generic;
	case TNA_TARGET_NATIVE:  return &tna_backend_native;
	default:                 return NULL;
	}
}
