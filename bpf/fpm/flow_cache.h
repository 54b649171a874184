/* flow_cache: the answers of fdb_src and fdb_dst for (dst, src, ingress
 * port), per CPU, in sets of one cache line (struct tna_flow_set: a stamp
 * and TNA_FLOW_WAYS ways), each pair in one of two sets (tna_flow_set(),
 * tna_flow_alt()), so that a steady flow costs one array load instead of
 * two hash lookups.  It is a cache of the mirror, never a source of truth:
 * a way is used only while its set's stamp, the table generation (bumped
 * by user space after every port or FDB change) and the keep-alive tick
 * it was filled under, are the current ones, and a fill into a set of an
 * older stamp empties the set's other ways before it takes the new stamp.
 * A new tick makes the next frame take the lookups again, which stamps
 * the source entry as used.  Of each CPU's sets only the first
 * 2^flow_bits are used: the controller fits that to the mirror's size
 * (tna_clock.flow_bits, tna_flow_fit()), so that a few thousand pairs
 * stay on a few hundred pages instead of one page each. */
#ifndef TNA_FPM_FLOW_CACHE_H
#define TNA_FPM_FLOW_CACHE_H
#include "bpf/fpm/common.h"

/* The tick and generation, for fdb_src and the cache.  Read once, before
 * the FDB lookups: a way filled from lookups that raced with a table
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

/* log2 of the sets per CPU in use: the part of this CPU's table the
 * controller fitted to the mirror (tna_flow_fit()), never more than the
 * table (user space writes the value: a larger one would reach into the
 * next CPU's sets, whose writer could tear an entry under this one). */
static __always_inline __u32 flow_bits(const struct tna_pkt *p)
{
	__u32 b = p->flow_bits;

	return b >= TNA_FLOW_MIN_BITS && b < tna_flow_log ? b : tna_flow_log;
}

/* The key of a way: the frame's bytes 0-7, and bytes 8-11 with the
 * ingress port (tna_flow_k1() without the egress port). */
static __always_inline __u64 flow_k0(const struct tna_pkt *p)
{
	return *(__u64 *)p->eth;
}

static __always_inline __u64 flow_k1(const struct tna_pkt *p)
{
	return tna_flow_k1((const __u32 *)p->eth, p->in_ifindex, 0);
}

/* The set's ways were filled under this frame's tick and generation. */
static __always_inline bool flow_current(const struct tna_flow_set *s,
					 const struct tna_pkt *p)
{
	return s->tick == p->tick && s->gen == p->gen;
}

/* When frames cycle through more MAC pairs than the cache holds, nearly
 * every probe misses and evicts a current entry, and a probe that misses
 * the CPU caches costs as much as an FDB lookup.  Each CPU therefore
 * counts, in a window of probes, those that hit or found room (a stale
 * set or an empty way: a cold miss, the cache filling); below one in eight it skips the
 * cache (no probe, no fill) for the next TNA_FLOW_SKIP frames, then
 * probes again.  Cold misses do not count against it: an emptied cache
 * (every tick, every table change) refills at once instead of a window in
 * sixteen, which at 100k pairs took ~15 passes over them.  Skipping only
 * means taking the FDB lookups, so it never changes an answer. */
#define TNA_FLOW_WINDOW		256
#define TNA_FLOW_MIN_HITS	(TNA_FLOW_WINDOW / 8)
#define TNA_FLOW_SKIP		(15 * TNA_FLOW_WINDOW)
struct tna_flow_use {
	__u64 count;		/* probes | hits and probes that found room << 32 */
	__u32 skip;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tna_flow_use);
} tna_flow_use SEC(".maps");

/* Both counts in one add: a hit's only write outside its set. */
static __always_inline void flow_count(struct tna_flow_use *u, bool hit)
{
	__u64 c = u->count + (1 | (__u64)hit << 32);

	if ((__u32)c < TNA_FLOW_WINDOW) {
		u->count = c;
		return;
	}
	if (c >> 32 < TNA_FLOW_MIN_HITS)
		u->skip = TNA_FLOW_SKIP;
	u->count = 0;
}

static __always_inline struct tna_flow_set *flow_set(__u32 set)
{
	__u32 k = bpf_get_smp_processor_id() << tna_flow_log | set;

	return bpf_map_lookup_elem(&tna_flows, &k);
}

/* The way of S holding the pair, its answer into p->out_ifindex: the
 * whole key is compared (dst, src, ingress port), never only a hash. */
