/* A change of the router's plan applied like a bridge's: the running
 * router is never stopped for it.
 *
 *   - the same code (modules and rodata switches of the pipeline that
 *     hosts it, tna_rt_code): its tables change in place; routed ports
 *     that left go to Linux first (their entries deleted; the link moves
 *     to a bridge that takes the port, else it is detached), new ones
 *     attached once their entries are written (a bridge port's link
 *     taken over from its bridge's pipeline);
 *   - other code, own pipeline: the new one is loaded beside the running
 *     one (sharing its maps and port slot), its tables written, its
 *     ruleset follower started when that changes, and it is swapped in on
 *     every routed port by one prog-array update (tna_dp__replace);
 *   - other code, in a bridge's pipeline: the tables change here, the
 *     bridge's redeploy swaps that pipeline (its router code differs),
 *     then the follower follows (tna_ctl_rt_sync);
 *   - the router moves (own pipeline <-> a bridge's, another target):
 *     controller/router_move.c, also without stopping it.
 * The routed ports are held on Linux (TNA_STP_HELD) from the first table
 * write until the burst is applied (tna_ctl_unhold): no frame is routed
 * by old code with new tables or the reverse. */
#include <errno.h>
#include <string.h>

#include "controller/ctl_priv.h"
#include "controller/router_apply.h"

static void code_of(const struct tna_router_plan *p, struct tna_rt_code *code)
{
	*code = (struct tna_rt_code){
		.fpms = p->ok ? p->fpms : 0, .nf_routed = p->nf_routed,
		.xfrm_routed = p->xfrm_routed,
		.fib_direct4 = p->fib_direct4, .fib_direct6 = p->fib_direct6,
	};
}

/* Routed ports the new plan does not route: to Linux first (no port
 * entry: the pipeline passes their frames).  Their links stay until the
 * bridges are redeployed: one that takes such a port as a bridge port
 * moves the link (tna_ctl_rt_give), tna_ctl_rt_sync detaches the rest. */
static void unroute_gone(struct tna_rt_state *rt)
{
	for (int i = 0; i < rt->n_attached; i++)
		if (!tna_rt_routes(rt, rt->attached[i]))
			tna_dp__port_del(rt->host, rt->attached[i]);
	tna_router_plan_drop_rifs(rt->host, &rt->prev, &rt->plan);
}

/* Detach the routed ports the plan does not route and no bridge took. */
static void prune(struct tna_rt_state *rt)
{
	for (int i = rt->n_attached - 1; i >= 0; i--) {
		int ifx = rt->attached[i];

		if (tna_rt_routes(rt, ifx))
			continue;
		tna_dp__detach(rt->host, ifx);
		tna_dp__port_del(rt->host, ifx);
		rt->attached[i] = rt->attached[--rt->n_attached];
	}
}

static bool attached(const struct tna_rt_state *rt, int ifx)
{
	for (int i = 0; i < rt->n_attached; i++)
		if (rt->attached[i] == ifx)
			return true;
	return false;
}

/* Can the change from rt->prev to rt->plan be applied where the router
 * runs, or must it move (controller/router_move.c)? */
static bool stays(const struct tna_ctl *c)
{
	const struct tna_rt_state *rt = c->rt;

	if (!rt->host || !rt->plan.ok || !rt->prev.ok)
		return false;
	if (tna_rt_host_bridge(rt) != rt->host_bridge)
		return false;
	return rt->host_bridge ||
	       (rt->own && tna_rt_own_target(rt, c->o.target) == rt->own_target);
}

