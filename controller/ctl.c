/* The controller: plan, deploy, keep coherent, redeploy.
 *
 * Redeploy policy when the configuration changes (any link, sysctl or
 * netfilter event marks the plans dirty; they are recomputed once the
 * pending events are drained):
 *   - same target and modules: only the port table changes (STP state,
 *     flags), new ports are attached, removed ones detached;
 *   - same target, other modules (e.g. a port became isolated, rules
 *     appeared): the new pipeline is loaded first, sharing the maps, then
 *     swapped in atomically on every port (tna_dp__replace);
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
#include <poll.h>
#include <sys/signalfd.h>
#include <json-c/json.h>

#include "assembler/input.h"
#include "common/nl.h"
#include "controller/ctl_priv.h"
#include "controller/nic_sync.h"
#include "controller/recheck.h"

static const char *fmt_mac(const uint8_t *m, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		m[4], m[5]);
	return buf;
}

/* --- model events ---------------------------------------------------- */

/* A configuration event: start or extend the pending burst. */
static void note_event(struct tna_ctl *c, enum tna_obj obj, enum tna_op op,
		       const void *item)
{
	if (!tna_debounce_pending(&c->db)) {
		if (obj == TNA_OBJ_LINK && item)
			snprintf(c->first_event, sizeof(c->first_event), "link %s %s",
				 ((const struct tna_link *)item)->name, tna_op_name(op));
		else
			snprintf(c->first_event, sizeof(c->first_event), "%s %s",
				 tna_obj_name(obj), tna_op_name(op));
	}
	tna_debounce_event(&c->db, now_ns());
	c->restrict_check = true;	/* after this read: controller/restrict.c */
}

static bool is_attached(const struct br_state *b, int ifx);

/* A port's STP state, flags or membership changed: the fast path follows
 * at once, before the (slower) replan of the whole bridge, so frames do
 * not keep taking the fast path through a port that just left, blocks or
 * went down.  A port that left stays attached until the replan detaches
 * it, but without a port entry all its frames go to Linux (not_a_port). */
static void port_now(struct tna_ctl *c, enum tna_op op, const struct tna_link *l)
{
	struct tna_port_cfg cfg;
	int i;

	for (i = 0; i < c->nbr; i++) {
		struct br_state *b = &c->br[i];

		if (!b->dp || !is_attached(b, l->ifindex))
			continue;
		if (op == TNA_OP_DEL || !l->is_port || l->master != b->ifindex) {
			tna_dp__port_del(b->dp, l->ifindex);
			tna_nic_port_now(b->dp, l, true);
		} else {
			tna_ctl_port_cfg(l, &cfg);
			if (b->held)	/* until the replan: controller/restrict.c */
				cfg.stp_state = TNA_STP_HELD;
			tna_dp__port_set(b->dp, l->ifindex, &cfg);
			tna_nic_port_now(b->dp, l, false);
		}
	}
}

/* One FDB or link event, when the controller acts on it (at once, or
 * late with the test latency switch). */
static void handle_event(struct tna_ctl *c, enum tna_obj obj, enum tna_op op,
			 const void *item)
{
	const struct tna_fdb *f;
	struct br_state *b;
	char mac[18];

	if (obj == TNA_OBJ_LINK) {
		port_now(c, op, item);
		tna_rt_link_changed(c->rt, ((const struct tna_link *)item)->ifindex);
		c->dirty = true;
		note_event(c, obj, op, item);
		return;
	}
	f = item;
	b = br_find(c, f->master);
	if (!b || !b->dp)
		return;
	c->fdb_batch++;
	if (tna_fdb_mirror_apply(&b->mirror, op, f))
		logf_(c, TNA_CTL_ERROR, "%s: fdb mirror %s %s failed",
		      b->plan.name, tna_op_name(op), fmt_mac(f->mac, mac));
	else
		logf_(c, TNA_CTL_VERBOSE, "%s: fdb %s %s port %d vlan %u",
		      b->plan.name, tna_op_name(op), fmt_mac(f->mac, mac),
		      f->port, f->vlan);
}

