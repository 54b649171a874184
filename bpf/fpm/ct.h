/* ct: conntrack for the fast path.  Linux creates and ends connections;
 * the fast path only carries packets of connections Linux already
 * established, and does to the entry what Linux's conntrack would have
 * done for the packet: nothing but refresh its timeout.
 *
 * A packet stays fast only when (else it goes to Linux, reason named):
 *  - it is TCP or UDP (the kfunc looks up nothing else: ct_proto), with a
 *    header conntrack accepts and, with nf_conntrack_checksum, a valid
 *    checksum (ct_invalid);
 *  - an entry exists (ct_new), confirmed, not dying or offloaded
 *    (ct_other), seen in both directions and assured: Linux has set
 *    SEEN_REPLY and ASSURED and sent their events (ct_not_established);
 *  - no helper, no master (an expected connection), no sequence
 *    adjustment (ct_helper), no accounting extension: its packet and byte counters
 *    would miss fast-path packets (ct_acct), no custom or fixed timeout
 *    (ct_timeout);
 *  - UDP: past the 2 s stream mark, so the timeout Linux sets is the
 *    stream timeout;
 *  - TCP: ESTABLISHED (ct_tcp_state), no SYN/FIN/RST (ct_tcp_flags), and
 *    window tracking off for its sender (nf_conntrack_tcp_be_liberal, or
 *    the entry's own be-liberal flag, which Linux sets on connections it
 *    picked up mid-stream): the window state lives in the entry and no
 *    kfunc can update it (ct_tcp_window);
 *  - NAT: both manips done and NAT hooks registered for the family.
 * The timeout is the one nf_conntrack_udp_packet / tcp_packet would set,
 * from the netns sysctls user space keeps in tna_ct_cfg. */
#ifndef TNA_FPM_CT_H
#define TNA_FPM_CT_H
#include "bpf/fpm/filter.h"
#include "bpf/fpm/ct_csum.h"

extern struct nf_conn *bpf_xdp_ct_lookup(struct xdp_md *ctx, struct bpf_sock_tuple *t,
					 __u32 tsz, struct bpf_ct_opts *o, __u32 osz) __ksym __weak;
extern void bpf_ct_release(struct nf_conn *ct) __ksym __weak;
extern int bpf_ct_change_timeout(struct nf_conn *ct, __u32 ms) __ksym __weak;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tna_ct_cfg);
} tna_ct_cfg SEC(".maps");

#define CT_TCP_ESTABLISHED	3	/* TCP_CONNTRACK_ESTABLISHED */
#define CT_TCP_BE_LIBERAL	0x08	/* IP_CT_TCP_FLAG_BE_LIBERAL */
#define CT_TCP_DATA_UNACK	0x10	/* IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED */
#define CT_TCP_FIN		0x01
#define CT_TCP_SYN		0x02
#define CT_TCP_RST		0x04
#define CT_TCP_PSH		0x08
#define CT_TCP_ACK		0x10
#define CT_TCP_URG		0x20
#define CT_TCP_ECE		0x40
#define CT_TCP_CWR		0x80

/* What conntrack's tcp_error / udp_error check before looking at state.
 * L4 points at the transport header; PLEN is the IP payload length. */
static __always_inline int ct_l4_valid(struct tna_pkt *p, struct tna_nf *nf, void *l4,
				       __u32 plen, __u32 pseudo, const struct tna_ct_cfg *cfg)
{
	void *data_end = (void *)(long)p->ctx->data_end;

	if (nf->l4proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;
		__u32 ulen;

		if ((void *)(uh + 1) > data_end)
			return TNA_REASON_CT_INVALID;
		ulen = bpf_ntohs(uh->len);
		if (ulen > plen || ulen < sizeof(*uh))
			return TNA_REASON_CT_INVALID;
		if (!uh->check)
			return TNA_GO;
	} else {
		struct tcphdr *th = l4;
		__u8 fl;

		if ((void *)(th + 1) > data_end)
			return TNA_REASON_CT_INVALID;
		if (th->doff < 5 || plen < th->doff * 4U)
			return TNA_REASON_CT_INVALID;
		fl = ((__u8 *)th)[13] & ~(CT_TCP_ECE | CT_TCP_CWR | CT_TCP_PSH);
		if (fl & (CT_TCP_SYN | CT_TCP_FIN | CT_TCP_RST))
			return TNA_REASON_CT_TCP_FLAGS;
		if (fl != CT_TCP_ACK && fl != (CT_TCP_ACK | CT_TCP_URG))
			return TNA_REASON_CT_INVALID;	/* tcp_valid_flags: Linux decides */
	}
	if (cfg->checksum &&
	    !tna_ct_l4_csum(p->ctx, l4 - (void *)(long)p->ctx->data, plen, pseudo))
		return TNA_REASON_CT_INVALID;
	return TNA_GO;
}

