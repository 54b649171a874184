/* assembler/plan: the planner on fixture bridges and capabilities (no root,
 * no kernel): target choice per port and bridge, explicit targets honoured
 * or refused, NFP -> offload pre-stage + native, br_netfilter, budgets. */
#include <string.h>
#include <json-c/json.h>
#include "assembler/plan.h"
#include "tests/lib/tna_test.h"

#define F(x) (1ull << TNA_PFPM_##x)

static struct tna_caps_dev veth_native(const char *name, bool ndo_xmit)
{
	struct tna_caps_dev c = { 0 };

	snprintf(c.name, sizeof(c.name), "%s", name);
	snprintf(c.kind, sizeof(c.kind), "veth");
	c.xdp_features_known = true;
	c.xdp_features = ndo_xmit ? 0x67 : 0x23;
	c.best = TNA_TARGET_NATIVE;
	snprintf(c.reason, sizeof(c.reason), "driver veth: native XDP");
	if (!ndo_xmit)
		snprintf(c.blockers, sizeof(c.blockers),
			 "peer needs an XDP program or GRO for ndo-xmit");
	c.can_redirect_to = ndo_xmit;
	return c;
}

static struct tna_caps_dev nfp(const char *name)
{
	struct tna_caps_dev c = veth_native(name, true);

	snprintf(c.kind, sizeof(c.kind), "physical");
	snprintf(c.driver, sizeof(c.driver), "nfp");
	c.pci_vendor = 0x19ee, c.pci_device = 0x4000, c.pci_known = c.nfp = true;
	c.xdp_features = 0x1f;
	c.best = TNA_TARGET_OFFLOAD;
	snprintf(c.reason, sizeof(c.reason), "NFP-4000 with hw-offload");
	return c;
}

static struct tna_caps_dev generic_only(const char *name)
{
	struct tna_caps_dev c = { 0 };

	snprintf(c.name, sizeof(c.name), "%s", name);
	c.best = TNA_TARGET_GENERIC;
	snprintf(c.reason, sizeof(c.reason), "no native XDP (features 0)");
	return c;
}

static struct tna_caps_dev caps[4];
static struct tna_plan_port_in ports[4];
static struct tna_plan_bridge_in br;

static void fixture(int n)
{
	int i;

	memset(&br, 0, sizeof(br));
	memset(ports, 0, sizeof(ports));
	br.ifindex = 10;
	snprintf(br.name, sizeof(br.name), "br0");
	br.ageing_time_cs = 30000;
	br.n_ports = n;
	br.ports = ports;
	for (i = 0; i < n; i++) {
		ports[i].ifindex = 11 + i;
		snprintf(ports[i].name, sizeof(ports[i].name), "p%d", i);
		ports[i].stp_state = 3;
		ports[i].learning = ports[i].flood = true;
		caps[i] = veth_native(ports[i].name, true);
		ports[i].caps = &caps[i];
	}
}

static int plan(enum tna_target t, bool force, struct tna_bridge_plan *p)
{
	struct tna_plan_opts o = { .sz = sizeof(o), .target = t, .force = force };

	return tna_plan_bridge(&br, &o, p);
}

