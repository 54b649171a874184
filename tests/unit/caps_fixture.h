/* Loading recorded fixtures (tests/fixtures/) for the capabilities tests. */
#ifndef TNA_TESTS_CAPS_FIXTURE_H
#define TNA_TESTS_CAPS_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "capabilities/caps.h"

/* tests/run.sh runs from the repository root and exports TNA_ROOT. */
static inline const char *fixture_path(const char *rel)
{
	static char path[4096];
	const char *root = getenv("TNA_ROOT");

	snprintf(path, sizeof(path), "%s/tests/fixtures/%s", root ? root : ".", rel);
	return path;
}

/* One recorded netlink message (nl/NAME.bin), malloc'd; NULL if missing or
 * if its nlmsg_len disagrees with the file size.  QUIET: a missing file is
 * expected. */
static inline struct nlmsghdr *fixture_load(const char *name, int quiet)
{
	char rel[256];
	struct nlmsghdr *nlh;
	FILE *f;
	long len;

	snprintf(rel, sizeof(rel), "nl/%s.bin", name);
	f = fopen(fixture_path(rel), "rb");
	if (!f) {
		if (!quiet)
			fprintf(stderr, "fixture %s: cannot open\n", rel);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	nlh = malloc(len > 0 ? (size_t)len : 1);
	if (!nlh || len < (long)sizeof(*nlh) ||
	    fread(nlh, 1, (size_t)len, f) != (size_t)len ||
	    nlh->nlmsg_len != (unsigned long)len) {
		fprintf(stderr, "fixture %s: bad file\n", rel);
		free(nlh);
		nlh = NULL;
	}
	fclose(f);
	return nlh;
}
static inline struct nlmsghdr *fixture_msg(const char *name)
{
	return fixture_load(name, 0);
}

static inline struct nlmsghdr *fixture_try(const char *name)
{
	return fixture_load(name, 1);
}
/* Parse those fixtures nl/PREFIX-{link,netdev,features,channels}-NAME.bin
 * that exist into D; then walk the sysfs fixture as SYSNAME. */
static inline void fixture_dev(struct tna_caps_dev *d, const char *prefix,
		     const char *name, const char *sysname)
{
	char f[128];
	struct nlmsghdr *m;
	int ifindex = 0, r;

	memset(d, 0, sizeof(*d));
	d->hw_tc_offload = -1;
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(f, sizeof(f), "%s-link-%s", prefix, name);
	if ((m = fixture_try(f))) {
		if (tna_caps_parse_link_msg(m, d))
			fprintf(stderr, "fixture %s: not a link message\n", f);
		free(m);
	}
	snprintf(f, sizeof(f), "%s-netdev-%s", prefix, name);
	if ((m = fixture_try(f))) {
		if (tna_caps_parse_netdev_msg(m, &ifindex, &d->xdp_features,
					      &d->xdp_zc_max_segs) == 0)
			d->xdp_features_known = true;
		free(m);
	}
	snprintf(f, sizeof(f), "%s-features-%s", prefix, name);
	if ((m = fixture_try(f))) {
		r = tna_caps_parse_features_msg(m, "hw-tc-offload");
		if (r >= 0)
			d->hw_tc_offload = r;
		free(m);
	}
	snprintf(f, sizeof(f), "%s-channels-%s", prefix, name);
	if ((m = fixture_try(f))) {
		tna_caps_parse_channels_msg(m, d);
		free(m);
	}
	if (sysname) {
		char keep[16];

		snprintf(keep, sizeof(keep), "%s", d->name);
		snprintf(d->name, sizeof(d->name), "%s", sysname);
		tna_caps_sysfs_pci(fixture_path("sysfs"), d);
		snprintf(d->name, sizeof(d->name), "%s", keep);
	}
}

#endif
