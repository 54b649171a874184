/* A port's XDP features as the kernel announces them (docs/kernel-facts.md §1).
 *
 * A veth can transmit redirected frames (NETDEV_XDP_ACT_NDO_XMIT) only
 * while its peer runs XDP or has GRO on; the peer usually lives in a
 * container's netns, where `ethtool -K eth0 gro off` changes it.  The
 * kernel then changes our end's xdp_features and sends a genl "netdev"
 * DEV_CHANGE_NTF (group "mgmt") in OUR end's netns, carrying the new
 * features: no nsid, no socket in the peer's netns needed.  This is a
 * socket of its own subscribed to that group, read first on every turn
 * of the controller's loop (controller/xmit_follow.c acts on it).
 * Kernels before 6.3 have no "netdev" family: then the controller's
 * once-a-second recheck (controller/recheck.h) is all there is. */
#ifndef TNA_CONTROLLER_XMIT_WATCH_H
#define TNA_CONTROLLER_XMIT_WATCH_H
#include <stdint.h>

struct tna_xmit_watch;

/* Subscribe in the current netns.  NULL + errno (ENOENT: no "netdev"
 * family or "mgmt" group). */
struct tna_xmit_watch *tna_xmit_watch_open(void);
void tna_xmit_watch_close(struct tna_xmit_watch *w);
/* The socket to poll (-1 when W is NULL). */
int tna_xmit_watch_fd(const struct tna_xmit_watch *w);
/* Notifications lost to a full socket so far. */
unsigned int tna_xmit_watch_overflows(const struct tna_xmit_watch *w);

/* Read what is pending: CB sees each device whose XDP features were
 * announced (added, changed) with the new features; after an overflow
 * once with IFINDEX 0 (something was lost: look at every port).
 * 0 or -errno. */
int tna_xmit_watch_process(struct tna_xmit_watch *w,
			   void (*cb)(void *ctx, int ifindex, uint64_t xdp_features),
			   void *ctx);

#endif
