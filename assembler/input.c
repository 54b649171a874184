/* Model + probe -> planner input.  Why a bridge or a port cannot be
 * accelerated comes from the service graph (introspect/rules.c): the same
 * rules tna-probe --graph shows, so the picture and the deployment cannot
 * disagree.  What is copied from the model besides is configuration the
 * fast path reproduces (port state and flags, the bridge's MAC, ageing,
 * which br_netfilter checks run without rules). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assembler/input.h"
#include "introspect/graph.h"

/* "name: text" of the first reason of N with all of SCOPE (0: any reason
 * that takes all its traffic), skipping the reasons in SKIP. */
static bool graph_why(const struct tna_graph_node *n, uint32_t only, uint32_t skip,
		      char *buf, size_t len)
{
	buf[0] = 0;
	if (!n)
		return false;
	for (int r = 0; r < TNA_GRAPH_REASON__COUNT; r++) {
		if (!(n->reasons & (1u << r)) || (skip & (1u << r)) ||
		    (only && !(only & (1u << r))) || n->scope[r] != TNA_SCOPE_ALL)
			continue;
		snprintf(buf, len, "%s: %s", tna_graph_reason_name(r), tna_graph_reason_text(r));
		return true;
	}
	return false;
}

#define BIT(r) (1u << TNA_GRAPH_REASON_##r)

struct build_ctx {
	const struct tna_model *m;
	const struct tna_graph *g;
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

static int add_port(const struct tna_link *l, void *ctx)
{
	struct build_ctx *b = ctx;
	const struct tna_graph_node *gn;
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
	p->caps = find_dev(b, l->ifindex);
	gn = tna_graph_find(b->g, TNA_NODE_PORT, l->name);
	/* its bridge's reasons decide for the bridge as a whole */
	graph_why(gn, 0, BIT(FOREIGN_XDP) | BIT(BRIDGE), p->graph_reason, sizeof(p->graph_reason));
	if (gn && tna_graph_scope(gn, TNA_GRAPH_REASON_FOREIGN_XDP))
		p->foreign_prog_id = l->xdp_prog_id;
	p->egress_linux = gn && tna_graph_scope(gn, TNA_GRAPH_REASON_TC_EGRESS);
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
	return br_opt > 0 || sysctl > 0;
}

int tna_plan_input_build(const struct tna_model *m,
			 const struct tna_caps_dev *devs, int n,
			 int bridge_ifindex, struct tna_plan_bridge_in *in)
{
	const struct tna_link *br = tna_model_link(m, bridge_ifindex);
	const struct tna_sysctls *sc = tna_model_sysctls(m);
	struct build_ctx b = { .m = m, .devs = devs, .n = n, .in = in };
	const struct tna_graph_node *gn;
	struct tna_graph *g;
	int ret;

	memset(in, 0, sizeof(*in));
	if (!br || !br->is_bridge)
		return -ENODEV;
	g = tna_graph_build(m);
	if (!g)
		return -errno;
	b.g = g;
	in->ifindex = br->ifindex;
	memcpy(in->name, br->name, sizeof(in->name));
	memcpy(in->mac, br->mac, 6);
	in->ageing_time_cs = br->br.ageing_time;
	in->vlan_filtering = br->br.vlan_filtering && br->br.vlan_protocol != 0x88a8;
	in->nf_call[TNA_NF_IPV4] = nf_call(br->br.nf_call_iptables, sc->bridge_nf_call_iptables);
	in->nf_call[TNA_NF_IPV6] = nf_call(br->br.nf_call_ip6tables, sc->bridge_nf_call_ip6tables);
	in->nf_call[TNA_NF_ARP] = nf_call(br->br.nf_call_arptables, sc->bridge_nf_call_arptables);
	gn = tna_graph_find(g, TNA_NODE_BRIDGE, br->name);
	graph_why(gn, BIT(NF_BRIDGED) | BIT(NF_UNKNOWN), 0, in->graph_nf_reason,
		  sizeof(in->graph_nf_reason));
	graph_why(gn, 0, BIT(NF_BRIDGED) | BIT(NF_UNKNOWN), in->graph_reason,
		  sizeof(in->graph_reason));
	ret = tna_model_for_each_link(m, add_port, &b);
	tna_graph_free(g);
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
