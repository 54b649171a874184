/* xfrm (IPsec): how many policies and SAs exist, per family.  The fast
 * path does not implement IPsec: a policy can drop, encrypt or tunnel
 * forwarded traffic (dir fwd and dir out both apply to it), so while any
 * policy or SA of a family exists, the router leaves that family's routed
 * traffic to Linux (introspect/rules.c, X1).  Counted by selector family;
 * a selector without a family counts for both.  Socket policies are not
 * in the dump (they never see forwarded traffic).
 *
 * The watch subscribes to XFRMNLGRP_POLICY and XFRMNLGRP_SA and reads the
 * counts again after any such event (introspect/watch.c). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "common/nl.h"
#include "introspect/model_priv.h"

static void count(uint32_t v[2], uint16_t family)
{
	if (family != AF_INET6)
		v[0]++;
	if (family != AF_INET)
		v[1]++;
}

static int policy_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct xfrm_userpolicy_info *p = mnl_nlmsg_get_payload(nlh);
	struct tna_xfrm *x = data;

	if (nlh->nlmsg_type == XFRM_MSG_NEWPOLICY && nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(*p)))
		count(x->policies, p->sel.family);
	return MNL_CB_OK;
}

static int sa_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct xfrm_usersa_info *s = mnl_nlmsg_get_payload(nlh);
	struct tna_xfrm *x = data;

	if (nlh->nlmsg_type == XFRM_MSG_NEWSA && nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(*s)))
		count(x->states, s->sel.family);
	return MNL_CB_OK;
}

int tna_xfrm_read(struct tna_xfrm *x)
{
	struct tna_nl *nl = tna_nl_open(NETLINK_XFRM);
	char buf[64];
	int ret;

	memset(x, 0, sizeof(*x));
	if (!nl)	/* no xfrm in this kernel: nothing can apply */
		return errno == EPROTONOSUPPORT ? (x->ok = true, 0) : -errno;
	ret = tna_nl_talk(nl, tna_nl_msg(nl, buf, XFRM_MSG_GETPOLICY, NLM_F_DUMP),
			  policy_cb, x);
	if (!ret)
		ret = tna_nl_talk(nl, tna_nl_msg(nl, buf, XFRM_MSG_GETSA, NLM_F_DUMP), sa_cb, x);
	tna_nl_close(nl);
	if (ret)	/* unknown is not "none": counts stay 0, ok false */
		memset(x, 0, sizeof(*x));
	x->ok = !ret;
	return ret;
}

bool tna_xfrm_family(const struct tna_xfrm *x, int v6)
{
	return !x->ok || x->policies[v6 != 0] || x->states[v6 != 0];
}
