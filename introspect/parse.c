/* rtnetlink messages (dump replies and events alike) into the model.
 * Unknown attributes are skipped: newer kernels add them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netconf.h>
#include <linux/rtnetlink.h>

#include "common/nl.h"
#include "introspect/model_priv.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000	/* linux/if.h; net/if.h lacks it */
#endif

static uint8_t u8_of(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) >= 1 ? mnl_attr_get_u8(a) : 0;
}

static uint16_t u16_of(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) >= 2 ? mnl_attr_get_u16(a) : 0;
}

static uint32_t u32_of(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) >= 4 ? mnl_attr_get_u32(a) : 0;
}

static void str_of(const struct nlattr *a, char *dst, size_t len)
{
	size_t n = mnl_attr_get_payload_len(a);

	if (n >= len)
		n = len - 1;
	memcpy(dst, mnl_attr_get_payload(a), n);
	dst[n] = '\0';
}

static void bytes_of(const struct nlattr *a, void *dst, size_t max)
{
	size_t n = mnl_attr_get_payload_len(a);

	memcpy(dst, mnl_attr_get_payload(a), n < max ? n : max);
}

/* ---- links ---- */

void tna_brport_parse(const struct nlattr *nest, struct tna_brport_info *p)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
		case IFLA_BRPORT_STATE: p->state = u8_of(a); break;
		case IFLA_BRPORT_LEARNING: p->learning = u8_of(a); break;
		case IFLA_BRPORT_UNICAST_FLOOD: p->flood = u8_of(a); break;
		case IFLA_BRPORT_MCAST_FLOOD: p->mcast_flood = u8_of(a); break;
		case IFLA_BRPORT_BCAST_FLOOD: p->bcast_flood = u8_of(a); break;
		case IFLA_BRPORT_MODE: p->hairpin = u8_of(a); break;
		case IFLA_BRPORT_ISOLATED: p->isolated = u8_of(a); break;
		case IFLA_BRPORT_LOCKED: p->locked = u8_of(a); break;
		case IFLA_BRPORT_PROXYARP: p->proxy_arp = u8_of(a); break;
		case IFLA_BRPORT_NEIGH_SUPPRESS: p->neigh_suppress = u8_of(a); break;
		}
	}
}

static void parse_bridge(const struct nlattr *nest, struct tna_bridge_info *b)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
		case IFLA_BR_STP_STATE: b->stp_state = u32_of(a); break;
		case IFLA_BR_AGEING_TIME: b->ageing_time = u32_of(a); break;
		case IFLA_BR_FORWARD_DELAY: b->forward_delay = u32_of(a); break;
		case IFLA_BR_VLAN_FILTERING: b->vlan_filtering = u8_of(a); break;
		case IFLA_BR_VLAN_PROTOCOL: b->vlan_protocol = ntohs(u16_of(a)); break;
		case IFLA_BR_MULTI_BOOLOPT:	/* struct br_boolopt_multi: optval first */
			b->mst_enabled = u32_of(a) >> 2 & 1;	/* BR_BOOLOPT_MST_ENABLE */
			break;
		case IFLA_BR_MCAST_SNOOPING: b->mcast_snooping = u8_of(a); break;
		case IFLA_BR_GROUP_FWD_MASK: b->group_fwd_mask = u16_of(a); break;
		case IFLA_BR_NF_CALL_IPTABLES: b->nf_call_iptables = (int8_t)u8_of(a); break;
		case IFLA_BR_NF_CALL_IP6TABLES: b->nf_call_ip6tables = (int8_t)u8_of(a); break;
		case IFLA_BR_NF_CALL_ARPTABLES: b->nf_call_arptables = (int8_t)u8_of(a); break;
		}
	}
}

static void parse_linkinfo(const struct nlattr *nest, struct tna_link *l)
{
	const struct nlattr *a, *data = NULL, *sdata = NULL;
	char skind[16] = "";

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
		case IFLA_INFO_KIND: str_of(a, l->kind, sizeof(l->kind)); break;
		case IFLA_INFO_DATA: data = a; break;
		case IFLA_INFO_SLAVE_KIND: str_of(a, skind, sizeof(skind)); break;
		case IFLA_INFO_SLAVE_DATA: sdata = a; break;
		}
	}
	if (!strcmp(l->kind, "bridge")) {
		l->is_bridge = true;
		if (data)
			parse_bridge(data, &l->br);
	}
	if (!strcmp(skind, "bridge")) {
		l->is_port = true;
		if (sdata)
			tna_brport_parse(sdata, &l->port);
	}
}

