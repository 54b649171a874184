/* The plan per port as stages: see assembler/stages.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "assembler/stages.h"
#include "bpf/tna_kern_user.h"

/* Every module, in the order the pipeline runs them. */
static const struct { uint64_t fpm; const char *name; } fpm_names[] = {
	{ TNA_FPM_PARSE_ETH, "parse_eth" }, { TNA_FPM_CLASSIFY, "classify" },
	{ TNA_FPM_VLAN, "vlan" }, { TNA_FPM_PORT_STATE, "port_state" },
	{ TNA_FPM_FDB_SRC, "fdb_src" }, { TNA_FPM_FDB_DST, "fdb_dst" },
	{ TNA_FPM_FLOW_CACHE, "flow_cache" }, { TNA_FPM_PORT_FLAGS, "port_flags" },
	{ TNA_FPM_FORWARD, "forward" }, { TNA_FPM_STATS, "stats" },
	{ TNA_FPM_BRNF_IPV4, "brnf_ipv4" }, { TNA_FPM_BRNF_IPV6, "brnf_ipv6" },
	{ TNA_FPM_BRNF_ARP, "brnf_arp" }, { TNA_FPM_CSUM, "csum" },
	{ TNA_FPM_IPV4, "ipv4" }, { TNA_FPM_IPV6, "ipv6" }, { TNA_FPM_ROUTE, "route" },
	{ TNA_FPM_FILTER, "filter" }, { TNA_FPM_CT, "ct" }, { TNA_FPM_NAT, "nat" },
};
#define N_FPM_NAMES (sizeof(fpm_names) / sizeof(fpm_names[0]))

#define ROUTER_FPMS (TNA_FPM_IPV4 | TNA_FPM_IPV6 | TNA_FPM_ROUTE)
#define FILTER_FPMS (TNA_FPM_FILTER | TNA_FPM_CT | TNA_FPM_NAT)

static const char *const kind_names[TNA_STAGE__MAX] = {
	[TNA_STAGE_NIC] = "nic", [TNA_STAGE_BRIDGE] = "bridge",
	[TNA_STAGE_ROUTER] = "router", [TNA_STAGE_FILTER] = "filter",
};

const char *tna_stage_kind_name(enum tna_stage_kind k)
{
	return (unsigned)k < TNA_STAGE__MAX ? kind_names[k] : "?";
}

void tna_stage_fpm_names(uint64_t fpms, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < N_FPM_NAMES; i++)
		if ((fpms & fpm_names[i].fpm) && n < len)
			n += snprintf(buf + n, len - n, "%s%s", n ? " " : "", fpm_names[i].name);
}

struct json_object *tna_stage_fpm_json(uint64_t fpms)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; i < N_FPM_NAMES; i++)
		if (fpms & fpm_names[i].fpm)
			json_object_array_add(a, json_object_new_string(fpm_names[i].name));
	return a;
}

static struct tna_stage *add(struct tna_port_stages *ps, enum tna_stage_kind k,
			     uint64_t fpms, const char *reason)
{
	struct tna_stage *s = &ps->st[ps->n++];

	memset(s, 0, sizeof(*s));
	s->kind = k;
	s->fpms = fpms;
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	return s;
}

static const char *fam(uint8_t bits)
{
	return bits == (TNA_NF_ROUTED_V4 | TNA_NF_ROUTED_V6) ? "IPv4 and IPv6" :
	       bits & TNA_NF_ROUTED_V4 ? "IPv4" : "IPv6";
}

