/* filter: the evaluator of a compiled nftables ruleset (layout in
 * bpf/tna_filter_kern_user.h, compiler in assembler/filter_compile.h).
 * The ruleset is data: instructions in an array map, sets in an LPM trie;
 * this code is fixed and specialised only by rodata (on or off).
 *
 * A packet reads which half of the instruction table is current once, in
 * fpm_nf_pre*, and runs every segment of its path on that half, so a rule
 * change never mixes two rulesets for one packet.  The fields the terms
 * look at (struct tna_flt_pkt) live in a per-CPU scratch entry, refreshed
 * between segments as the packet's view changes (conntrack, NAT, route).
 * A segment runs with bpf_loop, one instruction per step, at most
 * TNA_FLT_MAX_STEPS: a longer evaluation goes to Linux (nf_budget). */
#ifndef TNA_FPM_FILTER_H
#define TNA_FPM_FILTER_H
#include "bpf/fpm/rif.h"

#define TNA_NF_DROP	(-3)	/* the ruleset drops the packet: XDP_DROP */
#define TNA_FLT_RUNNING	0x7fffffff

/* Both mmapped by user space: a program is written with memcpy and made
 * current with one store. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * TNA_FLT_MAX_INSNS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct tna_flt_insn);
} tna_flt_insns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct tna_flt_ctl);
} tna_flt_ctl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, TNA_FLT_MAX_SET_ELEMS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct tna_flt_set_key);
	__type(value, __u8);
} tna_flt_sets SEC(".maps");

/* ifindex -> name, for iifname/oifname terms (user space follows links) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, char[16]);
} tna_flt_ifnames SEC(".maps");

struct flt_scratch {
	struct tna_flt_pkt pkt;
	__u32 base;			/* first instruction of the current half */
	__u16 pc, end;			/* end: the current base chain's policy */
	__u16 stack[TNA_FLT_STACK];
	__u8 sp, accepting;
	__s32 result;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct flt_scratch);
} tna_flt_scratch SEC(".maps");

/* What the netfilter modules pass along one packet's path. */
struct tna_nf {
	__u32 half;			/* the program half read at the start */
	__u32 flags;			/* its TNA_FLT_F_* */
	struct tna_flt_seg_ref seg[TNA_FLT_SEGS];	/* its segments for this family */
	__u8 fam;			/* TNA_FLT_V4 / V6 */
	__u8 l4proto;
	__u8 dnat, snat;		/* conntrack says: rewrite destination / source */
	__be32 nsaddr[4], ndaddr[4];	/* the addresses and ports after NAT */
	__be16 nsport, ndport;
};

static __always_inline struct flt_scratch *flt_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&tna_flt_scratch, &zero);
}

static __always_inline bool flt_masked_eq(const __u64 *f, const struct tna_flt_insn *in)
{
	const __u64 *m = (const __u64 *)in->mask, *v = (const __u64 *)in->val;

	return (f[0] & m[0]) == v[0] && (f[1] & m[1]) == v[1];
}

/* lo <= (f & mask) <= hi, all 128-bit big-endian */
static __always_inline bool flt_in_range(const __u64 *f, const struct tna_flt_insn *in)
{
	const __u64 *m = (const __u64 *)in->mask, *lo = (const __u64 *)in->val,
		    *hi = (const __u64 *)in->hi;
	__u64 x0 = bpf_be64_to_cpu(f[0] & m[0]), x1 = bpf_be64_to_cpu(f[1] & m[1]);
	__u64 l0 = bpf_be64_to_cpu(lo[0]), l1 = bpf_be64_to_cpu(lo[1]);
	__u64 h0 = bpf_be64_to_cpu(hi[0]), h1 = bpf_be64_to_cpu(hi[1]);

	if (x0 < l0 || (x0 == l0 && x1 < l1))
		return false;
	return x0 < h0 || (x0 == h0 && x1 <= h1);
}

static __always_inline bool flt_in_set(const __u64 *f, const struct tna_flt_insn *in)
{
	const __u64 *m = (const __u64 *)in->mask;
	struct tna_flt_set_key k;
	__u64 *d = (__u64 *)k.data;

	k.prefixlen = 32 + 8 * (__u32)(in->len & 31);
	k.set = bpf_htonl(in->set);
	d[0] = f[0] & m[0];
	d[1] = f[1] & m[1];
	return bpf_map_lookup_elem(&tna_flt_sets, &k) != NULL;
}