static void parse_xdp(const struct nlattr *nest, struct tna_link *l)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
		case IFLA_XDP_ATTACHED: l->xdp_mode = u8_of(a); break;
		case IFLA_XDP_PROG_ID: l->xdp_prog_id = u32_of(a); break;
		}
	}
}

/* Link attributes the message does not carry but the model keeps. */
static void refresh_extras(struct tna_model *m, struct tna_link *l,
			   const struct tna_link *old)
{
	uint8_t tc = 0;

	if (m->xdp_only)
		return;
	tna_sysctl_read_link(l);
	if (old && old->xdp_prog_id == l->xdp_prog_id)
		memcpy(l->xdp_prog_name, old->xdp_prog_name, sizeof(l->xdp_prog_name));
	else
		tna_prog_name(l->xdp_prog_id, l->xdp_prog_name);
	if (old && !strcmp(old->name, l->name) && old->ifindex == l->ifindex) {
		/* tcx is polled only for the links the rules read
		 * (introspect/poll.c): one may have become one now */
		tna_link_set_tc(l, m->in_dump ? old->tc : tna_tcx_refresh(old->tc, l->ifindex));
		return;
	}
	/* New (or renamed: cheap anyway) link: ask tc, unless a dump is
	 * running on that socket (the dump asks afterwards). */
	if (!m->in_dump && tna_model_nl(m) && !tna_tc_read(m->nl, l->ifindex, NULL, &tc))
		tna_link_set_tc(l, tc);
}

static int apply_link(struct tna_model *m, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct tna_link *old;
	struct tna_link l;
	const struct nlattr *a;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return -EBADMSG;
	memset(&l, 0, sizeof(l));
	l.ifindex = ifi->ifi_index;
	old = tna_model_link(m, l.ifindex);

	if (ifi->ifi_family == AF_BRIDGE) {
		/* Port view: STP state and flags (the only notice of STP changes). */
		struct tna_link nl;

		if (!old)
			return 0;	/* the AF_UNSPEC message will bring it */
		memcpy(&nl, old, sizeof(nl));	/* padding too: items are compared bytewise */
		if (nlh->nlmsg_type == RTM_DELLINK) {
			nl.is_port = false;
			memset(&nl.port, 0, sizeof(nl.port));
		} else {
			mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
				/* the bridge sends it without NLA_F_NESTED */
				if ((mnl_attr_get_type(a) & NLA_TYPE_MASK) == IFLA_PROTINFO) {
					nl.is_port = true;
					memset(&nl.port, 0, sizeof(nl.port));
					tna_brport_parse(a, &nl.port);
				}
			}
			/* a new port: its tcx was not polled before */
			if (nl.is_port && !old->is_port && !m->in_dump)
				tna_link_set_tc(&nl, tna_tcx_refresh(old->tc, old->ifindex));
		}
		return tna_model_put(m, TNA_SET_LINK, &nl);
	}

	if (nlh->nlmsg_type == RTM_DELLINK) {
		tna_model_del(m, TNA_SET_LINK, &l);
		tna_model_purge_ifindex(m, l.ifindex);
		m->pending |= TNA_NEED_ROUTES;
		return 0;
	}

	l.flags = ifi->ifi_flags;
	l.br.nf_call_iptables = l.br.nf_call_ip6tables = l.br.nf_call_arptables = -1;
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
		case IFLA_IFNAME: str_of(a, l.name, sizeof(l.name)); break;
		case IFLA_MTU: l.mtu = u32_of(a); break;
		case IFLA_ADDRESS: bytes_of(a, l.mac, 6); break;
		case IFLA_MASTER: l.master = (int)u32_of(a); break;
		case IFLA_LINK: l.link = (int)u32_of(a); break;
		case IFLA_OPERSTATE: l.operstate = u8_of(a); break;
		case IFLA_LINKINFO: parse_linkinfo(a, &l); break;
		case IFLA_XDP: parse_xdp(a, &l); break;
		}
	}
	if (!l.is_bridge)
		l.br.nf_call_iptables = l.br.nf_call_ip6tables = l.br.nf_call_arptables = -1;
	refresh_extras(m, &l, old);
	if (old && ((old->flags ^ l.flags) & (IFF_UP | IFF_LOWER_UP | IFF_RUNNING) ||
		    old->operstate != l.operstate))
		m->pending |= TNA_NEED_ROUTES;	/* IPv4 flushes routes silently */
	return tna_model_put(m, TNA_SET_LINK, &l);
}

