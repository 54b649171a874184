/* tna-nlchange: configuration changes over rtnetlink, each stamped, for
 * bench/reconfig.sh (a benchmark tool, not a test).
 *
 * Reads one change per line on stdin, sends it as one rtnetlink request
 * with NLM_F_ACK and prints one line per change on stdout:
 *
 *   ok T_SEND T_ACK        (CLOCK_REALTIME seconds, ns resolution)
 *   err MESSAGE            (the kernel's extended ack when it gave one)
 *
 * The kernel commits the change and sends its notification inside the
 * request's sendmsg(), before it acks: the event happened in
 * [T_SEND, T_ACK].  No process is forked per change (ip/bridge would be:
 * on a loaded machine fork/exec alone takes tens of ms), so T_SEND is
 * the event within the width of that bracket, which the caller reports.
 *
 * Changes (IF, BR: interface names in the current namespace):
 *   link IF up|down
 *   link IF master BR | link IF nomaster
 *   brport IF state 0..4 | brport IF isolated|learning on|off
 *   fdb_flush BR
 *   addr add|del A.B.C.D/LEN IF
 *   route add|del local A.B.C.D/LEN IF
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "common/nl.h"

static double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int ifx(const char *name)
{
	int i = name ? (int)if_nametoindex(name) : 0;

	return i ? i : -ENODEV;
}

static int onoff(const char *s)
{
	return !s ? -EINVAL : !strcmp(s, "on") ? 1 : !strcmp(s, "off") ? 0 : -EINVAL;
}

/* "A.B.C.D/LEN" */
static int prefix(const char *s, struct in_addr *a, unsigned int *len)
{
	char buf[32], *slash;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = 0;
	*len = (unsigned int)atoi(slash + 1);
	return inet_pton(AF_INET, buf, a) == 1 && *len <= 32 ? 0 : -EINVAL;
}

static struct ifinfomsg *link_msg(struct nlmsghdr *nlh, int family, int ifindex)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = family;
	ifi->ifi_index = ifindex;
	return ifi;
}

/* link IF up|down|master BR|nomaster */
static int build_link(struct nlmsghdr *nlh, char **w)
{
	int i = ifx(w[1]), br;
	struct ifinfomsg *ifi;

	if (i < 0 || !w[2])
		return i < 0 ? i : -EINVAL;
	ifi = link_msg(nlh, AF_UNSPEC, i);
	if (!strcmp(w[2], "up") || !strcmp(w[2], "down")) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = w[2][0] == 'u' ? IFF_UP : 0;
	} else if (!strcmp(w[2], "master")) {
		br = ifx(w[3]);
		if (br < 0)
			return br;
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)br);
	} else if (!strcmp(w[2], "nomaster")) {
		mnl_attr_put_u32(nlh, IFLA_MASTER, 0);
	} else {
		return -EINVAL;
	}
	return 0;
}

/* brport IF state N | isolated|learning on|off: the port's protinfo */
static int build_brport(struct nlmsghdr *nlh, char **w)
{
	int i = ifx(w[1]), v;
	struct nlattr *nest;
	uint16_t attr;

	if (i < 0 || !w[2] || !w[3])
		return i < 0 ? i : -EINVAL;
	if (!strcmp(w[2], "state")) {
		attr = IFLA_BRPORT_STATE;
		v = atoi(w[3]);
		if (v < 0 || v > 4)
			return -EINVAL;
	} else {
		attr = !strcmp(w[2], "isolated") ? IFLA_BRPORT_ISOLATED :
		       !strcmp(w[2], "learning") ? IFLA_BRPORT_LEARNING : 0;
		v = onoff(w[3]);
		if (!attr || v < 0)
			return -EINVAL;
	}
	link_msg(nlh, AF_BRIDGE, i);
	nest = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	mnl_attr_put_u8(nlh, attr, (uint8_t)v);
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

/* fdb_flush BR: IFLA_BR_FDB_FLUSH in the bridge's link info */
static int build_flush(struct nlmsghdr *nlh, char **w)
{
	int i = ifx(w[1]);
	struct nlattr *info, *data;

	if (i < 0)
		return i;
	link_msg(nlh, AF_UNSPEC, i);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put(nlh, IFLA_BR_FDB_FLUSH, 0, NULL);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return 0;
}

/* addr add|del A/LEN IF */
static int build_addr(struct nlmsghdr *nlh, char **w)
{
	struct ifaddrmsg *ifa;
	struct in_addr a;
	unsigned int len;
	int i = ifx(w[3]);

	if (i < 0 || prefix(w[2], &a, &len))
		return i < 0 ? i : -EINVAL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (uint8_t)len;
	ifa->ifa_index = (uint32_t)i;
	mnl_attr_put(nlh, IFA_LOCAL, 4, &a);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, &a);
	return 0;
}

