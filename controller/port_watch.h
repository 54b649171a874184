/* Bridge port state and flags, ahead of everything else.
 *
 * The fast path's port table (STP state, learning, isolated, locked...)
 * must follow Linux as fast as possible: a port that stops forwarding must
 * stop being forwarded to and from.  The introspection model reads every
 * event in one queue, where a port change can wait behind 100k FDB events;
 * this is a socket of its own, subscribed to RTNLGRP_LINK only, read first
 * on every turn of the controller's loop, and it keeps the newest state
 * of every bridge port: the port table is always written from it, never
 * from an older model event.  Only AF_BRIDGE messages (the port view) are
 * read; an overflow is repaired with a dump. */
#ifndef TNA_CONTROLLER_PORT_WATCH_H
#define TNA_CONTROLLER_PORT_WATCH_H
#include <stdbool.h>
#include <stdint.h>

#include "introspect/model.h"

struct tna_port_info {
	bool known;		/* heard of since the watch was opened */
	bool is_port;		/* a bridge port (false: left its bridge) */
	int master;		/* its bridge */
	bool from_dump;		/* read from a dump (start, after an overflow) */
	struct tna_brport_info port;
};

struct tna_port_watch;

/* Subscribe, then dump every bridge port (nothing falls between).  NULL +
 * errno. */
struct tna_port_watch *tna_port_watch_open(void);
void tna_port_watch_close(struct tna_port_watch *w);
int tna_port_watch_fd(const struct tna_port_watch *w);
unsigned int tna_port_watch_resyncs(const struct tna_port_watch *w);

/* Read what is pending; CB sees every port message (after an overflow:
 * every port again, from a dump) and decides when it applies it with
 * tna_port_watch_set().  0 or -errno. */
int tna_port_watch_process(struct tna_port_watch *w,
			   void (*cb)(void *ctx, int ifindex, const struct tna_port_info *pi),
			   void *ctx);
void tna_port_watch_set(struct tna_port_watch *w, int ifindex, const struct tna_port_info *pi);
/* The newest known state of IFINDEX (known false: never heard of). */
const struct tna_port_info *tna_port_watch_get(const struct tna_port_watch *w, int ifindex);

#endif
