/* What the controller does with each event, when it acts on it (at once,
 * or late with the test latency switch TNA_EVENT_DELAY_MS): model events
 * (FDB notes, link changes, configuration bursts) and port changes from
 * the port watch, which is read ahead of the model. */
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>

#include "controller/ctl_priv.h"
#include "controller/nic_sync.h"

static const char *fmt_mac(const uint8_t *m, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		m[4], m[5]);
	return buf;
}

void tna_ctl_note_event(struct tna_ctl *c, enum tna_obj obj, enum tna_op op,
			const void *item)
{
	if (!tna_debounce_pending(&c->db)) {
		if (obj == TNA_OBJ_LINK && item)
			snprintf(c->first_event, sizeof(c->first_event), "link %s %s",
				 ((const struct tna_link *)item)->name, tna_op_name(op));
		else
			snprintf(c->first_event, sizeof(c->first_event), "%s %s",
				 tna_obj_name(obj), tna_op_name(op));
	}
	/* a link change nobody named (a recheck, a veth peer): probe all */
	if (obj == TNA_OBJ_LINK && !item)
		tna_ctl_probe_mark_all(c);
	tna_debounce_event(&c->db, now_ns());
	c->restrict_check = true;	/* after this read: controller/restrict.c */
}

/* A port's STP state, flags or membership, from the port watch (the
 * newest), when the controller acts on it: the fast path follows at once,
 * before the (slower) replan of the whole bridge, so frames do not keep
 * taking the fast path through a port that just left, blocks or went
 * down.  A port that left stays attached until the replan detaches it, but
 * without a port entry all its frames go to Linux (not_a_port).  A held
 * bridge (controller/restrict.c) keeps its ports held. */
static void apply_port(struct tna_ctl *c, int ifindex, const struct tna_port_info *pi)
{
	struct tna_port_cfg cfg;
	int i;

	tna_port_watch_set(c->pw, ifindex, pi);
	for (i = 0; i < c->nbr; i++) {
		struct br_state *b = &c->br[i];
		bool in = pi->is_port && pi->master == b->ifindex;

		if (!b->dp || !tna_ctl_is_attached(b, ifindex))
			continue;
		if (!in) {
			tna_dp__port_del(b->dp, ifindex);
			tna_nic_port_state(b->dp, ifindex, true, 0);
		} else {
			tna_ctl_brport_cfg(&pi->port, tna_model_link(c->m, ifindex), &cfg);
			if (b->held)
				cfg.stp_state = TNA_STP_HELD;
			tna_dp__port_set(b->dp, ifindex, &cfg);
			tna_nic_port_state(b->dp, ifindex, false, pi->port.state);
		}
		logf_(c, TNA_CTL_VERBOSE, "%s: port %d %s state %u in the port table at %.6f%s",
		      b->plan.name, ifindex, in ? "set" : "removed", pi->port.state, now_real(),
		      pi->from_dump ? " (dump)" : "");
	}
}

static void on_port(void *ctx, int ifindex, const struct tna_port_info *pi)
{
	struct tna_ctl *c = ctx;

	if (tna_evq_on(&c->evq) &&
	    !tna_evq_push(&c->evq, now_ns(), TNA_EVQ_PORT, TNA_OP_CHANGE, ifindex, pi))
		return;
	apply_port(c, ifindex, pi);
}

void tna_ctl_ports_now(struct tna_ctl *c)
{
	int ret = tna_port_watch_process(c->pw, on_port, c);

	if (ret < 0)
		logf_(c, TNA_CTL_ERROR, "port events: %s", strerror(-ret));
}

/* The same from a model link event (membership, a link gone), with the
 * port watch's newer state where it has one. */
static void port_now(struct tna_ctl *c, enum tna_op op, const struct tna_link *l)
{
	struct tna_port_cfg cfg;
	int i;

	for (i = 0; i < c->nbr; i++) {
		struct br_state *b = &c->br[i];

		if (!b->dp || !tna_ctl_is_attached(b, l->ifindex))
			continue;
		if (op == TNA_OP_DEL || !tna_ctl_port_cfg(c, b->ifindex, l, &cfg)) {
			tna_dp__port_del(b->dp, l->ifindex);
			tna_nic_port_state(b->dp, l->ifindex, true, 0);
		} else {
			tna_nic_port_state(b->dp, l->ifindex, false, cfg.stp_state);
			if (b->held)	/* until the replan: controller/restrict.c */
				cfg.stp_state = TNA_STP_HELD;
			tna_dp__port_set(b->dp, l->ifindex, &cfg);
		}
	}
}

/* The link changed only in its XDP program, from one of ours (or none) to
 * one of ours (or none): our own attach or detach, nothing to replan. */
static bool own_xdp_only(struct tna_ctl *c, enum tna_op op, const struct tna_link *l)
{
	struct tna_link a, b;
	const struct tna_link *old = tna_ctl_link_seen(c, l->ifindex);

	if (op != TNA_OP_CHANGE || !old)
		return false;
	memcpy(&a, old, sizeof(a));	/* padding too: the model compares bytewise */
	memcpy(&b, l, sizeof(b));
	a.xdp_prog_id = b.xdp_prog_id = 0;
	a.xdp_mode = b.xdp_mode = 0;
	memset(a.xdp_prog_name, 0, sizeof(a.xdp_prog_name));
	memset(b.xdp_prog_name, 0, sizeof(b.xdp_prog_name));
	return !memcmp(&a, &b, sizeof(a)) && old->xdp_prog_id != l->xdp_prog_id &&
	       tna_ctl_own_prog(c, old->xdp_prog_id) && tna_ctl_own_prog(c, l->xdp_prog_id);
}