/* The router's stage, then the filter's when its rules are compiled. */
static void router_stages(struct tna_port_stages *ps, const struct tna_router_plan *rt,
			  const char *reason, const struct tna_router_if_plan *f, uint64_t own)
{
	struct tna_stage *s = add(ps, TNA_STAGE_ROUTER, rt->fpms & (ROUTER_FPMS | own), reason);
	size_t n = 0;

	snprintf(s->params, sizeof(s->params), "%s%s%s", rt->v4 ? "IPv4" : "",
		 rt->v4 && rt->v6 ? " " : "", rt->v6 ? "IPv6" : "");
	if (rt->nf_routed & ~rt->nf_filter)
		n += snprintf(s->to_linux + n, sizeof(s->to_linux) - n, "%s%s routed traffic: netfilter",
			      n ? "; " : "", fam(rt->nf_routed & ~rt->nf_filter));
	if (rt->xfrm_routed && n < sizeof(s->to_linux))
		n += snprintf(s->to_linux + n, sizeof(s->to_linux) - n, "%s%s routed traffic: xfrm",
			      n ? "; " : "", fam(rt->xfrm_routed));
	if (rt->n_martian4 && n < sizeof(s->to_linux))
		n += snprintf(s->to_linux + n, sizeof(s->to_linux) - n,
			      "%s%d martian IPv4 source(s)%s", n ? "; " : "", rt->n_martian4,
			      rt->src_fib_check ? ", sources looked up in the FIB" : "");
	if (f && (f->rif_flags & TNA_RIF_F_RP_FILTER) && n < sizeof(s->to_linux))
		n += snprintf(s->to_linux + n, sizeof(s->to_linux) - n,
			      "%sIPv4 routed in: rp_filter", n ? "; " : "");
	if (f && f->egress_linux && n < sizeof(s->to_linux))
		snprintf(s->to_linux + n, sizeof(s->to_linux) - n,
			 "%srouted out of it: egress qdisc/filters", n ? "; " : "");
	if (!rt->nf_filter)
		return;
	s = add(ps, TNA_STAGE_FILTER, rt->fpms & FILTER_FPMS, rt->filter_reason);
	snprintf(s->params, sizeof(s->params), "%s", fam(rt->nf_filter));
	if (rt->n_flt_notes)
		snprintf(s->to_linux, sizeof(s->to_linux), "%d rule(s) outside the subset, first: %s",
			 rt->n_flt_notes, rt->flt_notes[0]);
}

static void bridge_port(struct tna_port_stages *ps, const struct tna_bridge_plan *b,
			const struct tna_port_plan *pp, const struct tna_router_plan *rt,
			int rt_host)
{
	struct tna_stage *s;

	snprintf(ps->pipeline, sizeof(ps->pipeline), "%s", b->name);
	if (!b->ok || !pp->accelerated) {
		snprintf(ps->linux_reason, sizeof(ps->linux_reason), "%s",
			 !b->ok ? b->reason : pp->reason);
		return;
	}
	ps->target = pp->target;
	if (pp->nic) {
		s = add(ps, TNA_STAGE_NIC, 0, pp->nic_reason);
		snprintf(s->params, sizeof(s->params), "%s model", pp->nic_kind);
	}
	s = add(ps, TNA_STAGE_BRIDGE, b->fpms, pp->reason);
	snprintf(s->params, sizeof(s->params), "FDB mirror, keep-alive every %u ms",
		 b->keepalive_ms);
	if (b->br_netfilter)
		snprintf(s->to_linux, sizeof(s->to_linux),
			 "every frame: br_netfilter (netfilter may see bridged traffic)");
	else if (pp->egress_linux)
		snprintf(s->to_linux, sizeof(s->to_linux), "frames to it: egress qdisc/filters");
	if (rt && rt->ok && rt_host == b->ifindex && !b->br_netfilter)
		router_stages(ps, rt, "frames to the bridge's MAC (a bridge with an address)",
			      NULL, 0);
}

static const struct tna_bridge_plan *bridge_of(const struct tna_bridge_plan *const *bridges,
					       int n, int ifindex)
{
	for (int i = 0; i < n; i++)
		if (bridges[i]->ifindex == ifindex)
			return bridges[i];
	return NULL;
}

static bool listed(const struct tna_stage_plan *sp, int ifindex)
{
	for (int i = 0; i < sp->n_ports; i++)
		if (sp->ports[i].ifindex == ifindex)
			return true;
	return false;
}

int tna_stages_build(const struct tna_bridge_plan *const *bridges, int n,
		     const struct tna_router_plan *rt, int rt_host,
		     struct tna_stage_plan *sp)
{
	const struct tna_bridge_plan *hb = bridge_of(bridges, n, rt_host);
	int max = rt ? rt->n_ifs : 0;

