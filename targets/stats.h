/* Fast-path counters of an interface, read from any process: finds the XDP
 * program on the interface, checks it is TNA's, finds its maps by name and
 * sums the per-CPU counters.  Nothing needs to be pinned. */
#ifndef TNA_TARGETS_STATS_H
#define TNA_TARGETS_STATS_H
#include <stdint.h>
#include "bpf/tna_kern_user.h"

struct tna_if_stats {
	uint32_t prog_id;
	char prog_name[16];
	char mode[8];			/* "generic", "native" */
	int port_idx;			/* stats slot, 0 = "not a port" slot */
	uint64_t forwarded;		/* redirected by the fast path */
	uint64_t forwarded_bytes;
	uint64_t dropped;
	uint64_t csum_completed;	/* partial checksums completed by the fast path */
	int csum;			/* the port's TNA_PORT_CSUM_* (ports only) */
	int mtu;			/* the port's MTU in the port table (ports only) */
	uint64_t passed_total;
	uint64_t passed[TNA_REASON_MAX];	/* to Linux, by enum tna_reason */
};

/* The host stage's counters (generic or native program; a HW-mode one is
 * the NIC stage: tna_offload_stats_read).  0 on success; -ENOENT: no
 * host-stage XDP program on IFINDEX; -ENOMSG: a program is
 * there but it is not TNA's (out->prog_id/prog_name say which); others from
 * the kernel (-EPERM without CAP_BPF/CAP_SYS_ADMIN). */
int tna_stats_read(int ifindex, struct tna_if_stats *out);

/* An fd of the map named NAME among the map ids IDS (a program's), or
 * -ENOENT.  The caller closes it. */
int tna_map_by_name(const __u32 *ids, __u32 n, const char *name);

/* The tna_clock of the TNA program on IFINDEX (trust, heartbeat, how far
 * the controller has applied the kernel's changes) and the id of that map
 * (the same for every port of a pipeline family).  Errors as above. */
int tna_clock_read(int ifindex, struct tna_clock *clk, uint32_t *map_id);

/* An fd of the map NAME (TNA_MAP_PORTS, ...) of the TNA program on
 * IFINDEX, or a negative errno as above. */
int tna_map_of(int ifindex, const char *name);

/* A += B (for per-bridge sums). */
void tna_stats_add(struct tna_if_stats *a, const struct tna_if_stats *b);

#endif /* TNA_TARGETS_STATS_H */
