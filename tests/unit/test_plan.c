/* assembler/plan: the planner on fixture bridges and capabilities (no root,
 * no kernel): target choice per port and bridge, explicit targets honoured
 * or refused, offloading devices (NFP, netdevsim) -> a NIC stage where the
 * offload model says the compiled NIC stage fits, br_netfilter, budgets. */
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

/* An NFP as its driver describes itself: basic, redirect, hw-offload, no
 * ndo-xmit (nfp_net_common.c), so not a native redirect egress. */
static struct tna_caps_dev nfp(const char *name)
{
	struct tna_caps_dev c = veth_native(name, true);

	snprintf(c.kind, sizeof(c.kind), "physical");
	snprintf(c.driver, sizeof(c.driver), "nfp");
	c.pci_vendor = 0x19ee, c.pci_device = 0x4000, c.pci_known = c.nfp = true;
	c.xdp_features = 0x13;
	c.can_redirect_to = false;
	c.best = TNA_TARGET_OFFLOAD;
	snprintf(c.reason, sizeof(c.reason), "nfp advertises hw-offload (NFP by PCI id)");
	snprintf(c.blockers, sizeof(c.blockers), "no ndo-xmit: cannot be a native redirect egress");
	return c;
}

/* netdevsim: hw-offload only (netdevsim/netdev.c nsim_setup). */
static struct tna_caps_dev nsim(const char *name)
{
	struct tna_caps_dev c = { 0 };

	snprintf(c.name, sizeof(c.name), "%s", name);
	snprintf(c.kind, sizeof(c.kind), "physical");
	snprintf(c.driver, sizeof(c.driver), "netdevsim");
	c.xdp_features_known = true;
	c.xdp_features = 0x10;
	c.best = TNA_TARGET_OFFLOAD;
	snprintf(c.reason, sizeof(c.reason), "netdevsim advertises hw-offload");
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

