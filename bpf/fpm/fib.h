/* fib: the kernel's own FIB and neighbour tables through bpf_fib_lookup,
 * as if the packet were received on the layer-3 device (the bridge for a
 * bridge port).  Every result but SUCCESS goes to Linux with a reason
 * named after it: Linux sends the ICMP error, resolves the neighbour,
 * fragments, or drops as the route says.
 *
 * DIRECT (main table only, rules skipped) is used only when the planner
 * saw the default policy rules.  IPv4 keeps local routes in the main
 * table while no rule was added.  IPv6 keeps them in the local table,
 * which the kernel's own lookup tries before main and a DIRECT one skips:
 * so with tna_fib_direct6 a destination in the local table (the box's
 * addresses, anycast: tna_local6, filled from the table by the
 * controller) goes to Linux as the full lookup would send it
 * (fib_not_fwded); the planner turns DIRECT off when the local table
 * holds anything else than such /128s and the prefixes l3_classify
 * already sends to Linux (multicast, link-local, ::/96). */
#ifndef TNA_FPM_FIB_H
#define TNA_FPM_FIB_H
#include "bpf/fpm/l3_classify.h"

#ifndef AF_INET
#define AF_INET		2
#define AF_INET6	10
#endif

const volatile bool tna_fib_direct4 = false;
const volatile bool tna_fib_direct6 = false;

static __always_inline int fib_reason(long rc)
{
	if (rc == BPF_FIB_LKUP_RET_SUCCESS)	/* one branch on the forwarded path */
		return TNA_GO;
	barrier_var(rc);	/* else clang folds the test into the switch's tree */
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:		return TNA_GO;
	case BPF_FIB_LKUP_RET_BLACKHOLE:	return TNA_REASON_FIB_BLACKHOLE;
	case BPF_FIB_LKUP_RET_UNREACHABLE:	return TNA_REASON_FIB_UNREACHABLE;
	case BPF_FIB_LKUP_RET_PROHIBIT:		return TNA_REASON_FIB_PROHIBIT;
	case BPF_FIB_LKUP_RET_NOT_FWDED:	return TNA_REASON_FIB_NOT_FWDED;
	case BPF_FIB_LKUP_RET_FWD_DISABLED:	return TNA_REASON_FIB_FWD_DISABLED;
	case BPF_FIB_LKUP_RET_UNSUPP_LWT:	return TNA_REASON_FIB_UNSUPP_LWT;
	case BPF_FIB_LKUP_RET_NO_NEIGH:		return TNA_REASON_FIB_NO_NEIGH;
	case BPF_FIB_LKUP_RET_FRAG_NEEDED:	return TNA_REASON_FIB_FRAG_NEEDED;
	case BPF_FIB_LKUP_RET_NO_SRC_ADDR:	return TNA_REASON_FIB_NO_SRC_ADDR;
	default:				return TNA_REASON_FIB_OTHER;
	}
}

/* TCP/UDP ports for rules and multipath hashing (not fragments: l3_classify
 * sent those to Linux). */
static __always_inline void fib_ports(struct tna_pkt *p, struct bpf_fib_lookup *f,
				      void *l4)
{
	void *data_end = (void *)(long)p->ctx->data_end;
	__be16 *ports = l4;

	if ((f->l4_protocol == 6 || f->l4_protocol == 17) &&
	    (void *)(ports + 2) <= data_end) {
		f->sport = ports[0];
		f->dport = ports[1];
	}
}

/* The lookup's parameters from the packet (bpf/fpm/nat.h replaces the
 * destination of a translated packet before looking up). */
static __always_inline void fib4_params(struct tna_pkt *p, struct tna_l3 *r)
{
	struct bpf_fib_lookup *f = &r->fib;
	struct iphdr *iph = r->iph;

	__builtin_memset(f, 0, sizeof(*f));
	f->ifindex = r->rif->l3_ifindex;
	f->family = AF_INET;
	f->tos = iph->tos;
	f->l4_protocol = iph->protocol;
	f->tot_len = bpf_ntohs(iph->tot_len);
	f->ipv4_src = iph->saddr;
	f->ipv4_dst = iph->daddr;
	fib_ports(p, f, iph + 1);
}

