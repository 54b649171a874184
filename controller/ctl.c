/* The controller: plan, deploy, keep coherent, redeploy.
 *
 * Redeploy policy when the configuration changes (any link, sysctl or
 * netfilter event marks the plans dirty; they are recomputed once the
 * pending events are drained):
 *   - same target and modules: only the port table changes (STP state,
 *     flags), new ports are attached, removed ones detached;
 *   - same target, other modules (e.g. br_netfilter called, rules
 *     appeared, the router it hosts needs other code): the new pipeline
 *     is loaded first, sharing the maps, then swapped in atomically on
 *     every port (tna_dp__replace); the router: controller/router_swap.c;
 *   - other target (generic <-> native) or nothing to deploy any more: the
 *     old pipeline is detached first (Linux forwards alone meanwhile, which
 *     is safe), then the new one attached. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assembler/input.h"
#include "common/nl.h"
#include "controller/ctl_priv.h"
#include "controller/peer_watch.h"
#include "controller/nic_sync.h"

/* --- setup ------------------------------------------------------------ */

struct tna_ctl *tna_ctl_new(const struct tna_ctl_opts *opts)
{
	struct tna_ctl *c = calloc(1, sizeof(*c));
	int e;

	if (!c)
		return NULL;
	c->o = *opts;
	tna_evq_init(&c->evq);
	c->rt = calloc(1, sizeof(*c->rt));
	if (!c->rt)
		goto err;
	c->rt->disabled = opts->no_router;
	c->rt->no_filter = opts->no_filter;
	c->rt->target = opts->target;
	c->rt->force = opts->force;
	c->rt->deadman_ns = TNA_CTL_DEADMAN_NS;
	c->rt->grace_ns = TNA_CTL_GRACE_NS;
	c->m = tna_model_new();
	if (!c->m)
		goto err;
	/* The model's dump holds every change before this. */
	c->synced = now_ns();
	c->w = tna_watch_open(c->m, tna_ctl_on_event, c);
	if (!c->w)
		goto err;
	c->pw = tna_port_watch_open();
	if (!c->pw)
		goto err;
	c->xw = tna_xmit_watch_open();	/* before the first deploy reads ndo-xmit */
	c->peers = tna_peer_watch_open();	/* before it reads the peers */
	if (c->o.poll_ms)
		tna_watch_set_poll_ms(c->w, c->o.poll_ms);
	/* Learning bursts must not overflow into resyncs (a resync holds
	 * every bridge on Linux until the fresh dump is in the tables: about
	 * a second at 200k FDB entries, more under load).  Learning 200k MACs at once queued up to
	 * 66 MB here, at the edge of the 64 MB a 32 MB request gives (the
	 * kernel doubles it); 128 MB (256 MB) leaves four times that.  Only
	 * what is queued takes memory. */
	tna_watch_set_rcvbuf(c->w, 128 << 20);
	/* Test switch: a tiny event buffer forces ENOBUFS (full resync). */
	if (getenv("TNA_WATCH_RCVBUF"))
		tna_watch_set_rcvbuf(c->w, atoi(getenv("TNA_WATCH_RCVBUF")));
	c->nl = tna_nl_open(NETLINK_ROUTE);
	if (!c->nl)
		goto err;
	tna_debounce_init(&c->db, c->o.debounce_quiet_ms ? c->o.debounce_quiet_ms : 5,
			  c->o.debounce_max_ms ? c->o.debounce_max_ms : 20);
	e = tna_caps_probe_system(&c->sys);
	if (e < 0) {
		errno = -e;
		goto err;
	}
	return c;
err:
	e = errno;
	tna_ctl_free(c);
	errno = e;
	return NULL;
}

/* --- planning --------------------------------------------------------- */

static bool selected(const struct tna_ctl *c, const char *name)
{
	int i;

	if (!c->o.n_bridges)
		return true;
	for (i = 0; i < c->o.n_bridges; i++)
		if (!strcmp(c->o.bridges[i], name))
			return true;
	return false;
}

int tna_ctl_collect_bridge(const struct tna_link *l, void *ctx)
{
	struct tna_ctl_collect *k = ctx;

	if (l->is_bridge && selected(k->c, l->name) && k->n < TNA_CTL_MAX_BRIDGES)
		k->ifx[k->n++] = l->ifindex;
	return 0;
}

