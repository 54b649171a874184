/* The router side of tna-deploy: see controller/router_deploy.h. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <json-c/json.h>

#include "assembler/stages.h"
#include "controller/router_apply.h"
#include "controller/router_deploy.h"
#include "capabilities/caps.h"
#include "capabilities/netdev_genl.h"
#include "introspect/model.h"
#include "targets/router.h"

void tna_rt_fpm_names(uint64_t fpms, char *buf, size_t len)
{
	tna_stage_fpm_names(fpms, buf, len);
}

/* What matters for the deployed pipeline and its tables.  Not which
 * families have rules compiled (nf_filter): with the modules loaded
 * (fpms), the follower compiles every routed family and follows a family
 * gaining or losing rules at its switch; only nf_routed is rodata. */
static bool plan_same(const struct tna_router_plan *a, const struct tna_router_plan *b)
{
	if (!a->ok && !b->ok)
		return true;	/* nothing deployed either way */
	if (a->ok != b->ok || a->fpms != b->fpms || a->nf_routed != b->nf_routed ||
	    a->xfrm_routed != b->xfrm_routed || a->src_fib_check != b->src_fib_check ||
	    a->n_martian4 != b->n_martian4 ||
	    memcmp(a->martian4, b->martian4, sizeof(a->martian4[0]) * (size_t)a->n_martian4) ||
	    a->fib_direct4 != b->fib_direct4 || a->fib_direct6 != b->fib_direct6 ||
	    a->n_local6 != b->n_local6 ||
	    memcmp(a->local6, b->local6, sizeof(a->local6[0]) * (size_t)a->n_local6) ||
	    a->n_ifs != b->n_ifs || a->target != b->target)
		return false;
	for (int i = 0; i < a->n_ifs; i++) {
		const struct tna_router_if_plan *x = &a->ifs[i], *y = &b->ifs[i];

		if (x->ifindex != y->ifindex || x->routed != y->routed ||
		    x->bridge != y->bridge || x->brport != y->brport ||
		    x->l3_ifindex != y->l3_ifindex || x->rif_flags != y->rif_flags ||
		    x->egress_linux != y->egress_linux || memcmp(x->mac, y->mac, 6))
			return false;
	}
	return true;
}

/* What the target choice rests on: the probe's verdict per interface and
 * the veth peers (assembler/peers.c). */
static void fill_caps(struct tna_router_in *in, const struct tna_caps_dev *devs, int ndevs)
{
	for (int i = 0; i < in->n_ifs; i++) {
		struct tna_router_if_in *f = &in->ifs[i];

		for (int k = 0; k < ndevs; k++)
			if (devs[k].ifindex == f->ifindex) {
				f->best = devs[k].best;
				f->redirect_to = devs[k].can_redirect_to;
			}
		memset(&f->peer, 0, sizeof(f->peer));
		if (!strcmp(f->kind, "veth") && (f->n_addr4 || f->n_addr6) && !f->is_port)
			tna_peer_probe(f->ifindex, &f->peer);
	}
}

/* The plan the model asks for now (NP; IN is scratch): 0 or -errno. */
static int plan_now(const struct tna_rt_state *rt, const struct tna_model *m,
		    const struct tna_caps_dev *devs, int ndevs,
		    struct tna_router_in *in, struct tna_router_plan *np)
{
	int err;

	if (rt->disabled) {
		memset(np, 0, sizeof(*np));
		snprintf(np->reason, sizeof(np->reason), "not deployed: --no-router");
		return 0;
	}
	err = tna_router_in_from_model(m, in);
	if (err)
		return err;
	in->no_filter = rt->no_filter;
	fill_caps(in, devs, ndevs);
	err = tna_router_plan(in, np);
	if (!err)
		tna_router_plan_target(in, rt->target, np);
	return err;
}

int tna_rt_replan(struct tna_rt_state *rt, const struct tna_model *m,
		  const struct tna_caps_dev *devs, int ndevs)
{
	static struct tna_router_in in;		/* large; one controller per process */
	static struct tna_router_plan np;
	int err = plan_now(rt, m, devs, ndevs, &in, &np);

	if (err)
		return err;
	if (plan_same(&np, &rt->plan)) {
		rt->plan = np;	/* reasons may differ */
		return 0;
	}
	rt->prev = rt->plan;
	rt->plan = np;
	return 1;
}

