/* One controller per network namespace: an flock()ed file named after the
 * netns inode under TNA_RUN_DIR, holding the controller's pid; next to it
 * the status file the controller rewrites after every change. */
#ifndef TNA_CONTROLLER_LOCK_H
#define TNA_CONTROLLER_LOCK_H
#include <stddef.h>
#include <sys/types.h>

#define TNA_RUN_DIR "/run/tna"

/* Paths for the current netns: "<dir>/deploy-<netns inode>.lock|.json". */
int tna_lock_paths(char *lock, size_t llen, char *state, size_t slen);

/* Take the lock (non-blocking) and write our pid.  Returns the fd (keep
 * it open: closing or dying releases it), -EBUSY with *holder = its pid
 * when another controller holds it, or another -errno. */
int tna_lock_take(const char *path, pid_t *holder);

/* The pid holding the lock, 0 when nobody does, or -errno. */
pid_t tna_lock_holder(const char *path);

#endif
