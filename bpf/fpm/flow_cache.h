/* flow_cache: the answers of fdb_src and fdb_dst for (dst, src, ingress
 * port), per CPU, two ways per set of one cache line (struct
 * tna_flow_set), each pair in one of two sets (tna_flow_set(),
 * tna_flow_alt()), so that a steady flow costs one array load instead of
 * two hash lookups.  It is a cache of the mirror, never a source of truth: an
 * entry is used only while the table generation (bumped by user space after
 * every port or FDB change) and the keep-alive tick are those it was filled
 * with.  A new tick makes the next frame take the lookups again, which
 * stamps the source entry as used.  Of each CPU's sets only the first
 * 2^(flow_bits - 1) are used: the controller fits that to the mirror's
 * size (tna_clock.flow_bits, tna_flow_fit()), so that a few thousand
 * pairs stay on a few hundred pages instead of one page each. */
#ifndef TNA_FPM_FLOW_CACHE_H
#define TNA_FPM_FLOW_CACHE_H
#include "bpf/fpm/common.h"

/* The tick and generation, for fdb_src and the cache.  Read once, before
 * the FDB lookups: an entry filled from lookups that raced with a table
 * change then carries the old generation and is never used. */
static __always_inline void fpm_clock(struct tna_pkt *p)
{
	__u32 zero = 0;

	if (!fpm_has(p, TNA_FPM_FDB_SRC | TNA_FPM_FLOW_CACHE))
		return;
	if (!p->clk)		/* fpm_confirmed() looked it up */
		p->clk = bpf_map_lookup_elem(&tna_clock, &zero);
	if (p->clk) {
		p->gen = READ_ONCE(p->clk->gen);
		p->tick = READ_ONCE(p->clk->now);
		p->flow_bits = READ_ONCE(p->clk->flow_bits);
	}
}

/* log2 of the entries per CPU in use: the part of this CPU's table the
 * controller fitted to the mirror (tna_flow_fit()), never more than the
 * table (user space writes the value: a larger one would reach into the
 * next CPU's sets, whose writer could tear an entry under this one). */
static __always_inline __u32 flow_bits(const struct tna_pkt *p)
{
	__u32 b = p->flow_bits;

	return b >= TNA_FLOW_MIN_BITS && b < tna_flow_log ? b : tna_flow_log;
}

static __always_inline __u32 *mac_words(struct tna_pkt *p)
{
	return (__u32 *)p->eth;		/* dst[6] src[6]: three words */
}

static __always_inline bool flow_match(const struct tna_flow *f,
				       const __u32 *w, const struct tna_pkt *p)
{
	return f->w[0] == w[0] && f->w[1] == w[1] && f->w[2] == w[2] &&
	       f->in_ifindex == p->in_ifindex && f->gen == p->gen &&
	       f->tick == p->tick;
}

static __always_inline bool flow_stale(const struct tna_flow *f,
				       const struct tna_pkt *p)
{
	return f->gen != p->gen || f->tick != p->tick;
}

/* When frames cycle through more MAC pairs than the cache holds, nearly
 * every probe misses and evicts a current entry, and a probe that misses
 * the CPU caches costs as much as an FDB lookup.  Each CPU therefore
 * counts, in a window of probes, those that hit or found room (a stale
 * way: a cold miss, the cache filling); below one in eight it skips the
 * cache (no probe, no fill) for the next TNA_FLOW_SKIP frames, then
 * probes again.  Cold misses do not count against it: an emptied cache
 * (every tick, every table change) refills at once instead of a window in
 * sixteen, which at 100k pairs took ~15 passes over them.  Skipping only
 * means taking the FDB lookups, so it never changes an answer. */
#define TNA_FLOW_WINDOW		256
#define TNA_FLOW_MIN_HITS	(TNA_FLOW_WINDOW / 8)
#define TNA_FLOW_SKIP		(15 * TNA_FLOW_WINDOW)
struct tna_flow_use {
	__u32 probes;
	__u32 hits;
	__u32 skip;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tna_flow_use);
} tna_flow_use SEC(".maps");

static __always_inline void flow_count(struct tna_flow_use *u, bool hit)
{
	u->hits += hit;
	if (++u->probes < TNA_FLOW_WINDOW)
		return;
	if (u->hits < TNA_FLOW_MIN_HITS)
		u->skip = TNA_FLOW_SKIP;
	u->probes = 0;
	u->hits = 0;
}

static __always_inline struct tna_flow_set *flow_set(__u32 slot)
{
	__u32 k = bpf_get_smp_processor_id() << (tna_flow_log - 1) | slot / TNA_FLOW_WAYS;

	return bpf_map_lookup_elem(&tna_flows, &k);
}

/* The way of S holding the pair (and its answer in p->out_ifindex), or -1. */
static __always_inline int flow_find(struct tna_flow_set *s, const __u32 *w,
				     struct tna_pkt *p)
{
	if (flow_match(&s->way[0], w, p)) {
		p->out_ifindex = s->way[0].out_ifindex;
		return 0;
	}
	if (flow_match(&s->way[1], w, p)) {
		p->out_ifindex = s->way[1].out_ifindex;
		return 1;
	}
	return -1;
}

static __always_inline struct tna_flow *flow_room(struct tna_flow_set *s,
						  const struct tna_pkt *p)
{
	if (flow_stale(&s->way[0], p))
		return &s->way[0];
	if (flow_stale(&s->way[1], p))
		return &s->way[1];
	return NULL;
}

/* true: the FDB answer is known, p->out_ifindex set.  The pair is looked
 * for in its first set, then in its second (tna_flow_alt()).  false:
 * p->flow is the slot fpm_flow_fill() writes (none while skipping): a
 * stale way of the first set, else of the second, else a way of the first
 * at random (with more pairs than ways cycling through a set, always
 * evicting the older one would miss every time). */
static __always_inline bool fpm_flow_hit(struct tna_pkt *p)
{
	struct tna_flow_set *s, *t;
	struct tna_flow_use *u;
	__u32 *w, k = 0, bits;

	p->flow = NULL;
	if (!fpm_has(p, TNA_FPM_FLOW_CACHE) || !p->clk)
		return false;
	u = bpf_map_lookup_elem(&tna_flow_use, &k);
	if (!u)
		return false;
	if (u->skip) {
		u->skip--;
		return false;
	}
	w = mac_words(p);
	bits = flow_bits(p);
	s = flow_set(tna_flow_set(w, p->in_ifindex, bits));
	if (!s)
		return false;
	if (flow_find(s, w, p) >= 0) {
		flow_count(u, true);
		return true;
	}
	t = flow_set(tna_flow_alt(w, p->in_ifindex, bits));
	if (t && flow_find(t, w, p) >= 0) {
		flow_count(u, true);
		return true;
	}
	p->flow = flow_room(s, p);
	if (!p->flow && t)
		p->flow = flow_room(t, p);
	flow_count(u, p->flow);
	if (!p->flow)
		p->flow = &s->way[bpf_get_prandom_u32() & 1];
	return false;
}

static __always_inline void fpm_flow_fill(struct tna_pkt *p)
{
	struct tna_flow *f = p->flow;
	__u32 *w;

	if (!fpm_has(p, TNA_FPM_FLOW_CACHE) || !f || !p->clk)
		return;
	w = mac_words(p);
	f->w[0] = w[0];
	f->w[1] = w[1];
	f->w[2] = w[2];
	f->in_ifindex = p->in_ifindex;
	f->out_ifindex = p->out_ifindex;
	f->gen = p->gen;
	f->tick = p->tick;
}

#endif /* TNA_FPM_FLOW_CACHE_H */