bool tna_rt_plan_differs(const struct tna_rt_state *rt, const struct tna_model *m,
			 const struct tna_caps_dev *devs, int ndevs)
{
	static struct tna_router_in in;
	static struct tna_router_plan np;

	if (rt->disabled)
		return false;
	return plan_now(rt, m, devs, ndevs, &in, &np) || !plan_same(&np, &rt->plan);
}

int tna_rt_host_bridge(const struct tna_rt_state *rt)
{
	return rt->plan.ok ? rt->walk_host : 0;
}

bool tna_rt_routes(const struct tna_rt_state *rt, int ifindex)
{
	for (int i = 0; rt->plan.ok && i < rt->n_walk; i++)
		if (rt->walk_ports[i] == ifindex)
			return true;
	return false;
}

void tna_rt_dp_opts(const struct tna_rt_state *rt, struct tna_dp_opts *o)
{
	if (!rt->plan.ok)
		return;
	o->fpms |= rt->plan.fpms;
	o->nf_routed = rt->plan.nf_routed;
	o->xfrm_routed = rt->plan.xfrm_routed;
	o->fib_direct4 = rt->plan.fib_direct4;
	o->fib_direct6 = rt->plan.fib_direct6;
}

void tna_rt_code_for(const struct tna_rt_state *rt, int bridge, struct tna_rt_code *code)
{
	struct tna_dp_opts o = { .sz = sizeof(o) };

	if (tna_rt_host_bridge(rt) == bridge)
		tna_rt_dp_opts(rt, &o);
	*code = (struct tna_rt_code){
		.fpms = o.fpms, .nf_routed = o.nf_routed, .xfrm_routed = o.xfrm_routed,
		.fib_direct4 = o.fib_direct4, .fib_direct6 = o.fib_direct6,
	};
}

struct tna_dp *tna_rt_load_own(const struct tna_rt_state *rt, enum tna_target t,
			       uint64_t fpms, bool force, const struct tna_dp *share)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = t, .force = force,
				 .share_maps_with = share };

	tna_rt_dp_opts(rt, &o);
	o.fpms = fpms ? fpms : o.fpms | TNA_FPM_PARSE_ETH | TNA_FPM_STATS;
	return tna_dp__load(&o);
}

/* The own pipeline's attach mode: the plan's (tna_router_plan_target:
 * auto goes native only when every routed port can take native
 * redirects); offload cannot redirect, so the router never goes there. */
enum tna_target tna_rt_own_target(const struct tna_rt_state *rt, enum tna_target t)
{
	if (rt->plan.target == TNA_TARGET_GENERIC || rt->plan.target == TNA_TARGET_NATIVE)
		return rt->plan.target;
	if (t == TNA_PLAN_AUTO)
		t = rt->target;
	return t == TNA_TARGET_NATIVE ? TNA_TARGET_NATIVE : TNA_TARGET_GENERIC;
}

int tna_rt_measure(struct tna_rt_state *rt, enum tna_target target)
{
	struct tna_dp *dp, *all;

	if (!rt->plan.ok)
		return 0;
	dp = tna_rt_load_own(rt, tna_rt_own_target(rt, target), 0, false, NULL);
	if (!dp)
		return -errno;
	rt->xlated = tna_dp__xlated_insns(dp);
	tna_dp__destroy(dp);
	/* every module, the netfilter ones too when the plan has them */
	all = tna_rt_load_own(rt, tna_rt_own_target(rt, target), TNA_FPM_ALL | rt->plan.fpms,
			      false, NULL);
	if (!all)
		return -errno;
	rt->xlated_all = tna_dp__xlated_insns(all);
	tna_dp__destroy(all);
	return 0;
}