/* The timeout tcp_packet would set for an in-window ACK in ESTABLISHED,
 * as far as the entry tells: the packet itself would have become the
 * last one seen (so not a retransmission, and its window is the last
 * window); the unacknowledged-data flags are as Linux last left them. */
static __always_inline __u32 ct_tcp_timeout(struct nf_conn *ct, const struct tna_ct_cfg *cfg,
					    const struct tna_flt_pkt *f)
{
	__u32 t = cfg->tcp_established_ms;
	__u8 fl = ct->proto.tcp.seen[0].flags | ct->proto.tcp.seen[1].flags;

	if ((fl & CT_TCP_DATA_UNACK) && t > cfg->tcp_unack_ms)
		return cfg->tcp_unack_ms;
	if (!f->th[14] && !f->th[15] && t > cfg->tcp_retrans_ms)	/* zero window */
		return cfg->tcp_retrans_ms;
	return t;
}

/* The other direction's tuple, inverted, is the packet after NAT. */
#define CT_NAT_TARGET(ct, d, nf)							\
	do {										\
		__builtin_memcpy((nf)->nsaddr, &(ct)->tuplehash[d].tuple.dst.u3, 16);	\
		__builtin_memcpy((nf)->ndaddr, &(ct)->tuplehash[d].tuple.src.u3, 16);	\
		(nf)->nsport = (ct)->tuplehash[d].tuple.dst.u.all;			\
		(nf)->ndport = (ct)->tuplehash[d].tuple.src.u.all;			\
	} while (0)

static __always_inline int ct_check(struct nf_conn *ct, __u8 dir, struct tna_nf *nf,
				    struct tna_flt_pkt *f, const struct tna_ct_cfg *cfg,
				    __u32 *timeout)
{
	__u32 st = ct->status;
	struct nf_ct_ext *ext = ct->ext;
	bool nat;

	if (st & (IPS_DYING | IPS_TEMPLATE | IPS_UNTRACKED | IPS_OFFLOAD | IPS_HW_OFFLOAD) ||
	    !(st & IPS_CONFIRMED))
		return TNA_REASON_CT_OTHER;
	if ((st & (IPS_SEEN_REPLY | IPS_ASSURED)) != (IPS_SEEN_REPLY | IPS_ASSURED))
		return TNA_REASON_CT_NOT_ESTABLISHED;
	if (st & (IPS_HELPER | IPS_SEQ_ADJUST))
		return TNA_REASON_CT_HELPER;
	if (st & IPS_FIXED_TIMEOUT)
		return TNA_REASON_CT_TIMEOUT;
	/* a helper (assigned by a rule: IPS_HELPER, or inherited through an
	 * expectation: a master) may rewrite or expect; sequence adjustment
	 * (helpers, synproxy) sets IPS_SEQ_ADJUST.  The seqadj and synproxy
	 * extensions alone are harmless: ctnetlink adds them to every entry
	 * it creates. */
	if (ct->master)
		return TNA_REASON_CT_HELPER;
	if (ext) {
		if (ext->offset[NF_CT_EXT_HELPER])
			return TNA_REASON_CT_HELPER;
		if (ext->offset[NF_CT_EXT_ACCT])
			return TNA_REASON_CT_ACCT;
		if (ext->offset[NF_CT_EXT_TIMEOUT])
			return TNA_REASON_CT_TIMEOUT;
	}
	if (nf->l4proto == IPPROTO_UDP) {
		/* Linux sets the stream timeout only after stream_ts */
		if ((__s64)(bpf_jiffies64() - ct->proto.udp.stream_ts) <= 0)	/* time_after */
			return TNA_REASON_CT_NOT_ESTABLISHED;
		*timeout = cfg->udp_stream_ms;
	} else {
		if (ct->proto.tcp.state != CT_TCP_ESTABLISHED)
			return TNA_REASON_CT_TCP_STATE;
		__u8 sfl;

		/* the sender's flags; constant offsets only on a kernel struct */
		if (dir)
			sfl = ct->proto.tcp.seen[1].flags;
		else
			sfl = ct->proto.tcp.seen[0].flags;
		barrier_var(sfl);
		if (!cfg->tcp_liberal && !(sfl & CT_TCP_BE_LIBERAL))
			return TNA_REASON_CT_TCP_WINDOW;
		*timeout = ct_tcp_timeout(ct, cfg, f);
	}
	nat = st & (IPS_SRC_NAT | IPS_DST_NAT);
	nf->snat = nf->dnat = 0;
	if (nat) {
		__u32 hook = nf->fam == TNA_FLT_V4 ? TNA_FLT_F_NAT4 : TNA_FLT_F_NAT6;

		/* without NAT hooks Linux would not translate at all */
		if ((st & (IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE)) !=
		    (IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE) || !(nf->flags & hook) ||
		    !fpm_on(TNA_FPM_NAT))
			return TNA_REASON_NAT_OTHER;
		/* nf_nat_packet: a reply undoes the other manip */
		nf->snat = dir ? !!(st & IPS_DST_NAT) : !!(st & IPS_SRC_NAT);
		nf->dnat = dir ? !!(st & IPS_SRC_NAT) : !!(st & IPS_DST_NAT);
		if (dir)
			CT_NAT_TARGET(ct, 0, nf);
		else
			CT_NAT_TARGET(ct, 1, nf);
	}
	f->ct_state = bpf_htonl(2);		/* NF_CT_STATE_BIT(IP_CT_ESTABLISHED) */
	f->ct_status = bpf_htonl(st);
	f->ct_mark = bpf_htonl(ct->mark);
	f->ct_dir = dir;
	return TNA_GO;
}

