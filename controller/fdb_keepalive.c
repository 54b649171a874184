/* NTF_USE refresh of kernel FDB entries the fast path used. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_bridge.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "common/nl.h"
#include "controller/fdb_keepalive.h"

/* Send TYPE for the bridge FDB entry MAC/VLAN of port PORT_IFINDEX. */
static int fdb_msg(struct tna_nl *nl, uint16_t type, uint16_t nlflags, uint16_t state,
		   uint8_t ntf, int port_ifindex, const uint8_t mac[6], uint16_t vlan)
{
	char buf[256];
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	if (port_ifindex <= 0 || !mac)
		return -EINVAL;
	nlh = tna_nl_msg(nl, buf, type, NLM_F_ACK | nlflags);
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = port_ifindex;
	ndm->ndm_state = state;
	ndm->ndm_flags = ntf;
	mnl_attr_put(nlh, NDA_LLADDR, ETH_ALEN, mac);
	if (vlan)
		mnl_attr_put_u16(nlh, NDA_VLAN, vlan);
	return tna_nl_talk(nl, nlh, NULL, NULL);
}

int tna_fdb_refresh(struct tna_nl *nl, int port_ifindex, const uint8_t mac[6],
		    uint16_t vlan)
{
	/* No NLM_F_REPLACE: that alone would not reset `updated`. */
	return fdb_msg(nl, RTM_NEWNEIGH, NLM_F_CREATE, NUD_REACHABLE, NTF_MASTER | NTF_USE,
		       port_ifindex, mac, vlan);
}

unsigned int tna_fdb_keepalive_interval_ms(uint32_t ageing_time_cs)
{
	unsigned long ms = (unsigned long)ageing_time_cs * 10 / 4;

	if (ms < 1000)
		ms = 1000;
	if (ms > 60000)
		ms = 60000;
	return (unsigned int)ms;
}

struct vlans_ctx {
	int bridge;
	struct tna_port_vlans *out;
	int max, n;
};

static int vlans_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vlans_ctx *c = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct tna_port_vlans *pv;
	const struct nlattr *a, *spec = NULL;
	int master = 0;

	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		if (mnl_attr_get_type(a) == IFLA_MASTER)
			master = (int)mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == IFLA_AF_SPEC)
			spec = a;
	}
	if (master != c->bridge || !spec || c->n >= c->max)
		return MNL_CB_OK;
	pv = &c->out[c->n];
	pv->ifindex = ifi->ifi_index;
	pv->n = 0;
	mnl_attr_for_each_nested(a, spec) {
		const struct bridge_vlan_info *vi;

		if (mnl_attr_get_type(a) != IFLA_BRIDGE_VLAN_INFO ||
		    mnl_attr_get_payload_len(a) < sizeof(*vi) || pv->n >= TNA_KA_PORT_VIDS)
			continue;
		vi = mnl_attr_get_payload(a);
		pv->vid[pv->n++] = vi->vid;
	}
	if (pv->n)
		c->n++;
	return MNL_CB_OK;
}

int tna_fdb_port_vlans(struct tna_nl *nl, int bridge_ifindex, struct tna_port_vlans *out,
		       int max)
{
	char buf[256];
	struct vlans_ctx c = { bridge_ifindex, out, max, 0 };
	struct nlmsghdr *nlh = tna_nl_msg(nl, buf, RTM_GETLINK, NLM_F_DUMP);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	int err;

	ifi->ifi_family = AF_BRIDGE;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN);
	err = tna_nl_talk(nl, nlh, vlans_cb, &c);
	return err ? err : c.n;
}

int tna_fdb_forget(struct tna_nl *nl, int port_ifindex, const uint8_t mac[6], uint16_t vlan)
{
	return fdb_msg(nl, RTM_DELNEIGH, 0, 0, NTF_MASTER, port_ifindex, mac, vlan);
}