/* ---- FDB and neighbours ---- */

static int apply_neigh(struct tna_model *m, const struct nlmsghdr *nlh)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ndm)))
		return -EBADMSG;

	if (ndm->ndm_family == AF_BRIDGE) {
		struct tna_fdb f;
		bool has_master = false;

		/* Only the bridge's own table: "self" entries are the
		 * device's address lists, not forwarding state. */
		if (ndm->ndm_flags & NTF_SELF)
			return 0;
		memset(&f, 0, sizeof(f));
		f.port = ndm->ndm_ifindex;
		f.state = ndm->ndm_state;
		f.ntf_flags = ndm->ndm_flags;
		mnl_attr_for_each(a, nlh, sizeof(*ndm)) {
			switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
			case NDA_LLADDR: bytes_of(a, f.mac, 6); break;
			case NDA_VLAN: f.vlan = u16_of(a); break;
			case NDA_MASTER: f.master = (int)u32_of(a); has_master = true; break;
			}
		}
		if (!has_master)
			return 0;
		f.type = f.state & NUD_PERMANENT ? TNA_FDB_LOCAL :
			 f.state & NUD_NOARP ? TNA_FDB_STATIC : TNA_FDB_DYNAMIC;
		if (nlh->nlmsg_type == RTM_DELNEIGH)
			return tna_model_del(m, TNA_SET_FDB, &f);
		return tna_model_put(m, TNA_SET_FDB, &f);
	}

	if (ndm->ndm_family == AF_INET || ndm->ndm_family == AF_INET6) {
		struct tna_neigh n;

		memset(&n, 0, sizeof(n));
		n.ifindex = ndm->ndm_ifindex;
		n.family = ndm->ndm_family;
		n.state = ndm->ndm_state;
		n.flags = ndm->ndm_flags;
		mnl_attr_for_each(a, nlh, sizeof(*ndm)) {
			switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
			case NDA_DST: bytes_of(a, n.addr, 16); break;
			case NDA_LLADDR:
				bytes_of(a, n.lladdr, 6);
				n.has_lladdr = true;
				break;
			}
		}
		/* NOARP entries (multicast, point-to-point) are created
		 * without a notification and hold nothing to resolve. */
		if (nlh->nlmsg_type == RTM_DELNEIGH || (n.state & NUD_NOARP))
			return tna_model_del(m, TNA_SET_NEIGH, &n);
		return tna_model_put(m, TNA_SET_NEIGH, &n);
	}
	return 0;
}

/* ---- addresses ---- */

static int apply_addr(struct tna_model *m, const struct nlmsghdr *nlh)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct tna_addr x;
	bool local = false;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return -EBADMSG;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return 0;
	memset(&x, 0, sizeof(x));
	x.ifindex = (int)ifa->ifa_index;
	x.family = ifa->ifa_family;
	x.prefixlen = ifa->ifa_prefixlen;
	x.scope = ifa->ifa_scope;
	x.flags = ifa->ifa_flags;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
		case IFA_LOCAL:	/* the own address of a point-to-point link */
			bytes_of(a, x.addr, 16);
			local = true;
			break;
		case IFA_ADDRESS:
			if (!local)
				bytes_of(a, x.addr, 16);
			break;
		case IFA_FLAGS: x.flags = u32_of(a); break;
		}
	}
	/* A tentative IPv6 address (DAD running) is not usable yet and the
	 * kernel announces it only when DAD completes: keep it out. */
	if (nlh->nlmsg_type == RTM_DELADDR || (x.flags & IFA_F_TENTATIVE)) {
		if (x.family == AF_INET)
			m->pending |= TNA_NEED_ROUTES;
		/* disable_ipv6 shows itself only by removing the addresses */
		if (x.family == AF_INET6 && nlh->nlmsg_type == RTM_DELADDR)
			m->pending |= TNA_NEED_SYSCTL;
		return tna_model_del(m, TNA_SET_ADDR, &x);
	}
	if (x.scope < RT_SCOPE_LINK)
		tna_model_l3_refresh(m, x.ifindex);
	return tna_model_put(m, TNA_SET_ADDR, &x);
}

