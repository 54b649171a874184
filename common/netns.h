/* Enter a network namespace by name (/var/run/netns/NAME) or by path. */
#ifndef TNA_COMMON_NETNS_H
#define TNA_COMMON_NETNS_H

/* Switches the calling thread to NAME's network namespace.
 * Returns 0 or -errno (-ENOENT: no such namespace). */
int tna_netns_enter(const char *name);

#endif
