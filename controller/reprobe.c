/* Which netdevs a burst probes again (capabilities/probe.c).  A netdev's
 * capabilities change when it appears, is re-registered or renamed, or
 * with an rtnetlink message for its ifindex: those are marked here from
 * the link events of the burst.  What changes without one is read again
 * for every netdev on every update (its link and XDP features, one dump
 * each); the rest (driver, PCI function, ethtool features and channels) is
 * kept.  Everything is probed again on the first plan, after events were
 * lost, and when a recheck or a change nobody named starts the burst. */
#include <errno.h>
#include <stdlib.h>

#include "controller/ctl_priv.h"

void tna_ctl_probe_mark(struct tna_ctl *c, int ifindex)
{
	struct tna_ctl_stale *s = &c->stale;

	if (s->all || ifindex <= 0)
		return;
	for (int i = 0; i < s->n; i++)
		if (s->ifx[i] == ifindex)
			return;
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 16;
		int *ifx = realloc(s->ifx, (size_t)cap * sizeof(*ifx));

		if (!ifx) {		/* cannot name it: probe them all */
			s->all = true;
			return;
		}
		s->ifx = ifx;
		s->cap = cap;
	}
	s->ifx[s->n++] = ifindex;
}

void tna_ctl_probe_mark_all(struct tna_ctl *c)
{
	c->stale.all = true;
}

static void probed(struct tna_ctl *c, int n)
{
	c->stale.n = 0;
	c->stale.all = false;
	c->probed_last = n;
	c->probed_total += (unsigned long)n;
}

int tna_ctl_reprobe(struct tna_ctl *c)
{
	struct tna_caps_dev *devs = NULL;
	int n = 0, ret = tna_caps_probe_all(&devs, &n);

	if (ret)
		return ret;
	free(c->devs);
	c->devs = devs;
	c->ndevs = n;
	probed(c, n);
	return 0;
}

int tna_ctl_reprobe_changed(struct tna_ctl *c)
{
	int ret;

	if (c->stale.all || !c->devs || getenv("TNA_PROBE_ALL"))
		return tna_ctl_reprobe(c);
	ret = tna_caps_probe_update(&c->devs, &c->ndevs, c->stale.ifx, c->stale.n);
	if (ret < 0)
		return ret;
	probed(c, ret);
	return 0;
}
