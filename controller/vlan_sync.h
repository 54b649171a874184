/* The VLAN table of a bridge with VLAN filtering (bpf/fpm/vlan.h), kept
 * equal to the kernel's bridge VLANs.
 *
 * What is written always comes from a fresh read of the kernel
 * (RTM_GETVLAN dump: per port, each VLAN's untagged flag, pvid, STP
 * state and options), never from an event's payload: an RTM_NEWVLAN /
 * RTM_DELVLAN notification (group RTNLGRP_BRVLAN, a socket of its own read
 * ahead of the model, as the port watch is), or a bridge port's link
 * message (its MST states change its VLANs' states without a VLAN
 * notification), only names the port to read again.  A whole bridge is read again when its pipeline or its attached
 * ports may have changed (a deployment, a replan) and after lost events.
 * Deletions are applied before additions; each entry is replaced in one
 * map update, and a missing entry only sends frames to Linux, so no state
 * in between forwards what Linux would not.  What remains is the event
 * latency, as for the port table. */
#ifndef TNA_CONTROLLER_VLAN_SYNC_H
#define TNA_CONTROLLER_VLAN_SYNC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/nl.h"
#include "targets/datapath.h"

/* One entry of the table as the kernel has it (vid 0: the pvid entry). */
struct tna_vlan_ent {
	int ifindex;
	uint16_t vid;
	struct tna_vlan_val v;
};

/* The VLANs of port IFINDEX (0: every bridge port of the netns) from the
 * kernel, appended to *OUT (grown with realloc; *N entries).  A port that
 * is gone or no longer a bridge port has none.  0 or -errno. */
int tna_vlan_read(struct tna_nl *nl, int ifindex, struct tna_vlan_ent **out, size_t *n);

struct tna_vlan_counts {
	uint64_t set, deleted, errors;
};

/* Make DP's table equal WANT for the ports in PORTS (N_PORTS of them):
 * entries of those ports not in WANT are deleted first, then what differs
 * is written; with ALL, entries of every other port are deleted too (WANT
 * then holds everything).  WANT is sorted in place.  Counts add to C.
 * 0 or the first -errno (the rest is still done). */
int tna_vlan_apply(struct tna_dp *dp, const int *ports, int n_ports, bool all,
		   struct tna_vlan_ent *want, size_t n, struct tna_vlan_counts *c);

/* The notification socket. */
struct tna_vlan_watch;
struct tna_vlan_watch *tna_vlan_watch_open(void);	/* NULL + errno */
void tna_vlan_watch_close(struct tna_vlan_watch *w);
int tna_vlan_watch_fd(const struct tna_vlan_watch *w);
/* Read what is pending: the ports named go to PORTS (at most MAX, each
 * once); *LOST when events were lost or there were more ports (read
 * everything again).  The number of ports, or -errno. */
int tna_vlan_watch_read(struct tna_vlan_watch *w, int *ports, int max, bool *lost);
/* Something is waiting to be read (poll, no wait). */
bool tna_vlan_watch_pending(const struct tna_vlan_watch *w);

#endif
