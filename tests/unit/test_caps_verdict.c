/* tna_caps_verdict() on devices assembled from fixtures the same way the
 * probe assembles them (link + netdev + ethtool messages, then the sysfs
 * walk): NFP-4000 with HW_OFFLOAD -> offload, virtio -> native, a NIC
 * without XDP -> generic, veth -> native (NDO_XMIT only while the peer has
 * XDP), bridge -> none, foreign programs -> blocker. */
#include <errno.h>

#include "capabilities/caps.h"
#include "tests/lib/tna_test.h"
#include "tests/unit/caps_fixture.h"

static void expect(struct tna_caps_dev *d, const struct tna_caps_sys *sys,
		   enum tna_target want, const char *blocker_part)
{
	tna_caps_verdict(sys, d);
	CHECK(d->best == want, "%s: target %s, want %s (reason: %s)", d->name,
	      tna_target_name(d->best), tna_target_name(want), d->reason);
	CHECK(d->reason[0], "%s: a reason is given", d->name);
	if (blocker_part)
		CHECK(strstr(d->blockers, blocker_part), "%s: blockers \"%s\" lack \"%s\"",
		      d->name, d->blockers, blocker_part);
	else
		CHECK(!d->blockers[0], "%s: unexpected blockers \"%s\"", d->name,
		      d->blockers);
}

int main(void)
{
	struct tna_caps_sys sys = { .btf = true, .netdev_genl = true };
	struct tna_caps_dev d;
	enum tna_target t;

	/* Fake Netronome NFP-4000 with HW_OFFLOAD. */
	fixture_dev(&d, "synth", "nfp", "enp1s0np0");
	snprintf(d.name, sizeof(d.name), "enp1s0np0");
	CHECK(d.nfp && d.hw_tc_offload == 1 && d.channels_combined == 4,
	      "nfp facts: nfp %d tc %d ch %u", d.nfp, d.hw_tc_offload,
	      d.channels_combined);
	expect(&d, &sys, TNA_TARGET_OFFLOAD, "no ndo-xmit");
	CHECK(strstr(d.reason, "hw-offload"), "nfp reason: %s", d.reason);
	/* The same flags on a non-NFP device: offload is not trusted. */
	d.nfp = false;
	snprintf(d.driver, sizeof(d.driver), "somenic");
	expect(&d, &sys, TNA_TARGET_NATIVE, "no ndo-xmit");
	CHECK(strstr(d.reason, "hw-offload ignored"), "reason: %s", d.reason);
	/* netdevsim is the other offload driver. */
	snprintf(d.driver, sizeof(d.driver), "netdevsim");
	expect(&d, &sys, TNA_TARGET_OFFLOAD, "no ndo-xmit");

	/* This VM's virtio NIC, recorded: 0x2b, no NDO_XMIT without a prog. */
	fixture_dev(&d, "host", "eth0", "eth0");
	CHECK_STR(d.kind, "virtio");
	CHECK(d.pci_known && d.pci_vendor == 0x1af4, "virtio on PCI");
	expect(&d, &sys, TNA_TARGET_NATIVE, "no ndo-xmit");
	CHECK(!strstr(d.blockers, "veth"), "no veth hint on virtio: %s", d.blockers);

	/* A Realtek 8139: the netdev family answers 0 -> generic. */
	fixture_dev(&d, "synth", "noxdp", "ens4");
	snprintf(d.kind, sizeof(d.kind), "physical");
	CHECK_EQ(d.pci_device, 0x8139);
	expect(&d, &sys, TNA_TARGET_GENERIC, NULL);
	CHECK(!d.can_redirect_to, "noxdp not a native egress");

	/* No netdev genl at all: unknown, generic, and said so. */
	d.xdp_features_known = false;
	sys.netdev_genl = false;
	expect(&d, &sys, TNA_TARGET_GENERIC, NULL);
	CHECK(strstr(d.reason, "unknown"), "reason: %s", d.reason);
	sys.netdev_genl = true;

	/* veth port of a bridge, peer without XDP: native, no NDO_XMIT. */
	fixture_dev(&d, "veth", "p1", NULL);
	expect(&d, &sys, TNA_TARGET_NATIVE, "peer has an XDP program or GRO");
	CHECK(!d.can_redirect_to, "p1 without NDO_XMIT");
	/* Its peer got an XDP program: NDO_XMIT, nothing blocks. */
	fixture_dev(&d, "veth-peerxdp", "p1", NULL);
	expect(&d, &sys, TNA_TARGET_NATIVE, NULL);
	CHECK(d.can_redirect_to, "p1 with NDO_XMIT");

	/* The bridge itself is no XDP target. */
	fixture_dev(&d, "veth", "br0", NULL);
	CHECK(d.xdp_features_known && d.xdp_features == 0, "bridge features 0");
	expect(&d, &sys, TNA_TARGET_NONE, NULL);
	CHECK(!d.can_redirect_to, "bridge not an egress");

	/* h1:eth0 carries a program: foreign unless named tna*. */
	fixture_dev(&d, "veth-xdp", "eth0", NULL);
	snprintf(d.prog_name_drv, sizeof(d.prog_name_drv), "xdp_pass_peer");
	expect(&d, &sys, TNA_TARGET_NATIVE, "foreign XDP program 'xdp_pass_peer'");
	CHECK(strstr(d.blockers, "native mode"), "mode named: %s", d.blockers);
	/* (its own peer, p1, has no program: no NDO_XMIT here) */
	snprintf(d.prog_name_drv, sizeof(d.prog_name_drv), "tna_entry");
	expect(&d, &sys, TNA_TARGET_NATIVE, "no ndo-xmit");
	CHECK(!strstr(d.blockers, "foreign"), "own program is no blocker: %s",
	      d.blockers);
	/* A generic-mode program is just as foreign; several blockers join. */
	d.prog_id_skb = 7;
	snprintf(d.prog_name_skb, sizeof(d.prog_name_skb), "other");
	sys.btf = false;
	expect(&d, &sys, TNA_TARGET_NATIVE, "kernel has no BTF; foreign XDP program 'other' (id 7) attached in generic mode");
	sys.btf = true;

	/* Without SYS the verdict still works (tna_caps_probe_dev uses it). */
	fixture_dev(&d, "veth", "p1", NULL);
	expect(&d, NULL, TNA_TARGET_NATIVE, "no ndo-xmit");

	/* Loopback. */
	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "lo");
	snprintf(d.kind, sizeof(d.kind), "loopback");
	d.xdp_features_known = true;
	expect(&d, &sys, TNA_TARGET_NONE, NULL);

	/* Target names round-trip; "auto" and junk are refused. */
	for (t = TNA_TARGET_NONE; t <= TNA_TARGET_OFFLOAD; t++) {
		enum tna_target back = (enum tna_target)99;

		CHECK_EQ(tna_target_parse(tna_target_name(t), &back), 0);
		CHECK_EQ(back, t);
	}
	CHECK_STR(tna_target_name(TNA_TARGET_NATIVE), "native");
	CHECK_STR(tna_target_name((enum tna_target)42), "?");
	CHECK_EQ(tna_target_parse("auto", &t), -EINVAL);
	CHECK_EQ(tna_target_parse("Native", &t), -EINVAL);
	CHECK_EQ(tna_target_parse(NULL, &t), -EINVAL);
	CHECK_STR(tna_xdp_act_name(TNA_NETDEV_XDP_ACT_NDO_XMIT), "ndo-xmit");
	CHECK(tna_xdp_act_name(128) == NULL, "unknown bit has no name");
	return tna_test_exit();
}