int main(void)
{
	struct tna_bridge_plan p;
	struct json_object *j, *v;
	struct tna_target_limits lim;

	/* 1. Three native-capable veths: auto -> native, the full pipeline
	 *    without VLAN and port flags (not configured). */
	fixture(3);
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && !p.refused, "plain bridge deploys: %s", p.reason);
	CHECK_EQ(p.target, TNA_TARGET_NATIVE);
	CHECK_EQ(p.fpms, F(PARSE_ETH) | F(CLASSIFY) | F(PORT_STATE) | F(FDB_SRC) |
			 F(FDB_DST) | F(FORWARD) | F(STATS) | F(FLOW_CACHE));
	CHECK_EQ(p.prestage_fpms, 0);
	CHECK(p.ports[2].accelerated && p.ports[2].target == TNA_TARGET_NATIVE,
	      "port p2 native");
	CHECK(p.budget_ok && p.est_insns > 0 && p.est_insns < p.limits.max_insns,
	      "budget estimate %u", p.est_insns);
	CHECK_EQ(p.keepalive_ms, 60000);	/* 300 s ageing -> capped */
	tna_plan_bridge_free(&p);

	/* 2. One veth whose peer has no XDP/GRO: auto falls back to generic
	 *    and names the port; explicit native is refused naming it;
	 *    explicit generic is honoured. */
	caps[1] = veth_native("p1", false);
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.target == TNA_TARGET_GENERIC, "auto -> generic");
	CHECK(strstr(p.reason, "p1") && strstr(p.reason, "ndo-xmit"),
	      "reason names p1 and ndo-xmit: %s", p.reason);
	tna_plan_bridge_free(&p);
	/* explicit native: honoured, p1 only receives natively until its
	 * peer can take redirected frames */
	CHECK_EQ(plan(TNA_TARGET_NATIVE, false, &p), 0);
	CHECK(p.ok && p.target == TNA_TARGET_NATIVE, "native honoured: %s", p.reason);
	CHECK(strstr(p.reason, "p1 not a redirect egress"), "%s", p.reason);
	tna_plan_bridge_free(&p);
	/* a port without native XDP at all: native refused naming it */
	caps[1] = generic_only("p1");
	CHECK_EQ(plan(TNA_TARGET_NATIVE, false, &p), 0);
	CHECK(p.refused && !p.ok, "native refused");
	CHECK(strstr(p.reason, "--target native refused: port p1"), "%s", p.reason);
	tna_plan_bridge_free(&p);
	CHECK_EQ(plan(TNA_TARGET_GENERIC, false, &p), 0);
	CHECK(p.ok && p.target == TNA_TARGET_GENERIC, "generic honoured");
	tna_plan_bridge_free(&p);

	/* 3. Offload asked on veths: refused (no HW offload). */
	fixture(3);
	CHECK_EQ(plan(TNA_TARGET_OFFLOAD, false, &p), 0);
	CHECK(p.refused && strstr(p.reason, "has no hw-offload (XDP features: basic,"),
	      "%s", p.reason);
	CHECK(!strstr(p.reason, "redirect egress"), "names hw-offload, not another blocker: %s",
	      p.reason);
	tna_plan_bridge_free(&p);

	/* 4. NFP fixture: two NFP ports -> offload pre-stage (parse,
	 *    classify, stats; never the redirect) + native pipeline, for auto
	 *    and for an explicit --target offload. */
	fixture(2);
	caps[0] = nfp("p0");
	caps[1] = nfp("p1");
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.target == TNA_TARGET_NATIVE, "NFP: native pipeline");
	CHECK_EQ(p.prestage_fpms, F(PARSE_ETH) | F(CLASSIFY) | F(STATS));
	CHECK(!(p.prestage_fpms & F(FORWARD)), "no redirect on the NIC");
	CHECK_EQ(p.ports[0].prestage, TNA_TARGET_OFFLOAD);
	CHECK_EQ(p.ports[1].prestage, TNA_TARGET_OFFLOAD);
	tna_plan_bridge_free(&p);
	CHECK_EQ(plan(TNA_TARGET_OFFLOAD, false, &p), 0);
	CHECK(p.ok && p.prestage_fpms && p.target == TNA_TARGET_NATIVE,
	      "--target offload honoured as pre-stage + native: %s", p.reason);
	tna_plan_bridge_free(&p);
	/* A NIC with a tiny budget: the pre-stage is dropped, native stays. */
	{
		struct tna_plan_opts o = { .sz = sizeof(o), .target = TNA_PLAN_AUTO };

		tna_target_limits_default(TNA_TARGET_OFFLOAD, &lim);
		lim.max_insns = 16;
		o.offload_limits = &lim;
		CHECK_EQ(tna_plan_bridge(&br, &o, &p), 0);
		CHECK(p.ok && p.target == TNA_TARGET_NATIVE && !p.prestage_fpms,
		      "pre-stage over budget dropped");
		CHECK(strstr(p.ports[0].reason, "budget"), "%s", p.ports[0].reason);
		tna_plan_bridge_free(&p);
	}
	/* NFP + a generic-only port: generic for all, no pre-stage. */
	fixture(3);
	caps[0] = nfp("p0");
	caps[2] = generic_only("p2");
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.target == TNA_TARGET_GENERIC && !p.prestage_fpms,
	      "mixed NFP + generic -> generic, no pre-stage");
	CHECK(strstr(p.reason, "p2"), "%s", p.reason);
	tna_plan_bridge_free(&p);

	/* 5. br_netfilter: nf_call on AND rules -> deployed, all to Linux;
	 *    nf_call on without rules -> accelerated; unknown ruleset counts
	 *    as rules; nftables bridge chains too. */
	fixture(3);
	br.nf_call[TNA_NF_IPV4] = 1;
	br.nf_rules[TNA_NF_IPV4] = 2;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.br_netfilter, "br_netfilter decided");
	CHECK(strstr(p.reason, "br_netfilter") && strstr(p.reason, "iptables"),
	      "%s", p.reason);
	CHECK(!(p.fpms & F(FORWARD)) && (p.fpms & F(STATS)),
	      "nothing is forwarded past the rules");
	tna_plan_bridge_free(&p);
	br.nf_rules[TNA_NF_IPV4] = 0;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.br_netfilter && strstr(p.reason, "validates"),
	      "no rules, but br_netfilter still validates IP: %s", p.reason);
	tna_plan_bridge_free(&p);
	{
		struct tna_plan_opts o = { .sz = sizeof(o), .target = TNA_PLAN_AUTO,
					   .dp_validates_ip = true };

		CHECK_EQ(tna_plan_bridge(&br, &o, &p), 0);
		CHECK(p.ok && !p.br_netfilter && (p.fpms & F(FORWARD)),
		      "no rules and a validating fast path: accelerate");
		CHECK((p.fpms & F(BRNF_IPV4)) && !(p.fpms & F(BRNF_IPV6)),
		      "with br_netfilter's IPv4 checks only");
		tna_plan_bridge_free(&p);
	}
	br.nf_rules[TNA_NF_IPV4] = -1;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.br_netfilter, "unknown ruleset is treated as rules");
	tna_plan_bridge_free(&p);
	br.nf_call[TNA_NF_IPV4] = 0;
	br.nf_rules[TNA_NF_IPV4] = 5;	/* rules but the bridge does not call them */
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(!p.br_netfilter, "rules not called by the bridge: accelerate");
	tna_plan_bridge_free(&p);
	br.nft_bridge_chains = 1;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.br_netfilter && strstr(p.reason, "bridge-family"), "%s", p.reason);
	tna_plan_bridge_free(&p);

	/* 6. Ports left out: tc filters, a foreign program (unless --force);
	 *    fewer than two left -> nothing; port flags add the module. */
	fixture(3);
	ports[0].tc_filters = true;
	ports[1].foreign_prog_id = 42;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(!p.ok && strstr(p.reason, "need 2"), "%s", p.reason);
	CHECK(strstr(p.ports[1].reason, "42") && strstr(p.ports[1].reason, "--force"),
	      "%s", p.ports[1].reason);
	tna_plan_bridge_free(&p);
	CHECK_EQ(plan(TNA_PLAN_AUTO, true, &p), 0);
	CHECK(p.ok && !p.ports[0].accelerated && p.ports[1].accelerated,
	      "--force takes p1, p0 stays with Linux");
	tna_plan_bridge_free(&p);
	fixture(3);
	ports[2].isolated = true;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.fpms & F(PORT_FLAGS), "isolated port -> port_flags module");
	tna_plan_bridge_free(&p);
	ports[2].isolated = false;
	ports[1].slowpath = true;	/* neigh_suppress */
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && (p.fpms & F(PORT_FLAGS)), "slow-path port -> port_flags module");
	tna_plan_bridge_free(&p);

	/* 7. VLAN filtering and graph verdicts keep the bridge in Linux. */
	fixture(3);
	br.vlan_filtering = true;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(!p.ok && !p.refused && strstr(p.reason, "vlan_filtering"), "%s", p.reason);
	CHECK(!p.ports[0].accelerated, "no port accelerated");
	tna_plan_bridge_free(&p);
	fixture(3);
	br.graph_reason = "bridge has an IP address: routing not supported yet";
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(!p.ok && strstr(p.reason, "routing"), "%s", p.reason);
	tna_plan_bridge_free(&p);

	/* 8. Budget after load: an xlated count over the limit fails. */
	fixture(3);
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	p.xlated_insns = 300;
	CHECK(tna_plan_budget_check(&p), "300 insns fit");
	p.limits.max_insns = 100;
	CHECK(!tna_plan_budget_check(&p) && !p.ok, "over the limit");
	CHECK(strstr(p.reason, "budget"), "%s", p.reason);

	/* 9. JSON carries the decision. */
	p.ok = true;
	j = tna_plan_to_json(&p);
	CHECK(json_object_object_get_ex(j, "target", &v) &&
	      !strcmp(json_object_get_string(v), "native"), "json target");
	CHECK(json_object_object_get_ex(j, "ports", &v) &&
	      json_object_array_length(v) == 3, "json ports");
	CHECK(json_object_object_get_ex(j, "fpms", &v) &&
	      json_object_array_length(v) == 8, "json fpms");
	json_object_put(j);
	tna_plan_bridge_free(&p);

	CHECK_EQ(tna_plan_bridge(NULL, NULL, &p), -22);
	return tna_test_exit();
}
