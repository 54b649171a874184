/* Restrictive changes first.
 *
 * A configuration change can restrict traffic (a rule, an IPsec policy, a
 * port flag the pipeline does not check, a sysctl): Linux applies it at
 * once, while the fast path follows only when the burst of events is
 * applied (after the debounce, and a pipeline load when the modules
 * change).  So after each read of events the plans are computed afresh
 * from the model (planning only: nothing is loaded) and compared with
 * what is deployed; every pipeline whose plan would change in a way that
 * can restrict is held on Linux at once: its ports get the state
 * TNA_STP_HELD, and the fast path passes every frame that enters them
 * (reason config_change) until the rebuild is done and the events that
 * came meanwhile are applied: only then are the real port states written
 * (tna_ctl_unhold).  Only the rebuild is debounced.  A change that leaves every plan as it is
 * (an unrelated link, a port flag the pipeline already checks: port_now()
 * in events.c writes those to the port table directly) holds nothing.
 *
 * The hold takes effect when the controller reads the event: the kernel's
 * notification latency plus the planning here (figures in
 * bench/RESULTS.md).  What is polled (introspect/poll.c) is noticed at the
 * next poll tick. */
#include <string.h>

#include "controller/ctl_priv.h"

static void hold_ports(struct tna_dp *dp, const int *ports, int n)
{
	struct tna_port_cfg cfg;

	for (int i = 0; i < n; i++) {
		if (tna_dp__port_get(dp, ports[i], &cfg) || cfg.stp_state == TNA_STP_HELD)
			continue;
		cfg.stp_state = TNA_STP_HELD;
		cfg.flags &= ~TNA_PORT_F_NO_XMIT;	/* port_set derives it */
		tna_dp__port_set(dp, ports[i], &cfg);
	}
}

/* Every port of B's pipeline (the routed ports too when the router runs
 * in it) to Linux, now. */
void tna_ctl_hold(struct tna_ctl *c, struct br_state *b, const char *why)
{
	if (!b->dp)
		return;
	hold_ports(b->dp, b->attached, b->n_attached);
	if (c->rt->host == b->dp) {
		hold_ports(b->dp, c->rt->attached, c->rt->n_attached);
		c->rt_held = true;
	}
	b->held = true;
	logf_(c, TNA_CTL_INFO, "%s: ports held on Linux at %.6f %s", b->plan.name, now_real(), why);
}

void tna_ctl_hold_router(struct tna_ctl *c, const char *why)
{
	struct tna_rt_state *rt = c->rt;
	struct br_state *hb;

	if (!rt->host || c->rt_held)
		return;
	hb = br_find(c, rt->host_bridge);
	if (hb && hb->dp == rt->host && !hb->held) {
		tna_ctl_hold(c, hb, why);
		return;
	}
	hold_ports(rt->host, rt->attached, rt->n_attached);
	c->rt_held = true;
	logf_(c, TNA_CTL_INFO, "router: ports held on Linux at %.6f %s", now_real(), why);
}

/* The router's pipeline was loaded afresh while held: its new ports stay
 * held until tna_ctl_unhold() too. */
void tna_ctl_rehold_router(struct tna_ctl *c)
{
	if (c->rt_held && c->rt->host)
		hold_ports(c->rt->host, c->rt->attached, c->rt->n_attached);
}

/* The routed ports back to forwarding (bridge ports: unhold_bridge). */
static void unhold_router(struct tna_ctl *c)
{
	struct tna_rt_state *rt = c->rt;
	struct tna_port_cfg cfg;

	if (!c->rt_held)
		return;
	c->rt_held = false;
	for (int i = 0; rt->host && i < rt->n_attached; i++) {
		if (tna_dp__port_get(rt->host, rt->attached[i], &cfg) ||
		    cfg.stp_state != TNA_STP_HELD)
			continue;
		cfg.stp_state = TNA_STP_FORWARDING;
		cfg.flags &= ~TNA_PORT_F_NO_XMIT;
		tna_dp__port_set(rt->host, rt->attached[i], &cfg);
	}
}

static void unhold_bridge(struct tna_ctl *c, struct br_state *b)
{
	struct tna_port_cfg cfg;

	b->held = false;
	for (int i = 0; b->dp && i < b->n_attached; i++) {
		const struct tna_link *l = tna_model_link(c->m, b->attached[i]);

		if (!l)
			continue;	/* gone: the next replan detaches it */
		if (tna_ctl_port_cfg(c, b->ifindex, l, &cfg))
			tna_dp__port_set(b->dp, b->attached[i], &cfg);
		else	/* left the bridge: the next replan detaches it */
			tna_dp__port_del(b->dp, b->attached[i]);
	}
}

/* After a rebuild.  Events that came while it ran go first: writing the
 * real port states from a model that does not know them yet would undo a
 * change Linux already applies (a second port made isolated while the
 * first one's rebuild loaded a pipeline).  If they changed the
 * configuration, everything stays held until their own rebuild. */
void tna_ctl_unhold(struct tna_ctl *c)
{
	bool any = c->rt_held;

	for (int i = 0; i < c->nbr; i++)
		any |= c->br[i].held;
	if (!any)
		return;
	tna_ctl_ports_now(c);	/* the port watch is read ahead of the model */
	tna_watch_process(c->w);
	if (c->restrict_check)
		tna_ctl_restrict_check(c);
	if (c->dirty || c->resync)
		return;
	for (int i = 0; i < c->nbr; i++)
		if (c->br[i].held)
			unhold_bridge(c, &c->br[i]);
	unhold_router(c);
}

static const struct tna_port_plan *port_of(const struct tna_bridge_plan *p, int ifx)
{
	for (int i = 0; i < p->n_ports; i++)
		if (p->ports[i].ifindex == ifx)
			return &p->ports[i];
	return NULL;
}

/* Whether NEW, replacing the deployed OLD, may restrict what the fast
 * path forwards: different modules or switches (a module that checks
 * something new, br_netfilter, the bridge's MAC), nothing left to deploy,
 * or a deployed port that leaves the fast path or sends its egress to
 * Linux.  Ports that join, other targets, reasons: not restrictive. */
static bool plan_restricts(const struct tna_bridge_plan *old, const struct tna_bridge_plan *np)
{
	if (!np->ok || np->fpms != old->fpms || np->br_netfilter != old->br_netfilter ||
	    memcmp(np->mac, old->mac, 6))
		return true;
	for (int i = 0; i < old->n_ports; i++) {
		const struct tna_port_plan *o = &old->ports[i], *n;

		if (!o->accelerated)
			continue;
		n = port_of(np, o->ifindex);
		if (n && (!n->accelerated || (n->egress_linux && !o->egress_linux)))
			return true;
	}
	return false;
}

void tna_ctl_restrict_check(struct tna_ctl *c)
{
	char why[128];

	c->restrict_check = false;
	snprintf(why, sizeof(why), "(first: %s): a change that may restrict traffic",
		 c->first_event);
	for (int i = 0; i < c->nbr; i++) {
		struct br_state *b = &c->br[i];
		struct tna_bridge_plan np;

		if (!b->dp || b->held)
			continue;
		/* the bridge is gone (plan fails) or its plan restricts */
		if (tna_ctl_plan_one(c, b->ifindex, &np)) {
			tna_ctl_hold(c, b, why);
			continue;
		}
		if (plan_restricts(&b->plan, &np))
			tna_ctl_hold(c, b, why);
		tna_plan_bridge_free(&np);
	}
	if (c->rt->host && !c->rt_held && tna_rt_plan_differs(c->rt, c->m, c->devs, c->ndevs))
		tna_ctl_hold_router(c, why);
}
