/* One controller per network namespace: a lock file named after the netns
 * inode under TNA_RUN_DIR, holding the controller's pid, and next to it the
 * status file the controller rewrites after every change.
 *
 * The lock is a POSIX record lock (fcntl F_SETLK): the kernel drops it when
 * the process dies, and F_GETLK names the holder's pid atomically with the
 * lock (the pid written into the file comes a moment later; reading it
 * alone could give "pid 0" to a controller started at the same time).
 * The controller also takes an flock() on it, which is what earlier
 * versions used: a controller of either version sees the other.
 *
 * /run/tna does not grow: a clean exit removes both files
 * (tna_lock_release); the files a killed controller left are reused by the
 * next controller of that netns, or removed by the next controller of any
 * netns (tna_lock_sweep) since nobody holds their lock. */
#ifndef TNA_CONTROLLER_LOCK_H
#define TNA_CONTROLLER_LOCK_H
#include <stddef.h>
#include <sys/types.h>

#define TNA_RUN_DIR "/run/tna"

/* Paths for the current netns: "<dir>/deploy-<netns inode>.lock|.json"
 * (nothing is created). */
int tna_lock_paths(char *lock, size_t llen, char *state, size_t slen);

/* Take the lock (non-blocking; TNA_RUN_DIR is made if missing) and write
 * our pid.  Returns the fd (keep
 * it open, and open the file nowhere else in this process: closing any fd
 * of it drops a POSIX lock), -EBUSY with *holder = its pid (0 when not
 * visible from our pid namespace) when another controller holds it, or
 * another -errno. */
int tna_lock_take(const char *path, pid_t *holder);

/* 1 and *pid (0 if not visible from here) when a controller holds the
 * lock, 0 when nobody does, or -errno. */
int tna_lock_holder(const char *path, pid_t *pid);

/* Clean exit: remove the lock and status files, then drop the lock. */
void tna_lock_release(int fd, const char *lock, const char *state);

/* Remove the lock and status files under TNA_RUN_DIR that no controller
 * holds (left by a killed one), except KEEP.  Number removed or -errno. */
int tna_lock_sweep(const char *keep);

#endif
