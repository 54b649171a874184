/* What the controller does when the kernel announces a port's new XDP
 * features (controller/xmit_watch.h): the port entries of that port are
 * derived again at once, so a veth whose peer just lost GRO (or its XDP
 * program) stops being a redirect egress (egress_no_xmit: Linux forwards
 * its frames) in the same turn, and one whose peer got it back returns to
 * the fast path.  Auto also replans (what its choice rested on changed;
 * tna_ctl_recheck_auto, also the once-a-second look).
 *
 * The window: the kernel announces the change just before the peer stops
 * taking redirected frames (veth_set_features: the redirect target is
 * cleared, then the peer's NAPI is removed), so frames redirected between
 * that and our port-table write are lost, as they would be for the
 * second of the recheck without this.  See docs/transparency.md. */
#include <inttypes.h>
#include <net/if.h>
#include <string.h>

#include "capabilities/netdev_genl.h"
#include "controller/ctl_priv.h"
#include "controller/recheck.h"
#include "controller/peer_watch.h"
#include "controller/xmit_watch.h"

/* NO_XMIT of port IFINDEX in DP: 1 set, 0 clear, -1 not a port. */
static int no_xmit(struct tna_dp *dp, int ifindex)
{
	struct tna_port_cfg cfg;

	if (tna_dp__port_get(dp, ifindex, &cfg))
		return -1;
	return !!(cfg.flags & TNA_PORT_F_NO_XMIT);
}

/* Port IFINDEX of pipeline DP (WHO names it in the log) derived again
 * (reads the device and its veth peer: a few ms).  When the notification
 * (HEARD) says it lost ndo-xmit, NO_XMIT is written from it first: one map
 * write, where the window ends.  Never the other way round: a notification
 * read late may say "can transmit" when a newer one, still queued, says
 * it cannot; that the derivation reads from the device itself. */
static void refresh(struct tna_ctl *c, struct tna_dp *dp, const char *who, int ifindex,
		    bool heard, uint64_t feat, uint64_t t_heard)
{
	char name[IF_NAMESIZE] = "?";
	int before = no_xmit(dp, ifindex), after;
	uint64_t t_set = 0;

	if (before < 0)
		return;
	if (heard && !(feat & TNA_NETDEV_XDP_ACT_NDO_XMIT) &&
	    tna_dp__port_no_xmit(dp, ifindex, true) > 0)
		t_set = now_ns();
	if (tna_dp__port_refresh(dp, ifindex) < 0)
		return;
	after = no_xmit(dp, ifindex);
	if (after == before)
		return;
	if_indextoname(ifindex, name);
	if (!t_set)
		t_set = now_ns();
	logf_(c, TNA_CTL_INFO, "%s: %s: xdp-features %#" PRIx64 ": %s (port entry written %.3f ms after the notification was read)",
	      who, name, feat,
	      after ? "cannot transmit redirected frames: they go to Linux (egress_no_xmit)" :
		      "transmits redirected frames again: back on the fast path",
	      (t_set - t_heard) / 1e6);
}

/* One port of a native pipeline: its datapath, the pipeline's name in the
 * log, the port. */
struct native_port { struct tna_dp *dp; const char *who; int ifindex; };

/* FN for every port of every native pipeline (the bridges', then the
 * router's), or only for port IFINDEX when it is not 0.  The one walk
 * of what a notification or a link message may concern. */
static void each_native_port(struct tna_ctl *c, int ifindex,
			     void (*fn)(void *ctx, const struct native_port *p), void *ctx)
{
	struct native_port p;

	for (int i = 0; i < c->nbr; i++) {
		struct br_state *b = &c->br[i];

		if (!b->dp || b->plan.target != TNA_TARGET_NATIVE)
			continue;
		p = (struct native_port){ b->dp, b->plan.name, 0 };
		for (int k = 0; k < b->n_attached; k++)
			if (!ifindex || b->attached[k] == ifindex) {
				p.ifindex = b->attached[k];
				fn(ctx, &p);
			}
	}
	p = (struct native_port){ c->rt->host, "router", 0 };
	for (int k = 0; c->rt->host && k < c->rt->n_attached; k++)
		if (!ifindex || c->rt->attached[k] == ifindex) {
			p.ifindex = c->rt->attached[k];
			fn(ctx, &p);
		}
}

/* What a port walk on behalf of a notification carries: when it was read
 * and, for the xmit walk, the features it announced. */
