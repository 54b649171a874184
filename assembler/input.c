/* Model + probe -> planner input. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "assembler/input.h"

/* NFPROTO_* and hook numbers (linux/netfilter.h), kept local. */
enum { NFP_INET = 1, NFP_IPV4 = 2, NFP_ARP = 3, NFP_NETDEV = 5,
       NFP_BRIDGE = 7, NFP_IPV6 = 10 };
enum { HOOK_PRE = 0, HOOK_FWD = 2, HOOK_POST = 4, ARP_FORWARD = 2 };

static int hook_weight(const struct tna_nf_hook *h)
{
	return (int)h->rules + (h->drop_policy ? 1 : 0);
}

static int sum_hooks(const struct tna_netfilter *nf, int fam, const int *hooks,
		     int nh)
{
	int s, i, n = 0;

	for (s = 0; s < 2; s++)
		for (i = 0; i < nh; i++)
			n += hook_weight(&nf->hook[s][fam][hooks[i]]);
	return n;
}

int tna_nf_rules_for_bridged(const struct tna_netfilter *nf,
			     enum tna_nf_family family)
{
	static const int inet_hooks[] = { HOOK_PRE, HOOK_FWD, HOOK_POST };
	static const int arp_hooks[] = { ARP_FORWARD };

	if (!nf || (!nf->nft_ok && !nf->legacy_ok))
		return -1;
	switch (family) {
	case TNA_NF_IPV4:
		return sum_hooks(nf, NFP_IPV4, inet_hooks, 3) +
		       sum_hooks(nf, NFP_INET, inet_hooks, 3);
	case TNA_NF_IPV6:
		return sum_hooks(nf, NFP_IPV6, inet_hooks, 3) +
		       sum_hooks(nf, NFP_INET, inet_hooks, 3);
	case TNA_NF_ARP:
		return sum_hooks(nf, NFP_ARP, arp_hooks, 1);
	default:
		return -1;
	}
}

int tna_nf_bridge_chains(const struct tna_netfilter *nf)
{
	static const int br_hooks[] = { HOOK_PRE, HOOK_FWD, HOOK_POST };
	static const int all_hooks[] = { 0, 1, 2, 3, 4, 5 };

	if (!nf)
		return 0;
	return sum_hooks(nf, NFP_BRIDGE, br_hooks, 3) +
	       sum_hooks(nf, NFP_NETDEV, all_hooks, TNA_NF_HOOKS);
}

struct build_ctx {
	const struct tna_model *m;
	const struct tna_caps_dev *devs;
	int n;
	struct tna_plan_bridge_in *in;
	int cap;
};

static const struct tna_caps_dev *find_dev(const struct build_ctx *b, int ifindex)
{
	int i;

	for (i = 0; b->devs && i < b->n; i++)
		if (b->devs[i].ifindex == ifindex)
			return &b->devs[i];
	return NULL;
}

/* A program that is not ours on the port, by the probe's names. */
static uint32_t foreign_prog(const struct tna_link *l, const struct tna_caps_dev *c)
{
	static const size_t plen = sizeof(TNA_PROG_NAME_PREFIX) - 1;

	if (c) {
		if (c->prog_id_skb && strncmp(c->prog_name_skb, TNA_PROG_NAME_PREFIX, plen))
			return c->prog_id_skb;
		if (c->prog_id_drv && strncmp(c->prog_name_drv, TNA_PROG_NAME_PREFIX, plen))
			return c->prog_id_drv;
		if (c->prog_id_hw && strncmp(c->prog_name_hw, TNA_PROG_NAME_PREFIX, plen))
			return c->prog_id_hw;
		return 0;
	}
	return l->xdp_prog_id;	/* unknown name: assume foreign */
}