int tna_ctl_plan_one(struct tna_ctl *c, int ifindex, struct tna_bridge_plan *p)
{
	struct tna_plan_bridge_in in;
	struct tna_plan_opts po = {
		.sz = sizeof(po), .target = c->o.target, .force = c->o.force,
		.sys = &c->sys,
		.dp_validates_ip = true,	/* bpf/fpm/brnf.h */
	};
	int ret = tna_ctl_fdb_mode_opt(c, &po.fdb_mirror);

	if (!ret)
		ret = tna_plan_input_build(c->m, c->devs, c->ndevs, ifindex, &in);
	if (ret)
		return ret;
	tna_plan_input_peers(&in);
	ret = tna_plan_bridge(&in, &po, p);
	tna_plan_input_free(&in);
	return ret;
}

static struct tna_dp *load_plan(const struct tna_rt_state *rt,
				const struct tna_bridge_plan *p, uint64_t fpms,
				bool br_nf, const struct tna_dp *share, bool force)
{
	struct tna_dp_opts o = {
		.sz = sizeof(o), .target = p->target, .fpms = fpms,
		.bridge_ifindex = p->ifindex, .br_netfilter = br_nf,
		.force = force, .share_maps_with = share,
	};

	memcpy(o.bridge_mac, p->mac, 6);
	/* The bridge with an address: its pipeline routes too (one parser,
	 * one devmap shared by bridged and routed ports). */
	if (rt && fpms != TNA_FPM_ALL && tna_rt_host_bridge(rt) == p->ifindex)
		tna_rt_dp_opts(rt, &o);
	/* Test switch: make every load fail as a verifier reject would, to
	 * test that the bridge then stays on plain Linux with the reason. */
	if (getenv("TNA_FAULT_LOAD")) {
		errno = EACCES;
		return NULL;
	}
	return tna_dp__load(&o);
}

/* Load the plan and an all-modules build, keep their xlated counts. */
static int measure(struct tna_ctl *c, struct tna_bridge_plan *p)
{
	struct tna_dp *dp, *all;

	dp = load_plan(c->rt, p, p->fpms, p->br_netfilter, NULL, false);
	if (!dp)
		return -errno;
	p->xlated_insns = tna_dp__xlated_insns(dp);
	tna_dp__destroy(dp);
	/* for comparison only: a verifier that refuses a module this plan
	 * does not use must not stop the plan (0: not known) */
	all = load_plan(c->rt, p, TNA_FPM_ALL, false, NULL, false);
	p->xlated_insns_all = all ? tna_dp__xlated_insns(all) : 0;
	tna_dp__destroy(all);
	tna_plan_budget_check(p);
	return 0;
}

int tna_ctl_plan(struct tna_ctl *c, bool load)
{
	struct tna_ctl_collect k = { .c = c };
	int i, j, ret;

	ret = tna_ctl_reprobe(c);
	if (ret)
		return ret;
	/* The router first: a bridge it is composed with loads its modules. */
	ret = tna_rt_replan(c->rt, c->m, c->devs, c->ndevs);
	if (ret < 0)
		return ret;
	tna_model_for_each_link(c->m, tna_ctl_collect_bridge, &k);
	for (i = 0; i < c->o.n_bridges; i++) {
		const struct tna_link *l = tna_model_link_by_name(c->m, c->o.bridges[i]);

		if (!l || !l->is_bridge) {
			logf_(c, TNA_CTL_ERROR, "%s: %s", c->o.bridges[i],
			      l ? "not a bridge" : "no such interface");
			return -ENODEV;
		}
	}
	for (i = 0; i < c->nbr; i++)
		c->br[i].present = false;
	for (j = 0; j < k.n; j++) {
		struct br_state *b = br_find(c, k.ifx[j]);

		if (!b) {
			if (c->nbr == TNA_CTL_MAX_BRIDGES)
				break;
			b = &c->br[c->nbr++];
			memset(b, 0, sizeof(*b));
			b->ifindex = k.ifx[j];
		}
		b->present = true;
		if (b->dp)
			continue;	/* deployed ones are replanned by tna_ctl_redeploy() */
		tna_plan_bridge_free(&b->plan);
		ret = tna_ctl_plan_one(c, b->ifindex, &b->plan);
		if (ret)
			return ret;
	}
	ret = tna_ctl_rt_walk(c);	/* the router's host needs every bridge's plan */
	for (i = 0; !ret && load && i < c->nbr; i++) {
		struct br_state *b = &c->br[i];

		if (b->present && !b->dp && b->plan.ok && (ret = measure(c, &b->plan)))
			logf_(c, TNA_CTL_ERROR, "%s: cannot load the pipeline: %s",
			      b->plan.name, strerror(-ret));
	}
	if (ret)
		return ret;
	if (load && c->rt->plan.ok) {
		struct br_state *hb = br_find(c, tna_rt_host_bridge(c->rt));

		if (!hb || !hb->plan.ok) {
			ret = tna_rt_measure(c->rt, c->o.target);
			if (ret) {
				logf_(c, TNA_CTL_ERROR, "router: cannot load the pipeline: %s",
				      strerror(-ret));
				return ret;
			}
		}
	}
	return 0;
}

