/* common/nl: requests, dumps, errors and genl family resolution against
 * the running kernel (read-only requests; no root needed). */
#include <errno.h>
#include <net/if.h>
#include <linux/rtnetlink.h>
#include "common/nl.h"
#include "tests/lib/tna_test.h"

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(int *)data)++;
	return MNL_CB_OK;
}

int main(void)
{
	char buf[512];
	struct tna_nl *nl = tna_nl_open(NETLINK_ROUTE);
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	uint16_t id = 0;
	uint32_t gid = 0;
	int n = 0, ret;

	CHECK(nl != NULL, "tna_nl_open: %s", strerror(errno));
	if (!nl)
		return tna_test_exit();

	/* A dump ends at NLMSG_DONE and sees at least lo. */
	nlh = tna_nl_msg(nl, buf, RTM_GETLINK, NLM_F_DUMP);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ret = tna_nl_talk(nl, nlh, count_cb, &n);
	CHECK_EQ(ret, 0);
	CHECK(n >= 1, "link dump saw %d links", n);

	/* A request for a missing ifindex fails with the kernel's errno. */
	nlh = tna_nl_msg(nl, buf, RTM_GETLINK, NLM_F_ACK);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 0x7ffffff0;
	ret = tna_nl_talk(nl, nlh, NULL, NULL);
	CHECK_EQ(ret, -ENODEV);

	/* A get without NLM_F_ACK ends with its one reply (lo is ifindex 1)
	 * or its error, and the socket serves the next request. */
	for (int k = 0; k < 3; k++) {
		n = 0;
		nlh = tna_nl_msg(nl, buf, RTM_GETLINK, 0);
		ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
		ifi->ifi_index = k == 1 ? 0x7ffffff0 : 1;
		ret = tna_nl_talk(nl, nlh, count_cb, &n);
		CHECK_EQ(ret, k == 1 ? -ENODEV : 0);
		CHECK_EQ(n, k == 1 ? 0 : 1);
	}
	tna_nl_close(nl);

	nl = tna_nl_open(NETLINK_GENERIC);
	CHECK(nl != NULL, "genl open");
	ret = tna_genl_resolve(nl, "nlctrl", &id, "notify", &gid);
	CHECK_EQ(ret, 0);
	CHECK_EQ(id, 0x10);
	CHECK(gid > 0, "nlctrl notify group id %u", gid);
	CHECK_EQ(tna_genl_resolve(nl, "no-such-family", &id, NULL, NULL), -ENOENT);
	tna_nl_close(nl);
	return tna_test_exit();
}
