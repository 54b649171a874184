/* The other end of a veth (targets/native/veth_peer.c).  0 or -errno;
 * -ENOTSUP: IFINDEX is not a veth. */
#ifndef TNA_TARGETS_NATIVE_VETH_PEER_H
#define TNA_TARGETS_NATIVE_VETH_PEER_H
#include <stdbool.h>
#include "targets/datapath.h"

struct tna_nl;

/* The peer's ifindex and the nsid of its namespace (-1: ours). */
int tna_veth_peer_get(struct tna_nl *nl, int ifindex, int *peer_ifindex, int *nsid);
/* An fd of the namespace with id NSID (close it). */
int tna_veth_peer_netns(struct tna_nl *nl, int nsid);
/* Both: the peer's ifindex and an fd of its namespace (-1: ours; close
 * it). */
int tna_veth_peer_open(int ifindex, int *peer_ifindex, int *netns_fd);
/* An AF_INET socket in the netns behind NETNS_FD (-1: the current one). */
int tna_socket_in(int netns_fd);

#endif