/* One instruction; 1 stops the loop (s->result is set). */
static long flt_step(__u32 i, void *ctx)
{
	struct flt_scratch *s = flt_scratch();
	struct tna_flt_insn *in;
	__u32 idx;
	bool hit;

	if (!s)
		return 1;
	if (s->pc >= TNA_FLT_MAX_INSNS)
		goto bad;
	idx = s->base + s->pc;
	in = bpf_map_lookup_elem(&tna_flt_insns, &idx);
	if (!in)
		goto bad;
	switch (in->op) {
	case TNA_FLT_EQ: case TNA_FLT_NE: case TNA_FLT_RANGE:
	case TNA_FLT_NRANGE: case TNA_FLT_SET: case TNA_FLT_NSET: {
		__u32 off = in->off;
		const __u64 *f;

		if (off > TNA_FLT_OFF_MAX)
			goto bad;
		f = (const __u64 *)((__u8 *)&s->pkt + off);
		if (in->op <= TNA_FLT_NE)
			hit = flt_masked_eq(f, in) == (in->op == TNA_FLT_EQ);
		else if (in->op <= TNA_FLT_NRANGE)
			hit = flt_in_range(f, in) == (in->op == TNA_FLT_RANGE);
		else
			hit = flt_in_set(f, in) == (in->op == TNA_FLT_SET);
		s->pc = hit ? s->pc + 1 : in->next;
		return 0;
	}
	case TNA_FLT_ACCEPT:
		s->accepting = 1;
		s->pc = s->end;
		return 0;
	case TNA_FLT_DROP:
		s->result = TNA_NF_DROP;
		return 1;
	case TNA_FLT_PUNT:
		s->result = in->aux;
		return 1;
	case TNA_FLT_JUMP:
		if (s->sp >= TNA_FLT_STACK)
			goto bad;
		s->stack[s->sp & (TNA_FLT_STACK - 1)] = in->next;
		s->sp++;
		s->pc = in->arg;
		return 0;
	case TNA_FLT_GOTO:
		s->pc = in->arg;
		return 0;
	case TNA_FLT_RETURN:
		if (!s->sp) {
			s->pc = s->end;
			return 0;
		}
		s->sp--;
		s->pc = s->stack[s->sp & (TNA_FLT_STACK - 1)];
		return 0;
	case TNA_FLT_CONTINUE:
		s->pc = in->next;
		return 0;
	case TNA_FLT_POLICY:
		if (in->val[0] && !s->accepting) {
			s->result = TNA_NF_DROP;
			return 1;
		}
		if (in->arg == TNA_FLT_END) {
			s->result = TNA_GO;
			return 1;
		}
		s->pc = in->arg;
		s->end = in->aux;
		s->sp = 0;
		s->accepting = 0;
		return 0;
	}
bad:	/* a program we do not understand: Linux decides */
	s->result = TNA_REASON_NF_BUDGET;
	return 1;
}

/* Run segment SEG of the packet's program: TNA_GO (accepted),
 * TNA_NF_DROP, or a reason to pass the packet to Linux. */
static __always_inline int flt_segment(struct tna_nf *nf, int seg)
{
	struct tna_flt_seg_ref ref = nf->seg[seg];
	struct flt_scratch *s;

	if (ref.start == TNA_FLT_END)	/* nothing at this point of the path */
		return TNA_GO;
	s = flt_scratch();
	if (!s)
		return TNA_REASON_NF_BUDGET;
	s->base = nf->half ? TNA_FLT_MAX_INSNS : 0;
	s->pc = ref.start;
	s->end = ref.policy;
	s->sp = 0;
	s->accepting = 0;
	s->result = TNA_FLT_RUNNING;
	bpf_loop(TNA_FLT_MAX_STEPS, flt_step, NULL, 0);
	/* constants from here on: the verifier then knows every reason is
	 * a valid counter index */
	switch (s->result) {
	case TNA_GO:			return TNA_GO;
	case TNA_NF_DROP:		return TNA_NF_DROP;
	case TNA_REASON_NF_RULE:	return TNA_REASON_NF_RULE;
	case TNA_REASON_NF_HOOK:	return TNA_REASON_NF_HOOK;
	default:			return TNA_REASON_NF_BUDGET;
	}
}

static __always_inline void flt_ifname(__u8 *dst, __u32 ifindex)
{
	char *n = bpf_map_lookup_elem(&tna_flt_ifnames, &ifindex);

	if (n)
		__builtin_memcpy(dst, n, 16);
	else
		__builtin_memset(dst, 0, 16);
}

/* Start a packet: which program half, its flags; the interfaces. */
static __always_inline int flt_begin(struct tna_nf *nf, struct tna_flt_pkt *f, __u8 fam,
				     __u32 iif)
{
	struct tna_flt_ctl *ctl;
	__u32 zero = 0;

	ctl = bpf_map_lookup_elem(&tna_flt_ctl, &zero);
	if (!ctl)
		return TNA_REASON_NF_BUDGET;
	nf->half = READ_ONCE(ctl->active) & 1;
	{
		struct tna_flt_hdr *h = nf->half ? &ctl->hdr[1] : &ctl->hdr[0];

		nf->flags = h->flags;
		/* constant indexes only (FAM is one at every call) */
		if (fam == TNA_FLT_BR)
			__builtin_memcpy(nf->seg, h->seg[TNA_FLT_BR], sizeof(nf->seg));
		else if (fam == TNA_FLT_V6)
			__builtin_memcpy(nf->seg, h->seg[TNA_FLT_V6], sizeof(nf->seg));
		else
			__builtin_memcpy(nf->seg, h->seg[TNA_FLT_V4], sizeof(nf->seg));
	}
	nf->fam = fam;
	f->nfproto = fam == TNA_FLT_V4 ? 2 : fam == TNA_FLT_V6 ? 10 : 7;
	f->iif = bpf_htonl(iif);
	f->oif = 0;
	if (nf->flags & TNA_FLT_F_NAMES)
		flt_ifname(f->iifname, iif);
	else
		__builtin_memset(f->iifname, 0, 16);
	__builtin_memset(f->oifname, 0, 16);
	f->ct_state_raw = bpf_htonl(1);		/* NF_CT_STATE_INVALID_BIT */
	return TNA_GO;
}

/* The route is known: the forward and postrouting chains see oif. */
static __always_inline void flt_set_oif(struct tna_nf *nf, struct tna_flt_pkt *f, __u32 oif)
{
	f->oif = bpf_htonl(oif);
	if (nf->flags & TNA_FLT_F_NAMES)
		flt_ifname(f->oifname, oif);
}

static __always_inline void nf_stats_dropped(struct tna_pkt *p)
{
	__u32 idx = p->in ? p->in->idx : 0;
	struct tna_stats_val *s;

	if (!fpm_on(TNA_FPM_STATS))
		return;
	s = bpf_map_lookup_elem(&tna_stats, &idx);
	if (s)
		s->dropped++;
}

#endif /* TNA_FPM_FILTER_H */
