/* vlan: a bridge with VLAN filtering (802.1Q), as br_allowed_ingress(),
 * br_allowed_egress() and br_handle_vlan() do it.
 *
 * The frame's VLAN is the VID of its 802.1Q tag, or the ingress port's
 * pvid for an untagged frame.  It is known right after parse_eth
 * (fpm_vlan_id), before any module may pass the frame: the FDB keys of the
 * mirror protocol (fdb_src, src_guard) are per VLAN, and Linux learns a
 * passed frame's source in that VLAN.
 *
 * Admission (fpm_vlan_in): the ingress port must be a member of the VLAN
 * in forwarding state; otherwise Linux drops the frame (or learns from it,
 * state learning): it goes to Linux.  What the fast path does not
 * reproduce goes to Linux too: priority-tagged frames (VID 0: Linux gives
 * them the pvid and keeps the tag's priority), 802.1ad tags (Linux treats
 * them as untagged and keeps them in the frame), tagged frames while
 * br_netfilter calls iptables (its filter_vlan_tagged switch is not
 * read), per-VLAN options (neigh_suppress, tunnels).
 *
 * Egress (fpm_vlan_out): the egress port must be a forwarding member of
 * the VLAN; the frame leaves untagged when the port's VLAN entry says so,
 * else tagged: the ingress tag as it came (priority included), or a tag
 * with the VLAN and priority 0 pushed on an untagged frame.  A frame that
 * a pushed tag would make longer than the egress bound goes to Linux
 * (Linux keeps the tag out of the length it checks).  The tag is written
 * last (fpm_vlan_tag), once nothing else can pass the frame.
 *
 * Unknown destinations, floods, multicast: Linux, as without VLANs. */
#ifndef TNA_FPM_VLAN_H
#define TNA_FPM_VLAN_H
#include "bpf/fpm/common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TNA_VLAN_MAX);
	/* nothing allocated in pipelines without VLAN filtering */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct tna_vlan_key);
	__type(value, struct tna_vlan_val);
} tna_vlans SEC(".maps");

struct tna_vlan_tag {
	__be16 tci;
	__be16 proto;		/* the encapsulated EtherType */
};

#define TNA_MACS_LEN		12	/* destination and source */
#define TNA_VLAN_OP_PUSH	1
#define TNA_VLAN_OP_POP		2

static __always_inline struct tna_vlan_val *vlan_entry(__u32 ifindex, __u16 vid)
{
	struct tna_vlan_key k = { .ifindex = ifindex, .vid = vid };

	return bpf_map_lookup_elem(&tna_vlans, &k);
}

/* The frame's 802.1Q tag, NULL when it has none (or it is cut short:
 * fpm_vlan_in passes it as malformed). */
static __always_inline struct tna_vlan_tag *vlan_tag_of(struct tna_pkt *p)
{
	struct tna_vlan_tag *t = (void *)(p->eth + 1);

	if (p->eth->h_proto != bpf_htons(ETH_P_8021Q) ||
	    (void *)(t + 1) > (void *)(long)p->ctx->data_end)
		return NULL;
	return t;
}

/* Never passes: sets p->vlan (0 when untagged on a port without pvid). */
static __always_inline void fpm_vlan_id(struct tna_pkt *p)
{
	struct tna_vlan_tag *t;
	struct tna_vlan_val *pv;
	__u16 vid;

	if (!fpm_on(TNA_FPM_VLAN))
		return;
	t = vlan_tag_of(p);
	vid = t ? bpf_ntohs(t->tci) & 0xfff : 0;
	if (vid) {
		p->vlan = vid;
		p->vlan_tagged = 1;
		return;
	}
	/* untagged, priority-tagged, 802.1ad: Linux gives them the pvid */
	pv = vlan_entry(p->in_ifindex, 0);
	p->vlan = pv ? pv->pvid : 0;
}