static __always_inline int fib4_lookup(struct tna_pkt *p, struct tna_l3 *r)
{
	return fib_reason(bpf_fib_lookup(p->ctx, &r->fib, sizeof(r->fib),
					 tna_fib_direct4 ? BPF_FIB_LOOKUP_DIRECT : 0));
}

static __always_inline int fpm_fib4(struct tna_pkt *p, struct tna_l3 *r)
{
	fib4_params(p, r);
	return fib4_lookup(p, r);
}

/* fib_validate_source's full check: the source looked up as a
 * destination, as if received on the egress the route chose.  A local,
 * broadcast or other non-unicast answer makes it a martian; no route
 * (unreachable, prohibit, blackhole) is accepted, as by the kernel
 * without rp_filter.  Runs after fpm_fib4 (it needs the egress). */
static __always_inline int fpm_src_fib4(struct tna_pkt *p, struct tna_l3 *r)
{
	struct bpf_fib_lookup f;
	struct iphdr *iph = r->iph;
	long rc;

	/* Some route of type local, broadcast or anycast covers more than
	 * one address: the source set of l3_classify cannot list them, so
	 * every source is looked up the way fib_validate_source does (the
	 * planner's src_fib_check, a table value in the clock's line that
	 * fpm_confirmed read: tna_dp__src_fib_check_set).  Without the
	 * clock (never here: confirmed passed the frame) the check runs. */
	if (p->clk && !(READ_ONCE(p->clk->src_flags) & TNA_SRC_F_FIB_CHECK))
		return TNA_GO;
	__builtin_memset(&f, 0, sizeof(f));
	f.ifindex = r->fib.ifindex;
	f.family = AF_INET;
	f.tos = iph->tos;
	f.ipv4_src = iph->daddr;
	f.ipv4_dst = iph->saddr;
	rc = bpf_fib_lookup(p->ctx, &f, sizeof(f), BPF_FIB_LOOKUP_SKIP_NEIGH);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS || rc == BPF_FIB_LKUP_RET_BLACKHOLE ||
	    rc == BPF_FIB_LKUP_RET_UNREACHABLE || rc == BPF_FIB_LKUP_RET_PROHIBIT)
		return TNA_GO;
	return TNA_REASON_MARTIAN_SRC;
}

static __always_inline void fib6_params(struct tna_pkt *p, struct tna_l3 *r)
{
	struct bpf_fib_lookup *f = &r->fib;
	struct ipv6hdr *ip6h = r->iph;

	__builtin_memset(f, 0, sizeof(*f));
	f->ifindex = r->rif->l3_ifindex;
	f->family = AF_INET6;
	f->flowinfo = *(__be32 *)ip6h & bpf_htonl(0x0fffffff);
	f->l4_protocol = ip6h->nexthdr;
	f->tot_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
	__builtin_memcpy(f->ipv6_src, &ip6h->saddr, 16);
	__builtin_memcpy(f->ipv6_dst, &ip6h->daddr, 16);
	fib_ports(p, f, ip6h + 1);
}

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TNA_SRC_BITS_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} tna_local6_bits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TNA_LOCAL6_MAX);
	__type(key, struct in6_addr);
	__type(value, __u8);
} tna_local6 SEC(".maps");

/* In the local table?  The filter (an inlined array load) spares the
 * hash lookup for almost every forwarded packet. */
static __always_inline bool dst_local6(__u32 *a)
{
	__u32 h = TNA_LOCAL6_HASH(a), w = h >> 6;
	__u64 *bits = bpf_map_lookup_elem(&tna_local6_bits, &w);

	if (!bits || !(*bits & (1ull << (h & 63))))
		return false;
	return bpf_map_lookup_elem(&tna_local6, a) != NULL;
}

static __always_inline int fib6_lookup(struct tna_pkt *p, struct tna_l3 *r)
{
	if (!tna_fib_direct6)
		return fib_reason(bpf_fib_lookup(p->ctx, &r->fib, sizeof(r->fib), 0));
	if (dst_local6(r->fib.ipv6_dst))
		return TNA_REASON_FIB_NOT_FWDED;
	return fib_reason(bpf_fib_lookup(p->ctx, &r->fib, sizeof(r->fib),
					 BPF_FIB_LOOKUP_DIRECT));
}

static __always_inline int fpm_fib6(struct tna_pkt *p, struct tna_l3 *r)
{
	fib6_params(p, r);
	return fib6_lookup(p, r);
}

#endif /* TNA_FPM_FIB_H */
