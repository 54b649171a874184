/* The offload backend as tna-probe and tna-stat show it (report.c). */
#ifndef TNA_TARGETS_OFFLOAD_REPORT_H
#define TNA_TARGETS_OFFLOAD_REPORT_H
#include <stddef.h>
#include "targets/offload/nic.h"

struct tna_caps_dev;
struct json_object;

/* "netdevsim model (source): limits...; NIC stage (101 insns) fits" or
 * the model's objection.  -ENODEV: not an offloading device we know. */
int tna_offload_dev_describe(const struct tna_caps_dev *d, char *buf, size_t len);
/* The same as JSON: {model, source, limits{...}, nic_stage{fits, insns,
 * why}}; NULL for other devices. */
struct json_object *tna_offload_dev_json(const struct tna_caps_dev *d);

/* A += B (per-bridge sums). */
void tna_offload_stats_add(struct tna_offload_stats *a, const struct tna_offload_stats *b);
/* One line of NIC-stage counters; with DT > 0 rates since PREV. */
void tna_offload_stats_line(const struct tna_offload_stats *s, const struct tna_offload_stats *prev,
			    double dt, char *buf, size_t len);
struct json_object *tna_offload_stats_json(const struct tna_offload_stats *s,
					   const struct tna_offload_stats *prev, double dt);

#endif
