/* The model as JSON (tna-introspect --dump).  Tables are sorted so that
 * two dumps of the same state print the same text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include "introspect/model_priv.h"

static json_object *mac_str(const uint8_t *m)
{
	char s[18];

	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return json_object_new_string(s);
}

static json_object *ip_str(uint8_t family, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, a, s, sizeof(s)))
		snprintf(s, sizeof(s), "?");
	return json_object_new_string(s);
}

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define INT(v) json_object_new_int64((int64_t)(v))
#define BOOL(v) json_object_new_boolean(!!(v))

static json_object *link_json(const struct tna_link *l)
{
	json_object *o = json_object_new_object();

	ADD(o, "ifindex", INT(l->ifindex));
	ADD(o, "name", json_object_new_string(l->name));
	ADD(o, "kind", json_object_new_string(l->kind));
	ADD(o, "master", INT(l->master));
	ADD(o, "link", INT(l->link));
	ADD(o, "flags", INT(l->flags));
	ADD(o, "operstate", INT(l->operstate));
	ADD(o, "mtu", INT(l->mtu));
	ADD(o, "mac", mac_str(l->mac));
	ADD(o, "xdp_prog_id", INT(l->xdp_prog_id));
	ADD(o, "xdp_mode", INT(l->xdp_mode));
	ADD(o, "xdp_prog_name", json_object_new_string(l->xdp_prog_name));
	ADD(o, "tc_filters", BOOL(l->tc_filters));
	ADD(o, "tc_egress", BOOL(l->tc_egress));
	ADD(o, "rp_filter", INT(l->rp_filter));
	ADD(o, "disable_ipv6", INT(l->disable_ipv6));
	ADD(o, "ip4_forwarding", INT(l->ip4_forwarding));
	ADD(o, "ip6_forwarding", INT(l->ip6_forwarding));
	if (l->is_bridge) {
		json_object *b = json_object_new_object();

		ADD(b, "stp_state", INT(l->br.stp_state));
		ADD(b, "ageing_time", INT(l->br.ageing_time));
		ADD(b, "forward_delay", INT(l->br.forward_delay));
		ADD(b, "vlan_filtering", INT(l->br.vlan_filtering));
		ADD(b, "vlan_protocol", INT(l->br.vlan_protocol));
		ADD(b, "mst_enabled", BOOL(l->br.mst_enabled));
		ADD(b, "mcast_snooping", INT(l->br.mcast_snooping));
		ADD(b, "group_fwd_mask", INT(l->br.group_fwd_mask));
		ADD(b, "nf_call_iptables", INT(l->br.nf_call_iptables));
		ADD(b, "nf_call_ip6tables", INT(l->br.nf_call_ip6tables));
		ADD(b, "nf_call_arptables", INT(l->br.nf_call_arptables));
		ADD(o, "bridge", b);
	}
	if (l->is_port) {
		json_object *p = json_object_new_object();

		ADD(p, "state", INT(l->port.state));
		ADD(p, "learning", INT(l->port.learning));
		ADD(p, "flood", INT(l->port.flood));
		ADD(p, "mcast_flood", INT(l->port.mcast_flood));
		ADD(p, "bcast_flood", INT(l->port.bcast_flood));
		ADD(p, "hairpin", INT(l->port.hairpin));
		ADD(p, "isolated", INT(l->port.isolated));
		ADD(p, "locked", INT(l->port.locked));
		ADD(p, "proxy_arp", INT(l->port.proxy_arp));
		ADD(p, "neigh_suppress", INT(l->port.neigh_suppress));
		ADD(o, "port", p);
	}
	return o;
}

static json_object *fdb_json(const struct tna_fdb *f)
{
	static const char *const type[] = { "local", "static", "dynamic" };
	json_object *o = json_object_new_object();

	ADD(o, "mac", mac_str(f->mac));
	ADD(o, "vlan", INT(f->vlan));
	ADD(o, "port", INT(f->port));
	ADD(o, "master", INT(f->master));
	ADD(o, "type", json_object_new_string(type[f->type]));
	ADD(o, "state", INT(f->state));
	ADD(o, "flags", INT(f->ntf_flags));
	return o;
}

static json_object *addr_json(const struct tna_addr *a)
{
	json_object *o = json_object_new_object();

	ADD(o, "ifindex", INT(a->ifindex));
	ADD(o, "family", json_object_new_string(a->family == AF_INET ? "inet" : "inet6"));
	ADD(o, "address", ip_str(a->family, a->addr));
	ADD(o, "prefixlen", INT(a->prefixlen));
	ADD(o, "scope", INT(a->scope));
	ADD(o, "flags", INT(a->flags));
	return o;
}

static json_object *route_json(const struct tna_route *r)
{
	static const uint8_t zero[16];
	json_object *o = json_object_new_object();

	ADD(o, "family", json_object_new_string(r->family == AF_INET ? "inet" : "inet6"));
	ADD(o, "table", INT(r->table));
	ADD(o, "dst", ip_str(r->family, r->dst));
	ADD(o, "dst_len", INT(r->dst_len));
	if (memcmp(r->gateway, zero, 16))
		ADD(o, "gateway", ip_str(r->family, r->gateway));
	ADD(o, "oif", INT(r->oif));
	ADD(o, "type", INT(r->type));
	ADD(o, "protocol", INT(r->protocol));
	ADD(o, "scope", INT(r->scope));
	ADD(o, "metric", INT(r->priority));
	ADD(o, "nexthops", INT(r->nexthops));
	return o;
}

static json_object *rule_json(const struct tna_rule *r)
{
	json_object *o = json_object_new_object();

	ADD(o, "family", json_object_new_string(r->family == AF_INET ? "inet" : "inet6"));
	ADD(o, "priority", INT(r->priority));
	ADD(o, "table", INT(r->table));
	ADD(o, "action", INT(r->action));
	ADD(o, "src", ip_str(r->family, r->src));
	ADD(o, "src_len", INT(r->src_len));
	ADD(o, "dst", ip_str(r->family, r->dst));
	ADD(o, "dst_len", INT(r->dst_len));
	ADD(o, "fwmark", INT(r->fwmark));
	ADD(o, "iif", json_object_new_string(r->iifname));
	ADD(o, "oif", json_object_new_string(r->oifname));
	return o;
}

static json_object *neigh_json(const struct tna_neigh *n)
{
	json_object *o = json_object_new_object();

	ADD(o, "ifindex", INT(n->ifindex));
	ADD(o, "family", json_object_new_string(n->family == AF_INET ? "inet" : "inet6"));
	ADD(o, "dst", ip_str(n->family, n->addr));
	if (n->has_lladdr)
		ADD(o, "lladdr", mac_str(n->lladdr));
	ADD(o, "state", INT(n->state));
	return o;
}

static const char *const nf_family[TNA_NF_FAMILIES] = {
	[1] = "inet", [2] = "ip", [3] = "arp", [5] = "netdev", [7] = "bridge", [10] = "ip6",
};
static const char *const nf_hook[TNA_NF_HOOKS] = {
	"prerouting", "input", "forward", "output", "postrouting", "ingress",
};

static json_object *nf_json(const struct tna_netfilter *nf)
{
	json_object *o = json_object_new_object(), *hooks = json_object_new_array();

	ADD(o, "nftables_read", BOOL(nf->nft_ok));
	ADD(o, "legacy_read", BOOL(nf->legacy_ok));
	for (int s = 0; s < 2; s++)
		for (int f = 0; f < TNA_NF_FAMILIES; f++)
			for (int h = 0; h < TNA_NF_HOOKS; h++) {
				const struct tna_nf_hook *k = &nf->hook[s][f][h];
				json_object *x;

				if (!k->chains)
					continue;
				x = json_object_new_object();
				ADD(x, "source", json_object_new_string(s ? "xtables-legacy" : "nftables"));
				ADD(x, "family", json_object_new_string(nf_family[f] ? nf_family[f] : "?"));
				ADD(x, "hook", json_object_new_string(f == 5 ? (h ? "egress" : "ingress") : nf_hook[h]));
				ADD(x, "chains", INT(k->chains));
				ADD(x, "rules", INT(k->rules));
				ADD(x, "drop_policy", BOOL(k->drop_policy));
				json_object_array_add(hooks, x);
			}
	ADD(o, "hooks", hooks);
	{
		json_object *d = json_object_new_array();

		for (uint32_t i = 0; i < nf->n_devs; i++)
			json_object_array_add(d, json_object_new_string(nf->devs[i]));
		ADD(o, "ingress_devices", d);
		ADD(o, "ingress_devices_all", BOOL(nf->devs_all));
	}
	return o;
}

/* Collect a set's items as JSON, then sort them by their text. */
struct arr_ctx { json_object *arr; json_object *(*fn)(const void *); };

