/* The controller's plans as stages per port (assembler/stages.h): the
 * service graph of the model it deploys from, with the router plan's
 * netfilter verdict and the operator's hooks on it, walked with the plans
 * in effect.  `tna-deploy --dry-run` prints it, and the status file holds
 * it for `--status`. */
#include <errno.h>
#include <string.h>
#include <json-c/json.h>

#include "assembler/stages.h"
#include "controller/ctl_priv.h"
#include "introspect/graph.h"
#include "targets/hooks.h"

/* The graph the plans were made from.  The compiler's verdict on the
 * router's netfilter families is the one the router plan took from the
 * graph when it was planned (router_input.c): written back, not compiled
 * again. */
static struct tna_graph *plan_graph(const struct tna_ctl *c)
{
	const struct tna_router_plan *rt = &c->rt->plan;
	const char *slots[TNA_HOOK_MAX], *objects[TNA_HOOK_MAX];
	const struct tna_graph_node *r;
	struct tna_graph *g = tna_graph_build(c->m);
	int n = 0;

	if (!g)
		return NULL;
	r = tna_graph_find(g, TNA_NODE_ROUTER, "router");
	for (int k = 0; r && rt->ok && k < 2; k++) {
		uint8_t bit = k ? TNA_SCOPE_IPV6 : TNA_SCOPE_IPV4;

		if ((tna_graph_scope(r, TNA_GRAPH_REASON_NF_FORWARD) |
		     tna_graph_scope(r, TNA_GRAPH_REASON_NF_UNKNOWN)) & bit)
			tna_graph_nf_verdict(g, k, rt->nf_filter & (k ? TNA_NF_ROUTED_V6 :
								      TNA_NF_ROUTED_V4),
					     rt->filter_reason);
	}
	for (int i = 0; i < tna_hooks__n() && n < TNA_HOOK_MAX; i++, n++) {
		slots[n] = tna_hook_slot_name(tna_hooks__get(i)->slot);
		objects[n] = tna_hooks__get(i)->path;
	}
	if (tna_graph_add_hooks(g, slots, objects, n)) {
		tna_graph_free(g);
		errno = ENOMEM;
		return NULL;
	}
	return g;
}

/* The walk over every selected bridge's plan, P (may be NULL) in place of
 * the one of its bridge (a plan about to take effect). */
static int stages_with(const struct tna_ctl *c, const struct tna_bridge_plan *p,
		       struct tna_stage_plan *sp)
{
	const struct tna_bridge_plan *b[TNA_CTL_MAX_BRIDGES + 1];
	struct tna_stage_src src = { .bridges = b, .rt = &c->rt->plan };
	bool in = false;
	int ret;

	for (int i = 0; i < c->nbr; i++) {
		bool mine = p && c->br[i].ifindex == p->ifindex;

		if (c->br[i].present || mine)
			b[src.n_bridges++] = mine ? p : &c->br[i].plan;
		in |= mine;
	}
	if (p && !in)
		b[src.n_bridges++] = p;
	src.g = plan_graph(c);
	if (!src.g)
		return -errno;
	ret = tna_stages_build(&src, sp);
	tna_graph_free((struct tna_graph *)src.g);
	return ret;
}

int tna_ctl_stages(const struct tna_ctl *c, struct tna_stage_plan *sp)
{
	return stages_with(c, NULL, sp);
}

struct json_object *tna_ctl_stages_json(const struct tna_ctl *c)
{
	struct tna_stage_plan sp;
	struct json_object *a;

	if (tna_ctl_stages(c, &sp))
		return NULL;
	a = tna_stages_to_json(&sp);
	tna_stages_free(&sp);
	return a;
}

/* The router's host and plain routed ports as the walk decides them
 * (tna_stages_router_ports), kept in c->rt for the router's deploy, swap
 * and move: the router plan gives each port's tables, the walk which
 * ports and where.  0 or -errno (then nothing is routed). */
int tna_ctl_rt_walk(struct tna_ctl *c)
{
	struct tna_rt_state *rt = c->rt;
	struct tna_stage_plan sp;
	int ret;

	rt->walk_host = 0;
	rt->n_walk = 0;
	if (!rt->plan.ok)
		return 0;
	ret = tna_ctl_stages(c, &sp);
	if (ret)
		return ret;
	rt->walk_host = sp.rt_host;
	rt->n_walk = tna_stages_router_ports(&sp, rt->walk_ports, TNA_RT_MAX_ATTACHED);
	tna_stages_free(&sp);
	return 0;
}

int tna_ctl_stage_members(const struct tna_ctl *c, const struct tna_bridge_plan *p,
			  int *ifx, int max)
{
	struct tna_stage_plan sp;
	char node[64];
	int n = 0, ret;

	ret = stages_with(c, p, &sp);
	if (ret)
		return ret;
	snprintf(node, sizeof(node), "bridge:%s", p->name);
	for (int i = 0; i < sp.n_ports && n < max; i++)
		for (int k = 0; k < sp.ports[i].n; k++)
			if (sp.ports[i].st[k].kind == TNA_STAGE_BRIDGE &&
			    !strcmp(sp.ports[i].st[k].node, node))
				ifx[n++] = sp.ports[i].ifindex;
	tna_stages_free(&sp);
	return n;
}
