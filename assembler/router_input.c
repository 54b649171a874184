/* Fill the router planner's input from the introspection model. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>
#include "assembler/router_plan.h"
#include "introspect/graph.h"
#include "introspect/model.h"

static struct tna_router_if_in *if_of(struct tna_router_in *in, int ifindex)
{
	for (int i = 0; i < in->n_ifs; i++)
		if (in->ifs[i].ifindex == ifindex)
			return &in->ifs[i];
	return NULL;
}

struct link_ctx { struct tna_router_in *in; bool rp_all; };

static int link_cb(const struct tna_link *l, void *p)
{
	struct link_ctx *x = p;
	struct tna_router_in *in = x->in;
	struct tna_router_if_in *f;

	if (in->n_ifs >= TNA_RPLAN_MAX_IFS)
		return 0;
	f = &in->ifs[in->n_ifs++];
	memset(f, 0, sizeof(*f));
	f->ifindex = l->ifindex;
	snprintf(f->name, sizeof(f->name), "%s", l->name);
	snprintf(f->kind, sizeof(f->kind), "%s", l->kind);
	f->up = l->flags & IFF_UP;
	f->loopback = l->flags & IFF_LOOPBACK;
	f->is_bridge = l->is_bridge;
	f->is_port = l->is_port;
	f->master = l->is_port ? l->master : 0;
	memcpy(f->mac, l->mac, 6);
	f->tc_filters = l->tc_filters;
	f->foreign_prog_id = l->xdp_prog_id;	/* the caller clears it for ours */
	f->rp_filter = x->rp_all || l->rp_filter > 0;
	return 0;
}

static int addr_cb(const struct tna_addr *a, void *ctx)
{
	struct tna_router_if_in *f = if_of(ctx, a->ifindex);

	if (!f || a->scope != 0)	/* RT_SCOPE_UNIVERSE only */
		return 0;
	if (a->family == AF_INET)
		f->n_addr4++;
	else if (a->family == AF_INET6)
		f->n_addr6++;
	return 0;
}

static int route_cb(const struct tna_route *r, void *ctx)
{
	struct tna_router_in *in = ctx;
	bool gw = r->nexthops > 1 || r->nhid;

	for (int i = 0; i < 16; i++)
		gw |= r->gateway[i] != 0;
	if (!gw)
		return 0;
	if (r->family == AF_INET)
		in->gw_route4 = true;
	else if (r->family == AF_INET6)
		in->gw_route6 = true;
	return 0;
}

struct rules { int n4, n6; bool custom4, custom6; };

static int rule_cb(const struct tna_rule *r, void *ctx)
{
	struct rules *s = ctx;
	bool plain = r->action == 1 && !r->src_len && !r->dst_len && !r->tos &&
		     !r->fwmark && !r->fwmask && !r->iifname[0] && !r->oifname[0];
	bool dflt;

	if (r->family == AF_INET) {
		dflt = plain && ((r->priority == 0 && r->table == 255) ||
				 (r->priority == 32766 && r->table == 254) ||
				 (r->priority == 32767 && r->table == 253));
		s->n4++;
		s->custom4 |= !dflt;
	} else if (r->family == AF_INET6) {
		dflt = plain && ((r->priority == 0 && r->table == 255) ||
				 (r->priority == 32766 && r->table == 254));
		s->n6++;
		s->custom6 |= !dflt;
	}
	return 0;
}

/* NFPROTO_INET 1, IPV4 2, NETDEV 5, IPV6 10; NF_INET_PRE_ROUTING 0,
 * FORWARD 2, POST_ROUTING 4. */
static int8_t nf_sees(const struct tna_netfilter *nf, int fam, char *why, size_t len)
{
	static const char *const src_name[] = { "nftables", "iptables-legacy" };
	const int fams[] = { fam, 1, 5 };
	bool ok[2] = { nf->nft_ok, nf->legacy_ok };

	for (int s = 0; s < 2; s++) {
		if (!ok[s]) {
			snprintf(why, len, "%s ruleset unreadable", src_name[s]);
			return -1;
		}
		for (int fi = 0; fi < 3; fi++)
			for (int h = 0; h < TNA_NF_HOOKS; h++) {
				const struct tna_nf_hook *k = &nf->hook[s][fams[fi]][h];

				if (fams[fi] != 5 && h != 0 && h != 2 && h != 4)
					continue;
				if (k->rules || k->drop_policy) {
					snprintf(why, len, "%s %s %s hook has %s", src_name[s],
						 tna_nf_family_name(fams[fi]),
						 tna_nf_hook_name(fams[fi], h),
						 k->rules ? "rules" : "a drop policy");
					return 1;
				}
			}
	}
	return 0;
}

int tna_router_in_from_model(const struct tna_model *m, struct tna_router_in *in)
{
	const struct tna_sysctls *sc = tna_model_sysctls(m);
	const struct tna_netfilter *nf = tna_model_netfilter(m);
	struct rules rs = {};
	char why6[96] = "";

	if (!m || !in)
		return -EINVAL;
	memset(in, 0, sizeof(*in));
	in->ip_forward = sc ? sc->ip_forward : -1;
	in->ip6_forwarding = sc ? sc->ip6_forwarding : -1;
	tna_model_for_each_link(m, link_cb, &(struct link_ctx){ in, sc && sc->rp_filter_all > 0 });
	tna_model_for_each_addr(m, addr_cb, in);
	tna_model_for_each_route(m, route_cb, in);
	tna_model_for_each_rule(m, rule_cb, &rs);
	in->rules4_default = !rs.custom4;
	in->rules6_default = !rs.custom6;
	if (nf) {
		in->nf4 = nf_sees(nf, 2, in->nf_why, sizeof(in->nf_why));
		in->nf6 = nf_sees(nf, 10, why6, sizeof(why6));
		if (!in->nf4 && in->nf6)
			memcpy(in->nf_why, why6, sizeof(why6));
	} else {
		in->nf4 = in->nf6 = -1;
		snprintf(in->nf_why, sizeof(in->nf_why), "netfilter summary missing");
	}
	return 0;
}