int tna_rt_attach(struct tna_rt_state *rt, int ifindex)
{
	char name[IF_NAMESIZE];
	int err = tna_dp__attach(rt->host, ifindex);

	if (err == -EEXIST) {
		uint32_t id = 0;
		char pn[16] = "";

		tna_dp__foreign(ifindex, &id, pn);
		snprintf(rt->error, sizeof(rt->error),
			 "%s has a foreign XDP program (id %u \"%s\"): left alone",
			 if_indextoname(ifindex, name) ?: "?", id, pn);
	} else if (err) {
		snprintf(rt->error, sizeof(rt->error), "attach to %s: %s",
			 if_indextoname(ifindex, name) ?: "?", strerror(-err));
	}
	if (err) {
		tna_dp__port_del(rt->host, ifindex);
		tna_dp__rif_del(rt->host, ifindex);
		return err;
	}
	rt->attached[rt->n_attached++] = ifindex;
	return 0;
}

int tna_rt_start(struct tna_rt_state *rt, struct tna_dp *host, int host_bridge,
		 enum tna_target target)
{
	int added[TNA_RT_MAX_ATTACHED], n = 0, err, first = 0;

	rt->error[0] = 0;
	rt->n_attached = 0;
	if (!rt->plan.ok)
		return 0;
	if (!host) {
		rt->own_target = tna_rt_own_target(rt, target);
		rt->own = tna_rt_load_own(rt, rt->own_target, 0, rt->force, NULL);
		if (!rt->own) {
			err = -errno;
			snprintf(rt->error, sizeof(rt->error), "cannot load the router pipeline: %s",
				 strerror(-err));
			return err;
		}
		rt->xlated = tna_dp__xlated_insns(rt->own);
		tna_rt_arm(rt, rt->own);
		host = rt->own;
		host_bridge = 0;
	}
	rt->host = host;
	rt->host_bridge = host_bridge;
	err = tna_router_plan_apply(host, &rt->plan, rt->walk_ports, rt->n_walk, added,
				    TNA_RT_MAX_ATTACHED, &n);
	if (err) {
		snprintf(rt->error, sizeof(rt->error), "router tables: %s", strerror(-err));
		goto fail;
	}
	err = tna_rt_filter_start(rt, host, &rt->filter);
	if (err) {
		snprintf(rt->error, sizeof(rt->error), "netfilter rules: %s", strerror(-err));
		goto fail;
	}
	for (int i = 0; i < n; i++) {
		err = tna_rt_attach(rt, added[i]);
		first = first ? first : err;
	}
	if (!rt->n_attached && !host_bridge) {	/* an own pipeline with no port */
		err = first ? first : -ENODEV;
		if (!first)
			snprintf(rt->error, sizeof(rt->error), "no routed port to attach");
		goto fail;
	}
	return first;
fail:
	tna_rt_stop(rt, false);
	return err;
}