static __always_inline bool flow_way_is(const struct tna_flow *f, __u64 k0, __u64 k1,
					struct tna_pkt *p)
{
	if (f->k0 != k0 || (f->k1 ^ k1) << 16)	/* all but the egress port */
		return false;
	p->out_ifindex = f->k1 >> 48;
	return true;
}

static __always_inline bool flow_find(const struct tna_flow_set *s, __u64 k0, __u64 k1,
				      struct tna_pkt *p)
{
	return flow_current(s, p) &&
	       (flow_way_is(&s->way[0], k0, k1, p) || flow_way_is(&s->way[1], k0, k1, p) ||
		flow_way_is(&s->way[2], k0, k1, p));
}

/* Room in S for a fill: a stale set (its first way, the others emptied
 * by the fill), else an empty way of a current one (ingress port 0). */
static __always_inline bool flow_room(struct tna_flow_set *s, struct tna_pkt *p)
{
	p->flow = s;
	p->flow_restamp = !flow_current(s, p);
	if (p->flow_restamp || !(__u16)(s->way[0].k1 >> 32))
		p->flow_way = 0;
	else if (!(__u16)(s->way[1].k1 >> 32))
		p->flow_way = 1;
	else if (!(__u16)(s->way[2].k1 >> 32))
		p->flow_way = 2;
	else
		return false;
	return true;
}

/* true: the FDB answer is known, p->out_ifindex set.  The pair is looked
 * for in its first set, then in its second (tna_flow_alt()).  false:
 * p->flow, p->flow_way are where fpm_flow_fill() writes (no set while
 * skipping, or for a port the ways cannot hold): room in the first set,
 * else in the second, else a way of the first at random (with more pairs
 * than ways cycling through a set, always evicting the same one would miss
 * every time). */
static __always_inline bool fpm_flow_hit(struct tna_pkt *p)
{
	struct tna_flow_set *s, *t;
	struct tna_flow_use *u;
	__u32 k = 0, bits;
	__u64 k0, k1, h;
	bool room;

	p->flow = NULL;
	/* a way holds 16 bits of the ingress port, and the compare drops
	 * the bits above them: a larger ifindex is neither looked for nor
	 * filled in */
	if (!fpm_has(p, TNA_FPM_FLOW_CACHE) || !p->clk || p->in_ifindex > TNA_FLOW_PORT_MAX)
		return false;
	u = bpf_map_lookup_elem(&tna_flow_use, &k);
	if (!u)
		return false;
	if (u->skip) {
		u->skip--;
		return false;
	}
	k0 = flow_k0(p);
	k1 = flow_k1(p);
	h = tna_flow_hash_k(k0, k1);
	bits = flow_bits(p);
	s = flow_set(tna_flow_set_h(h, bits));
	if (!s)
		return false;
	if (flow_find(s, k0, k1, p)) {
		flow_count(u, true);
		return true;
	}
	t = flow_set(tna_flow_alt_h(h, bits));
	if (t && flow_find(t, k0, k1, p)) {
		flow_count(u, true);
		return true;
	}
	room = flow_room(s, p) || (t && flow_room(t, p));
	flow_count(u, room);
	if (!room) {
		p->flow = s;
		p->flow_way = bpf_get_prandom_u32() % TNA_FLOW_WAYS;
		p->flow_restamp = 0;
	}
	return false;
}

static __always_inline void flow_put(struct tna_flow *f, const struct tna_pkt *p)
{
	f->k0 = flow_k0(p);
	f->k1 = tna_flow_k1((const __u32 *)p->eth, p->in_ifindex, p->out_ifindex);
}

/* The answer of the lookups into the way fpm_flow_hit() chose; into a
 * stale set only after its other ways are emptied and its stamp is this
 * frame's, so that no way of an older stamp becomes current with it.
 * The way by constant offsets (the verifier bounds no computed one). */
static __always_inline void fpm_flow_fill(struct tna_pkt *p)
{
	struct tna_flow_set *s = p->flow;

	if (!fpm_has(p, TNA_FPM_FLOW_CACHE) || !s || !p->clk ||
	    p->out_ifindex > TNA_FLOW_PORT_MAX)
		return;
	if (p->flow_restamp) {
		s->way[1].k1 = 0;
		s->way[2].k1 = 0;
		s->tick = p->tick;
		s->gen = p->gen;
	}
	if (p->flow_way == 0)
		flow_put(&s->way[0], p);
	else if (p->flow_way == 1)
		flow_put(&s->way[1], p);
	else
		flow_put(&s->way[2], p);
}

#endif /* TNA_FPM_FLOW_CACHE_H */