	memset(sp, 0, sizeof(*sp));
	for (int i = 0; i < n; i++)
		max += bridges[i]->n_ports;
	sp->ports = calloc(max ? max : 1, sizeof(*sp->ports));
	if (!sp->ports)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		for (int k = 0; k < bridges[i]->n_ports; k++) {
			struct tna_port_stages *ps = &sp->ports[sp->n_ports++];

			ps->ifindex = bridges[i]->ports[k].ifindex;
			snprintf(ps->name, sizeof(ps->name), "%s", bridges[i]->ports[k].name);
			bridge_port(ps, bridges[i], &bridges[i]->ports[k], rt, rt_host);
		}
	for (int i = 0; rt && i < rt->n_ifs; i++) {
		const struct tna_router_if_plan *f = &rt->ifs[i];
		struct tna_port_stages *ps;

		if (f->bridge || f->brport || listed(sp, f->ifindex))
			continue;	/* a bridge: its ports are listed above */
		ps = &sp->ports[sp->n_ports++];
		ps->ifindex = f->ifindex;
		snprintf(ps->name, sizeof(ps->name), "%s", f->name);
		if (!rt->ok || !f->routed) {
			snprintf(ps->linux_reason, sizeof(ps->linux_reason), "%s",
				 rt->ok ? f->reason : rt->reason);
			continue;
		}
		snprintf(ps->pipeline, sizeof(ps->pipeline), "%s", hb ? hb->name : "router");
		ps->target = hb ? hb->target : rt->target;
		/* its own pipeline parses and counts; a bridge's does that in
		 * the bridge stage's modules */
		router_stages(ps, rt, f->reason, f,
			      hb ? 0 : TNA_FPM_PARSE_ETH | TNA_FPM_STATS);
	}
	return 0;
}

void tna_stages_free(struct tna_stage_plan *sp)
{
	free(sp->ports);
	memset(sp, 0, sizeof(*sp));
}

void tna_stages_print(const struct tna_stage_plan *sp, FILE *f)
{
	char mods[256];

	fprintf(f, "stages per port:\n");
	for (int i = 0; i < sp->n_ports; i++) {
		const struct tna_port_stages *ps = &sp->ports[i];

		if (!ps->n) {
			fprintf(f, "  %-15s linux: %s\n", ps->name, ps->linux_reason);
			continue;
		}
		fprintf(f, "  %-15s %s, pipeline %s\n", ps->name, tna_target_name(ps->target),
			ps->pipeline);
		for (int k = 0; k < ps->n; k++) {
			const struct tna_stage *s = &ps->st[k];

			tna_stage_fpm_names(s->fpms, mods, sizeof(mods));
			fprintf(f, "    %d. %-7s %s%s%s%s\n", k + 1, tna_stage_kind_name(s->kind),
				mods, s->params[0] ? " (" : "", s->params, s->params[0] ? ")" : "");
			if (s->reason[0])
				fprintf(f, "       why: %s\n", s->reason);
			if (s->to_linux[0])
				fprintf(f, "       to Linux: %s\n", s->to_linux);
		}
	}
}

struct json_object *tna_stages_to_json(const struct tna_stage_plan *sp)
{
	struct json_object *a = json_object_new_array();

	for (int i = 0; i < sp->n_ports; i++) {
		const struct tna_port_stages *ps = &sp->ports[i];
		struct json_object *o = json_object_new_object(), *st = json_object_new_array();

		json_object_object_add(o, "name", json_object_new_string(ps->name));
		json_object_object_add(o, "ifindex", json_object_new_int(ps->ifindex));
		json_object_object_add(o, "pipeline", json_object_new_string(ps->pipeline));
		json_object_object_add(o, "target", json_object_new_string(
			ps->n ? tna_target_name(ps->target) : "linux"));
		if (!ps->n)
			json_object_object_add(o, "linux_reason",
					       json_object_new_string(ps->linux_reason));
		for (int k = 0; k < ps->n; k++) {
			const struct tna_stage *s = &ps->st[k];
			struct json_object *x = json_object_new_object();

			json_object_object_add(x, "stage", json_object_new_string(
				tna_stage_kind_name(s->kind)));
			json_object_object_add(x, "modules", tna_stage_fpm_json(s->fpms));
			json_object_object_add(x, "params", json_object_new_string(s->params));
			json_object_object_add(x, "reason", json_object_new_string(s->reason));
			json_object_object_add(x, "to_linux", json_object_new_string(s->to_linux));
			json_object_array_add(st, x);
		}
		json_object_object_add(o, "stages", st);
		json_object_array_add(a, o);
	}
	return a;
}
