/* The veth peers of our ports, heard when they change.
 *
 * A veth peer's tx checksumming and TSO (`ethtool -K eth0 tx off` in a
 * container) decide a native port entry's checksum handling and auto's
 * choice, but nothing in our namespace announces them: the kernel sends
 * RTM_NEWLINK in the PEER's namespace (a feature change included), which
 * an rtnetlink socket with NETLINK_LISTEN_ALL_NSID hears here, tagged
 * with the nsid our namespace gives the peer's.  The message carries no
 * features: the peer is read again (ethtool netlink in its namespace).
 * A container host has many namespaces and links: a message that is not
 * from a known peer (nsid, ifindex) costs a table look-up.  Peers whose
 * namespace has no nsid here are not heard (a veth's peer always gets one
 * when our end is read); the once-a-second recheck stays as backstop. */
#ifndef TNA_CONTROLLER_PEER_WATCH_H
#define TNA_CONTROLLER_PEER_WATCH_H

struct tna_peer_watch;

/* NULL + errno. */
struct tna_peer_watch *tna_peer_watch_open(void);
void tna_peer_watch_close(struct tna_peer_watch *w);
/* The socket to poll (-1 when W is NULL). */
int tna_peer_watch_fd(const struct tna_peer_watch *w);

/* The ports whose peers are watched: IFX[0..N).  Their peers are looked
 * up again (one RTM_GETLINK each) when the set differs from the last one
 * or the table went stale: a peer left its namespace (a move gives it
 * another nsid), a port was deleted, messages were lost. */
void tna_peer_watch_ports(struct tna_peer_watch *w, const int *ifx, int n);

/* Read what is pending: CB once per port whose peer announced a change
 * or moved to another namespace (IFINDEX 0 after an overflow: look at
 * every port); a stale table is read again first.  0 or -errno. */
int tna_peer_watch_process(struct tna_peer_watch *w, void (*cb)(void *ctx, int ifindex),
			   void *ctx);

#endif
