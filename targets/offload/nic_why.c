/* The device's own words when it refuses the NIC stage. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include "common/nl.h"
#include "targets/offload/nic_why.h"

static bool stats_line(const char *l, size_t n)
{
	static const char *const pre[] = { "processed ", "verification time", "stack depth",
					   "max_states_per_insn", "mark_read", "peak_states" };

	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (n >= strlen(pre[i]) && !strncmp(l, pre[i], strlen(pre[i])))
			return true;
	return false;
}

static bool insn_line(const char *l, size_t n)
{
	size_t i = 0;

	if (n && (l[0] == ';' || !strncmp(l, "from ", n < 5 ? n : 5)))
		return true;		/* source annotation, branch note */
	while (i < n && isdigit((unsigned char)l[i]))
		i++;
	return i && i < n && l[i] == ':';
}

void tna_offload_verifier_msg(const char *log, char *out, size_t len)
{
	const char *drv = NULL, *other = NULL, *p = log;
	size_t drv_n = 0, other_n = 0;

	if (len)
		out[0] = 0;
	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n && p[0] == '[') {
			drv = p;
			drv_n = n;
		} else if (n && !stats_line(p, n) && !insn_line(p, n)) {
			other = p;
			other_n = n;
		}
		p = e ? e + 1 : NULL;
	}
	if (drv)
		snprintf(out, len, "%.*s", (int)drv_n, drv);
	else if (other)
		snprintf(out, len, "%.*s", (int)other_n, other);
}

static int setlink_xdp(struct tna_nl *nl, int ifindex, int fd, int expected_fd, uint32_t flags)
{
	char buf[TNA_NL_BUFSZ];
	struct nlmsghdr *nlh = tna_nl_msg(nl, buf, RTM_SETLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *nest;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	nest = mnl_attr_nest_start(nlh, IFLA_XDP);
	mnl_attr_put_u32(nlh, IFLA_XDP_FD, (uint32_t)fd);
	if (expected_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_XDP_EXPECTED_FD, (uint32_t)expected_fd);
	mnl_attr_put_u32(nlh, IFLA_XDP_FLAGS, flags);
	mnl_attr_nest_end(nlh, nest);
	return tna_nl_talk(nl, nlh, NULL, NULL);
}

int tna_offload_hw_attach_why(int ifindex, int prog_fd, char *out, size_t len)
{
	struct tna_nl *nl = tna_nl_open(NETLINK_ROUTE);
	int err;

	if (len)
		out[0] = 0;
	if (!nl)
		return -errno;
	err = setlink_xdp(nl, ifindex, prog_fd, -1,
			  XDP_FLAGS_HW_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST);
	if (err)
		snprintf(out, len, "%s", tna_nl_errmsg(nl)[0] ? tna_nl_errmsg(nl) : strerror(-err));
	else	/* not meant to stay: a netlink attachment outlives us */
		setlink_xdp(nl, ifindex, -1, prog_fd, XDP_FLAGS_HW_MODE | XDP_FLAGS_REPLACE);
	tna_nl_close(nl);
	return err;
}
