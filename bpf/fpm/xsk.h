/* xsk: the operator's flows steered to AF_XDP sockets (docs/hooks.md).
 *
 * Runs right after the ingress hook, before TNA's own checks: a selected
 * flow is the operator's, it never reaches the bridge, the router or
 * Linux; only while the controller is trusted (a hung one leaves every
 * frame to Linux, fpm/deadman.h).  The rules are rodata (none: the verifier removes all of this).
 * A frame of a selected flow goes to the socket of its ingress port and
 * rx queue (tna_xsk, key TNA_XSK_KEY: a socket receives only from the
 * queue it is bound to); on another queue than the rule's, or with no
 * socket there, it goes to Linux with a reason. */
#ifndef TNA_FPM_XSK_H
#define TNA_FPM_XSK_H
#include "bpf/fpm/common.h"
#include "bpf/fpm/hook.h"		/* hook_trusted */
#include "bpf/tna_xsk_kern_user.h"

#define TNA_XSK_STEERED (-4)	/* redirected to a socket: XDP_REDIRECT */

const volatile __u32 tna_xsk_n = 0;
const volatile struct tna_xsk_rule tna_xsk_rules[TNA_XSK_RULES] = {};

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, TNA_MAX_PORTS * TNA_XSK_QUEUES);
	__type(key, __u32);
	__type(value, __u32);		/* AF_XDP socket fd (from user space) */
} tna_xsk SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TNA_XSK_RULES);
	__type(key, __u32);
	__type(value, struct tna_xsk_count);
} tna_xsk_stats SEC(".maps");

static __always_inline bool xsk_match(const volatile struct tna_xsk_rule *r, __u8 proto,
				      __u32 saddr, __u32 daddr, __u16 sport, __u16 dport)
{
	return r->proto == proto && (!r->saddr || r->saddr == saddr) &&
	       (!r->daddr || r->daddr == daddr) && (!r->sport || r->sport == sport) &&
	       (!r->dport || r->dport == dport);
}

/* TNA_GO, TNA_XSK_STEERED or a reason for Linux. */
static __always_inline int fpm_xsk(struct tna_pkt *p)
{
	void *data, *end;
	struct ethhdr *eth;
	struct iphdr *ip;
	__u16 *ports;
	__u32 key, i;

	if (!tna_xsk_n || !hook_trusted())
		return TNA_GO;
	data = (void *)(long)p->ctx->data;
	end = (void *)(long)p->ctx->data_end;
	eth = data;
	ip = data + sizeof(*eth);
	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl < 5 ||
	    (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP) ||
	    (ip->frag_off & bpf_htons(0x3fff)))	/* a fragment has no ports (or not all) */
		return TNA_GO;
	ports = (void *)ip + ip->ihl * 4;
	if ((void *)(ports + 2) > end)
		return TNA_GO;
	for (i = 0; i < TNA_XSK_RULES; i++) {
		const volatile struct tna_xsk_rule *r = &tna_xsk_rules[i];
		struct tna_xsk_count *c;

		if (i >= tna_xsk_n)
			return TNA_GO;
		if (!xsk_match(r, ip->protocol, ip->saddr, ip->daddr, ports[0], ports[1]))
			continue;
		if (p->ctx->rx_queue_index != r->queue)
			return TNA_REASON_XSK_QUEUE;
		key = TNA_XSK_KEY(p->in->idx, r->queue);
		if (bpf_redirect_map(&tna_xsk, key, XDP_PASS) != XDP_REDIRECT)
			return TNA_REASON_XSK_NO_SOCKET;
		c = bpf_map_lookup_elem(&tna_xsk_stats, &i);
		if (c) {
			c->frames++;
			c->bytes += end - data;
		}
		return TNA_XSK_STEERED;
	}
	return TNA_GO;
}

#endif /* TNA_FPM_XSK_H */