static int add_port(const struct tna_link *l, void *ctx)
{
	struct build_ctx *b = ctx;
	struct tna_plan_port_in *p;

	if (!l->is_port || l->master != b->in->ifindex)
		return 0;
	if (b->in->n_ports == b->cap) {
		int cap = b->cap ? b->cap * 2 : 8;
		void *np = realloc(b->in->ports, cap * sizeof(*p));

		if (!np)
			return -ENOMEM;
		b->in->ports = np;
		b->cap = cap;
	}
	p = &b->in->ports[b->in->n_ports++];
	memset(p, 0, sizeof(*p));
	p->ifindex = l->ifindex;
	memcpy(p->name, l->name, sizeof(p->name));
	memcpy(p->kind, l->kind, sizeof(p->kind));
	p->stp_state = l->port.state;
	p->learning = l->port.learning;
	p->flood = l->port.flood;
	p->isolated = l->port.isolated;
	p->locked = l->port.locked;
	p->hairpin = l->port.hairpin;
	p->slowpath = l->port.proxy_arp || l->port.neigh_suppress;
	p->tc_filters = l->tc_filters;
	p->caps = find_dev(b, l->ifindex);
	p->foreign_prog_id = foreign_prog(l, p->caps);
	return 0;
}

static int by_ifindex(const void *a, const void *b)
{
	const struct tna_plan_port_in *x = a, *y = b;

	return x->ifindex - y->ifindex;
}

/* Effective call-*tables: the bridge option, or the global sysctl (which
 * only exists, and only matters, while br_netfilter is loaded). */
static int8_t nf_call(int8_t br_opt, int8_t sysctl)
{
	if (br_opt > 0 || sysctl > 0)
		return 1;
	if (br_opt < 0 && sysctl < 0)
		return 0;	/* neither readable: br_netfilter not loaded */
	return 0;
}

int tna_plan_input_build(const struct tna_model *m,
			 const struct tna_caps_dev *devs, int n,
			 int bridge_ifindex, struct tna_plan_bridge_in *in)
{
	const struct tna_link *br = tna_model_link(m, bridge_ifindex);
	const struct tna_sysctls *sc = tna_model_sysctls(m);
	const struct tna_netfilter *nf = tna_model_netfilter(m);
	struct build_ctx b = { .m = m, .devs = devs, .n = n, .in = in };
	int8_t s4 = sc ? sc->bridge_nf_call_iptables : -1;
	int8_t s6 = sc ? sc->bridge_nf_call_ip6tables : -1;
	int8_t sa = sc ? sc->bridge_nf_call_arptables : -1;
	int ret;

	memset(in, 0, sizeof(*in));
	if (!br || !br->is_bridge)
		return -ENODEV;
	in->ifindex = br->ifindex;
	memcpy(in->name, br->name, sizeof(in->name));
	memcpy(in->mac, br->mac, 6);
	in->vlan_filtering = br->br.vlan_filtering;
	in->ageing_time_cs = br->br.ageing_time;
	in->nf_call[TNA_NF_IPV4] = nf_call(br->br.nf_call_iptables, s4);
	in->nf_call[TNA_NF_IPV6] = nf_call(br->br.nf_call_ip6tables, s6);
	in->nf_call[TNA_NF_ARP] = nf_call(br->br.nf_call_arptables, sa);
	in->nf_rules[TNA_NF_IPV4] = tna_nf_rules_for_bridged(nf, TNA_NF_IPV4);
	in->nf_rules[TNA_NF_IPV6] = tna_nf_rules_for_bridged(nf, TNA_NF_IPV6);
	in->nf_rules[TNA_NF_ARP] = tna_nf_rules_for_bridged(nf, TNA_NF_ARP);
	in->nft_bridge_chains = tna_nf_bridge_chains(nf);
	ret = tna_model_for_each_link(m, add_port, &b);
	if (ret < 0) {
		tna_plan_input_free(in);
		return ret;
	}
	if (in->n_ports > 1)
		qsort(in->ports, in->n_ports, sizeof(*in->ports), by_ifindex);
	return 0;
}

void tna_plan_input_free(struct tna_plan_bridge_in *in)
{
	free(in->ports);
	in->ports = NULL;
	in->n_ports = 0;
}
