/* netdev -> PCI function through sysfs, from any root directory so that a
 * fixture tree (tests/fixtures/sysfs-*) can stand in for /sys.  Virtual
 * functions of a bus (virtio2, ...) sit below their PCI function: walk up. */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pci/pci.h>

#include "capabilities/caps.h"

bool tna_caps_pci_is_nfp(uint16_t vendor, uint16_t device)
{
	/* Netronome and Corigine: PFs and VFs of the NFP-3800/4000/5000/6000. */
	if (vendor != 0x19ee && vendor != 0x1da8)
		return false;
	switch (device) {
	case 0x3800: case 0x4000: case 0x5000: case 0x6000:
	case 0x3803: case 0x6003:
		return true;
	}
	return false;
}

/* snprintf that reports truncation instead of hiding it. */
__attribute__((format(printf, 3, 4)))
static bool fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < len;
}

/* "dddd:bb:dd.f" exactly. */
static bool is_pci_addr(const char *s)
{
	unsigned dom, bus, dev, fn;
	int n = -1;

	if (sscanf(s, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn, &n) != 4)
		return false;
	return n == 12 && s[n] == '\0';
}

static int read_hex(const char *dir, const char *file, unsigned *val)
{
	char path[PATH_MAX], buf[32];
	FILE *f;
	int ret = -ENOENT;

	if (!fmt(path, sizeof(path), "%s/%s", dir, file))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fgets(buf, sizeof(buf), f) && sscanf(buf, "%x", val) == 1)
		ret = 0;
	fclose(f);
	return ret;
}

/* basename of DIR/driver's link target into BUF. */
static void read_driver(const char *dir, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	const char *base;

	if (!fmt(path, sizeof(path), "%s/driver", dir))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	fmt(buf, len, "%s", base ? base + 1 : target);
}

/* The device directory of DEV under ROOT, resolved; "" when none. */
static void find_start(const char *root, const struct tna_caps_dev *dev,
		       char *out)
{
	char path[PATH_MAX];

	out[0] = '\0';
	if (dev->name[0] &&
	    fmt(path, sizeof(path), "%s/class/net/%s/device", root, dev->name) &&
	    realpath(path, out))
		return;
	/* Inside another netns /sys/class/net shows the netns of whoever
	 * mounted /sys: find the device through its bus instead. */
	if (is_pci_addr(dev->bus_info)) {
		if (fmt(path, sizeof(path), "%s/bus/pci/devices/%s", root,
			dev->bus_info) && realpath(path, out))
			return;
	}
	if (dev->parent_bus[0] && dev->parent_dev[0] &&
	    !strchr(dev->parent_bus, '/') && !strchr(dev->parent_dev, '/')) {
		if (fmt(path, sizeof(path), "%s/bus/%s/devices/%s", root,
			dev->parent_bus, dev->parent_dev) && realpath(path, out))
			return;
	}
	out[0] = '\0';
}

int tna_caps_sysfs_pci(const char *sysroot, struct tna_caps_dev *dev)
{
	char root[PATH_MAX], cur[PATH_MAX];
	size_t rootlen;
	unsigned vendor, device;
	char *slash;

	if (!realpath(sysroot, root))
		return -errno;
	rootlen = strlen(root);
	find_start(root, dev, cur);
	if (!cur[0])
		return -ENOENT;
	if (!dev->driver[0])
		read_driver(cur, dev->driver, sizeof(dev->driver));

	while (strlen(cur) > rootlen && !strncmp(cur, root, rootlen)) {
		const char *base = strrchr(cur, '/') + 1;

		if (is_pci_addr(base) && !read_hex(cur, "vendor", &vendor) &&
		    !read_hex(cur, "device", &device)) {
			fmt(dev->pci_slot, sizeof(dev->pci_slot), "%s", base);
			dev->pci_vendor = (uint16_t)vendor;
			dev->pci_device = (uint16_t)device;
			dev->pci_known = true;
			dev->nfp = tna_caps_pci_is_nfp(dev->pci_vendor,
						       dev->pci_device);
			if (!dev->kind[0])
				fmt(dev->kind, sizeof(dev->kind), "%s",
					 !strcmp(dev->driver, "virtio_net") ||
					 !strcmp(dev->parent_bus, "virtio") ?
					 "virtio" : "physical");
			return 0;
		}
		slash = strrchr(cur, '/');
		*slash = '\0';
	}
	return -ENOENT;
}

static void quiet(char *msg, ...) { (void)msg; }

void tna_caps_pci_name(uint16_t vendor, uint16_t device, char *buf,
		       size_t len)
{
	struct pci_access *pa;

	buf[0] = '\0';
	pa = pci_alloc();
	if (!pa)
		return;
	/* Names only (pci.ids): no bus access, so no pci_init(); and no
	 * printing from a library. */
	pa->warning = quiet;
	pa->debug = quiet;
	if (!pci_lookup_name(pa, buf, (int)len, PCI_LOOKUP_VENDOR |
			     PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS,
			     vendor, device))
		buf[0] = '\0';
	pci_cleanup(pa);
}
