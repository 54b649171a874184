/* XDP features of one netdev through genl "netdev" (kernel >= 6.3). */
#include <errno.h>
#include <linux/genetlink.h>
#include "common/nl.h"
#include "targets/datapath.h"
#include "targets/native/xdp_features.h"

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

int tna_xdp_features(int ifindex, uint64_t *features)
{
	char buf[TNA_NL_BUFSZ];
	struct nlmsghdr *nlh;
	struct tna_nl *nl;
	uint16_t family;
	int err;

	nl = tna_nl_open(NETLINK_GENERIC);
	if (!nl)
		return -errno;
	err = tna_genl_resolve(nl, "netdev", &family, NULL, NULL);
	if (err)
		goto out;
	nlh = tna_nl_msg(nl, buf, family, NLM_F_ACK);
	tna_genl_hdr(nlh, TNA_NETDEV_CMD_DEV_GET, 1);
	mnl_attr_put_u32(nlh, TNA_NETDEV_A_DEV_IFINDEX, ifindex);
	*features = 0;
	err = tna_nl_talk(nl, nlh, features_cb, features);
out:
	tna_nl_close(nl);
	return err;
}