void tna_rt_arm(const struct tna_rt_state *rt, struct tna_dp *dp)
{
	struct timespec ts;

	if (!rt->deadman_ns || tna_dp__deadman_arm(dp, rt->deadman_ns))
		return;		/* the controller's next heartbeat arms it */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	tna_dp__heartbeat(dp, (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec +
			  rt->grace_ns - rt->deadman_ns, 0);
}

int tna_rt_filter_start(struct tna_rt_state *rt, struct tna_dp *dp, struct tna_rtf **f)
{
	int err = 0;

	*f = NULL;
	if (!rt->plan.nf_filter)
		return 0;
	*f = tna_rtf_start(dp, rt->plan.v4, rt->plan.v6, &err);
	if (!*f)
		return err;
	rt->filter_v4 = rt->plan.v4;
	rt->filter_v6 = rt->plan.v6;
	return 0;
}

bool tna_rt_filter_differs(const struct tna_rt_state *rt)
{
	if (!rt->filter != !rt->plan.nf_filter)
		return true;
	return rt->filter && (rt->filter_v4 != rt->plan.v4 || rt->filter_v6 != rt->plan.v6);
}

void tna_rt_filter_swap(struct tna_rt_state *rt, struct tna_rtf *nf)
{
	tna_rtf_stop(rt->filter);
	rt->filter = nf;
	tna_rtf_gen_file(tna_rtf_report(nf));	/* NULL: none any more */
}

void tna_rt_stop(struct tna_rt_state *rt, bool host_gone)
{
	if (rt->filter) {
		tna_rtf_stop(rt->filter);
		tna_rtf_gen_file(NULL);
		rt->filter = NULL;
	}
	if (rt->own) {
		tna_dp__destroy(rt->own);	/* detaches its ports */
	} else if (rt->host && !host_gone) {
		for (int i = 0; i < rt->n_attached; i++) {
			tna_dp__detach(rt->host, rt->attached[i]);
			tna_dp__port_del(rt->host, rt->attached[i]);
			tna_dp__rif_del(rt->host, rt->attached[i]);
		}
		/* the bridge and its ports stay bridged: only their rifs go */
		for (int i = 0; i < rt->plan.n_ifs; i++)
			if (rt->plan.ifs[i].bridge || rt->plan.ifs[i].brport)
				tna_dp__rif_del(rt->host, rt->plan.ifs[i].ifindex);
	}
	rt->own = NULL;
	rt->host = NULL;
	rt->host_bridge = 0;
	rt->n_attached = 0;
}

bool tna_rt_recheck_xmit(struct tna_rt_state *rt)
{
	struct tna_port_cfg cfg;
	bool left = false;

	for (int i = 0; i < rt->n_attached && rt->host; i++) {
		tna_dp__port_refresh(rt->host, rt->attached[i]);
		if (!tna_dp__port_get(rt->host, rt->attached[i], &cfg) &&
		    (cfg.flags & TNA_PORT_F_NO_XMIT))
			left = true;
	}
	return left;
}

void tna_rt_link_changed(struct tna_rt_state *rt, int ifindex)
{
	for (int i = 0; i < rt->n_attached && rt->host; i++)
		if (rt->attached[i] == ifindex)
			tna_dp__port_refresh(rt->host, ifindex);	/* its MTU */
}

bool tna_rt_inputs_changed(const struct tna_rt_state *rt)
{
	const struct tna_router_plan *p = &rt->plan;

	for (int i = 0; i < p->n_ifs; i++) {
		const struct tna_router_if_plan *f = &p->ifs[i];
		struct tna_peer now;
		uint64_t feat = 0;

		if (!f->peer.known)
			continue;
		tna_peer_probe(f->ifindex, &now);
		if (!tna_peer_same(&now, &f->peer))
			return true;
		if (tna_xdp_features(f->ifindex, &feat) == 0 &&
		    !!(feat & TNA_NETDEV_XDP_ACT_NDO_XMIT) != f->redirect_to)
			return true;
	}
	return false;
}

static const char *if_role(const struct tna_router_if_plan *f)
{
	return f->routed ? "routed" : f->bridge ? "bridge" : f->brport ? "bridge-port" : "linux";
}

void tna_rt_print(const struct tna_rt_state *rt, const char *host_name,
		  uint64_t host_fpms, FILE *f)
{
	char mods[256];

	tna_router_plan_print(&rt->plan, f);
	if (!rt->plan.ok)
		return;
	if (host_name) {
		tna_rt_fpm_names(host_fpms, mods, sizeof(mods));
		fprintf(f, "  pipeline: one, shared with bridge %s (one parser, one devmap; its target)\n"
			   "  modules: %s\n", host_name, mods);
	} else {
		tna_rt_fpm_names(rt->plan.fpms | TNA_FPM_PARSE_ETH | TNA_FPM_STATS, mods, sizeof(mods));
		fprintf(f, "  pipeline: own (no bridge with an address)\n  modules: %s\n", mods);
		if (rt->xlated_all)
			fprintf(f, "  xlated instructions: %u (all modules: %u)\n",
				rt->xlated, rt->xlated_all);
	}
	tna_rtf_print(rt->filter, f);
	if (rt->error[0])
		fprintf(f, "  error: %s\n", rt->error);
}

struct json_object *tna_rt_to_json(const struct tna_rt_state *rt, const char *host_name,
				   uint64_t host_fpms)
{
	struct json_object *o = json_object_new_object(), *ifs, *att;
	const struct tna_router_plan *p = &rt->plan;
	uint64_t fpms = host_name ? host_fpms : p->fpms | TNA_FPM_PARSE_ETH | TNA_FPM_STATS;

	json_object_object_add(o, "ok", json_object_new_boolean(p->ok));
	json_object_object_add(o, "reason", json_object_new_string(p->reason));
	json_object_object_add(o, "ipv4", json_object_new_boolean(p->v4));
	json_object_object_add(o, "ipv6", json_object_new_boolean(p->v6));
	json_object_object_add(o, "nf_routed_ipv4",
			       json_object_new_boolean(p->nf_routed & TNA_NF_ROUTED_V4));
	json_object_object_add(o, "nf_routed_ipv6",
			       json_object_new_boolean(p->nf_routed & TNA_NF_ROUTED_V6));
	json_object_object_add(o, "nf_filter_ipv4",
			       json_object_new_boolean(p->nf_filter & TNA_NF_ROUTED_V4));
	json_object_object_add(o, "nf_filter_ipv6",
			       json_object_new_boolean(p->nf_filter & TNA_NF_ROUTED_V6));
	if (p->filter_reason[0]) {
		struct json_object *nn = json_object_new_array();

		json_object_object_add(o, "filter_reason", json_object_new_string(p->filter_reason));
		for (int i = 0; i < p->n_flt_notes; i++)
			json_object_array_add(nn, json_object_new_string(p->flt_notes[i]));
		json_object_object_add(o, "filter_notes", nn);
	}
	if (rt->filter)
		json_object_object_add(o, "netfilter", tna_rtf_to_json(rt->filter));
	json_object_object_add(o, "xfrm_routed_ipv4",
			       json_object_new_boolean(p->xfrm_routed & TNA_NF_ROUTED_V4));
	json_object_object_add(o, "xfrm_routed_ipv6",
			       json_object_new_boolean(p->xfrm_routed & TNA_NF_ROUTED_V6));
	json_object_object_add(o, "rules_default", json_object_new_boolean(p->rules_default));
	json_object_object_add(o, "fib_direct4", json_object_new_boolean(p->fib_direct4));
	json_object_object_add(o, "fib_direct6", json_object_new_boolean(p->fib_direct6));
	json_object_object_add(o, "pipeline", host_name ? json_object_new_string(host_name) :
			       json_object_new_string("own"));
	/* the own pipeline's; with a host bridge, that bridge's target */
	json_object_object_add(o, "target", json_object_new_string(
		!p->ok || host_name ? "none" : tna_target_name(p->target)));
	json_object_object_add(o, "target_reason", json_object_new_string(
		host_name ? "shared with the bridge's pipeline" : p->target_reason));
	json_object_object_add(o, "modules", tna_stage_fpm_json(p->ok ? fpms : 0));
	if (!host_name && rt->xlated_all) {
		json_object_object_add(o, "xlated_insns", json_object_new_int64(rt->xlated));
		json_object_object_add(o, "xlated_insns_all", json_object_new_int64(rt->xlated_all));
	}
	ifs = json_object_new_array();
	for (int i = 0; i < p->n_ifs; i++) {
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "name", json_object_new_string(p->ifs[i].name));
		json_object_object_add(x, "ifindex", json_object_new_int(p->ifs[i].ifindex));
		json_object_object_add(x, "role", json_object_new_string(if_role(&p->ifs[i])));
		json_object_object_add(x, "reason", json_object_new_string(p->ifs[i].reason));
		json_object_object_add(x, "checksums", json_object_new_string(
			tna_plan_csum_name(p->ifs[i].csum)));
		json_object_array_add(ifs, x);
	}
	json_object_object_add(o, "interfaces", ifs);
	att = json_object_new_array();
	for (int i = 0; i < rt->n_attached; i++)
		json_object_array_add(att, json_object_new_int(rt->attached[i]));
	json_object_object_add(o, "attached_ifindexes", att);
	json_object_object_add(o, "running", json_object_new_boolean(rt->host != NULL));
	if (rt->error[0])
		json_object_object_add(o, "error", json_object_new_string(rt->error));
	return o;
}
