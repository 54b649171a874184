/* A port's entry in the port table, from the port watch or the model:
 * what the controller writes for a bridge port (controller/ctl_priv.h). */
#include <string.h>

#include "controller/ctl_priv.h"

void tna_ctl_brport_cfg(const struct tna_brport_info *bp, const struct tna_link *l,
			struct tna_port_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->stp_state = bp->state;
	cfg->flags = (bp->learning ? TNA_PORT_F_LEARNING : 0) |
		     (bp->flood ? TNA_PORT_F_FLOOD : 0) |
		     (bp->isolated ? TNA_PORT_F_ISOLATED : 0) |
		     (bp->locked ? TNA_PORT_F_LOCKED : 0) |
		     (l && l->tc_egress ? TNA_PORT_F_EGRESS_LINUX : 0) |
		     /* Linux answers ARP/ND itself on these ports */
		     (bp->proxy_arp || bp->neigh_suppress ? TNA_PORT_F_SLOWPATH : 0);
}

bool tna_ctl_port_cfg(struct tna_ctl *c, int bridge, const struct tna_link *l,
		      struct tna_port_cfg *cfg)
{
	const struct tna_port_info *pi = tna_port_watch_get(c->pw, l->ifindex);

	/* The port watch is read ahead of the model: its state is newer. */
	if (pi->known) {
		if (!pi->is_port || pi->master != bridge)
			return false;
		tna_ctl_brport_cfg(&pi->port, l, cfg);
		return true;
	}
	if (!l->is_port || l->master != bridge)
		return false;
	tna_ctl_brport_cfg(&l->port, l, cfg);
	return true;
}

bool tna_ctl_is_attached(const struct br_state *b, int ifx)
{
	int i;

	for (i = 0; i < b->n_attached; i++)
		if (b->attached[i] == ifx)
			return true;
	return false;
}
