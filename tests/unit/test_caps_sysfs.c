/* capabilities/sysfs.c on the fixture tree tests/fixtures/sysfs: a virtio
 * NIC (walk up from virtio2 to its PCI function; ids copied from this VM),
 * a Netronome NFP-4000 behind a root port, a Realtek 8139, and a veth. */
#include <errno.h>

#include "capabilities/caps.h"
#include "tests/lib/tna_test.h"
#include "tests/unit/caps_fixture.h"

static int walk(const char *name, const char *bus_info, const char *pbus,
		const char *pdev, struct tna_caps_dev *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->bus_info, sizeof(d->bus_info), "%s", bus_info);
	snprintf(d->parent_bus, sizeof(d->parent_bus), "%s", pbus);
	snprintf(d->parent_dev, sizeof(d->parent_dev), "%s", pdev);
	return tna_caps_sysfs_pci(fixture_path("sysfs"), d);
}

int main(void)
{
	struct tna_caps_dev d;
	char name[96];

	/* virtio: class/net/eth0/device is virtio2; its PCI function is the
	 * parent directory.  The driver is the netdev's own (virtio_net). */
	CHECK_EQ(walk("eth0", "", "", "", &d), 0);
	CHECK(d.pci_known, "eth0 on PCI");
	CHECK_STR(d.pci_slot, "0000:00:03.0");
	CHECK_EQ(d.pci_vendor, 0x1af4);
	CHECK_EQ(d.pci_device, 0x1041);
	CHECK_STR(d.driver, "virtio_net");
	CHECK_STR(d.kind, "virtio");
	CHECK(!d.nfp, "virtio is no NFP");

	/* A driver already known from ETHTOOL_GDRVINFO is kept. */
	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "eth0");
	snprintf(d.driver, sizeof(d.driver), "from-ioctl");
	CHECK_EQ(tna_caps_sysfs_pci(fixture_path("sysfs"), &d), 0);
	CHECK_STR(d.driver, "from-ioctl");

	/* NFP-4000: the walk stops at the first PCI function, not the port. */
	CHECK_EQ(walk("enp1s0np0", "", "", "", &d), 0);
	CHECK_STR(d.pci_slot, "0000:01:00.0");
	CHECK_EQ(d.pci_vendor, 0x19ee);
	CHECK_EQ(d.pci_device, 0x4000);
	CHECK(d.nfp, "19ee:4000 is an NFP");
	CHECK_STR(d.driver, "nfp");
	CHECK_STR(d.kind, "physical");

	/* In another netns /sys/class/net lacks the device: found through
	 * ETHTOOL_GDRVINFO's bus_info, or through the rtnetlink parent. */
	CHECK_EQ(walk("moved0", "0000:01:00.0", "", "", &d), 0);
	CHECK(d.nfp, "NFP found by bus_info");
	CHECK_EQ(walk("moved1", "virtio2", "virtio", "virtio2", &d), 0);
	CHECK_STR(d.pci_slot, "0000:00:03.0");
	CHECK_STR(d.kind, "virtio");

	/* 8139: on PCI, not an NFP, kind physical. */
	CHECK_EQ(walk("ens4", "", "", "", &d), 0);
	CHECK_EQ(d.pci_vendor, 0x10ec);
	CHECK_EQ(d.pci_device, 0x8139);
	CHECK_STR(d.driver, "8139too");
	CHECK(!d.nfp, "8139 is no NFP");

	/* Not on PCI: veth, unknown names, hostile parent names. */
	CHECK_EQ(walk("p1", "", "", "", &d), -ENOENT);
	CHECK(!d.pci_known, "veth not on PCI");
	CHECK_EQ(walk("nosuch", "", "", "", &d), -ENOENT);
	CHECK_EQ(walk("nosuch", "0000:09:00.0", "", "", &d), -ENOENT);
	CHECK_EQ(walk("nosuch", "", "../../..", "devices", &d), -ENOENT);
	CHECK_EQ(walk("nosuch", "0000:01:00.0/..", "", "", &d), -ENOENT);
	memset(&d, 0, sizeof(d));
	CHECK_EQ(tna_caps_sysfs_pci("/nonexistent-sysfs-root", &d), -ENOENT);

	/* NFP ids by number, PFs and VFs of both vendors. */
	CHECK(tna_caps_pci_is_nfp(0x19ee, 0x4000), "NFP-4000");
	CHECK(tna_caps_pci_is_nfp(0x19ee, 0x6003), "NFP-6000 VF");
	CHECK(tna_caps_pci_is_nfp(0x1da8, 0x3800), "Corigine NFP-3800");
	CHECK(!tna_caps_pci_is_nfp(0x19ee, 0x1234), "other Netronome id");
	CHECK(!tna_caps_pci_is_nfp(0x8086, 0x4000), "other vendor");

	/* libpci names from pci.ids (installed with libpci). */
	tna_caps_pci_name(0x1af4, 0x1041, name, sizeof(name));
	CHECK(strstr(name, "Virtio") != NULL, "1af4:1041 name \"%s\"", name);
	tna_caps_pci_name(0xfffe, 0xfffe, name, sizeof(name));
	CHECK(name[0] == '\0', "fffe:fffe name \"%s\"", name);
	return tna_test_exit();
}