/* Look the packet's flow up (tuple from F), check it, refresh it. */
static __always_inline int fpm_ct(struct tna_pkt *p, struct tna_nf *nf, struct tna_flt_pkt *f,
				  void *l4, __u32 plen, __u32 pseudo)
{
	struct bpf_ct_opts o = { .netns_id = -1 };
	struct bpf_sock_tuple t = {};
	struct tna_ct_cfg *cfg;
	struct nf_conn *ct;
	__u32 zero = 0, timeout = 0, tsz;
	int reason;

	if (nf->l4proto != IPPROTO_TCP && nf->l4proto != IPPROTO_UDP)
		return TNA_REASON_CT_PROTO;
	cfg = bpf_map_lookup_elem(&tna_ct_cfg, &zero);
	if (!cfg || !cfg->udp_stream_ms)	/* not configured: no timeout to set */
		return TNA_REASON_CT_OTHER;
	reason = ct_l4_valid(p, nf, l4, plen, pseudo, cfg);
	if (reason != TNA_GO)
		return reason;
	o.l4proto = nf->l4proto;
	if (nf->fam == TNA_FLT_V4) {
		t.ipv4.saddr = *(__be32 *)f->saddr;
		t.ipv4.daddr = *(__be32 *)f->daddr;
		t.ipv4.sport = *(__be16 *)&f->th[0];
		t.ipv4.dport = *(__be16 *)&f->th[2];
		tsz = sizeof(t.ipv4);
	} else {
		__builtin_memcpy(t.ipv6.saddr, f->saddr, 16);
		__builtin_memcpy(t.ipv6.daddr, f->daddr, 16);
		t.ipv6.sport = *(__be16 *)&f->th[0];
		t.ipv6.dport = *(__be16 *)&f->th[2];
		tsz = sizeof(t.ipv6);
	}
	ct = bpf_xdp_ct_lookup(p->ctx, &t, tsz, &o, sizeof(o));
	if (!ct)
		return o.error == -2 ? TNA_REASON_CT_NEW : TNA_REASON_CT_OTHER;	/* -ENOENT */
	reason = ct_check(ct, o.dir, nf, f, cfg, &timeout);
	if (reason == TNA_GO)
		bpf_ct_change_timeout(ct, timeout);	/* nf_ct_refresh_acct */
	bpf_ct_release(ct);
	return reason;
}

#endif /* TNA_FPM_CT_H */