/* ---- routes ---- */

int tna_route_parse(const struct nlmsghdr *nlh, struct tna_route *r);
int tna_route_parse(const struct nlmsghdr *nlh, struct tna_route *r)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return -EBADMSG;
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (rtm->rtm_flags & RTM_F_CLONED)
		return -EAGAIN;		/* a cache entry, not configuration */
	memset(r, 0, sizeof(*r));
	r->family = rtm->rtm_family;
	r->dst_len = rtm->rtm_dst_len;
	r->src_len = rtm->rtm_src_len;
	r->tos = rtm->rtm_tos;
	r->protocol = rtm->rtm_protocol;
	r->scope = rtm->rtm_scope;
	r->type = rtm->rtm_type;
	r->table = rtm->rtm_table;
	r->nexthops = 1;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
		case RTA_TABLE: r->table = u32_of(a); break;
		case RTA_DST: bytes_of(a, r->dst, 16); break;
		case RTA_GATEWAY: bytes_of(a, r->gateway, 16); break;
		case RTA_OIF: r->oif = (int)u32_of(a); break;
		case RTA_PRIORITY: r->priority = u32_of(a); break;
		case RTA_NH_ID: r->nhid = u32_of(a); break;
		case RTA_MULTIPATH: {
			const struct rtnexthop *nh = mnl_attr_get_payload(a);
			int len = (int)mnl_attr_get_payload_len(a);
			uint32_t n = 0;

			while (len >= (int)sizeof(*nh) && nh->rtnh_len >= sizeof(*nh) &&
			       nh->rtnh_len <= len) {
				if (n++ == 0) {
					const struct nlattr *g;
					int glen = nh->rtnh_len - RTNH_ALIGN(sizeof(*nh));

					r->oif = nh->rtnh_ifindex;
					for (g = (const struct nlattr *)RTNH_DATA(nh);
					     mnl_attr_ok(g, glen); g = mnl_attr_next(g)) {
						glen -= MNL_ALIGN(g->nla_len);
						if ((mnl_attr_get_type(g) & NLA_TYPE_MASK) == RTA_GATEWAY)
							bytes_of(g, r->gateway, 16);
					}
				}
				len -= RTNH_ALIGN(nh->rtnh_len);
				nh = RTNH_NEXT(nh);
			}
			r->nexthops = n ? n : 1;
			break;
		}
		}
	}
	return 0;
}

struct mp_q { const struct tna_route *r; bool hit; };

static int same_prefix_mp(const void *item, void *p)
{
	struct mp_q *q = p;
	const struct tna_route *x = item;

	if (x->nexthops > 1 && x->family == q->r->family && x->table == q->r->table &&
	    x->dst_len == q->r->dst_len && x->priority == q->r->priority &&
	    !memcmp(x->dst, q->r->dst, 16))
		q->hit = true;
	return q->hit;
}

/* IPv6 announces an appended or deleted hop of a multipath route as a
 * route of its own, while a dump shows one route with all hops: such
 * events make the routes be read again. */
static bool ipv6_multipath(const struct tna_model *m, const struct nlmsghdr *nlh,
			   const struct tna_route *r)
{
	struct mp_q q = { r, false };

	if (r->family != AF_INET6)
		return false;
	if (r->nexthops > 1 || (nlh->nlmsg_flags & NLM_F_APPEND))
		return true;
	tna_set_for_each(&m->set[TNA_SET_ROUTE], same_prefix_mp, &q);
	return q.hit;
}

