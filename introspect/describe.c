/* Text for events: what an operator would recognise from ip/bridge output. */
#include <stdio.h>
#include <arpa/inet.h>

#include "introspect/describe.h"

static const char *ip(uint8_t family, const uint8_t *a, char *buf)
{
	if (!inet_ntop(family, a, buf, INET6_ADDRSTRLEN))
		snprintf(buf, INET6_ADDRSTRLEN, "?");
	return buf;
}

char *tna_describe(enum tna_obj obj, const void *item, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	buf[0] = '\0';
	if (!item)
		return buf;
	switch (obj) {
	case TNA_OBJ_LINK: {
		const struct tna_link *l = item;
		int n = snprintf(buf, len, "%s ifindex %d kind %s master %d mtu %u flags %#x oper %u",
				 l->name, l->ifindex, l->kind[0] ? l->kind : "-", l->master,
				 l->mtu, l->flags, l->operstate);
		if (l->is_port && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - n, " port state %u learning %u",
				      l->port.state, l->port.learning);
		if (l->is_bridge && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - n, " bridge stp %u ageing %u vlan_filtering %u",
				      l->br.stp_state, l->br.ageing_time, l->br.vlan_filtering);
		if (l->xdp_prog_id && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - n, " xdp %u", l->xdp_prog_id);
		if (l->tc_filters && n > 0 && (size_t)n < len)
			snprintf(buf + n, len - n, " tc-filters");
		break;
	}
	case TNA_OBJ_FDB: {
		static const char *const t[] = { "local", "static", "dynamic" };
		const struct tna_fdb *f = item;
		snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x vlan %u port %d master %d %s",
			 f->mac[0], f->mac[1], f->mac[2], f->mac[3], f->mac[4], f->mac[5],
			 f->vlan, f->port, f->master, t[f->type]);
		break;
	}
	case TNA_OBJ_ADDR: {
		const struct tna_addr *x = item;
		snprintf(buf, len, "%s/%u ifindex %d", ip(x->family, x->addr, a), x->prefixlen,
			 x->ifindex);
		break;
	}
	case TNA_OBJ_ROUTE: {
		const struct tna_route *r = item;
		snprintf(buf, len, "%s/%u via %s oif %d table %u metric %u type %u",
			 ip(r->family, r->dst, a), r->dst_len, ip(r->family, r->gateway, b),
			 r->oif, r->table, r->priority, r->type);
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
		snprintf(buf, len, "%s ifindex %d state %#x", ip(n->family, n->addr, a),
			 n->ifindex, n->state);
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
	default:
		break;
	}
	return buf;
}
