/* The plan per port as stages (assembler/stages.c) on fixtures: a bridge
 * br0 with an address hosting the router (b1 accelerated with a NIC
 * stage, b2 left to Linux), a plain routed port r1 with compiled
 * netfilter rules and rp_filter, a port left to Linux; and the router in
 * its own pipeline.  Order of the stages, their modules, targets,
 * parameters and what stays on Linux; the text and JSON say the same. */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "assembler/stages.h"
#include "bpf/tna_kern_user.h"
#include "tests/lib/tna_test.h"

static struct tna_router_plan rt;
static struct tna_port_plan ports[2];
static struct tna_bridge_plan br;

static void fixtures(void)
{
	memset(&rt, 0, sizeof(rt));
	memset(&br, 0, sizeof(br));
	memset(ports, 0, sizeof(ports));
	br = (struct tna_bridge_plan){ .ifindex = 10, .name = "br0", .ok = true,
		.target = TNA_TARGET_NATIVE, .fpms = TNA_FPM_BRIDGE, .keepalive_ms = 150000,
		.n_ports = 2, .ports = ports };
	ports[0] = (struct tna_port_plan){ .ifindex = 11, .name = "b1", .accelerated = true,
		.target = TNA_TARGET_NATIVE, .reason = "native: ndo-xmit", .nic = true,
		.nic_kind = "nfp", .nic_reason = "fits the model" };
	ports[1] = (struct tna_port_plan){ .ifindex = 12, .name = "b2",
		.reason = "tc-filter: a tc filter on its ingress" };
	rt.ok = rt.v4 = true;
	rt.fpms = TNA_FPM_PARSE_ETH | TNA_FPM_STATS | TNA_FPM_IPV4 | TNA_FPM_ROUTE |
		  TNA_FPM_FILTER | TNA_FPM_CT;
	rt.nf_filter = TNA_NF_ROUTED_V4;
	rt.xfrm_routed = TNA_NF_ROUTED_V4;
	rt.n_martian4 = 3;
	rt.n_flt_notes = 1;
	strcpy(rt.flt_notes[0], "inet fw forward, rule handle 16: log");
	strcpy(rt.filter_reason, "IPv4: compiled");
	rt.target = TNA_TARGET_GENERIC;
	rt.n_ifs = 4;
	rt.ifs[0] = (struct tna_router_if_plan){ .ifindex = 10, .name = "br0", .bridge = true };
	rt.ifs[1] = (struct tna_router_if_plan){ .ifindex = 11, .name = "b1", .brport = true };
	rt.ifs[2] = (struct tna_router_if_plan){ .ifindex = 2, .name = "r1", .routed = true,
		.rif_flags = TNA_RIF_F_ROUTE | TNA_RIF_F_RP_FILTER, .reason = "routed: IPv4 address" };
	rt.ifs[3] = (struct tna_router_if_plan){ .ifindex = 3, .name = "r9",
		.reason = "tc-filter: blocked" };
}

static const struct tna_port_stages *port(const struct tna_stage_plan *sp, const char *name)
{
	for (int i = 0; i < sp->n_ports; i++)
		if (!strcmp(sp->ports[i].name, name))
			return &sp->ports[i];
	return NULL;
}