static int apply_route(struct tna_model *m, const struct nlmsghdr *nlh)
{
	struct tna_route r;

	if (tna_route_parse(nlh, &r))
		return 0;
	if (!m->in_dump && ipv6_multipath(m, nlh, &r)) {
		m->pending |= TNA_NEED_ROUTES;
		return 0;
	}
	if (nlh->nlmsg_type == RTM_DELROUTE)
		return tna_model_del(m, TNA_SET_ROUTE, &r);
	return tna_model_put(m, TNA_SET_ROUTE, &r);
}

/* ---- rules ---- */

static int apply_rule(struct tna_model *m, const struct nlmsghdr *nlh)
{
	const struct fib_rule_hdr *h = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct tna_rule r;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*h)))
		return -EBADMSG;
	memset(&r, 0, sizeof(r));
	r.family = h->family;
	r.action = h->action;
	r.src_len = h->src_len;
	r.dst_len = h->dst_len;
	r.tos = h->tos;
	r.table = h->table;
	r.flags = h->flags;
	mnl_attr_for_each(a, nlh, sizeof(*h)) {
		switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
		case FRA_TABLE: r.table = u32_of(a); break;
		case FRA_PRIORITY: r.priority = u32_of(a); break;
		case FRA_FWMARK: r.fwmark = u32_of(a); break;
		case FRA_FWMASK: r.fwmask = u32_of(a); break;
		case FRA_SRC: bytes_of(a, r.src, 16); break;
		case FRA_DST: bytes_of(a, r.dst, 16); break;
		case FRA_IIFNAME: str_of(a, r.iifname, sizeof(r.iifname)); break;
		case FRA_OIFNAME: str_of(a, r.oifname, sizeof(r.oifname)); break;
		}
	}
	if (nlh->nlmsg_type == RTM_DELRULE)
		return tna_model_del(m, TNA_SET_RULE, &r);
	return tna_model_put(m, TNA_SET_RULE, &r);
}

/* ---- tc: a filter or qdisc changed on a link ---- */

static int tc_reread(struct tna_model *m, int ifindex)
{
	const struct tna_link *old = tna_model_link(m, ifindex);
	struct tna_link l;
	uint8_t tc = 0;

	if (!old || !tna_model_nl(m) || tna_tc_read(m->nl, old->ifindex, NULL, &tc) || tc == old->tc)
		return 0;
	memcpy(&l, old, sizeof(l));
	tna_link_set_tc(&l, tc);
	return tna_model_put(m, TNA_SET_LINK, &l);
}

static int apply_tc(struct tna_model *m, const struct nlmsghdr *nlh)
{
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*t)))
		return -EBADMSG;
	if ((uint32_t)t->tcm_ifindex != TCM_IFINDEX_MAGIC_BLOCK)
		return tc_reread(m, t->tcm_ifindex);
	/* A shared block's filter: it names the block, not the devices bound
	 * to it.  Every link is asked again (after this read of events: not
	 * on the socket a dump may be using). */
	m->pending |= TNA_NEED_TC;
	return 0;
}

int tna_model_apply(struct tna_model *m, const struct nlmsghdr *nlh)
{
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK: case RTM_DELLINK:
		return apply_link(m, nlh);
	case RTM_NEWNEIGH: case RTM_DELNEIGH:
		return apply_neigh(m, nlh);
	case RTM_NEWADDR: case RTM_DELADDR:
		return apply_addr(m, nlh);
	case RTM_NEWROUTE: case RTM_DELROUTE:
		return apply_route(m, nlh);
	case RTM_NEWRULE: case RTM_DELRULE:
		return apply_rule(m, nlh);
	case RTM_NEWTFILTER: case RTM_DELTFILTER:
	case RTM_NEWQDISC: case RTM_DELQDISC:
		return apply_tc(m, nlh);
	case RTM_NEWNEXTHOP: case RTM_DELNEXTHOP:
		/* Routes using a nexthop object change or go with it, silently. */
		m->pending |= TNA_NEED_ROUTES;
		return 0;
	case RTM_NEWNETCONF: case RTM_DELNETCONF:
		m->pending |= TNA_NEED_SYSCTL;
		return 0;
	}
	return 0;
}