struct heard { struct tna_ctl *c; uint64_t t; bool any; bool lost; uint64_t feat; };

static void xmit_port(void *ctx, const struct native_port *p)
{
	struct heard *h = ctx;

	refresh(h->c, p->dp, p->who, p->ifindex, !h->lost, h->feat, h->t);
}

static void on_xmit(void *ctx, int ifindex, uint64_t feat)
{
	struct heard *h = ctx;

	h->any = true;
	h->lost = !ifindex;
	h->feat = feat;
	each_native_port(h->c, ifindex, xmit_port, h);
	if (!ifindex)
		logf_(h->c, TNA_CTL_VERBOSE, "xdp-features notifications lost: every port derived again");
}

void tna_ctl_xmit_now(struct tna_ctl *c)
{
	struct heard h = { .c = c, .t = now_ns() };
	int ret = tna_xmit_watch_process(c->xw, on_xmit, &h);

	if (ret < 0)
		logf_(c, TNA_CTL_ERROR, "xdp-features notifications: %s", strerror(-ret));
	/* the port entries first (above), the replan after */
	if (h.any)
		tna_ctl_recheck_auto(c);
}

/* Auto: what the plans rested on (a veth peer's TSO, GRO, tx
 * checksumming; a port's ndo-xmit), looked at on a notification and every
 * second: a change starts a burst like a link event would. */
void tna_ctl_recheck_auto(struct tna_ctl *c)
{
	const struct tna_bridge_plan *plans[TNA_CTL_MAX_BRIDGES];
	int n = 0;

	if (c->o.target != TNA_PLAN_AUTO)
		return;
	for (int i = 0; i < c->nbr; i++)
		if (c->br[i].present)
			plans[n++] = &c->br[i].plan;
	if (tna_recheck_auto(plans, n, c->rt)) {
		logf_(c, TNA_CTL_INFO, "auto: a veth peer or a port's ndo-xmit changed: replanning");
		c->dirty = true;
		tna_ctl_note_event(c, TNA_OBJ_LINK, TNA_OP_CHANGE, NULL);
	}
}

/* The native ports collected, for controller/peer_watch.h. */
struct port_list { int ifx[512]; int n; };

static void collect_port(void *ctx, const struct native_port *p)
{
	struct port_list *l = ctx;

	if (l->n < (int)(sizeof(l->ifx) / sizeof(l->ifx[0])))
		l->ifx[l->n++] = p->ifindex;
}

void tna_ctl_peers_watched(struct tna_ctl *c)
{
	struct port_list l = { .n = 0 };

	each_native_port(c, 0, collect_port, &l);
	tna_peer_watch_ports(c->peers, l.ifx, l.n);
}

static const char *csum_name(int csum)
{
	return csum == TNA_PORT_CSUM_COMPLETE ? "complete (no fix-up)" :
	       csum == TNA_PORT_CSUM_FIX ? "partial: completed in XDP" :
					   "partial: TCP/UDP to Linux";
}

/* A port whose veth peer changed derived again, as the recheck would. */
static void peer_port(void *ctx, const struct native_port *p)
{
	struct heard *h = ctx;
	char name[IF_NAMESIZE] = "?";
	struct tna_port_cfg cfg;

	if (tna_dp__port_refresh(p->dp, p->ifindex) <= 0 ||
	    tna_dp__port_get(p->dp, p->ifindex, &cfg))
		return;
	if_indextoname(p->ifindex, name);
	logf_(h->c, TNA_CTL_INFO, "%s: %s: veth peer changed: checksums %s (port entry written %.3f ms after the link message was read)",
	      p->who, name, csum_name(cfg.csum), (now_ns() - h->t) / 1e6);
}

static void on_peer(void *ctx, int ifindex)
{
	struct heard *h = ctx;

	h->any = true;
	each_native_port(h->c, ifindex, peer_port, h);
	if (!ifindex)
		logf_(h->c, TNA_CTL_VERBOSE, "veth peer link messages lost: every port derived again");
}

void tna_ctl_peers_now(struct tna_ctl *c)
{
	struct heard h = { .c = c, .t = now_ns() };
	int ret;

	tna_ctl_peers_watched(c);	/* a port attached since */
	ret = tna_peer_watch_process(c->peers, on_peer, &h);
	if (ret < 0)
		logf_(c, TNA_CTL_ERROR, "veth peer link messages: %s", strerror(-ret));
	if (h.any)
		tna_ctl_recheck_auto(c);
}
