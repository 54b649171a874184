/* The full dump: every table asked for once, into a fresh model that
 * then replaces the old content (with events when someone listens). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "common/nl.h"
#include "introspect/model_priv.h"

int tna_route_parse(const struct nlmsghdr *nlh, struct tna_route *r);

static int apply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct tna_model *m = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		m->dump_intr = true;
	tna_model_apply(m, nlh);
	return MNL_CB_OK;
}

/* One dump request of TYPE for FAMILY with a zeroed header of HDRLEN. */
static int dump_one(struct tna_nl *nl, uint16_t type, uint8_t family,
		    size_t hdrlen, mnl_cb_t cb, void *data)
{
	char buf[256];
	struct nlmsghdr *nlh = tna_nl_msg(nl, buf, type, NLM_F_DUMP);
	uint8_t *h = mnl_nlmsg_put_extra_header(nlh, hdrlen);

	h[0] = family;	/* every rtnetlink header starts with the family */
	if (type == RTM_GETLINK)
		mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return tna_nl_talk(nl, nlh, cb, data);
}

int tna_model_dump_into(struct tna_model *m)
{
	static const struct { uint16_t type; uint8_t family; size_t len; } req[] = {
		{ RTM_GETLINK, AF_UNSPEC, sizeof(struct ifinfomsg) },
		{ RTM_GETLINK, AF_BRIDGE, sizeof(struct ifinfomsg) },
		{ RTM_GETNEIGH, AF_BRIDGE, sizeof(struct ndmsg) },
		{ RTM_GETADDR, AF_UNSPEC, sizeof(struct ifaddrmsg) },
		{ RTM_GETROUTE, AF_INET, sizeof(struct rtmsg) },
		{ RTM_GETROUTE, AF_INET6, sizeof(struct rtmsg) },
		{ RTM_GETRULE, AF_INET, sizeof(struct fib_rule_hdr) },
		{ RTM_GETRULE, AF_INET6, sizeof(struct fib_rule_hdr) },
		{ RTM_GETNEIGH, AF_INET, sizeof(struct ndmsg) },
		{ RTM_GETNEIGH, AF_INET6, sizeof(struct ndmsg) },
	};
	struct tna_nl *nl = tna_model_nl(m);
	int ret = 0;

	if (!nl)
		return -errno;
	m->in_dump = true;
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		ret = dump_one(nl, req[i].type, req[i].family, req[i].len, apply_cb, m);
		/* IPv6 may be disabled; every other table must be read. */
		if (ret && !(ret == -EAFNOSUPPORT && req[i].family == AF_INET6))
			break;
		ret = 0;
	}
	m->in_dump = false;
	if (ret)
		return ret;
	ret = tna_model_reread_tc(m);	/* tc of every link, after the link dump */
	if (ret)
		return ret;
	tna_sysctl_read_global(&m->sys);
	tna_nf_read(&m->nf);
	tna_xfrm_read(&m->xfrm);
	m->pending = 0;
	return 0;
}

int tna_model_dump(struct tna_model *m)
{
	struct tna_model fresh;
	int ret, tries = 0;

	if (!tna_model_nl(m))
		return -errno;
	for (;;) {	/* a table changed during its dump (the kernel says so): again */
		tna_model_init(&fresh);
		fresh.nl = m->nl;	/* borrowed */
		ret = tna_model_dump_into(&fresh);
		fresh.nl = NULL;
		if (ret || !fresh.dump_intr || ++tries == 3)
			break;
		tna_model_fini(&fresh);
	}
	if (!ret) {
		tna_model_merge(m, &fresh);
		m->pending = 0;
	}
	tna_model_fini(&fresh);
	return ret;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct tna_route r;

	if (!tna_route_parse(nlh, &r) && tna_set_put(data, &r, NULL) < 0)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

int tna_model_dump_routes(struct tna_model *m, struct tna_set *out)
{
	struct tna_nl *nl = tna_model_nl(m);
	int ret;

	if (!nl)
		return -errno;
	ret = dump_one(nl, RTM_GETROUTE, AF_INET, sizeof(struct rtmsg), route_cb, out);
	if (!ret) {
		ret = dump_one(nl, RTM_GETROUTE, AF_INET6, sizeof(struct rtmsg), route_cb, out);
		if (ret == -EAFNOSUPPORT)
			ret = 0;
	}
	return ret;
}

/* Links only (AF_UNSPEC), for what changes without a notification. */
int tna_model_dump_links(struct tna_model *m)
{
	struct tna_nl *nl = tna_model_nl(m);
	int ret;

	if (!nl)
		return -errno;
	m->in_dump = true;
	ret = dump_one(nl, RTM_GETLINK, AF_UNSPEC, sizeof(struct ifinfomsg), apply_cb, m);
	m->in_dump = false;
	return ret;
}
