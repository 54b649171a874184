/* stats: per-CPU counters per port (no atomics, no sharing). */
#ifndef TNA_FPM_STATS_H
#define TNA_FPM_STATS_H
#include "bpf/fpm/common.h"

static __always_inline struct tna_stats_val *stats_slot(struct tna_pkt *p)
{
	__u32 idx = p->in ? p->in->idx : 0;

	if (!fpm_on(TNA_FPM_STATS))
		return NULL;
	return bpf_map_lookup_elem(&tna_stats, &idx);
}

static __always_inline void stats_forwarded(struct tna_pkt *p)
{
	struct tna_stats_val *s = stats_slot(p);

	if (s) {
		s->forwarded++;
		s->forwarded_bytes += p->ctx->data_end - p->ctx->data;
	}
}

/* csum: a partial checksum completed in the fast path */
static __always_inline void stats_csum_completed(struct tna_pkt *p)
{
	struct tna_stats_val *s = stats_slot(p);

	if (s)
		s->csum_completed++;
}

static __always_inline void stats_passed(struct tna_pkt *p, int reason)
{
	struct tna_stats_val *s = stats_slot(p);

	if (s && reason >= 0 && reason < TNA_REASON_MAX)
		s->passed[reason]++;
}

#endif /* TNA_FPM_STATS_H */
