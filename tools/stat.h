/* tna-stat's view of the interfaces of a network namespace, shared by its
 * table/JSON output (tna-stat.c) and its Prometheus output (stat_prom.c). */
#ifndef TNA_TOOLS_STAT_H
#define TNA_TOOLS_STAT_H
#include <stdbool.h>
#include <stdio.h>
#include <net/if.h>
#include "targets/stats.h"
#include "targets/offload/nic.h"

struct iface {
	int ifindex, master;
	char name[IF_NAMESIZE];
	bool is_bridge;
	bool wanted;
	int err;			/* of tna_stats_read */
	struct tna_if_stats st, prev;
	int nic_err;			/* of tna_offload_stats_read: the NIC stage */
	struct tna_offload_stats nic, nic_prev;
};

/* The interfaces' counters and the health of this namespace's controller
 * (its status file) in the Prometheus text format (version 0.0.4), for
 * node_exporter's textfile collector.  NETNS: the --netns given, or NULL.
 * 0 or -errno (writing F failed). */
int stat_prom_print(FILE *f, const struct iface *ifs, int n, const char *netns);

#endif
