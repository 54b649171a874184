/* Text for events: what an operator would recognise from ip/bridge output. */
#include <stdio.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "introspect/describe.h"

static const char *ip(uint8_t family, const uint8_t *a, char *buf)
{
	if (!inet_ntop(family, a, buf, INET6_ADDRSTRLEN))
		snprintf(buf, INET6_ADDRSTRLEN, "?");
	return buf;
}

/* The interface's name, "-" for none, "if<N>" when M does not know it. */
static const char *dev(const struct tna_model *m, int ifindex, char *buf, size_t len)
{
	const struct tna_link *l = m && ifindex ? tna_model_link(m, ifindex) : NULL;

	if (!ifindex)
		snprintf(buf, len, "-");
	else if (l)
		snprintf(buf, len, "%s", l->name);
	else
		snprintf(buf, len, "if%d", ifindex);
	return buf;
}

char *tna_describe(const struct tna_model *m, enum tna_obj obj, const void *item,
		   char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], d1[IF_NAMESIZE + 12], d2[IF_NAMESIZE + 12];

	buf[0] = '\0';
	if (!item)
		return buf;
	switch (obj) {
	case TNA_OBJ_LINK: {
		const struct tna_link *l = item;
		int n = snprintf(buf, len, "%s ifindex %d kind %s master %s mtu %u flags %#x oper %u",
				 l->name, l->ifindex, l->kind[0] ? l->kind : "-",
				 dev(m, l->master, d1, sizeof(d1)), l->mtu, l->flags, l->operstate);
		if (l->is_port && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - n, " port state %u learning %u",
				      l->port.state, l->port.learning);
		if (l->is_bridge && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - n, " bridge stp %u ageing %u vlan_filtering %u",
				      l->br.stp_state, l->br.ageing_time, l->br.vlan_filtering);
		if (l->xdp_prog_id && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - n, " xdp %u", l->xdp_prog_id);
		if (l->tc_filters && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - n, " tc-filters");
		if (l->tc_egress && n > 0 && (size_t)n < len)
			snprintf(buf + n, len - n, " tc-egress");
		break;
	}
	case TNA_OBJ_FDB: {
		static const char *const t[] = { "local", "static", "dynamic" };
		const struct tna_fdb *f = item;
		snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x vlan %u port %s master %s %s",
			 f->mac[0], f->mac[1], f->mac[2], f->mac[3], f->mac[4], f->mac[5],
			 f->vlan, dev(m, f->port, d1, sizeof(d1)), dev(m, f->master, d2, sizeof(d2)),
			 t[f->type]);
		break;
	}
	case TNA_OBJ_ADDR: {
		const struct tna_addr *x = item;
		snprintf(buf, len, "%s/%u dev %s", ip(x->family, x->addr, a), x->prefixlen,
			 dev(m, x->ifindex, d1, sizeof(d1)));
		break;
	}
	case TNA_OBJ_ROUTE: {
		const struct tna_route *r = item;
		snprintf(buf, len, "%s/%u via %s dev %s table %u metric %u type %u",
			 ip(r->family, r->dst, a), r->dst_len, ip(r->family, r->gateway, b),
			 dev(m, r->oif, d1, sizeof(d1)), r->table, r->priority, r->type);
		break;
	}
	case TNA_OBJ_RULE: {
		const struct tna_rule *r = item;
		snprintf(buf, len, "family %u pref %u table %u action %u", r->family,
			 r->priority, r->table, r->action);
		break;
	}
	case TNA_OBJ_NEIGH: {
		const struct tna_neigh *n = item;
		snprintf(buf, len, "%s dev %s state %#x", ip(n->family, n->addr, a),
			 dev(m, n->ifindex, d1, sizeof(d1)), n->state);
		break;
	}
	case TNA_OBJ_SYSCTL: {
		const struct tna_sysctls *s = item;
		snprintf(buf, len, "ip_forward %d ip6_forwarding %d bridge-nf-call-iptables %d "
			 "ip6tables %d arptables %d", s->ip_forward, s->ip6_forwarding,
			 s->bridge_nf_call_iptables, s->bridge_nf_call_ip6tables,
			 s->bridge_nf_call_arptables);
		break;
	}
	case TNA_OBJ_NETFILTER:
		snprintf(buf, len, "ruleset changed");
		break;
	case TNA_OBJ_XFRM: {
		const struct tna_xfrm *x = item;
		snprintf(buf, len, "policies %u/%u states %u/%u (ipv4/ipv6)%s", x->policies[0],
			 x->policies[1], x->states[0], x->states[1], x->ok ? "" : " unreadable");
		break;
	}
	default:
		break;
	}
	return buf;
}