static __always_inline int fpm_vlan_in(struct tna_pkt *p)
{
	__be16 proto = p->eth->h_proto;
	struct tna_vlan_val *v;

	if (!fpm_on(TNA_FPM_VLAN))
		return TNA_GO;
	if (proto == bpf_htons(ETH_P_8021AD))
		return TNA_REASON_VLAN_OTHER_PROTO;
	if (proto == bpf_htons(ETH_P_8021Q)) {
		if (!vlan_tag_of(p))
			return TNA_REASON_MALFORMED;
		if (!p->vlan_tagged)
			return TNA_REASON_VLAN_PRIO_TAGGED;
		if (fpm_on(TNA_FPM_BRNF_IPV4 | TNA_FPM_BRNF_IPV6 | TNA_FPM_BRNF_ARP))
			return TNA_REASON_VLAN_BRNF;
	}
	if (!p->vlan)
		return TNA_REASON_VLAN_NO_PVID;
	v = vlan_entry(p->in_ifindex, p->vlan);
	if (!v || !(v->flags & TNA_VLAN_F_FORWARDING))
		return TNA_REASON_VLAN_INGRESS;
	if (v->flags & TNA_VLAN_F_LINUX)
		return TNA_REASON_VLAN_OPTION;
	return TNA_GO;
}

static __always_inline int fpm_vlan_out(struct tna_pkt *p)
{
	struct tna_vlan_val *v;
	bool untagged;
	__u32 len;

	if (!fpm_on(TNA_FPM_VLAN))
		return TNA_GO;
	v = vlan_entry(p->out_ifindex, p->vlan);
	if (!v || !(v->flags & TNA_VLAN_F_FORWARDING))
		return TNA_REASON_VLAN_EGRESS;
	if (v->flags & TNA_VLAN_F_LINUX)
		return TNA_REASON_VLAN_OPTION;
	untagged = v->flags & TNA_VLAN_F_UNTAGGED;
	p->vlan_op = 0;
	if (p->vlan_tagged && untagged) {
		p->vlan_op = TNA_VLAN_OP_POP;
	} else if (!p->vlan_tagged && !untagged) {
		len = p->ctx->data_end - p->ctx->data;
		if (len + sizeof(struct tna_vlan_tag) > (__u32)p->out->mtu + TNA_L2_OVERHEAD)
			return TNA_REASON_EGRESS_MTU;
		p->vlan_op = TNA_VLAN_OP_PUSH;
	}
	return TNA_GO;
}

/* Last before the redirect: push or pop the tag. */
static __always_inline int fpm_vlan_tag(struct tna_pkt *p)
{
	struct xdp_md *ctx = p->ctx;
	int delta = sizeof(struct tna_vlan_tag);
	__u8 macs[12];
	void *data;

	if (!fpm_on(TNA_FPM_VLAN) || !p->vlan_op)
		return TNA_GO;
	data = (void *)(long)ctx->data;
	if (data + TNA_MACS_LEN + delta > (void *)(long)ctx->data_end)
		return TNA_REASON_MALFORMED;
	__builtin_memcpy(macs, data, sizeof(macs));
	if (p->vlan_op == TNA_VLAN_OP_PUSH)
		delta = -delta;
	/* the frame is unchanged when this fails: Linux takes it as it came */
	if (bpf_xdp_adjust_head(ctx, delta))
		return TNA_REASON_MALFORMED;
	data = (void *)(long)ctx->data;
	/* the kernel keeps at least as many bytes as before the pop, and
	 * four more after a push: never true, but the verifier wants it */
	if (data + TNA_MACS_LEN + sizeof(struct tna_vlan_tag) > (void *)(long)ctx->data_end)
		return TNA_REASON_MALFORMED;
	__builtin_memcpy(data, macs, sizeof(macs));
	if (p->vlan_op == TNA_VLAN_OP_PUSH) {
		__be16 *tag = data + TNA_MACS_LEN;

		tag[0] = bpf_htons(ETH_P_8021Q);
		/* priority 0, as __vlan_hwaccel_put_tag(skb, proto, pvid) */
		tag[1] = bpf_htons(p->vlan);
	}
	p->eth = data;
	return TNA_GO;
}

#endif /* TNA_FPM_VLAN_H */