static int add_item(const void *item, void *p)
{
	struct arr_ctx *c = p;

	json_object_array_add(c->arr, c->fn(item));
	return 0;
}

static int by_text(const void *a, const void *b)
{
	const json_object *x = *(const json_object *const *)a;
	const json_object *y = *(const json_object *const *)b;
	json_object *xi, *yi;

	/* FDB entries by bridge, MAC, VLAN (100k of them: no text) */
	if (json_object_object_get_ex(x, "mac", &xi) && json_object_object_get_ex(y, "mac", &yi) &&
	    !json_object_object_get_ex(x, "name", NULL)) {
		json_object *xm, *ym, *xv, *yv;
		int c;

		json_object_object_get_ex(x, "master", &xm);
		json_object_object_get_ex(y, "master", &ym);
		if (json_object_get_int64(xm) != json_object_get_int64(ym))
			return json_object_get_int64(xm) < json_object_get_int64(ym) ? -1 : 1;
		c = strcmp(json_object_get_string(xi), json_object_get_string(yi));
		if (c)
			return c;
		json_object_object_get_ex(x, "vlan", &xv);
		json_object_object_get_ex(y, "vlan", &yv);
		return (int)(json_object_get_int64(xv) - json_object_get_int64(yv));
	}
	/* links by ifindex, everything else by its text */
	if (json_object_object_get_ex(x, "name", &xi) &&
	    json_object_object_get_ex(x, "ifindex", &xi) &&
	    json_object_object_get_ex(y, "ifindex", &yi))
		return (int)(json_object_get_int64(xi) - json_object_get_int64(yi));
	return strcmp(json_object_to_json_string_ext((json_object *)x, JSON_C_TO_STRING_PLAIN),
		      json_object_to_json_string_ext((json_object *)y, JSON_C_TO_STRING_PLAIN));
}

