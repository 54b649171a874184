/* The FDB mode of a plan (assembler/fdb_mode.c): kfunc where the kernel has
 * bpf_xdp_fdb_lookup (FDB_KFUNC module, no flow cache, no keep-alive),
 * the mirror otherwise, when asked, on a VLAN-filtering bridge, or when
 * nothing looks the FDB up; shown in the plan's JSON. */
#include <string.h>
#include <json-c/json.h>
#include "assembler/plan.h"
#include "tests/lib/tna_test.h"

#define F(x) (1ull << TNA_PFPM_##x)

static struct tna_plan_port_in ports[2];
static struct tna_plan_bridge_in br;
static bool vlan_filtering;

static int plan(bool kfunc, bool mirror, bool brnf, struct tna_bridge_plan *p)
{
	struct tna_caps_sys sys = { .kfunc_fdb_lookup = kfunc };
	struct tna_plan_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC,
				   .sys = &sys, .fdb_mirror = mirror };

	memset(&br, 0, sizeof(br));
	memset(ports, 0, sizeof(ports));
	br.ifindex = 10;
	strcpy(br.name, "br0");
	br.ageing_time_cs = 30000;
	br.n_ports = 2;
	br.ports = ports;
	br.vlan_filtering = vlan_filtering;
	for (int i = 0; i < 2; i++) {
		ports[i].ifindex = 11 + i;
		snprintf(ports[i].name, sizeof(ports[i].name), "p%d", i);
		ports[i].stp_state = 3;
		ports[i].learning = ports[i].flood = true;
		if (vlan_filtering) {	/* veths whose peers put tags in the frame */
			strcpy(ports[i].kind, "veth");
			ports[i].peer.known = true;
		}
	}
	if (brnf)
		snprintf(br.graph_nf_reason, sizeof(br.graph_nf_reason),
			 "netfilter-bridged: a rule");
	return tna_plan_bridge(&br, &o, p);
}

static const char *jstr(struct json_object *j, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(j, k, &v) ? json_object_get_string(v) : "";
}

int main(void)
{
	struct tna_bridge_plan p;
	struct json_object *j;

	/* a stock kernel: the mirror, as before */
	CHECK_EQ(plan(false, false, false, &p), 0);
	CHECK(p.ok && p.fdb_mode == TNA_FDB_MODE_MIRROR, "mirror: %s", p.fdb_reason);
	CHECK_EQ(p.fpms, F(PARSE_ETH) | F(CLASSIFY) | F(PORT_STATE) | F(FDB_SRC) |
			 F(FDB_DST) | F(PORT_FLAGS) | F(FORWARD) | F(STATS) | F(FLOW_CACHE));
	CHECK_EQ(p.keepalive_ms, 60000);
	CHECK(strstr(p.fdb_reason, "no bpf_xdp_fdb_lookup") != NULL, "why: %s", p.fdb_reason);
	tna_plan_bridge_free(&p);

	/* the kfunc: its module instead of the flow cache, no keep-alive */
	CHECK_EQ(plan(true, false, false, &p), 0);
	CHECK(p.ok && p.fdb_mode == TNA_FDB_MODE_KFUNC, "kfunc: %s", p.fdb_reason);
	CHECK_EQ(p.fpms, F(PARSE_ETH) | F(CLASSIFY) | F(PORT_STATE) | F(FDB_SRC) |
			 F(FDB_DST) | F(PORT_FLAGS) | F(FORWARD) | F(STATS) | F(FDB_KFUNC));
	CHECK_EQ(p.keepalive_ms, 0);
	j = tna_plan_to_json(&p);
	CHECK(!strcmp(jstr(j, "fdb_mode"), "kfunc"), "json fdb_mode %s", jstr(j, "fdb_mode"));
	CHECK(strstr(jstr(j, "fdb_mode_reason"), "has bpf_xdp_fdb_lookup") != NULL,
	      "json reason %s", jstr(j, "fdb_mode_reason"));
	json_object_put(j);
	tna_plan_bridge_free(&p);

	/* asked for the mirror: the mirror, saying the kfunc is there */
	CHECK_EQ(plan(true, true, false, &p), 0);
	CHECK(p.ok && p.fdb_mode == TNA_FDB_MODE_MIRROR && (p.fpms & F(FLOW_CACHE)) &&
	      !(p.fpms & F(FDB_KFUNC)) && strstr(p.fdb_reason, "TNA_FDB_MODE=mirror"),
	      "mirror asked: %s", p.fdb_reason);
	tna_plan_bridge_free(&p);

	/* VLAN filtering: the call passes no tag, the mirror keys by VLAN */
	vlan_filtering = true;
	CHECK_EQ(plan(true, false, false, &p), 0);
	CHECK(p.ok && p.fdb_mode == TNA_FDB_MODE_MIRROR && (p.fpms & F(VLAN)) &&
	      !(p.fpms & F(FDB_KFUNC)) && p.keepalive_ms == 60000 &&
	      strstr(p.fdb_reason, "VLAN filtering") != NULL, "vlan: %s (%s)", p.fdb_reason, p.reason);
	tna_plan_bridge_free(&p);
	vlan_filtering = false;

	/* every frame to Linux (explicit target, rules see bridged frames):
	 * no FDB lookups, nothing changes */
	CHECK_EQ(plan(true, false, true, &p), 0);
	CHECK(p.ok && p.br_netfilter && p.fdb_mode == TNA_FDB_MODE_MIRROR &&
	      !(p.fpms & F(FDB_KFUNC)), "br_netfilter: %s", p.fdb_reason);
	tna_plan_bridge_free(&p);
	return tna_test_exit();
}