int tna_ctl_rt_change(struct tna_ctl *c)
{
	struct tna_rt_state *rt = c->rt;
	struct tna_rt_code was, now;
	int added[TNA_RT_MAX_ATTACHED], n = 0, err;
	struct tna_dp *ndp = NULL;
	struct tna_rtf *nf = NULL;
	uint64_t t0 = now_ns();

	if (!stays(c))
		return 0;
	code_of(&rt->prev, &was);
	code_of(&rt->plan, &now);
	tna_ctl_hold_router(c, "while the router's tables change");
	unroute_gone(rt);
	if (!rt->host_bridge && !tna_rt_code_same(&was, &now)) {
		tna_ctl_busy(c);
		ndp = tna_rt_load_own(rt, tna_rt_own_target(rt, c->o.target), 0, rt->force,
				      rt->own);
		if (!ndp) {
			logf_(c, TNA_CTL_ERROR, "router: new pipeline failed to load: %s: "
			      "stopped (plain Linux), started afresh", strerror(errno));
			tna_rt_stop(rt, false);	/* its code does not match the plan */
			return 1;
		}
	}
	err = tna_router_plan_apply(ndp ? ndp : rt->host, &rt->plan, rt->walk_ports,
				    rt->n_walk, added, TNA_RT_MAX_ATTACHED, &n);
	/* A follower started or stopped, or for other families: the new one
	 * loads its first program into the new pipeline before the swap
	 * (the modules changed with it, so there is one). */
	if (!err && ndp && tna_rt_filter_differs(rt))
		err = tna_rt_filter_start(rt, ndp, &nf);
	if (!err && ndp)
		err = tna_dp__replace(rt->own, ndp);
	if (err) {
		logf_(c, TNA_CTL_ERROR, "router: %s failed (%s): stopped (plain Linux), started afresh",
		      ndp ? "atomic replace" : "table update", strerror(-err));
		tna_rtf_stop(nf);
		tna_dp__destroy(ndp);
		tna_rt_stop(rt, false);	/* tna_ctl_rt_sync starts it again */
		return 1;
	}
	if (ndp) {
		tna_dp__destroy(rt->own);	/* no port left on it */
		rt->own = rt->host = ndp;
		if (nf || !rt->plan.nf_filter)
			tna_rt_filter_swap(rt, nf);
		tna_rtf_host_replaced(rt->filter, ndp);
		rt->xlated = tna_dp__xlated_insns(ndp);
		c->redeploys++;
	}
	for (int i = 0; i < n; i++)
		if (!attached(rt, added[i]))
			tna_ctl_rt_attach(c, added[i]);
	logf_(c, TNA_CTL_INFO, "router: %s in %.1f ms, %d routed port(s) attached",
	      ndp ? "pipeline replaced atomically" :
	      tna_rt_code_same(&was, &now) ? "tables updated in place" :
	      "tables updated, the bridge's pipeline follows",
	      (now_ns() - t0) / 1e6, rt->n_attached);
	return 1;
}

/* The router where the plan wants it: in the pipeline of the bridge it is
 * composed with when that one runs, else in its own pipeline; moved
 * there without being stopped when it runs elsewhere
 * (controller/router_move.c), started when it does not run.  Its ruleset
 * follower as the plan asks (a bridge's pipeline with other router code
 * was swapped by the bridge's redeploy before). */
int tna_ctl_rt_sync(struct tna_ctl *c)
{
	struct tna_rt_state *rt = c->rt;
	int ret = tna_ctl_rt_walk(c);	/* the bridges' plans are in effect now */
	struct br_state *hb = br_find(c, tna_rt_host_bridge(rt));
	struct tna_dp *want = hb && hb->dp ? hb->dp : NULL;
	struct tna_rtf *nf;

	if (ret) {
		logf_(c, TNA_CTL_ERROR, "router: stages: %s: plain Linux", strerror(-ret));
		tna_rt_stop(rt, false);
		return ret;
	}

	if (!rt->plan.ok) {
		if (rt->host) {
			tna_rt_stop(rt, false);
			logf_(c, TNA_CTL_INFO, "router: back to plain Linux: %s", rt->plan.reason);
		}
		return 0;
	}
	if (rt->host)
		prune(rt);
	if (rt->host && (want ? rt->host == want :
			 rt->own && rt->own_target == tna_rt_own_target(rt, c->o.target))) {
		if (!tna_rt_filter_differs(rt))
			return 0;
		/* in place: the ports are held while the rules are loaded */
		tna_ctl_hold_router(c, "while the router's ruleset follower restarts");
		ret = tna_rt_filter_start(rt, rt->host, &nf);
		if (ret) {
			logf_(c, TNA_CTL_ERROR, "router: netfilter rules: %s: plain Linux",
			      strerror(-ret));
			tna_rt_stop(rt, false);
			return ret;
		}
		tna_rt_filter_swap(rt, nf);
		logf_(c, TNA_CTL_INFO, "router: ruleset follower %s", nf ? "started" : "stopped");
		return 0;
	}
	if (rt->host) {
		ret = tna_ctl_rt_move(c, want, want ? hb->ifindex : 0);
		if (!ret)
			return 0;
		logf_(c, TNA_CTL_ERROR, "router: cannot move (%s): restarted", strerror(-ret));
		tna_rt_stop(rt, false);
	}
	if (!want) {
		tna_ctl_busy(c);	/* its own pipeline loads */
		c->rt_trips_seen = 0;
	}
	ret = tna_rt_start(rt, want, want ? hb->ifindex : 0, c->o.target);
	if (ret)
		logf_(c, TNA_CTL_ERROR, "router: %s%s", rt->error,
		      rt->host ? "" : ": routed traffic stays on plain Linux");
	if (rt->host) {
		c->redeploys++;
		logf_(c, TNA_CTL_INFO, "router: deployed (%s), %d routed port(s) attached, pipeline %s",
		      rt->plan.reason, rt->n_attached, want ? hb->plan.name : "own");
	}
	return ret;
}
