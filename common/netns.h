/* Network namespaces by name, as `ip netns` makes them: NAME is
 * /var/run/netns/NAME, a value with a '/' is a path. */
#ifndef TNA_COMMON_NETNS_H
#define TNA_COMMON_NETNS_H
#include <stdbool.h>
#include <stddef.h>

#define TNA_NETNS_DIR "/var/run/netns"

/* Switches the calling thread to NAME's network namespace.
 * Returns 0 or -errno (-ENOENT: no such namespace). */
int tna_netns_enter(const char *name);

/* The path of NAME ("/var/run/netns/NAME", or NAME itself with a '/'). */
void tna_netns_path(const char *name, char *buf, size_t len);

/* Notices when the network namespace we run in loses its name: `ip netns
 * del NAME` unmounts and removes /var/run/netns/NAME.  The namespace lives
 * on while a process is in it, but nobody can reach it by name any more.
 * Open with the name or path it was entered by, or NULL to look for the
 * name of the current namespace among /var/run/netns/ (as under `ip netns
 * exec`).  NULL + errno ENOENT when the namespace has no name to lose (the
 * host's, or an unnamed one). */
struct tna_netns_watch;
struct tna_netns_watch *tna_netns_watch_open(const char *name);
/* Readable when that directory changed (an inotify fd). */
int tna_netns_watch_fd(const struct tna_netns_watch *w);
/* Reads what is pending; true when the name no longer refers to the
 * namespace we are in. */
bool tna_netns_watch_gone(struct tna_netns_watch *w);
/* The path watched. */
const char *tna_netns_watch_path(const struct tna_netns_watch *w);
void tna_netns_watch_close(struct tna_netns_watch *w);

#endif