int tna_ctl_n_plans(const struct tna_ctl *c)
{
	return c->nbr;
}

const struct tna_bridge_plan *tna_ctl_plan_get(const struct tna_ctl *c, int i)
{
	return i >= 0 && i < c->nbr ? &c->br[i].plan : NULL;
}

/* --- deployment ------------------------------------------------------- */

static void detach_port(struct tna_ctl *c, struct br_state *b, int k)
{
	int ifx = b->attached[k];

	tna_dp__detach(b->dp, ifx);
	tna_dp__port_del(b->dp, ifx);
	b->attached[k] = b->attached[--b->n_attached];
	logf_(c, TNA_CTL_VERBOSE, "%s: detached ifindex %d", b->plan.name, ifx);
}

/* Make the attached set and the port table follow plan P: the ports
 * whose stage list (controller/stage_plan.c) runs P's bridge stage. */
static int sync_ports(struct tna_ctl *c, struct br_state *b,
		      const struct tna_bridge_plan *p)
{
	struct tna_port_cfg cfg;
	int joins[MAX_ATTACHED], nj = tna_ctl_stage_members(c, p, joins, MAX_ATTACHED);
	int i, ret, err = 0;

	if (nj < 0)
		return nj;
	b->error[0] = 0;	/* a foreign program is reported while it stays */
	for (i = b->n_attached - 1; i >= 0; i--)
		if (!tna_ifx_in(joins, nj, b->attached[i]))
			detach_port(c, b, i);
	for (i = 0; i < p->n_ports; i++) {
		const struct tna_port_plan *pp = &p->ports[i];
		const struct tna_link *l = tna_model_link(c->m, pp->ifindex);

		if (!tna_ifx_in(joins, nj, pp->ifindex) || !l)
			continue;
		if (!tna_ctl_port_cfg(c, b->ifindex, l, &cfg)) {
			/* left the bridge since the model said so: Linux only */
			tna_dp__port_del(b->dp, pp->ifindex);
			continue;
		}
		if (b->held)	/* released by tna_ctl_unhold() once up to date */
			cfg.stp_state = TNA_STP_HELD;
		ret = tna_dp__port_set(b->dp, pp->ifindex, &cfg);
		if (ret) {
			logf_(c, TNA_CTL_ERROR, "%s: port %s: %s", p->name,
			      pp->name, strerror(-ret));
			err = err ? err : ret;
			continue;
		}
		if (tna_ctl_is_attached(b, pp->ifindex))
			continue;
		ret = tna_ctl_rt_give(c, b->dp, pp->ifindex);	/* was routed: moved */
		if (ret == -ENOENT)
			ret = tna_dp__attach(b->dp, pp->ifindex);
		if (ret == -EEXIST) {
			uint32_t id = 0;
			char name[16] = "";

			tna_dp__foreign(pp->ifindex, &id, name);
			/* Not fought: reported in --status until it goes. */
			snprintf(b->error, sizeof(b->error),
				 "port %s has a foreign XDP program (id %u \"%s\"): left alone",
				 pp->name, id, name);
			logf_(c, TNA_CTL_ERROR,
			      "%s: port %s has a foreign XDP program (id %u \"%s\"): not replaced without --force",
			      p->name, pp->name, id, name);
		} else if (ret) {
			logf_(c, TNA_CTL_ERROR, "%s: attach to %s: %s", p->name,
			      pp->name, strerror(-ret));
		}
		if (ret) {
			tna_dp__port_del(b->dp, pp->ifindex);
			err = err ? err : ret;
			continue;
		}
		if (b->n_attached < MAX_ATTACHED)
			b->attached[b->n_attached++] = pp->ifindex;
		logf_(c, TNA_CTL_VERBOSE, "%s: attached %s (%s)", p->name,
		      pp->name, tna_target_name(p->target));
	}
	return err;
}

