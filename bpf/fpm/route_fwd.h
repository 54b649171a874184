/* route_fwd: send the routed packet out.  The egress the FIB chose must be
 * a port of this pipeline (in the devmap) that can transmit XDP frames;
 * a route out of the bridge finds its port through the FDB mirror with the
 * neighbour's MAC, as br_dev_xmit would.  Anything else (a device we do
 * not drive, a bridge port not known or not forwarding) goes to Linux.
 * Out of the ingress device Linux would also send an ICMP redirect: that
 * goes to Linux too. */
#ifndef TNA_FPM_ROUTE_FWD_H
#define TNA_FPM_ROUTE_FWD_H
#include "bpf/fpm/rif.h"
#include "bpf/fpm/fdb.h"
#include "bpf/fpm/csum.h"
#include "bpf/fpm/port_flags.h"

/* BRIDGE (a constant): the entry may hold the bridge modules; the
 * router's own entry never does (targets/load.c), so it reads no rodata
 * for them. */
static __always_inline int fpm_route_egress(struct tna_pkt *p, struct tna_l3 *r,
					    const bool bridge)
{
	__u32 egress = r->fib.ifindex, port = egress;
	struct tna_rif *erif;
	__u8 f;

	if (egress == r->rif->l3_ifindex)
		return TNA_REASON_ROUTE_SAME_IFACE;
	/* only a pipeline with the bridge modules can route into a bridge */
	erif = bridge && fpm_on(TNA_FPM_FDB_DST) ? bpf_map_lookup_elem(&tna_rif, &egress) : NULL;
	if (erif && (erif->flags & TNA_RIF_F_BRIDGE)) {
		struct tna_fdb_val *d;

		if (fpm_on(TNA_FPM_VLAN))	/* which VLAN the bridge tags: Linux */
			return TNA_REASON_ROUTE_VLAN;
		d = fdb_lookup(r->fib.dmac, 0);
		if (!d || (d->flags & TNA_FDB_F_LOCAL))
			return TNA_REASON_BR_EGRESS_UNKNOWN;
		port = d->ifindex;
		/* FDB entries are per bridge: the MAC must be on a port of the
		 * bridge the route leaves through, not learned on a port of
		 * another one (one frame with a spoofed source would do it). */
		erif = bpf_map_lookup_elem(&tna_rif, &port);
		if (!erif || !(erif->flags & TNA_RIF_F_BRPORT) || erif->l3_ifindex != egress)
			return TNA_REASON_BR_EGRESS_OTHER;
	}
	p->out = bpf_map_lookup_elem(&tna_ports, &port);
	if (!p->out || !p->out->idx)
		return TNA_REASON_EGRESS_NO_XMIT;
	f = p->out->flags;
	if (bridge && port != egress && p->out->stp_state != TNA_STP_FORWARDING) {
		if (f & TNA_PORT_F_NO_XMIT)
			return TNA_REASON_EGRESS_NO_XMIT;
		return TNA_REASON_EGRESS_NOT_FORWARDING;
	}
	/* one test on the forwarded path; the reasons in their order */
	if (!(f & (TNA_PORT_F_NO_XMIT | TNA_PORT_F_SLOWPATH | TNA_PORT_F_EGRESS_LINUX)))
		return TNA_GO;
	if (f & TNA_PORT_F_NO_XMIT)
		return TNA_REASON_EGRESS_NO_XMIT;
	if (f & TNA_PORT_F_SLOWPATH)
		return TNA_REASON_PORT_SLOWPATH;
	return fpm_egress_linux(p->out);
}

/* ip_decrease_ttl(): RFC 1624 incremental update of the header checksum */
static __always_inline void ip4_decrease_ttl(struct iphdr *iph)
{
	__u32 check = iph->check;

	check += bpf_htons(0x0100);
	iph->check = (__u16)(check + (check >= 0xffff));
	iph->ttl--;
}

/* Drop link-layer padding beyond the IP length (L3LEN bytes after
 * Ethernet) as ip_rcv does, so the frame that leaves is the one Linux
 * would send; then re-derive the packet pointers. */
static __always_inline int route_trim(struct tna_pkt *p, struct tna_l3 *r, __u32 l3len,
				      const __u32 hdrlen)
{
	void *data = (void *)(long)p->ctx->data;
	void *data_end = (void *)(long)p->ctx->data_end;
	__u32 have = data_end - data - sizeof(struct ethhdr);

	if (l3len < have) {
		p->eth = NULL;	/* adjust_tail invalidates packet pointers */
		if (bpf_xdp_adjust_tail(p->ctx, -(int)(have - l3len)))
			return TNA_REASON_IP_MALFORMED;
		data = (void *)(long)p->ctx->data;
		data_end = (void *)(long)p->ctx->data_end;
		p->eth = data;
		r->iph = data + sizeof(struct ethhdr);
		if (r->iph + hdrlen > data_end)
			return TNA_REASON_IP_MALFORMED;
	}
	return TNA_GO;
}

/* The redirect first, once, before anything writes to the frame: on
 * failure the packet is still untouched.  Then the partial checksums,
 * completed once the redirect is certain and before NAT rewrites
 * addresses and ports: nat.h updates checksums as complete ones (a
 * partial field needs the opposite update).  The L4 segment only: TTL
 * and MACs are not in it.  A frame with a partial checksum carries no
 * padding, so route_trim after it never fails for one that was written
 * to.  Every later step (nat_dst, route_fwd*) relies on this redirect. */
static __always_inline int fpm_route_redirect(struct tna_pkt *p, struct tna_l3 *r,
					      const bool v6)
{
	if (bpf_redirect_map(&tna_devmap, p->out->idx, XDP_PASS) != XDP_REDIRECT)
		return TNA_REASON_REDIRECT_FAILED;
	return fpm_csum_ip(p, r->iph, v6);
}

/* Two loads and two stores a MAC: the verifier wants aligned stack
 * access, and in struct bpf_fib_lookup smac is 4-aligned, dmac 2-aligned
 * (2 + 4 bytes); the frame takes any alignment (x86-64 and arm64 JITs). */
static __always_inline void route_l2(struct tna_pkt *p, struct tna_l3 *r)
{
	__u8 *e = (__u8 *)p->eth;

	*(__u16 *)e = *(const __u16 *)r->fib.dmac;
	*(__u32 *)(e + 2) = *(const __u32 *)(r->fib.dmac + 2);
	*(__u32 *)(e + 6) = *(const __u32 *)r->fib.smac;
	*(__u16 *)(e + 10) = *(const __u16 *)(r->fib.smac + 4);
}

/* After fpm_route_redirect. */
static __always_inline int fpm_route_fwd4(struct tna_pkt *p, struct tna_l3 *r)
{
	__u32 len = bpf_ntohs(((struct iphdr *)r->iph)->tot_len);
	int reason;

	if ((reason = route_trim(p, r, len, sizeof(struct iphdr))) != TNA_GO)
		return reason;
	ip4_decrease_ttl(r->iph);
	route_l2(p, r);
	return TNA_GO;
}

static __always_inline int fpm_route_fwd6(struct tna_pkt *p, struct tna_l3 *r)
{
	__u32 len = sizeof(struct ipv6hdr) + bpf_ntohs(((struct ipv6hdr *)r->iph)->payload_len);
	int reason;

	if ((reason = route_trim(p, r, len, sizeof(struct ipv6hdr))) != TNA_GO)
		return reason;
	((struct ipv6hdr *)r->iph)->hop_limit--;
	route_l2(p, r);
	return TNA_GO;
}

#endif /* TNA_FPM_ROUTE_FWD_H */
