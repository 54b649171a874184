/* A change of the router's plan applied like a bridge's: the running
 * router is never stopped for it.
 *
 *   - the same code (modules and rodata switches of the pipeline that
 *     hosts it, tna_rt_code): its tables change in place; routed ports
 *     that left are detached first (Linux routes them), new ones
 *     attached once their entries are written;
 *   - other code, own pipeline: the new one is loaded beside the running
 *     one (sharing its maps and port slot), its tables written, and it is
 *     swapped in on every routed port by one prog-array update
 *     (tna_dp__replace);
 *   - other code, in a bridge's pipeline: the tables change here, the
 *     bridge's redeploy swaps that pipeline (its router code differs);
 *   - the router moves (own pipeline <-> a bridge's, another target) or
 *     its ruleset follower starts or stops: stopped and started again
 *     (Linux routes meanwhile, which is safe).
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
		.xfrm_routed = p->xfrm_routed, .src_fib_check = p->src_fib_check,
		.fib_direct4 = p->fib_direct4,
	};
}

/* Routed ports the new plan does not route: to Linux first. */
static void detach_gone(struct tna_rt_state *rt)
{
	for (int i = rt->n_attached - 1; i >= 0; i--) {
		int ifx = rt->attached[i];

		if (tna_router_plan_routes(&rt->plan, ifx))
			continue;
		tna_dp__detach(rt->host, ifx);
		tna_dp__port_del(rt->host, ifx);
		rt->attached[i] = rt->attached[--rt->n_attached];
	}
	tna_router_plan_drop_rifs(rt->host, &rt->prev, &rt->plan);
}

static bool attached(const struct tna_rt_state *rt, int ifx)
{
	for (int i = 0; i < rt->n_attached; i++)
		if (rt->attached[i] == ifx)
			return true;
	return false;
}

/* Can the change from rt->prev to rt->plan be applied to the running
 * router, or must it move? */
static bool stays(const struct tna_rt_state *rt)
{
	if (!rt->host || !rt->plan.ok || !rt->prev.ok)
		return false;
	if (tna_rt_host_bridge(rt) != rt->host_bridge)
		return false;
	if (!rt->host_bridge && (rt->plan.target != rt->prev.target || !rt->own))
		return false;
	/* the follower is started for the families of its start */
	if (!!rt->filter != !!rt->plan.nf_filter ||
	    (rt->filter && (rt->plan.v4 != rt->prev.v4 || rt->plan.v6 != rt->prev.v6)))
		return false;
	return true;
}

int tna_ctl_rt_change(struct tna_ctl *c)
{
	struct tna_rt_state *rt = c->rt;
	struct tna_rt_code was, now;
	int added[TNA_RT_MAX_ATTACHED], n = 0, err;
	struct tna_dp *ndp = NULL;
	uint64_t t0 = now_ns();

	if (!stays(rt))
		return 0;
	code_of(&rt->prev, &was);
	code_of(&rt->plan, &now);
	tna_ctl_hold_router(c, "while the router's tables change");
	detach_gone(rt);
	if (!rt->host_bridge && !tna_rt_code_same(&was, &now)) {
		tna_ctl_busy(c);
		ndp = tna_rt_load_own(rt, tna_rt_own_target(rt, c->o.target), 0, rt->force,
				      rt->own);
		if (!ndp) {
			logf_(c, TNA_CTL_ERROR, "router: new pipeline failed to load: %s",
			      strerror(errno));
			return 0;
		}
	}
	err = tna_router_plan_apply(ndp ? ndp : rt->host, &rt->plan, added,
				    TNA_RT_MAX_ATTACHED, &n);
	if (!err && ndp)
		err = tna_dp__replace(rt->own, ndp);
	if (err) {
		logf_(c, TNA_CTL_ERROR, "router: %s failed (%s): redeploying",
		      ndp ? "atomic replace" : "table update", strerror(-err));
		tna_dp__destroy(ndp);
		return 0;
	}
	if (ndp) {
		tna_dp__destroy(rt->own);	/* no port left on it */
		rt->own = rt->host = ndp;
		tna_rtf_host_replaced(rt->filter, ndp);
		rt->xlated = tna_dp__xlated_insns(ndp);
		c->redeploys++;
	}
	for (int i = 0; i < n; i++)
		if (!attached(rt, added[i]) && tna_rt_attach(rt, added[i]))
			logf_(c, TNA_CTL_ERROR, "router: %s", rt->error);
	logf_(c, TNA_CTL_INFO, "router: %s in %.1f ms, %d routed port(s) attached",
	      ndp ? "pipeline replaced atomically" :
	      tna_rt_code_same(&was, &now) ? "tables updated in place" :
	      "tables updated, the bridge's pipeline follows",
	      (now_ns() - t0) / 1e6, rt->n_attached);
	return 1;
}

/* The router where the plan wants it: in the pipeline of the bridge it is
 * composed with when that one runs, else in its own pipeline. */
int tna_ctl_rt_sync(struct tna_ctl *c)
{
	struct tna_rt_state *rt = c->rt;
	struct br_state *hb = br_find(c, tna_rt_host_bridge(rt));
	struct tna_dp *want = hb && hb->dp ? hb->dp : NULL;
	int ret;

	if (!rt->plan.ok) {
		if (rt->host) {
			tna_rt_stop(rt, false);
			logf_(c, TNA_CTL_INFO, "router: back to plain Linux: %s", rt->plan.reason);
		}
		return 0;
	}
	if (rt->host && (want ? rt->host == want : rt->own != NULL))
		return 0;
	if (rt->host)
		tna_rt_stop(rt, false);
	if (!want)
		tna_ctl_busy(c);	/* its own pipeline loads */
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