static void on_event(void *ctx, enum tna_obj obj, enum tna_op op, const void *item)
{
	struct tna_ctl *c = ctx;

	switch (obj) {
	case TNA_OBJ_FDB:
	case TNA_OBJ_LINK:
		if (tna_evq_on(&c->evq) && !tna_evq_push(&c->evq, now_ns(), obj, op, item))
			return;
		handle_event(c, obj, op, item);
		return;
	case TNA_OBJ_ROUTE:	/* local/broadcast/anycast routes: martian sources */
		if (((const struct tna_route *)item)->type == 1 /* RTN_UNICAST */)
			return;
		c->dirty = true;
		note_event(c, obj, op, item);
		return;
	case TNA_OBJ_RESYNC:
		c->resync = true;
		/* fall through */
	case TNA_OBJ_ADDR:	/* what the router routes, a bridge with an address */
	case TNA_OBJ_SYSCTL:
	case TNA_OBJ_NETFILTER:
	case TNA_OBJ_XFRM:	/* IPsec policies and SAs: the router's families */
		c->dirty = true;
		note_event(c, obj, op, item);
		return;
	default:
		return;
	}
}

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
	c->rt->target = opts->target;
	c->rt->force = opts->force;
	c->m = tna_model_new();
	if (!c->m)
		goto err;
	c->w = tna_watch_open(c->m, on_event, c);
	if (!c->w)
		goto err;
	if (c->o.poll_ms)
		tna_watch_set_poll_ms(c->w, c->o.poll_ms);
	/* Learning bursts (100k MACs) must not overflow into resyncs. */
	tna_watch_set_rcvbuf(c->w, 32 << 20);
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

struct collect { struct tna_ctl *c; int ifx[TNA_CTL_MAX_BRIDGES]; int n; };

static int collect_bridge(const struct tna_link *l, void *ctx)
{
	struct collect *k = ctx;

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
	int ret = tna_plan_input_build(c->m, c->devs, c->ndevs, ifindex, &in);

	if (ret)
		return ret;
	tna_plan_input_peers(&in);
	ret = tna_plan_bridge(&in, &po, p);
	tna_plan_input_free(&in);
	return ret;
}

static int reprobe(struct tna_ctl *c)
{
	free(c->devs);
	c->devs = NULL;
	c->ndevs = 0;
	return tna_caps_probe_all(&c->devs, &c->ndevs);
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
	all = load_plan(c->rt, p, TNA_FPM_ALL, false, NULL, false);
	if (!all)
		return -errno;
	p->xlated_insns_all = tna_dp__xlated_insns(all);
	tna_dp__destroy(all);
	tna_plan_budget_check(p);
	return 0;
}

int tna_ctl_plan(struct tna_ctl *c, bool load)
{
	struct collect k = { .c = c };
	int i, j, ret;

	ret = reprobe(c);
	if (ret)
		return ret;
	/* The router first: a bridge it is composed with loads its modules. */
	ret = tna_rt_replan(c->rt, c->m, c->devs, c->ndevs);
	if (ret < 0)
		return ret;
	tna_model_for_each_link(c->m, collect_bridge, &k);
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
			continue;	/* deployed ones are replanned by redeploy() */
		tna_plan_bridge_free(&b->plan);
		ret = tna_ctl_plan_one(c, b->ifindex, &b->plan);
		if (ret)
			return ret;
		if (load && b->plan.ok) {
			ret = measure(c, &b->plan);
			if (ret) {
				logf_(c, TNA_CTL_ERROR, "%s: cannot load the pipeline: %s",
				      b->plan.name, strerror(-ret));
				return ret;
			}
		}
	}
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

void tna_ctl_port_cfg(const struct tna_link *l, struct tna_port_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->stp_state = l->port.state;
	cfg->flags = (l->port.learning ? TNA_PORT_F_LEARNING : 0) |
		     (l->port.flood ? TNA_PORT_F_FLOOD : 0) |
		     (l->port.isolated ? TNA_PORT_F_ISOLATED : 0) |
		     (l->port.locked ? TNA_PORT_F_LOCKED : 0) |
		     (l->tc_egress ? TNA_PORT_F_EGRESS_LINUX : 0) |
		     /* Linux answers ARP/ND itself on these ports */
		     (l->port.proxy_arp || l->port.neigh_suppress ?
		      TNA_PORT_F_SLOWPATH : 0);
}