/* route add|del local A/LEN IF: as `ip route add local A/LEN dev IF` */
static int build_route(struct nlmsghdr *nlh, char **w)
{
	struct rtmsg *rtm;
	struct in_addr a;
	unsigned int len;
	int i = ifx(w[4]);

	if (i < 0 || !w[2] || strcmp(w[2], "local") || prefix(w[3], &a, &len))
		return i < 0 ? i : -EINVAL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = (uint8_t)len;
	rtm->rtm_table = RT_TABLE_LOCAL;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_HOST;
	rtm->rtm_type = RTN_LOCAL;
	mnl_attr_put(nlh, RTA_DST, 4, &a);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)i);
	return 0;
}

/* The request for the words W, in BUF; NULL with *ERR set when malformed. */
static struct nlmsghdr *build(struct tna_nl *nl, char *buf, char **w, int *err)
{
	struct nlmsghdr *nlh = NULL;
	bool add = w[1] && !strcmp(w[1], "add");

	*err = -EINVAL;
	if (!strcmp(w[0], "link")) {
		nlh = tna_nl_msg(nl, buf, RTM_NEWLINK, NLM_F_ACK);
		*err = build_link(nlh, w);
	} else if (!strcmp(w[0], "brport")) {
		nlh = tna_nl_msg(nl, buf, RTM_SETLINK, NLM_F_ACK);
		*err = build_brport(nlh, w);
	} else if (!strcmp(w[0], "fdb_flush")) {
		nlh = tna_nl_msg(nl, buf, RTM_NEWLINK, NLM_F_ACK);
		*err = build_flush(nlh, w);
	} else if (!strcmp(w[0], "addr") && w[1]) {
		nlh = tna_nl_msg(nl, buf, add ? RTM_NEWADDR : RTM_DELADDR,
				 NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0));
		*err = build_addr(nlh, w);
	} else if (!strcmp(w[0], "route") && w[1]) {
		nlh = tna_nl_msg(nl, buf, add ? RTM_NEWROUTE : RTM_DELROUTE,
				 NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0));
		*err = build_route(nlh, w);
	}
	return *err ? NULL : nlh;
}

int main(int argc, char **argv)
{
	static char buf[8192];
	char line[256], *w[8];
	struct tna_nl *nl;

	if (argc > 1) {
		fprintf(stderr, "usage: tna-nlchange < CHANGES (see the source's head)\n");
		return 2;
	}
	nl = tna_nl_open(NETLINK_ROUTE);
	if (!nl) {
		fprintf(stderr, "tna-nlchange: netlink: %s\n", strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		struct nlmsghdr *nlh;
		int n = 0, err;
		double t0, t1;

		for (char *s = strtok(line, " \t\n"); s && n < 7; s = strtok(NULL, " \t\n"))
			w[n++] = s;
		w[n] = NULL;
		if (!n)
			continue;
		nlh = build(nl, buf, w, &err);
		if (!nlh) {
			printf("err %s: %s\n", w[0], strerror(-err));
			continue;
		}
		t0 = now_real();
		err = tna_nl_talk(nl, nlh, NULL, NULL);
		t1 = now_real();
		if (err)
			printf("err %s%s%s\n", strerror(-err), *tna_nl_errmsg(nl) ? ": " : "",
			       tna_nl_errmsg(nl));
		else
			printf("ok %.9f %.9f\n", t0, t1);
	}
	tna_nl_close(nl);
	return 0;
}
