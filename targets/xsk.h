/* The AF_XDP steer (bpf/fpm/xsk.h, docs/hooks.md): a process-wide set of
 * rules built into every pipeline tna_dp__load() loads from then on. */
#ifndef TNA_TARGETS_XSK_H
#define TNA_TARGETS_XSK_H
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "bpf/tna_xsk_kern_user.h"

/* Parse "udp|tcp [src A] [dst A] [sport N] [dport N] [queue Q]" (IPv4;
 * queue 0 by default) and add it.  0, or -EINVAL/-E2BIG with a message
 * in ERR (nothing added). */
int tna_xsk__add(const char *spec, char *err, size_t len);
int tna_xsk__n(void);
const struct tna_xsk_rule *tna_xsk__get(int i);
/* the rule as it was given, normalised ("udp dport 4789 queue 0") */
void tna_xsk__format(const struct tna_xsk_rule *r, char *buf, size_t len);
struct json_object;
struct json_object *tna_xsk__json(void);

/* Frames and bytes steered, per rule, of the pipeline family on IFINDEX;
 * -ENOENT: no TNA program there. */
int tna_xsk_stats_read(int ifindex, struct tna_xsk_count c[TNA_XSK_RULES]);

#endif
