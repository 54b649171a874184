/* XDP features of one netdev through genl "netdev" (kernel >= 6.3). */
#include <errno.h>
#include <linux/genetlink.h>
#include "common/nl.h"
#include "targets/datapath.h"
#include "targets/native/xdp_features.h"
#include "targets/socks.h"

static int features_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == TNA_NETDEV_A_DEV_XDP_FEATURES &&
		    mnl_attr_get_payload_len(a) == sizeof(uint64_t))
			*(uint64_t *)data = mnl_attr_get_u64(a);
	}
	return MNL_CB_OK;
}

/* One try; *REUSED: a kept socket or remembered family id was used. */
static int features_once(int ifindex, uint64_t *features, bool again, bool *reused)
{
	char buf[TNA_NL_BUFSZ];
	struct nlmsghdr *nlh;
	struct tna_nl *nl = tna_socks_genl(-1);
	uint16_t family;
	int err;

	if (nl)
		*reused = true;
	else if (!(nl = tna_nl_open(NETLINK_GENERIC)))
		return -errno;
	err = tna_socks_family(nl, "netdev", &family, again, reused);
	if (err)
		goto out;
	nlh = tna_nl_msg(nl, buf, family, 0);	/* a get: the reply ends it */
	tna_genl_hdr(nlh, TNA_NETDEV_CMD_DEV_GET, 1);
	mnl_attr_put_u32(nlh, TNA_NETDEV_A_DEV_IFINDEX, ifindex);
	*features = 0;
	err = tna_nl_talk(nl, nlh, features_cb, features);
out:
	tna_socks_put_genl(-1, nl, err < 0);
	return err;
}

int tna_xdp_features(int ifindex, uint64_t *features)
{
	bool reused = false;
	int err = features_once(ifindex, features, false, &reused);

	/* a kept socket or id that failed: once more with fresh ones, so
	 * the answer is what a first read would give */
	if (err && reused)
		err = features_once(ifindex, features, true, &reused);
	return err;
}