static json_object *set_json(const struct tna_set *s, json_object *(*fn)(const void *))
{
	struct arr_ctx c = { json_object_new_array(), fn };

	tna_set_for_each(s, add_item, &c);
	json_object_array_sort(c.arr, by_text);
	return c.arr;
}

void *tna_model_to_json(const struct tna_model *m)
{
	json_object *o = json_object_new_object(), *s = json_object_new_object();

	ADD(o, "links", set_json(&m->set[TNA_SET_LINK], (json_object *(*)(const void *))link_json));
	ADD(o, "fdb", set_json(&m->set[TNA_SET_FDB], (json_object *(*)(const void *))fdb_json));
	ADD(o, "addrs", set_json(&m->set[TNA_SET_ADDR], (json_object *(*)(const void *))addr_json));
	ADD(o, "routes", set_json(&m->set[TNA_SET_ROUTE], (json_object *(*)(const void *))route_json));
	ADD(o, "rules", set_json(&m->set[TNA_SET_RULE], (json_object *(*)(const void *))rule_json));
	ADD(o, "neigh", set_json(&m->set[TNA_SET_NEIGH], (json_object *(*)(const void *))neigh_json));
	ADD(s, "ip_forward", INT(m->sys.ip_forward));
	ADD(s, "ip6_forwarding", INT(m->sys.ip6_forwarding));
	ADD(s, "bridge_nf_call_iptables", INT(m->sys.bridge_nf_call_iptables));
	ADD(s, "bridge_nf_call_ip6tables", INT(m->sys.bridge_nf_call_ip6tables));
	ADD(s, "bridge_nf_call_arptables", INT(m->sys.bridge_nf_call_arptables));
	ADD(o, "sysctls", s);
	ADD(o, "netfilter", nf_json(&m->nf));
	{
		json_object *x = json_object_new_object();
		const struct tna_xfrm *xf = tna_model_xfrm(m);

		ADD(x, "read", BOOL(xf->ok));
		ADD(x, "policies_ipv4", INT(xf->policies[0]));
		ADD(x, "policies_ipv6", INT(xf->policies[1]));
		ADD(x, "states_ipv4", INT(xf->states[0]));
		ADD(x, "states_ipv6", INT(xf->states[1]));
		ADD(o, "xfrm", x);
	}
	return o;
}
