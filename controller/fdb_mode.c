/* The controller's side of a bridge's FDB mode (assembler/fdb_mode.c):
 * the mirror and its keep-alive exist only in mirror mode; in kfunc mode
 * the fast path asks the kernel's FDB itself and learns into it, so FDB
 * events, pending scans and keep-alive rounds are not needed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "controller/ctl_priv.h"

int tna_ctl_fdb_mode_opt(struct tna_ctl *c, bool *mirror)
{
	const char *v = getenv("TNA_FDB_MODE");

	*mirror = v && !strcmp(v, "mirror");
	if (!v || !*v || *mirror || !strcmp(v, "auto"))
		return 0;
	logf_(c, TNA_CTL_ERROR, "TNA_FDB_MODE=%s: must be auto or mirror", v);
	return -EINVAL;
}

void tna_ctl_fdb_start(struct tna_ctl *c, struct br_state *b)
{
	int ret;

	tna_fdb_mirror_fini(&b->mirror);
	tna_fdb_mirror_init(&b->mirror, b->ifindex, b->dp);
	if (!br_mirrored(b))
		return;
	ret = tna_fdb_mirror_sync(&b->mirror, c->m, c->synced);
	if (ret < 0)
		logf_(c, TNA_CTL_ERROR, "%s: fdb mirror fill: %s", b->plan.name,
		      strerror(-ret));
	b->mirror.last_round_ns = now_ns();
	b->next_ka_ns = b->mirror.last_round_ns + b->plan.keepalive_ms * 1000000ull;
}