static bool is_attached(const struct br_state *b, int ifx)
{
	int i;

	for (i = 0; i < b->n_attached; i++)
		if (b->attached[i] == ifx)
			return true;
	return false;
}

static bool in_plan(const struct tna_bridge_plan *p, int ifx)
{
	int i;

	for (i = 0; i < p->n_ports; i++)
		if (p->ports[i].ifindex == ifx && p->ports[i].accelerated)
			return true;
	return false;
}

static void detach_port(struct tna_ctl *c, struct br_state *b, int k)
{
	int ifx = b->attached[k];

	tna_dp__detach(b->dp, ifx);
	tna_dp__port_del(b->dp, ifx);
	b->attached[k] = b->attached[--b->n_attached];
	logf_(c, TNA_CTL_VERBOSE, "%s: detached ifindex %d", b->plan.name, ifx);
}

/* Make the attached set and the port table follow plan P. */
static int sync_ports(struct tna_ctl *c, struct br_state *b,
		      const struct tna_bridge_plan *p)
{
	struct tna_port_cfg cfg;
	int i, ret, err = 0;

	b->error[0] = 0;	/* a foreign program is reported while it stays */
	for (i = b->n_attached - 1; i >= 0; i--)
		if (!in_plan(p, b->attached[i]))
			detach_port(c, b, i);
	for (i = 0; i < p->n_ports; i++) {
		const struct tna_port_plan *pp = &p->ports[i];
		const struct tna_link *l = tna_model_link(c->m, pp->ifindex);

		if (!pp->accelerated || !l)
			continue;
		tna_ctl_port_cfg(l, &cfg);
		if (b->held)	/* released by tna_ctl_unhold() once up to date */
			cfg.stp_state = TNA_STP_HELD;
		ret = tna_dp__port_set(b->dp, pp->ifindex, &cfg);
		if (ret) {
			logf_(c, TNA_CTL_ERROR, "%s: port %s: %s", p->name,
			      pp->name, strerror(-ret));
			err = err ? err : ret;
			continue;
		}
		if (is_attached(b, pp->ifindex))
			continue;
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

static void teardown(struct tna_ctl *c, struct br_state *b)
{
	if (!b)
		return;
	tna_dp__destroy(b->spare);	/* shares the maps of b->dp */
	b->spare = NULL;
	if (!b->dp)
		return;
	if (c->rt->host == b->dp && c->rt->host_bridge) {
		tna_rt_stop(c->rt, true);
		logf_(c, TNA_CTL_VERBOSE, "router: stopped with the pipeline of %s", b->plan.name);
	}
	tna_dp__destroy(b->dp);	/* detaches every port */
	b->dp = NULL;
	b->n_attached = 0;
	logf_(c, TNA_CTL_VERBOSE, "%s: fast path removed", b->plan.name);
}

static int deploy_fresh(struct tna_ctl *c, struct br_state *b)
{
	int ret;

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
	b->plan.xlated_insns = tna_dp__xlated_insns(b->dp);
	tna_plan_budget_check(&b->plan);
	tna_fdb_mirror_init(&b->mirror, b->ifindex, b->dp);
	ret = tna_fdb_mirror_sync(&b->mirror, c->m);
	if (ret < 0)
		logf_(c, TNA_CTL_ERROR, "%s: fdb mirror fill: %s", b->plan.name,
		      strerror(-ret));
	b->mirror.last_round_ns = now_ns();
	b->next_ka_ns = b->mirror.last_round_ns + b->plan.keepalive_ms * 1000000ull;
	ret = sync_ports(c, b, &b->plan);
	tna_nic_sync(b->dp, &b->plan, c->m, c->devs, c->ndevs, &c->o);
	if (!b->n_attached) {
		teardown(c, b);
		return ret ? ret : -ENODEV;
	}
	return ret;
}

/* The router where the plan wants it: in the pipeline of the bridge it is
 * composed with when that one runs, else in its own pipeline. */
static int rt_sync(struct tna_ctl *c)
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

int tna_ctl_deploy(struct tna_ctl *c)
{
	int i, ret, err = 0;

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
	ret = rt_sync(c);
	return err ? err : ret;
}

int tna_ctl_n_running(const struct tna_ctl *c)
{
	int i, n = 0;

	for (i = 0; i < c->nbr; i++)
		n += c->br[i].dp != NULL;
	return n;
}

/* Replan bridge B after a change and apply the difference. */
static void redeploy(struct tna_ctl *c, struct br_state *b)
{
	struct tna_bridge_plan np;
	struct tna_dp *ndp;
	int ret;

	if (tna_ctl_plan_one(c, b->ifindex, &np)) {
		teardown(c, b);
		tna_plan_bridge_free(&b->plan);
		b->present = false;
		return;
	}
	if (!b->dp || !np.ok || np.target != b->plan.target) {
		bool was = b->dp != NULL;

		teardown(c, b);
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
	if (np.fpms != b->plan.fpms || np.br_netfilter != b->plan.br_netfilter ||
	    memcmp(np.mac, b->plan.mac, 6)) {
		/* The old pipeline may not implement the new configuration
		 * (e.g. it was built without the port-flags module, or for the
		 * bridge's old MAC, which is rodata): Linux takes every frame
		 * until the new one is loaded and swapped. */
		uint64_t t_load = now_ns(), t_swap;
		const char *why = np.br_netfilter ? "br_netfilter" :
				  np.fpms != b->plan.fpms ? "modules changed" :
				  "bridge MAC changed";
		bool spare = b->spare && b->spare_fpms == np.fpms &&
			     b->spare_br_nf == np.br_netfilter &&
			     !memcmp(b->spare_mac, np.mac, 6);

		/* Held also for a kept pipeline: its port slots are synced
		 * before the swap (one prog-array update for all ports). */
		tna_ctl_hold(c, b, "while the new pipeline loads");
		if (spare) {
			ndp = b->spare;	/* loaded and verified before */
			b->spare = NULL;
			tna_dp__sync_slots(ndp, b->dp);
		} else {
			ndp = load_plan(c->rt, &np, np.fpms, np.br_netfilter, b->dp, c->o.force);
		}
		t_load = now_ns() - t_load;
		if (!ndp) {
			snprintf(b->error, sizeof(b->error), "new pipeline failed to load: %s",
				 strerror(errno));
			logf_(c, TNA_CTL_ERROR, "%s: %s: plain Linux", np.name, b->error);
			teardown(c, b);
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
			teardown(c, b);
			tna_plan_bridge_free(&b->plan);
			b->plan = np;
			deploy_fresh(c, b);
			return;
		}
		/* Keep the old one (now without links) for a swap back. */
		tna_dp__destroy(b->spare);
		b->spare = b->dp;
		b->spare_fpms = b->plan.fpms;
		b->spare_br_nf = b->plan.br_netfilter;
		memcpy(b->spare_mac, b->plan.mac, 6);
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
	sync_ports(c, b, &np);
	tna_nic_sync(b->dp, &np, c->m, c->devs, c->ndevs, &c->o);
	tna_plan_bridge_free(&b->plan);
	b->plan = np;
	if (!b->n_attached) {
		teardown(c, b);
		logf_(c, TNA_CTL_INFO, "%s: no port left attached: plain Linux", np.name);
	}
}

/* --- event loop ------------------------------------------------------- */

static void replan_all(struct tna_ctl *c)
{
	int i, ret;

	uint64_t t0 = now_ns();

	c->dirty = false;
	if (reprobe(c))
		logf_(c, TNA_CTL_ERROR, "capabilities probe failed: keeping the last one");
	logf_(c, TNA_CTL_VERBOSE, "capabilities probe: %.1f ms", (now_ns() - t0) / 1e6);
	/* New bridges, vanished ones. */
	{
		struct collect k = { .c = c };
		int j;

		for (i = 0; i < c->nbr; i++)
			c->br[i].present = false;
		tna_model_for_each_link(c->m, collect_bridge, &k);
		for (j = 0; j < k.n; j++) {
			struct br_state *b = br_find(c, k.ifx[j]);

			if (!b && c->nbr < TNA_CTL_MAX_BRIDGES) {
				b = &c->br[c->nbr++];
				memset(b, 0, sizeof(*b));
				b->ifindex = k.ifx[j];
			}
			if (b)
				b->present = true;
		}
	}
	/* The router first: when its plan changes, the pipeline that hosts
	 * it (and the one that will) is reloaded from scratch below, with the
	 * new modules (Linux routes meanwhile, which is safe). */
	ret = tna_rt_replan(c->rt, c->m, c->devs, c->ndevs);
	if (ret < 0) {
		logf_(c, TNA_CTL_ERROR, "router: planning failed (%s): plain Linux", strerror(-ret));
		if (c->rt->host_bridge)
			teardown(c, br_find(c, c->rt->host_bridge));
		tna_rt_stop(c->rt, false);
		c->rt->plan.ok = false;
	} else if (ret > 0) {
		struct br_state *nb = br_find(c, tna_rt_host_bridge(c->rt));

		logf_(c, TNA_CTL_INFO, "router: plan changed: %s", c->rt->plan.reason);
		if (c->rt->host_bridge)
			teardown(c, br_find(c, c->rt->host_bridge));
		tna_rt_stop(c->rt, false);
		if (nb)
			teardown(c, nb);
	}
	for (i = 0; i < c->nbr; i++) {
		struct br_state *b = &c->br[i];

		if (!b->present) {
			teardown(c, b);
			continue;
		}
		/* After an overflow the model merges a fresh dump and emits the
		 * differences (FDB adds/dels reach the mirror through on_event):
		 * no clear-and-refill, which would send everything to Linux for
		 * a moment. */
		redeploy(c, b);
	}
	rt_sync(c);
	tna_ctl_rehold_router(c);	/* a restarted router stays held too */
	c->resync = false;
	tna_ctl_write_state(c);
}

/* Replan and redeploy once for the whole burst; the log line says which
 * event started it and when the new datapath was in place. */
static void apply_burst(struct tna_ctl *c)
{
	unsigned int n = c->db.events;
	uint64_t first = c->db.first_ns;
	unsigned long before = c->redeploys;
	bool resync = c->resync;

	replan_all(c);
	c->applied++;
	logf_(c, TNA_CTL_INFO,
	      "applied %u event(s) (first: %s%s) at %.6f, %.1f ms after the first: %s",
	      n, n ? c->first_event : "none", resync ? ", full resync" : "",
	      now_real(), first ? (now_ns() - first) / 1e6 : 0.0,
	      c->redeploys != before ? "datapath redeployed" : "port table updated");
	tna_debounce_reset(&c->db);
	tna_ctl_unhold(c);
}

/* Auto: what the plans rested on and no event announces (a veth peer's
 * TSO, GRO, tx checksumming; a port's ndo-xmit), once a second: a change
 * starts a burst like a link event would. */
static int recheck_auto(struct tna_ctl *c, uint64_t now)
{
	const struct tna_bridge_plan *plans[TNA_CTL_MAX_BRIDGES];
	int n = 0;

	if (c->o.target != TNA_PLAN_AUTO)
		return -1;
	if (now >= c->auto_next_ns) {
		c->auto_next_ns = now + TNA_RECHECK_MS * 1000000ull;
		for (int i = 0; i < c->nbr; i++)
			if (c->br[i].present)
				plans[n++] = &c->br[i].plan;
		if (tna_recheck_auto(plans, n, c->rt)) {
			logf_(c, TNA_CTL_INFO, "auto: a veth peer or a port's ndo-xmit changed: replanning");
			c->dirty = true;
			note_event(c, TNA_OBJ_LINK, TNA_OP_CHANGE, NULL);
		}
	}
	return (int)((c->auto_next_ns - now) / 1000000ull) + 1;
}

static int keepalive(struct tna_ctl *c, uint64_t now)
{
	int i, n, ms, next_ms = -1;

	/* Routed ports: ndo-xmit, checksums of the veth peer, MTU. */
	if (c->rt->host) {
		tna_rt_recheck_xmit(c->rt);
		next_ms = TNA_RECHECK_MS;
	}
	ms = recheck_auto(c, now);
	if (ms >= 0 && (next_ms < 0 || ms < next_ms))
		next_ms = ms;
	for (i = 0; i < c->nbr; i++) {
		struct br_state *b = &c->br[i];
		int ms;

		if (!b->dp)
			continue;
		/* Native: a port whose veth peer has neither XDP nor GRO
		 * cannot take redirected frames, one whose peer offloads tx
		 * checksums sends partial ones: port_refresh reads both again */
		if (b->plan.target == TNA_TARGET_NATIVE) {
			int r = tna_recheck_ports(b->dp, b->attached, b->n_attached);

			b->no_xmit = r & TNA_RECHECK_NO_XMIT;
			if (r & TNA_RECHECK_CHANGED)
				logf_(c, TNA_CTL_VERBOSE, "%s: port entries follow their devices (ndo-xmit, veth peer checksumming)",
				      b->plan.name);
			if (next_ms < 0 || next_ms > TNA_RECHECK_MS)
				next_ms = TNA_RECHECK_MS;
		}
		if (now >= b->next_ka_ns) {
			uint64_t t0 = now_ns();

			n = tna_fdb_keepalive_round(&b->mirror, b->dp, c->nl, now,
						    b->plan.ageing_time_cs * 10000000ull);
			if (n < 0)
				logf_(c, TNA_CTL_ERROR, "%s: keep-alive: %s",
				      b->plan.name, strerror(-n));
			else if (n)
				logf_(c, TNA_CTL_VERBOSE, "%s: keep-alive refreshed %d in %.1f ms",
				      b->plan.name, n, (now_ns() - t0) / 1e6);
			b->next_ka_ns = now + b->plan.keepalive_ms * 1000000ull;
		}
		ms = (int)((b->next_ka_ns - now) / 1000000ull) + 1;
		if (next_ms < 0 || ms < next_ms)
			next_ms = ms;
	}
	return next_ms;
}

int tna_ctl_run(struct tna_ctl *c, int sigfd)
{
	struct pollfd pfd[2];
	int timeout, ret;

	tna_ctl_write_state(c);
	for (;;) {
		int dt;

		timeout = keepalive(c, now_ns());
		tna_nic_tick(&timeout, &c->dirty, &c->o);	/* NIC stages' watchdog */
		dt = tna_debounce_timeout_ms(&c->db, now_ns());
		if (dt >= 0 && (timeout < 0 || dt < timeout))
			timeout = dt;
		dt = tna_evq_timeout_ms(&c->evq, now_ns());
		if (dt >= 0 && (timeout < 0 || dt < timeout))
			timeout = dt;
		pfd[0] = (struct pollfd){ .fd = tna_watch_fd(c->w), .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		ret = poll(pfd, sigfd >= 0 ? 2 : 1, timeout);
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (sigfd >= 0 && (pfd[1].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(sigfd, &si, sizeof(si)) == sizeof(si))
				logf_(c, TNA_CTL_VERBOSE, "signal %u: detaching", si.ssi_signo);
			return 0;
		}
		c->fdb_batch = 0;
		if (pfd[0].revents & POLLIN) {
			ret = tna_watch_process(c->w);
			if (ret < 0 && ret != -EAGAIN)
				logf_(c, TNA_CTL_ERROR, "netlink events: %s", strerror(-ret));
		}
		{
			struct tna_evq_item it;

			while (tna_evq_pop_due(&c->evq, now_ns(), &it))
				handle_event(c, it.obj, it.op, &it.u);
		}
		if (c->fdb_batch)
			logf_(c, TNA_CTL_VERBOSE, "fdb: applied %u change(s) at %.6f",
			      c->fdb_batch, now_real());
		if (c->restrict_check)
			tna_ctl_restrict_check(c);
		if ((c->dirty || c->resync) &&
		    (!tna_debounce_pending(&c->db) || tna_debounce_due(&c->db, now_ns())))
			apply_burst(c);
	}
}

void tna_ctl_free(struct tna_ctl *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; i < c->nbr; i++) {
		teardown(c, &c->br[i]);
		tna_plan_bridge_free(&c->br[i].plan);
	}
	if (c->rt)
		tna_rt_stop(c->rt, false);
	free(c->rt);
	if (c->o.state_path)
		unlink(c->o.state_path);
	tna_watch_close(c->w);
	tna_evq_free(&c->evq);
	tna_model_free(c->m);
	tna_nl_close(c->nl);
	free(c->devs);
	free(c);
}
