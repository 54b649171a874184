/* tc: does a link have filters on its ingress or clsact qdisc?  Such
 * filters see packets that an XDP fast path would take away from them. */
#include <errno.h>
#include <string.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "common/nl.h"
#include "introspect/model_priv.h"

#ifndef TC_H_CLSACT
#define TC_H_CLSACT TC_H_INGRESS
#endif
#ifndef TC_H_MIN_INGRESS
#define TC_H_MIN_INGRESS 0xFFF2U
#define TC_H_MIN_EGRESS 0xFFF3U
#endif

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWTFILTER)
		(*(int *)data)++;
	return MNL_CB_OK;
}

int tna_tc_has_filters(struct tna_nl *nl, int ifindex, bool *has)
{
	static const uint32_t parents[] = {
		TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),	/* ingress and clsact */
		TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS),	/* clsact egress: XDP_REDIRECT skips it */
	};
	int n = 0;

	for (size_t i = 0; i < 2; i++) {
		char buf[128];
		struct nlmsghdr *nlh = tna_nl_msg(nl, buf, RTM_GETTFILTER, NLM_F_DUMP);
		struct tcmsg *t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));
		int ret;

		t->tcm_family = AF_UNSPEC;
		t->tcm_ifindex = ifindex;
		t->tcm_parent = parents[i];
		ret = tna_nl_talk(nl, nlh, count_cb, &n);
		/* no such qdisc or link: no filters */
		if (ret && ret != -EINVAL && ret != -ENOENT && ret != -ENODEV)
			return ret;
	}
	*has = n > 0;
	return 0;
}