void tna_ctl_teardown(struct tna_ctl *c, struct br_state *b)
{
	if (!b)
		return;
	tna_spares_clear(&b->spares);	/* they share the maps of b->dp */
	if (!b->dp)
		return;
	/* The router it hosts moves out to its own pipeline first
	 * (controller/router_move.c), not stopped with it. */
	if (c->rt->host == b->dp && c->rt->host_bridge &&
	    (!c->rt->plan.ok || tna_ctl_rt_move(c, NULL, 0))) {
		tna_rt_stop(c->rt, true);
		logf_(c, TNA_CTL_VERBOSE, "router: stopped with the pipeline of %s", b->plan.name);
	}
	tna_dp__destroy(b->dp);	/* detaches every port */
	b->dp = NULL;
	b->n_attached = 0;
	tna_fdb_mirror_fini(&b->mirror);
	logf_(c, TNA_CTL_VERBOSE, "%s: fast path removed", b->plan.name);
}

static int deploy_fresh(struct tna_ctl *c, struct br_state *b)
{
	int ret;

	tna_ctl_busy(c);
	tna_ctl_rt_walk(c);	/* this plan may make the bridge the router's host */
	b->dp = load_plan(c->rt, &b->plan, b->plan.fpms, b->plan.br_netfilter, NULL,
			  c->o.force);
	if (!b->dp) {
		ret = -errno;
		snprintf(b->error, sizeof(b->error), "cannot load the %s pipeline: %s",
			 tna_target_name(b->plan.target), strerror(-ret));
		logf_(c, TNA_CTL_ERROR, "%s: %s: plain Linux", b->plan.name, b->error);
		return ret;
	}
	b->error[0] = 0;
	tna_rt_code_for(c->rt, b->ifindex, &b->rt_code);
	b->plan.xlated_insns = tna_dp__xlated_insns(b->dp);
	tna_plan_budget_check(&b->plan);
	b->trips_seen = 0;
	tna_ctl_fdb_start(c, b);
	ret = sync_ports(c, b, &b->plan);
	tna_nic_sync(b->dp, &b->plan, c->m, c->pw, c->devs, c->ndevs, &c->o);
	if (!b->n_attached) {
		tna_ctl_teardown(c, b);
		return ret ? ret : -ENODEV;
	}
	return ret;
}

int tna_ctl_deploy(struct tna_ctl *c)
{
	int i, ret, err = 0;

	tna_ctl_own_start(c, false);
	for (i = 0; i < c->nbr; i++) {
		struct br_state *b = &c->br[i];

		if (b->plan.refused) {
			logf_(c, TNA_CTL_ERROR, "%s: %s", b->plan.name, b->plan.reason);
			err = err ? err : -EINVAL;
			continue;
		}
		if (!b->plan.ok || b->dp)
			continue;
		ret = deploy_fresh(c, b);
		if (ret)
			err = err ? err : ret;
	}
	ret = tna_ctl_rt_sync(c);
	tna_ctl_own_start(c, true);
	return err ? err : ret;
}

int tna_ctl_n_running(const struct tna_ctl *c)
{
	int i, n = 0;

	for (i = 0; i < c->nbr; i++)
		n += c->br[i].dp != NULL;
	return n;
}