int main(void)
{
	const struct tna_bridge_plan *b[1] = { &br };
	const struct tna_port_stages *p;
	struct tna_stage_plan sp;
	char *text = NULL, mods[256];
	size_t len = 0;
	FILE *f;

	/* the router in br0's pipeline */
	fixtures();
	CHECK_EQ(tna_stages_build(b, 1, &rt, 10, &sp), 0);
	CHECK_EQ(sp.n_ports, 4);	/* b1 b2 r1 r9: br0 and its port once */
	p = port(&sp, "b1");
	CHECK(p && p->n == 4, "b1: nic, bridge, router, filter");
	if (p && p->n == 4) {
		CHECK_EQ(p->st[0].kind, TNA_STAGE_NIC);
		CHECK_EQ(p->st[1].kind, TNA_STAGE_BRIDGE);
		CHECK_EQ(p->st[2].kind, TNA_STAGE_ROUTER);
		CHECK_EQ(p->st[3].kind, TNA_STAGE_FILTER);
		CHECK_EQ(p->target, TNA_TARGET_NATIVE);
		CHECK_STR(p->pipeline, "br0");
		CHECK_EQ(p->st[1].fpms, TNA_FPM_BRIDGE);
		CHECK_EQ(p->st[2].fpms, TNA_FPM_IPV4 | TNA_FPM_ROUTE);
		CHECK_EQ(p->st[3].fpms, TNA_FPM_FILTER | TNA_FPM_CT);
		CHECK_STR(p->st[2].params, "IPv4");
		CHECK(strstr(p->st[2].to_linux, "IPv4 routed traffic: xfrm") &&
		      strstr(p->st[2].to_linux, "3 martian IPv4 source(s)"), "%s", p->st[2].to_linux);
		CHECK(strstr(p->st[3].to_linux, "rule handle 16: log"), "%s", p->st[3].to_linux);
		CHECK(!strstr(p->st[2].to_linux, "rp_filter"), "b1 has no rp_filter");
	}
	p = port(&sp, "b2");
	CHECK(p && !p->n && strstr(p->linux_reason, "tc-filter"), "b2 to Linux with its reason");
	p = port(&sp, "r1");
	CHECK(p && p->n == 2 && p->st[0].kind == TNA_STAGE_ROUTER &&
	      p->st[1].kind == TNA_STAGE_FILTER, "r1: router, filter");
	if (p && p->n == 2) {
		CHECK_STR(p->pipeline, "br0");	/* one pipeline with the bridge */
		CHECK_EQ(p->target, TNA_TARGET_NATIVE);
		CHECK(strstr(p->st[0].to_linux, "IPv4 routed in: rp_filter"), "%s", p->st[0].to_linux);
		CHECK_STR(p->st[0].reason, "routed: IPv4 address");
	}
	p = port(&sp, "r9");
	CHECK(p && !p->n && !strcmp(p->linux_reason, "tc-filter: blocked"), "r9 to Linux");

	/* text and JSON of the same list */
	f = open_memstream(&text, &len);
	tna_stages_print(&sp, f);
	fclose(f);
	CHECK(strstr(text, "  b1              native, pipeline br0\n    1. nic") &&
	      strstr(text, "    3. router  ipv4 route (IPv4)\n"), "%s", text);
	{
		struct json_object *j = tna_stages_to_json(&sp), *x, *st, *m;

		CHECK_EQ(json_object_array_length(j), 4);
		x = json_object_array_get_idx(j, 0);
		CHECK_STR(json_object_get_string(json_object_object_get(x, "name")), "b1");
		st = json_object_object_get(x, "stages");
		CHECK_EQ(json_object_array_length(st), 4);
		m = json_object_object_get(json_object_array_get_idx(st, 3), "modules");
		CHECK_EQ(json_object_array_length(m), 2);
		CHECK_STR(json_object_get_string(json_object_array_get_idx(m, 0)), "filter");
		x = json_object_array_get_idx(j, 1);
		CHECK_STR(json_object_get_string(json_object_object_get(x, "target")), "linux");
		json_object_put(j);
	}
	free(text);
	tna_stages_free(&sp);

	/* the router in its own pipeline (no bridge hosts it) */
	CHECK_EQ(tna_stages_build(b, 1, &rt, 0, &sp), 0);
	p = port(&sp, "b1");
	CHECK(p && p->n == 2, "b1: nic, bridge only");
	p = port(&sp, "r1");
	CHECK(p && !strcmp(p->pipeline, "router") && p->target == TNA_TARGET_GENERIC,
	      "r1 in the router's own pipeline");
	CHECK(p && p->n && p->st[0].fpms == (TNA_FPM_PARSE_ETH | TNA_FPM_STATS | TNA_FPM_IPV4 |
					      TNA_FPM_ROUTE), "own pipeline: parses and counts");
	tna_stages_free(&sp);

	/* no router: nothing but the bridge */
	rt.ok = false;
	strcpy(rt.reason, "nothing to route");
	CHECK_EQ(tna_stages_build(b, 1, &rt, 0, &sp), 0);
	p = port(&sp, "r1");
	CHECK(p && !p->n && !strcmp(p->linux_reason, "nothing to route"), "no router: r1 Linux");
	tna_stages_free(&sp);

	tna_stage_fpm_names(TNA_FPM_BRIDGE, mods, sizeof(mods));
	CHECK(!strcmp(mods, "parse_eth classify port_state fdb_src fdb_dst flow_cache port_flags forward stats"),
	      "%s", mods);
	return tna_test_exit();
}
