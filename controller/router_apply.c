/* The router plan applied to a pipeline: see controller/router_apply.h. */
#include <errno.h>
#include <string.h>
#include "controller/router_apply.h"

/* A routed port: its rif first, then the port entry that makes it live
 * (a port in the table with an old rif would route with stale flags).  A
 * port held on Linux (TNA_STP_HELD: a rebuild in progress) stays held. */
static int routed_port(struct tna_dp *dp, const struct tna_router_if_plan *f)
{
	struct tna_rif_cfg rif = { .l3_ifindex = f->l3_ifindex, .flags = f->rif_flags };
	struct tna_port_cfg c = { .stp_state = TNA_STP_FORWARDING }, old;
	int err;

	memcpy(rif.mac, f->mac, 6);
	err = tna_dp__rif_set(dp, f->ifindex, &rif);
	if (err)
		return err;
	if (!tna_dp__port_get(dp, f->ifindex, &old) && old.stp_state == TNA_STP_HELD)
		c.stp_state = TNA_STP_HELD;
	if (f->egress_linux)
		c.flags |= TNA_PORT_F_EGRESS_LINUX;
	return tna_dp__port_set(dp, f->ifindex, &c);
}

static bool listed(const int *ifx, int n, int ifindex)
{
	for (int i = 0; i < n; i++)
		if (ifx[i] == ifindex)
			return true;
	return false;
}

int tna_router_plan_apply(struct tna_dp *dp, const struct tna_router_plan *plan,
			  const int *only, int n_only, int *attach, int max, int *n_attach)
{
	int err;

	if (!dp || !plan || (max && !attach))
		return -EINVAL;
	if (n_attach)
		*n_attach = 0;
	if (!plan->ok)
		return 0;
	err = tna_dp__src_martian4_set(dp, plan->martian4, plan->n_martian4);
	if (!err)
		err = tna_dp__src_fib_check_set(dp, plan->src_fib_check);
	if (!err)
		err = tna_dp__local6_set(dp, plan->local6, plan->n_local6);
	if (err)
		return err;
	for (int i = 0; i < plan->n_ifs; i++) {
		const struct tna_router_if_plan *f = &plan->ifs[i];
		struct tna_rif_cfg rif = { .l3_ifindex = f->l3_ifindex, .flags = f->rif_flags };

		memcpy(rif.mac, f->mac, 6);
		if (f->routed && only && !listed(only, n_only, f->ifindex))
			continue;	/* the walk leaves it on Linux */
		if (f->routed) {
			if (n_attach && *n_attach >= max)
				return -ENOSPC;
			err = routed_port(dp, f);
			if (err)
				return err;
			if (n_attach)
				attach[(*n_attach)++] = f->ifindex;
		} else if (f->bridge || f->brport) {
			err = tna_dp__rif_set(dp, f->ifindex, &rif);
			if (err)
				return err;
		}
	}
	return 0;
}

static const struct tna_router_if_plan *if_of(const struct tna_router_plan *p, int ifindex)
{
	for (int i = 0; p->ok && i < p->n_ifs; i++)
		if (p->ifs[i].ifindex == ifindex)
			return &p->ifs[i];
	return NULL;
}

void tna_router_plan_drop_rifs(struct tna_dp *dp, const struct tna_router_plan *old,
			       const struct tna_router_plan *np)
{
	for (int i = 0; old->ok && i < old->n_ifs; i++) {
		const struct tna_router_if_plan *o = &old->ifs[i], *n;

		if (!o->routed && !o->bridge && !o->brport)
			continue;
		n = if_of(np, o->ifindex);
		if (!n || (!n->routed && !n->bridge && !n->brport))
			tna_dp__rif_del(dp, o->ifindex);
	}
}
