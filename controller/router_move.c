/* The running router moved to another pipeline without being stopped:
 * from its own pipeline into the pipeline of the bridge it is now
 * composed with (the bridge gained an address, or got its first port),
 * back out (the bridge lost its address, or its pipeline goes), or into
 * an own pipeline of another mode (generic <-> native).
 *
 * The new host is made ready first: loaded (own) or already swapped to a
 * pipeline with the router's code (a bridge's redeploy), the router's
 * tables written into it, its ruleset follower started there and its
 * first program loaded.  Then every routed port switches: one
 * bpf_link_update each from the old family's root to the new one's, so
 * the port runs the old program or the new one, never none.  Only then
 * does the old host lose the router's entries (or, own, go).  The
 * routed ports stay held on Linux while the burst is applied, in the new
 * host as in the old (tna_ctl_rehold_router), so no frame is routed on
 * half-written tables.
 *
 * Another mode is the exception: the kernel runs one XDP mode per device
 * (docs/kernel-facts.md), so each port is detached and attached again in
 * the other mode right after, everything loaded before: frames in that
 * gap go to Linux, which routes them. */
#include <errno.h>
#include <string.h>

#include "controller/ctl_priv.h"
#include "controller/router_apply.h"

static bool in_list(const int *l, int n, int ifx)
{
	for (int i = 0; i < n; i++)
		if (l[i] == ifx)
			return true;
	return false;
}

/* The router's entries out of a bridge pipeline OLD it leaves (or never
 * got to run in): its routed ports WAS (not attached there by now) and
 * the rifs of the plans before and now (a bridge pipeline without the
 * router's code does not read them; one with it must not route through
 * a bridge the router left). */
static void drop_entries(struct tna_ctl *c, struct tna_dp *old, const int *was, int n_was)
{
	const struct tna_router_plan *ps[2] = { &c->rt->prev, &c->rt->plan };

	for (int i = 0; i < n_was; i++) {
		tna_dp__port_del(old, was[i]);
		tna_dp__rif_del(old, was[i]);
	}
	for (int k = 0; k < 2; k++)
		for (int i = 0; ps[k]->ok && i < ps[k]->n_ifs; i++)
			if (ps[k]->ifs[i].bridge || ps[k]->ifs[i].brport)
				tna_dp__rif_del(old, ps[k]->ifs[i].ifindex);
}

int tna_ctl_rt_move(struct tna_ctl *c, struct tna_dp *want, int want_bridge)
{
	struct tna_rt_state *rt = c->rt;
	struct tna_dp *old = rt->host, *ndp = want;
	bool old_own = rt->own != NULL;
	int was[TNA_RT_MAX_ATTACHED], n_was = rt->n_attached;
	int added[TNA_RT_MAX_ATTACHED], n = 0, err, moved = 0, gaps = 0;
	enum tna_target t = tna_rt_own_target(rt, c->o.target);
	struct tna_rtf *nf = NULL;
	struct br_state *hb;
	enum tna_target old_t, new_t;
	uint64_t t0 = now_ns(), t_ready, t_switch;

	if (!old || old == want)
		return -EINVAL;
	hb = br_find(c, rt->host_bridge);
	old_t = old_own ? rt->own_target : hb ? hb->plan.target : TNA_TARGET_NONE;
	hb = br_find(c, want_bridge);
	new_t = want ? (hb ? hb->plan.target : TNA_TARGET_NONE) : t;
	memcpy(was, rt->attached, sizeof(was[0]) * (size_t)n_was);
	if (!ndp) {
		tna_ctl_busy(c);
		ndp = tna_rt_load_own(rt, t, 0, rt->force, NULL);
		if (!ndp)
			return -errno;
		tna_rt_arm(rt, ndp);	/* --sync waits for it too */
	}
	err = tna_router_plan_apply(ndp, &rt->plan, rt->walk_ports, rt->n_walk, added,
				    TNA_RT_MAX_ATTACHED, &n);
	if (!err)
		err = tna_rt_filter_start(rt, ndp, &nf);
	if (err) {	/* nothing switched: the new host loses what it got */
		if (want)
			drop_entries(c, ndp, added, n);
		else
			tna_dp__destroy(ndp);
		return err;
	}

	t_ready = now_ns();
	/* From here on the new host is the router's: held like the old. */
	rt->host = ndp;
	rt->own = want ? NULL : ndp;
	if (!want) {
		rt->own_target = t;
		c->rt_trips_seen = 0;	/* a new family: its own dead-man count */
	}
	rt->host_bridge = want_bridge;
	memcpy(rt->attached, added, sizeof(added[0]) * (size_t)n);
	rt->n_attached = n;
	tna_ctl_rehold_router(c);
	for (int i = 0; i < n_was; i++)	/* no longer routed: to Linux first */
		if (!in_list(added, n, was[i]))
			tna_dp__detach(old, was[i]);
	rt->n_attached = 0;
	for (int i = 0; i < n; i++) {
		if (in_list(was, n_was, added[i])) {
			err = tna_dp__move(old, ndp, added[i]);
			if (!err) {
				rt->attached[rt->n_attached++] = added[i];
				moved++;
				gaps += old_t != new_t;
				continue;
			}
			logf_(c, TNA_CTL_ERROR, "router: port ifindex %d not moved (%s): attached again",
			      added[i], strerror(-err));
			tna_dp__detach(old, added[i]);
		}
		tna_ctl_rt_attach(c, added[i]);
	}
	t_switch = now_ns();
	/* Every port left the old host: it loses the router. */
	if (old_own) {
		tna_ctl_busy(c);	/* freeing its maps waits for grace periods */
		tna_dp__destroy(old);
	}
	else
		drop_entries(c, old, was, n_was);
	tna_rt_filter_swap(rt, nf);
	if (!want)
		rt->xlated = tna_dp__xlated_insns(ndp);
	c->redeploys++;
	logf_(c, TNA_CTL_INFO, "router: moved to %s%s%s: %d routed port(s) switched %s, "
	      "%d attached (ready in %.1f ms, switched in %.1f ms, old host cleared in %.1f ms)",
	      want ? "the pipeline of " : "its own pipeline",
	      want && hb ? hb->plan.name : "",
	      want ? "" : t == TNA_TARGET_NATIVE ? " (native)" : " (generic)",
	      moved, gaps ? "by detach and attach (another XDP mode)" : "atomically",
	      rt->n_attached, (t_ready - t0) / 1e6, (t_switch - t_ready) / 1e6,
	      (now_ns() - t_switch) / 1e6);
	return 0;
}