	/* 1. Three native-capable veths: auto -> native, the full pipeline
	 *    without VLAN (not configured); port flags are table values. */
	fixture(3);
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && !p.refused, "plain bridge deploys: %s", p.reason);
	CHECK_EQ(p.target, TNA_TARGET_NATIVE);
	CHECK_EQ(p.fpms, F(PARSE_ETH) | F(CLASSIFY) | F(PORT_STATE) | F(FDB_SRC) |
			 F(FDB_DST) | F(PORT_FLAGS) | F(FORWARD) | F(STATS) | F(FLOW_CACHE) |
			 F(CSUM));
	CHECK_EQ(p.n_nic, 0);
	CHECK(!p.ports[0].nic && !p.ports[0].nic_reason[0], "no NIC stage on a veth");
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

	/* 4. Offloading devices: a NIC stage on each, where the model says
	 *    the compiled NIC stage fits; the host stage by features (an NFP
	 *    cannot be a native redirect egress, netdevsim has no native XDP). */
	fixture(2);
	caps[0] = nfp("p0");
	caps[1] = nfp("p1");
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.target == TNA_TARGET_GENERIC, "NFP: generic host stage: %s", p.reason);
	CHECK(strstr(p.reason, "ndo-xmit"), "%s", p.reason);
	CHECK_EQ(p.n_nic, 2);
	CHECK(p.ports[0].nic && p.ports[1].nic, "a NIC stage on both");
	CHECK_STR(p.ports[0].nic_kind, "nfp");
	CHECK(strstr(p.ports[0].nic_reason, "fits the nfp model"), "%s", p.ports[0].nic_reason);
	CHECK(p.nic_insns > 0 && p.nic_insns == tna_offload_nic_req()->insns, "insns %u",
	      p.nic_insns);
	j = tna_plan_to_json(&p);
	v = json_object_array_get_idx(json_object_object_get(j, "ports"), 0);
	CHECK(json_object_get_boolean(json_object_object_get(v, "nic")), "json nic");
	CHECK_STR(json_object_get_string(json_object_object_get(v, "nic_kind")), "nfp");
	CHECK_EQ(json_object_get_int(json_object_object_get(j, "nic_ports")), 2);
	json_object_put(j);
	tna_plan_bridge_free(&p);
	CHECK_EQ(plan(TNA_TARGET_OFFLOAD, false, &p), 0);
	CHECK(p.ok && p.n_nic == 2 && p.target == TNA_TARGET_GENERIC,
	      "--target offload: NIC stages + generic host stage: %s", p.reason);
	CHECK(strstr(p.reason, "--target offload"), "%s", p.reason);
	tna_plan_bridge_free(&p);
	/* an NFP that could be a redirect egress: native host stage */
	caps[0].xdp_features = caps[1].xdp_features = 0x17;
	caps[0].can_redirect_to = caps[1].can_redirect_to = true;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.target == TNA_TARGET_NATIVE && p.n_nic == 2, "%s", p.reason);
	tna_plan_bridge_free(&p);
	/* netdevsim: hw-offload only -> generic host stage, NIC stages */
	caps[0] = nsim("p0");
	caps[1] = nsim("p1");
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.target == TNA_TARGET_GENERIC && p.n_nic == 2, "%s", p.reason);
	CHECK(strstr(p.ports[0].reason, "no native XDP"), "%s", p.ports[0].reason);
	CHECK_STR(p.ports[0].nic_kind, "netdevsim");
	tna_plan_bridge_free(&p);
	CHECK_EQ(plan(TNA_TARGET_NATIVE, false, &p), 0);
	CHECK(p.refused, "native refused on netdevsim (no basic): %s", p.reason);
	tna_plan_bridge_free(&p);
	/* A NIC stage over the model's budget: none, the model's reason;
	 * the host stage stays; an explicit --target offload is refused. */
	{
		struct tna_offload_req big = *tna_offload_nic_req();
		struct tna_plan_opts o = { .sz = sizeof(o), .target = TNA_PLAN_AUTO,
					   .nic_req = &big };

		caps[0] = nfp("p0");
		caps[1] = nsim("p1");
		big.insns = 5000;
		big.maps[0].max_entries = 3;
		CHECK_EQ(tna_plan_bridge(&br, &o, &p), 0);
		CHECK(p.ok && p.target == TNA_TARGET_GENERIC && p.n_nic == 0, "%s", p.reason);
		CHECK(strstr(p.ports[0].nic_reason, "5000 instructions > 2800"), "%s",
		      p.ports[0].nic_reason);
		CHECK(strstr(p.ports[1].nic_reason, "3 entries > 2"), "%s", p.ports[1].nic_reason);
		tna_plan_bridge_free(&p);
		o.target = TNA_TARGET_OFFLOAD;
		CHECK_EQ(tna_plan_bridge(&br, &o, &p), 0);
		CHECK(p.refused && !p.ok, "offload refused over budget");
		CHECK(strstr(p.reason, "--target offload refused: port p0") &&
		      strstr(p.reason, "instructions"), "%s", p.reason);
		tna_plan_bridge_free(&p);
	}
	/* A foreign HW-mode program stays, and the port gets no NIC stage. */
	caps[0] = nsim("p0");
	caps[1] = nsim("p1");
	caps[1].prog_id_hw = 77;
	snprintf(caps[1].prog_name_hw, sizeof(caps[1].prog_name_hw), "fw");
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.ports[0].nic && !p.ports[1].nic, "foreign HW program");
	CHECK(strstr(p.ports[1].nic_reason, "'fw' (id 77)"), "%s", p.ports[1].nic_reason);
	tna_plan_bridge_free(&p);
	/* NFP + a veth: a NIC stage on the NFP only. */
	fixture(3);
	caps[0] = nfp("p0");
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.n_nic == 1 && p.ports[0].nic && !p.ports[1].nic, "%s", p.reason);
	tna_plan_bridge_free(&p);
	/* NFP + a generic-only port: generic for all, the NIC stage stays. */
	caps[2] = generic_only("p2");
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.target == TNA_TARGET_GENERIC && p.n_nic == 1,
	      "mixed NFP + generic -> generic, NIC stage on the NFP");
	CHECK(strstr(p.reason, "generic because port p0"), "%s", p.reason);
	tna_plan_bridge_free(&p);

	/* 5. br_netfilter: the graph says rules see bridged traffic -> all
	 *    to Linux: auto deploys nothing (a program would only cost), an
	 *    explicit target deploys it passing everything; nf_call on
	 *    without rules -> br_netfilter's checks (brnf modules). */
	fixture(3);
	br.nf_call[TNA_NF_IPV4] = 1;
	snprintf(br.graph_nf_reason, sizeof(br.graph_nf_reason),
		 "netfilter-bridged: br_netfilter runs rules on bridged traffic");
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(!p.ok && p.br_netfilter, "br_netfilter decided, auto: no program");
	CHECK(strstr(p.reason, "br_netfilter") && strstr(p.reason, "netfilter-bridged") &&
	      strstr(p.reason, "no program"), "%s", p.reason);
	tna_plan_bridge_free(&p);
	CHECK_EQ(plan(TNA_TARGET_GENERIC, false, &p), 0);
	CHECK(p.ok && p.br_netfilter, "br_netfilter decided, explicit target: deployed");
	CHECK(!(p.fpms & F(FORWARD)) && (p.fpms & F(STATS)),
	      "nothing is forwarded past the rules");
	tna_plan_bridge_free(&p);
	br.graph_nf_reason[0] = 0;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(!p.ok && p.br_netfilter && strstr(p.reason, "validates"),
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
	br.nf_call[TNA_NF_IPV4] = 0;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(!p.br_netfilter && !(p.fpms & F(BRNF_IPV4)), "no calls: plain acceleration");
	tna_plan_bridge_free(&p);

	/* 6. Ports left out: the graph's reason (tc-filter), a foreign program
	 *    (unless --force); fewer than two left -> nothing; port flags add
	 *    the module; tc-egress keeps the port with its egress to Linux. */
	fixture(3);
	snprintf(ports[0].graph_reason, sizeof(ports[0].graph_reason), "tc-filter: tc sees it");
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
	/* port options are table values: the same modules with or without */
	fixture(3);
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	uint64_t plain = p.fpms;
	CHECK(p.ok && (plain & F(PORT_FLAGS)), "port_flags module in every bridge pipeline");
	tna_plan_bridge_free(&p);
	ports[2].isolated = true;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.fpms == plain, "isolated port: same modules");
	tna_plan_bridge_free(&p);
	ports[2].isolated = false;
	ports[1].slowpath = true;	/* neigh_suppress */
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.fpms == plain, "slow-path port: same modules");
	tna_plan_bridge_free(&p);
	fixture(3);
	ports[1].egress_linux = true;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.ports[1].accelerated && p.ports[1].egress_linux &&
	      !p.ports[0].egress_linux, "tc-egress: accelerated, egress to Linux");
	tna_plan_bridge_free(&p);

	/* 7. The graph's verdict (vlan-802.1ad) keeps the bridge in Linux. */
	fixture(3);
	snprintf(br.graph_reason, sizeof(br.graph_reason),
		 "vlan-802.1ad: VLAN filtering on 802.1ad (QinQ) tags: not supported yet");
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(!p.ok && !p.refused && strstr(p.reason, "vlan-802.1ad"), "%s", p.reason);
	CHECK(!p.ports[0].accelerated, "no port accelerated");
	tna_plan_bridge_free(&p);
	/* 802.1Q filtering: the VLAN module, no flow cache (keyed without VLAN) */
	fixture(3);
	br.vlan_filtering = true;
	for (int i = 0; i < 3; i++) {
		snprintf(ports[i].kind, sizeof(ports[i].kind), "veth");
		ports[i].peer.known = true;
	}
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.vlan_filtering && (p.fpms & F(VLAN)) && !(p.fpms & F(FLOW_CACHE)),
	      "VLAN filtering: vlan module without flow cache (fpms %#llx)",
	      (unsigned long long)p.fpms);
	tna_plan_bridge_free(&p);
	/* a port whose tags may travel as metadata XDP does not see: left out
	 * (a veth peer with tx-vlan offload, a peer unknown, not a veth) */
	ports[0].peer.tx_vlan = true;
	ports[1].peer.known = false;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(!p.ok && !p.ports[0].accelerated && strstr(p.ports[0].reason, "txvlan") &&
	      !p.ports[1].accelerated && strstr(p.ports[1].reason, "cannot be read") &&
	      strstr(p.reason, "1 port(s)"), "VLAN: tags as metadata: %s / %s", p.ports[0].reason,
	      p.ports[1].reason);
	tna_plan_bridge_free(&p);
	ports[1].peer.known = true;
	snprintf(ports[2].kind, sizeof(ports[2].kind), "%s", "");
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(!p.ports[2].accelerated && strstr(p.ports[2].reason, "physical"), "%s",
	      p.ports[2].reason);
	tna_plan_bridge_free(&p);
	fixture(3);
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && !(p.fpms & F(VLAN)) && (p.fpms & F(FLOW_CACHE)), "no VLAN filtering: no vlan module");
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
	      json_object_array_length(v) == 10, "json fpms (native: with csum)");
	json_object_put(j);
	tna_plan_bridge_free(&p);

	/* 10. auto and veth peers: a port whose peer sends TSO superpackets
	 *     gets no program (bulk TCP is faster through Linux); explicit
	 *     targets take it anyway.  Native ports whose peer offloads tx
	 *     checksums complete them; generic keeps the skb (nothing to do). */
	fixture(3);
	for (int i = 0; i < 3; i++) {
		snprintf(ports[i].kind, sizeof(ports[i].kind), "veth");
		ports[i].peer = (struct tna_peer){ .known = true, .tx_csum = true, .gro = true };
	}
	ports[0].peer.tso = true;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.target == TNA_TARGET_NATIVE && !p.ports[0].accelerated &&
	      p.ports[1].accelerated && p.ports[2].accelerated, "p0 left to Linux: %s", p.reason);
	CHECK(strstr(p.ports[0].reason, "TSO") && strstr(p.ports[0].reason, "no program"),
	      "%s", p.ports[0].reason);
	CHECK(p.ports[1].csum == TNA_PLAN_CSUM_FIX && (p.fpms & F(CSUM)),
	      "native + peer tx checksumming: completed in XDP");
	tna_plan_bridge_free(&p);
	ports[1].peer.tso = true;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(!p.ok && strstr(p.reason, "TSO") && strstr(p.reason, "need 2"), "%s", p.reason);
	tna_plan_bridge_free(&p);
	CHECK_EQ(plan(TNA_TARGET_GENERIC, false, &p), 0);
	CHECK(p.ok && p.ports[0].accelerated && p.ports[1].accelerated &&
	      p.ports[0].csum == TNA_PLAN_CSUM_COMPLETE && !(p.fpms & F(CSUM)),
	      "explicit generic: every port, no checksum work");
	tna_plan_bridge_free(&p);
	ports[0].peer.tso = ports[1].peer.tso = false;
	ports[2].peer.tx_csum = false;
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.ports[2].csum == TNA_PLAN_CSUM_COMPLETE &&
	      p.ports[0].csum == TNA_PLAN_CSUM_FIX, "tx checksumming off: complete ones only");
	j = tna_plan_to_json(&p);
	CHECK(json_object_object_get_ex(j, "ports", &v) &&
	      !strcmp(json_object_get_string(json_object_object_get(
		      json_object_array_get_idx(v, 0), "checksums")), "completed in XDP"),
	      "json checksums");
	json_object_put(j);
	tna_plan_bridge_free(&p);
	caps[1] = veth_native("p1", false);	/* its peer has neither XDP nor GRO */
	CHECK_EQ(plan(TNA_PLAN_AUTO, false, &p), 0);
	CHECK(p.ok && p.target == TNA_TARGET_GENERIC && p.ports[1].redirect_to == false &&
	      p.ports[0].csum == TNA_PLAN_CSUM_COMPLETE, "no ndo-xmit: generic, %s", p.reason);
	tna_plan_bridge_free(&p);

	CHECK_EQ(tna_plan_bridge(NULL, NULL, &p), -22);
	return tna_test_exit();
}
