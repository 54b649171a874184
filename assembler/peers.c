/* What the auto target rests on that no event announces: the features of
 * a veth's peer (which often lives in another namespace) and whether a
 * port can be a native redirect egress.  Read here for the planners, and
 * read again by the controller every second to notice a change. */
#include <string.h>

#include "assembler/plan.h"
#include "capabilities/netdev_genl.h"
#include "targets/datapath.h"

void tna_peer_probe(int ifindex, struct tna_peer *p)
{
	struct tna_veth_peer_features f;

	memset(p, 0, sizeof(*p));
	if (tna_veth_peer_features(ifindex, &f))
		return;		/* not a veth, or its peer cannot be read */
	p->known = true;
	p->ifindex = f.peer_ifindex;
	p->tso = f.tso_wanted;
	p->tx_csum = f.tx_csum;
	p->gro = f.gro;
	p->tx_vlan = f.tx_vlan;
}

void tna_plan_input_peers(struct tna_plan_bridge_in *in)
{
	tna_dp__pass_begin();	/* one set of sockets per namespace */
	for (int i = 0; i < in->n_ports; i++)
		if (!strcmp(in->ports[i].kind, "veth"))
			tna_peer_probe(in->ports[i].ifindex, &in->ports[i].peer);
	tna_dp__pass_end();
}

bool tna_peer_same(const struct tna_peer *a, const struct tna_peer *b)
{
	return a->known == b->known && (!a->known ||
	       (a->tso == b->tso && a->tx_csum == b->tx_csum && a->gro == b->gro &&
		a->tx_vlan == b->tx_vlan));
}

const char *tna_plan_csum_name(enum tna_plan_csum c)
{
	switch (c) {
	case TNA_PLAN_CSUM_FIX:  return "completed in XDP";
	case TNA_PLAN_CSUM_PASS: return "partial ones to Linux";
	default:                 return "complete";
	}
}

bool tna_plan_inputs_changed(const struct tna_bridge_plan *plan)
{
	for (int i = 0; i < plan->n_ports; i++) {
		const struct tna_port_plan *pp = &plan->ports[i];
		struct tna_peer now;
		uint64_t f = 0;

		tna_peer_probe(pp->ifindex, &now);
		if (!tna_peer_same(&now, &pp->peer))
			return true;
		if (pp->peer.known && tna_xdp_features(pp->ifindex, &f) == 0 &&
		    !!(f & TNA_NETDEV_XDP_ACT_NDO_XMIT) != pp->redirect_to)
			return true;
	}
	return false;
}
