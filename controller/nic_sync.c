/* The NIC stages of a deployed bridge follow its plan (nic_sync.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/tna_nic_kern_user.h"
#include "controller/nic_sync.h"
#include "targets/offload/offload.h"
#include "targets/offload/watchdog.h"

/* How long the loop may stop before the NIC stages are detached: longer
 * than a legitimate turn (a redeploy, an FDB dump), short against a hang. */
#define NIC_WATCHDOG_MS 5000

__attribute__((format(printf, 3, 4)))
static void say(const struct tna_ctl_opts *o, enum tna_ctl_log lvl, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!o->log || (lvl == TNA_CTL_VERBOSE && !o->verbose))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	o->log(o->log_ctx, lvl, buf);
}

static const struct tna_caps_dev *dev_of(const struct tna_caps_dev *devs, int n, int ifindex)
{
	for (int i = 0; i < n; i++)
		if (devs[i].ifindex == ifindex)
			return &devs[i];
	return NULL;
}

void tna_nic_port_state(struct tna_dp *dp, int ifindex, bool left, unsigned int state)
{
	if (left)
		tna_dp__nic_set(dp, ifindex, 0, 0);	/* pass everything */
	else
		tna_dp__nic_set(dp, ifindex, TNA_NIC_F_BRIDGE_PORT, state);
}

void tna_nic_sync(struct tna_dp *dp, struct tna_bridge_plan *p, const struct tna_model *m,
		  const struct tna_port_watch *pw, const struct tna_caps_dev *devs, int ndevs,
		  const struct tna_ctl_opts *o)
{
	for (int i = 0; i < p->n_ports; i++) {
		struct tna_port_plan *pp = &p->ports[i];
		const struct tna_link *l = tna_model_link(m, pp->ifindex);
		const struct tna_port_info *pi = tna_port_watch_get(pw, pp->ifindex);
		const struct tna_caps_dev *d = dev_of(devs, ndevs, pp->ifindex);
		struct tna_offload_caps caps;
		char why[256];
		int err;

		pp->nic_prog_id = tna_dp__nic_prog_id(dp, pp->ifindex);
		if (!pp->nic || !pp->accelerated || !l || !d ||
		    tna_offload_caps_for_dev(d, &caps)) {
			if (pp->nic_prog_id && !tna_dp__nic_detach(dp, pp->ifindex))
				say(o, TNA_CTL_INFO, "%s: port %s: NIC stage detached", p->name,
				    pp->name);
			pp->nic_prog_id = 0;
			continue;
		}
		if (!pp->nic_prog_id) {
			const char *ms = getenv("TNA_TEST_WATCHDOG_MS");	/* test switch */

			tna_offload_watchdog_start(ms ? (unsigned)atoi(ms) : NIC_WATCHDOG_MS);
			err = tna_dp__nic_attach(dp, pp->ifindex, &caps, why, sizeof(why));
			if (err) {
				pp->nic = false;
				p->n_nic--;
				snprintf(pp->nic_reason, sizeof(pp->nic_reason),
					 "no NIC stage: %.300s", why);
				if (err != -EPERM)	/* said once */
					say(o, TNA_CTL_INFO, "%s: port %s: %s: host stage only",
					    p->name, pp->name, why);
				continue;
			}
			pp->nic_prog_id = tna_dp__nic_prog_id(dp, pp->ifindex);
			say(o, TNA_CTL_INFO, "%s: port %s: NIC stage attached in HW mode (%s, prog %u)",
			    p->name, pp->name, caps.kind, pp->nic_prog_id);
		}
		tna_nic_port_state(dp, l->ifindex, false,
				   pi->known && pi->is_port ? pi->port.state : l->port.state);
	}
}

void tna_nic_tick(int *timeout_ms, bool *dirty, const struct tna_ctl_opts *o)
{
	static unsigned long seen;
	const char *hang = getenv("TNA_TEST_HANG_FILE");
	unsigned long trips;
	int period;

	while (hang && access(hang, F_OK) == 0)
		usleep(100000);
	tna_offload_watchdog_feed();
	trips = tna_offload_watchdog_trips();
	if (trips != seen) {
		seen = trips;
		*dirty = true;
		/* now: nothing else may wake the loop before the keep-alive */
		*timeout_ms = 0;
		say(o, TNA_CTL_ERROR, "the loop stalled: the watchdog detached the NIC stages "
		    "(traffic went to the host stage); attaching them again");
	}
	period = tna_offload_watchdog_period_ms();
	if (period >= 0 && (*timeout_ms < 0 || *timeout_ms > period))
		*timeout_ms = period;
}
