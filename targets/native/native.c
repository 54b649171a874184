/* native: XDP in the driver.  A frame redirected to a port is only sent if
 * that port can transmit XDP frames (NETDEV_XDP_ACT_NDO_XMIT; on veth only
 * while the peer has XDP or GRO on).  Ports that cannot get NO_XMIT so their
 * traffic goes to Linux instead of being lost. */
#include <errno.h>
#include <linux/if_link.h>
#include "targets/backend.h"
#include "targets/native/xdp_features.h"

static uint8_t native_port_flags(int ifindex)
{
	uint64_t f = 0;

	/* unknown counts as "cannot": Linux forwards, nothing is lost */
	if (tna_xdp_features(ifindex, &f) < 0 || !(f & TNA_XDP_ACT_NDO_XMIT))
		return TNA_PORT_F_NO_XMIT;
	return 0;
}

/* The driver turns the skb into an xdp_buff: a redirected frame keeps no
 * checksum state.  Partial checksums reach native XDP only from a veth
 * whose peer offloads them (a NIC delivers what was on the wire; virtio
 * refuses XDP while the host may send it partial checksums).  A peer we
 * cannot read counts as offloading: completing is harmless. */
static bool native_port_csum_partial(int ifindex)
{
	struct tna_veth_peer_features f;
	int err = tna_veth_peer_features(ifindex, &f);

	if (err == -ENOTSUP)
		return false;
	return err || f.tx_csum;
}

const struct tna_backend tna_backend_native = {
	.name = "native",
	.target = TNA_TARGET_NATIVE,
	.xdp_flags = XDP_FLAGS_DRV_MODE,
	.port_flags = native_port_flags,
	.port_csum_partial = native_port_csum_partial,
};
