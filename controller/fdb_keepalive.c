/* NTF_USE refresh of kernel FDB entries the fast path used. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "common/nl.h"
#include "controller/fdb_keepalive.h"

int tna_fdb_refresh(struct tna_nl *nl, int port_ifindex, const uint8_t mac[6],
		    uint16_t vlan)
{
	char buf[256];
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	if (port_ifindex <= 0 || !mac)
		return -EINVAL;
	/* No NLM_F_REPLACE: that alone would not reset `updated`. */
	nlh = tna_nl_msg(nl, buf, RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE);
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = port_ifindex;
	ndm->ndm_state = NUD_REACHABLE;
	ndm->ndm_flags = NTF_MASTER | NTF_USE;
	mnl_attr_put(nlh, NDA_LLADDR, ETH_ALEN, mac);
	if (vlan)
		mnl_attr_put_u16(nlh, NDA_VLAN, vlan);
	return tna_nl_talk(nl, nlh, NULL, NULL);
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
