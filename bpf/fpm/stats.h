/* stats: per-CPU counters per port (no atomics, no sharing). */
#ifndef TNA_FPM_STATS_H
#define TNA_FPM_STATS_H
#include "bpf/fpm/common.h"

static __always_inline struct tna_stats_val *stats_slot(struct tna_pkt *p)
{
	__u32 idx = p->in ? p->in->idx : 0;

	if (!fpm_has(p, TNA_FPM_STATS))
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
	__u64 r = (__u32)reason;

	/* one register for the check and the index: clang may otherwise
	 * widen the reason twice, check one copy and index with the other,
	 * which the verifier refuses */
	barrier_var(r);
	if (!s || r >= TNA_REASON_MAX)
		return;
	s->passed[r]++;
}

#endif /* TNA_FPM_STATS_H */
