/* capabilities/parse.c on netlink messages recorded on this machine (veth,
 * bridge, virtio; tests/fixtures/nl/) and on synthetic ones (NFP-4000, a
 * NIC without XDP), encoded by tests/fixtures/record.py. */
#include <errno.h>
#include <stdlib.h>

#include "capabilities/caps.h"
#include "tests/lib/tna_test.h"
#include "tests/unit/caps_fixture.h"

static void netdev_case(const char *name, uint64_t want)
{
	struct nlmsghdr *m = fixture_msg(name);
	uint64_t feat = 0xdead;
	uint32_t zc;
	int ifindex = 0, ret;

	CHECK(m != NULL, "fixture %s", name);
	if (!m)
		return;
	ret = tna_caps_parse_netdev_msg(m, &ifindex, &feat, &zc);
	CHECK(ret == 0, "%s: ret %d", name, ret);
	CHECK(ifindex > 0, "%s: ifindex %d", name, ifindex);
	CHECK(feat == want, "%s: xdp features 0x%llx, want 0x%llx", name,
	      (unsigned long long)feat, (unsigned long long)want);
	free(m);
}

static void netdev_robustness(void)
{
	struct nlmsghdr *m = fixture_msg("veth-netdev-p1");
	uint64_t feat;
	int ifindex, len;

	if (!m)
		return;
	/* Cut inside the attributes: only the ifindex survives. */
	len = m->nlmsg_len;
	m->nlmsg_len = NLMSG_HDRLEN + 4 + 8;
	CHECK_EQ(tna_caps_parse_netdev_msg(m, &ifindex, &feat, NULL), -ENODATA);
	/* Shorter than the genl header. */
	m->nlmsg_len = NLMSG_HDRLEN + 2;
	CHECK_EQ(tna_caps_parse_netdev_msg(m, &ifindex, &feat, NULL), -EINVAL);
	m->nlmsg_len = (uint32_t)len;
	CHECK_EQ(tna_caps_parse_netdev_msg(m, &ifindex, &feat, NULL), 0);
	free(m);
}

static void features_case(const char *name, const char *feature, int want)
{
	struct nlmsghdr *m = fixture_msg(name);
	int ret;

	if (!m) {
		CHECK(0, "fixture %s", name);
		return;
	}
	ret = tna_caps_parse_features_msg(m, feature);
	CHECK(ret == want, "%s: %s = %d, want %d", name, feature, ret, want);
	free(m);
}

static void channels_cases(void)
{
	struct tna_caps_dev d;
	struct nlmsghdr *m;

	memset(&d, 0, sizeof(d));
	m = fixture_msg("veth-channels-p1");
	CHECK(m && tna_caps_parse_channels_msg(m, &d) == 0, "veth channels");
	CHECK(d.channels_known, "veth channels known");
	CHECK_EQ(d.channels_rx, 1);
	CHECK_EQ(d.channels_tx, 1);
	CHECK_EQ(d.channels_combined, 0);
	free(m);

	memset(&d, 0, sizeof(d));
	m = fixture_msg("host-channels-eth0");
	CHECK(m && tna_caps_parse_channels_msg(m, &d) == 0, "virtio channels");
	CHECK_EQ(d.channels_combined, 1);
	CHECK_EQ(d.channels_rx, 0);
	free(m);

	memset(&d, 0, sizeof(d));
	m = fixture_msg("synth-channels-nfp");
	CHECK(m && tna_caps_parse_channels_msg(m, &d) == 0, "nfp channels");
	CHECK_EQ(d.channels_combined, 4);
	free(m);

	/* A features reply is no channels reply: only the header matches,
	 * no counts are invented. */
	memset(&d, 0, sizeof(d));
	m = fixture_msg("veth-features-p1");
	if (m)
		tna_caps_parse_channels_msg(m, &d);
	CHECK_EQ(d.channels_rx + d.channels_tx + d.channels_combined, 0);
	free(m);
}

static void link_cases(void)
{
	struct tna_caps_dev d;
	struct nlmsghdr *m;

	memset(&d, 0, sizeof(d));
	m = fixture_msg("veth-link-p1");
	CHECK(m && tna_caps_parse_link_msg(m, &d) == 0, "link p1");
	CHECK_STR(d.name, "p1");
	CHECK_STR(d.kind, "veth");
	CHECK(d.master_ifindex > 0, "p1 has a master");
	CHECK(d.link_ifindex > 0, "p1 has a peer");
	CHECK(d.link_other_netns, "p1's peer is in another netns");
	CHECK(d.up, "p1 up");
	CHECK_EQ(d.prog_id_skb + d.prog_id_drv + d.prog_id_hw, 0);
	free(m);

	memset(&d, 0, sizeof(d));
	m = fixture_msg("veth-link-br0");
	CHECK(m && tna_caps_parse_link_msg(m, &d) == 0, "link br0");
	CHECK_STR(d.name, "br0");
	CHECK_STR(d.kind, "bridge");
	CHECK_EQ(d.master_ifindex, 0);
	free(m);

	/* h1:eth0 with the test's native XDP program. */
	memset(&d, 0, sizeof(d));
	m = fixture_msg("veth-xdp-link-eth0");
	CHECK(m && tna_caps_parse_link_msg(m, &d) == 0, "link h1:eth0");
	CHECK_STR(d.kind, "veth");
	CHECK(d.prog_id_drv > 0, "native prog id %u", d.prog_id_drv);
	CHECK_EQ(d.prog_id_skb, 0);
	CHECK_EQ(d.prog_id_hw, 0);
	free(m);

	/* The host's virtio NIC: no IFLA_INFO_KIND, a parent on the virtio bus. */
	memset(&d, 0, sizeof(d));
	m = fixture_msg("host-link-eth0");
	CHECK(m && tna_caps_parse_link_msg(m, &d) == 0, "link eth0");
	CHECK_STR(d.name, "eth0");
	CHECK_STR(d.kind, "");
	CHECK_STR(d.parent_bus, "virtio");
	CHECK_STR(d.parent_dev, "virtio2");
	free(m);

	/* A genl message is not a link message. */
	memset(&d, 0, sizeof(d));
	m = fixture_msg("veth-netdev-p1");
	CHECK(m && tna_caps_parse_link_msg(m, &d) == -EINVAL, "netdev msg as link");
	free(m);
}

int main(void)
{
	netdev_case("veth-netdev-p1", 0x23);		/* basic|redirect|rx-sg */
	netdev_case("veth-peerxdp-netdev-p1", 0x67);	/* + ndo-xmit(-sg) */
	netdev_case("veth-netdev-br0", 0);
	netdev_case("host-netdev-eth0", 0x2b);		/* virtio_net */
	netdev_case("synth-netdev-nfp", 0x11);		/* basic|hw-offload */
	netdev_case("synth-netdev-noxdp", 0);
	netdev_robustness();

	features_case("veth-features-p1", "hw-tc-offload", 0);
	features_case("veth-features-p1", "rx-gro", 0);	/* off by default */
	features_case("veth-features-p1", "tx-checksum-ip-generic", 1);
	features_case("host-features-eth0", "hw-tc-offload", 0);
	features_case("synth-features-nfp", "hw-tc-offload", 1);
	features_case("synth-features-nfp", "esp-hw-offload", 0);
	features_case("synth-features-nfp", "no-such-feature", 0);
	features_case("veth-netdev-p1", "hw-tc-offload", -EINVAL);
	channels_cases();
	link_cases();
	return tna_test_exit();
}
