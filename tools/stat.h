/* tna-stat's view of the interfaces of a network namespace, shared by its
 * table/JSON output (tna-stat.c) and its Prometheus output (stat_prom.c). */
#ifndef TNA_TOOLS_STAT_H
#define TNA_TOOLS_STAT_H
#include <stdbool.h>
#include <stdio.h>
#include <net/if.h>
#include "targets/stats.h"
#include "targets/offload/nic.h"
#include "targets/hooks.h"
#include "targets/xsk.h"

struct iface {
	int ifindex, master;
	char name[IF_NAMESIZE];
	bool is_bridge;
	bool wanted;
	int err;			/* of tna_stats_read */
	struct tna_if_stats st, prev;
	int nic_err;			/* of tna_offload_stats_read: the NIC stage */
	struct tna_offload_stats nic, nic_prev;
	/* the operator's hooks of the pipeline family: by slot and verdict */
	int hooks_err;
	uint64_t hooks[TNA_HOOK_NSLOTS][TNA_HOOK_NVERDICTS];
	/* the AF_XDP steer: frames and bytes per rule (--status's order) */
	int xsk_err;
	struct tna_xsk_count xsk[TNA_XSK_RULES];
};

/* Hook counters (tools/stat_hooks.c): read them for F (a bridge: from
 * its first TNA port, the family is one), the lines and the JSON. */
void stat_hooks_read(struct iface *f, const struct iface *ifs, int n);
void stat_hooks_print(const struct iface *f);
struct json_object;
void stat_hooks_json(const struct iface *f, struct json_object *o);

/* The interfaces' counters and the health of this namespace's controller
 * (its status file) in the Prometheus text format (version 0.0.4), for
 * node_exporter's textfile collector.  NETNS: the --netns given, or NULL.
 * 0 or -errno (writing F failed). */
int stat_prom_print(FILE *f, const struct iface *ifs, int n, const char *netns);

#endif