void tna_ctl_redeploy(struct tna_ctl *c, struct br_state *b)
{
	struct tna_bridge_plan np;
	struct tna_rt_code rtc;
	struct tna_dp *ndp;
	int ret;

	if (tna_ctl_plan_one(c, b->ifindex, &np)) {
		tna_ctl_teardown(c, b);
		tna_plan_bridge_free(&b->plan);
		b->present = false;
		return;
	}
	if (!b->dp || !np.ok || np.target != b->plan.target || np.fdb_mode != b->plan.fdb_mode) {
		bool was = b->dp != NULL;

		tna_ctl_teardown(c, b);
		tna_plan_bridge_free(&b->plan);
		b->plan = np;
		if (np.ok && !deploy_fresh(c, b)) {
			c->redeploys++;
			logf_(c, TNA_CTL_INFO, "%s: deployed %s (%s)", np.name,
			      tna_target_name(np.target), np.reason);
		} else if (was) {
			logf_(c, TNA_CTL_INFO, "%s: back to plain Linux: %s",
			      np.name, np.reason);
		}
		return;
	}
	tna_rt_code_for(c->rt, b->ifindex, &rtc);	/* the router's part of its code */
	/* The bridge's MAC is a table value (a port with a lower MAC joined
	 * or left): written in place, the ports held on Linux meanwhile
	 * (controller/restrict.c). */
	if (memcmp(np.mac, b->plan.mac, 6))
		tna_dp__set_bridge_mac(b->dp, np.mac);
	if (np.fpms != b->plan.fpms || np.br_netfilter != b->plan.br_netfilter ||
	    !tna_rt_code_same(&rtc, &b->rt_code)) {
		/* The old pipeline may not implement the new configuration
		 * (e.g. it was built without the port-flags module): Linux
		 * takes every frame until the new one is loaded and swapped. */
		uint64_t t_load = now_ns(), t_swap;
		const char *why = np.br_netfilter ? "br_netfilter" :
				  np.fpms != b->plan.fpms ? "modules changed" :
				  "router changed";
		struct tna_spare_key key = { np.fpms, np.br_netfilter, rtc };
		bool spare;

		ndp = tna_spares_take(&b->spares, &key);	/* loaded and verified before */
		spare = ndp != NULL;
		/* Held also for a kept pipeline: its port slots are synced
		 * before the swap (one prog-array update for all ports). */
		tna_ctl_hold(c, b, "while the new pipeline loads");
		if (spare) {
			tna_dp__sync_slots(ndp, b->dp);
		} else {
			tna_ctl_busy(c);
			ndp = load_plan(c->rt, &np, np.fpms, np.br_netfilter, b->dp, c->o.force);
		}
		t_load = now_ns() - t_load;
		if (!ndp) {
			snprintf(b->error, sizeof(b->error), "new pipeline failed to load: %s",
				 strerror(errno));
			logf_(c, TNA_CTL_ERROR, "%s: %s: plain Linux", np.name, b->error);
			tna_ctl_teardown(c, b);
			tna_plan_bridge_free(&b->plan);
			b->plan = np;
			return;
		}
		t_swap = now_ns();
		ret = tna_dp__replace(b->dp, ndp);
		t_swap = now_ns() - t_swap;
		if (ret) {
			logf_(c, TNA_CTL_ERROR, "%s: atomic replace failed (%s): redeploying",
			      np.name, strerror(-ret));
			tna_dp__destroy(ndp);
			tna_ctl_teardown(c, b);
			tna_plan_bridge_free(&b->plan);
			b->plan = np;
			deploy_fresh(c, b);
			return;
		}
		/* Keep the old one (now without links) for a swap back. */
		key = (struct tna_spare_key){ b->plan.fpms, b->plan.br_netfilter, b->rt_code };
		tna_spares_put(&b->spares, b->dp, &key);
		b->rt_code = rtc;
		if (c->rt->host == b->dp)
			tna_rt_host_replaced(c->rt, ndp);
		b->dp = ndp;
		b->mirror.sink = ndp;
		np.xlated_insns = tna_dp__xlated_insns(ndp);
		c->redeploys++;
		logf_(c, TNA_CTL_INFO, "%s: pipeline replaced atomically (%s; %s in %.1f ms, swap %.1f ms)",
		      np.name, why,
		      spare ? "kept loaded, slots synced" : "loaded and verified",
		      t_load / 1e6, t_swap / 1e6);
	} else {
		np.xlated_insns = b->plan.xlated_insns;
	}
	np.xlated_insns_all = b->plan.xlated_insns_all;
	tna_plan_budget_check(&np);
	if (np.keepalive_ms != b->plan.keepalive_ms) {	/* ageing_time changed */
		uint64_t next = now_ns() + np.keepalive_ms * 1000000ull;

		if (next < b->next_ka_ns)
			b->next_ka_ns = next;
	}
	tna_ctl_ports_now(c);	/* what changed while the pipeline loaded */
	sync_ports(c, b, &np);
	tna_nic_sync(b->dp, &np, c->m, c->pw, c->devs, c->ndevs, &c->o);
	tna_plan_bridge_free(&b->plan);
	b->plan = np;
	if (!b->n_attached) {
		tna_ctl_teardown(c, b);
		logf_(c, TNA_CTL_INFO, "%s: no port left attached: plain Linux", np.name);
	}
}

void tna_ctl_free(struct tna_ctl *c)
{
	int i;

	if (!c)
		return;
	if (c->turns)
		tna_ctl_log_health(c);
	if (c->rt)	/* first: the bridges' teardown would move it */
		tna_rt_stop(c->rt, false);
	for (i = 0; i < c->nbr; i++) {
		tna_ctl_teardown(c, &c->br[i]);
		tna_plan_bridge_free(&c->br[i].plan);
	}
	free(c->rt);
	if (c->o.state_path)
		unlink(c->o.state_path);
	tna_watch_close(c->w);
	tna_port_watch_close(c->pw);
	tna_xmit_watch_close(c->xw);
	tna_peer_watch_close(c->peers);
	tna_vlan_watch_close(c->vw);
	free(c->seen);
	tna_evq_free(&c->evq);
	tna_model_free(c->m);
	tna_nl_close(c->nl);
	free(c->devs);
	free(c->stale.ifx);
	free(c);
}
