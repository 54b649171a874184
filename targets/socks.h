/* Sockets that one pass over the ports shares (targets/socks.c).  Between
 * tna_dp__pass_begin() and tna_dp__pass_end() a socket given back is kept
 * for the next port; outside a pass it is closed at once, as a socket
 * opened for one read would be.  Internal to targets/. */
#ifndef TNA_TARGETS_SOCKS_H
#define TNA_TARGETS_SOCKS_H
#include <stdbool.h>
#include <stdint.h>

struct tna_nl;

/* An AF_INET datagram socket in our namespace (ioctls): fd or -errno.
 * Give it back with tna_socks_put_inet(). */
int tna_socks_inet(void);
void tna_socks_put_inet(int fd);

/* The rtnetlink socket of our namespace; NULL + errno.  *REUSED is set
 * when it served an earlier read of the pass. */
struct tna_nl *tna_socks_rtnl(bool *reused);
/* The generic netlink socket kept for the namespace with id NSID (-1:
 * ours), or NULL: the caller opens one and gives it back. */
struct tna_nl *tna_socks_genl(int nsid);
/* Give back a socket from above (or one the caller opened for NSID):
 * kept for the pass unless BAD (it failed: the next read opens anew). */
void tna_socks_put_rtnl(struct tna_nl *nl, bool bad);
void tna_socks_put_genl(int nsid, struct tna_nl *nl, bool bad);

/* The id of genl family NAME, resolved on NL the first time and then
 * remembered (family ids are the kernel's, not a namespace's); AGAIN
 * resolves anew.  *REUSED is set when the remembered id was used. */
int tna_socks_family(struct tna_nl *nl, const char *name, uint16_t *id, bool again,
		     bool *reused);

#endif