/* One FDB or link event.  FDB: the key is noted; what is written is the
 * model's entry when the note is flushed (P3 of bpf/fpm/fdb.h), never
 * this event's payload. */
static void handle_event(struct tna_ctl *c, enum tna_evq_kind kind, enum tna_op op,
			 const void *item)
{
	const struct tna_fdb *f;
	struct br_state *b;
	char mac[18];

	if (kind == TNA_EVQ_LINK) {
		const struct tna_link *l = item;
		bool own = own_xdp_only(c, op, l);

		tna_ctl_link_seen_set(c, op, l);
		port_now(c, op, l);
		tna_rt_link_changed(c->rt, l->ifindex);
		if (own) {
			logf_(c, TNA_CTL_VERBOSE, "link %s: our own XDP program %u: no replan",
			      l->name, l->xdp_prog_id);
			return;
		}
		/* the next burst probes it (not for our own program: links and
		 * XDP features are read again for every netdev anyway) */
		tna_ctl_probe_mark(c, l->ifindex);
		c->dirty = true;
		tna_ctl_note_event(c, TNA_OBJ_LINK, op, item);
		return;
	}
	f = item;
	b = br_find(c, f->master);
	if (!b || !b->dp)
		return;
	c->fdb_batch++;
	if (br_mirrored(b) && tna_fdb_mirror_note(&b->mirror, f->mac, f->vlan))
		logf_(c, TNA_CTL_ERROR, "%s: fdb mirror: cannot note %s",
		      b->plan.name, fmt_mac(f->mac, mac));
	else
		logf_(c, TNA_CTL_VERBOSE, "%s: fdb %s %s port %d vlan %u",
		      b->plan.name, tna_op_name(op), fmt_mac(f->mac, mac),
		      f->port, f->vlan);
}

void tna_ctl_on_event(void *ctx, enum tna_obj obj, enum tna_op op, const void *item)
{
	struct tna_ctl *c = ctx;
	enum tna_evq_kind kind = obj == TNA_OBJ_FDB ? TNA_EVQ_FDB : TNA_EVQ_LINK;

	switch (obj) {
	case TNA_OBJ_FDB:
	case TNA_OBJ_LINK:
		if (tna_evq_on(&c->evq) &&
		    !tna_evq_push(&c->evq, now_ns(), kind, op, 0, item))
			return;
		handle_event(c, kind, op, item);
		return;
	case TNA_OBJ_ROUTE: {	/* local/broadcast/anycast routes: martian sources;
				 * the IPv6 local table: DIRECT lookups */
		const struct tna_route *r = item;

		if (r->type == 1 /* RTN_UNICAST */ && !(r->family == AF_INET6 && r->table == 255))
			return;
		c->dirty = true;
		tna_ctl_note_event(c, obj, op, item);
		return;
	}
	case TNA_OBJ_RESYNC:
		/* events were lost: until the model's fresh dump is in the
		 * tables, they are not to be trusted; from the moment the
		 * loss is known, not only once the dump is read */
		if (op == TNA_OP_ADD) {
			c->lost_ns = now_ns();
			c->overflow = true;
			tna_ctl_trust_all(c, false);
			return;
		}
		logf_(c, TNA_CTL_VERBOSE, "event overflow: fresh dump in the model (%zu FDB entries) %.1f ms after the loss",
		      tna_model_count(c->m, TNA_OBJ_FDB), (now_ns() - c->lost_ns) / 1e6);
		c->overflow = true;
		tna_ctl_trust_all(c, false);	/* already withdrawn: a no-op */
		c->resync = true;
		tna_ctl_probe_mark_all(c);
		/* fall through */
	case TNA_OBJ_ADDR:	/* what the router routes, a bridge with an address */
	case TNA_OBJ_SYSCTL:
	case TNA_OBJ_NETFILTER:
	case TNA_OBJ_XFRM:	/* IPsec policies and SAs: the router's families */
		c->dirty = true;
		tna_ctl_note_event(c, obj, op, item);
		return;
	default:
		return;
	}
}

void tna_ctl_events_due(struct tna_ctl *c)
{
	struct tna_evq_item it;

	while (tna_evq_pop_due(&c->evq, now_ns(), &it)) {
		if (it.kind == TNA_EVQ_PORT)
			apply_port(c, it.ifindex, &it.u.port);
		else
			handle_event(c, it.kind, it.op, &it.u);
	}
}

void tna_ctl_note_scanned(void *ctx, const uint8_t mac[6], uint16_t vlan)
{
	struct tna_ctl_scan *s = ctx;
	struct tna_ctl *c = s->c;
	struct br_state *b = s->b;
	struct tna_fdb f = { .master = b->ifindex, .vlan = vlan };

	memcpy(f.mac, mac, 6);
	if (tna_evq_on(&c->evq) &&
	    !tna_evq_push(&c->evq, now_ns(), TNA_EVQ_FDB, TNA_OP_CHANGE, 0, &f))
		return;
	if (br_mirrored(b))
		tna_fdb_mirror_note(&b->mirror, mac, vlan);
}