/* A port that changes between a bridge's pipeline and the router's own
 * keeps a program: its link is moved (tna_dp__move), not detached from
 * one and attached to the other. */
int tna_ctl_rt_give(struct tna_ctl *c, struct tna_dp *to, int ifindex)
{
	struct tna_rt_state *rt = c->rt;
	int err;

	if (!rt->host || !in_list(rt->attached, rt->n_attached, ifindex) ||
	    tna_rt_routes(rt, ifindex))
		return -ENOENT;
	if (rt->host != to) {	/* the same pipeline: the link stays, the bridge owns it */
		err = tna_dp__move(rt->host, to, ifindex);
		if (err)
			return err;
		tna_dp__port_del(rt->host, ifindex);
		tna_dp__rif_del(rt->host, ifindex);
	}
	for (int i = 0; i < rt->n_attached; i++)
		if (rt->attached[i] == ifindex)
			rt->attached[i] = rt->attached[--rt->n_attached];
	logf_(c, TNA_CTL_VERBOSE, "router: ifindex %d handed to a bridge's pipeline", ifindex);
	return 0;
}

static int take_from_bridge(struct tna_ctl *c, int ifindex)
{
	struct tna_rt_state *rt = c->rt;
	const struct tna_link *l = tna_model_link(c->m, ifindex);

	for (int i = 0; i < c->nbr; i++) {
		struct br_state *b = &c->br[i];

		if (!b->dp || !tna_ctl_is_attached(b, ifindex) || (l && l->master == b->ifindex) ||
		    rt->n_attached >= TNA_RT_MAX_ATTACHED)
			continue;	/* still its port: not the router's */
		/* in the pipeline that hosts the router the link stays and the
		 * port's entry is already the routed one */
		if (b->dp != rt->host) {
			if (tna_dp__move(b->dp, rt->host, ifindex))
				return -ENOENT;
			tna_dp__port_del(b->dp, ifindex);
		}
		for (int k = 0; k < b->n_attached; k++)
			if (b->attached[k] == ifindex)
				b->attached[k] = b->attached[--b->n_attached];
		rt->attached[rt->n_attached++] = ifindex;
		logf_(c, TNA_CTL_VERBOSE, "router: ifindex %d taken from %s's pipeline", ifindex,
		      b->plan.name);
		return 0;
	}
	return -ENOENT;
}

void tna_ctl_rt_attach(struct tna_ctl *c, int ifindex)
{
	if (take_from_bridge(c, ifindex) && tna_rt_attach(c->rt, ifindex))
		logf_(c, TNA_CTL_ERROR, "router: %s", c->rt->error);
}
