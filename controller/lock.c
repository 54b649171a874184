/* The single-controller lock and its files under /run/tna (lock.h). */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "controller/lock.h"

/* A sweeping controller holds a stale lock for microseconds, and so does
 * one that is exiting: a lock found busy is tried again for this long
 * before the other controller is reported. */
#define BUSY_RETRIES	10
#define BUSY_WAIT_US	20000

int tna_lock_paths(char *lock, size_t llen, char *state, size_t slen)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) < 0)
		return -errno;
	snprintf(lock, llen, "%s/deploy-%lu.lock", TNA_RUN_DIR, (unsigned long)st.st_ino);
	snprintf(state, slen, "%s/deploy-%lu.json", TNA_RUN_DIR, (unsigned long)st.st_ino);
	return 0;
}

static pid_t read_pid(int fd)
{
	char buf[32] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	return n > 0 ? (pid_t)atol(buf) : 0;
}

/* Earlier versions of the controller held an flock() on the same file:
 * one of those still running is a holder too (a controller takes both). */
static bool flocked(int fd)
{
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		flock(fd, LOCK_UN);
		return false;
	}
	return errno == EWOULDBLOCK;
}

/* 1 + the holder's pid when somebody else holds FD's file, 0 when free. */
static int owner(int fd, pid_t *pid)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	if (fcntl(fd, F_GETLK, &fl) < 0)
		return -errno;
	if (fl.l_type == F_UNLCK) {
		if (!flocked(fd))
			return 0;
		*pid = read_pid(fd);
		return 1;
	}
	/* 0 when the holder lives in a pid namespace we cannot see: then
	 * the pid it wrote is the best we have. */
	*pid = fl.l_pid > 0 ? fl.l_pid : read_pid(fd);
	return 1;
}

/* Does PATH still name the file FD is open on?  A sweeper or an exiting
 * controller unlinks the file while holding its lock; whoever locks it
 * after that holds a lock on a file nobody else can find. */
static bool still_linked(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int tna_lock_take(const char *path, pid_t *holder)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd, len, e, busy = 0;
	pid_t pid = 0;
	char buf[32];

	if (mkdir(TNA_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	for (;;) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
		if (fcntl(fd, F_SETLK, &fl) == 0) {
			if (!still_linked(fd, path)) {
				close(fd);	/* removed under us: take the new file */
				continue;
			}
			if (flock(fd, LOCK_EX | LOCK_NB) == 0)
				break;
			/* an earlier version's controller holds it */
			pid = read_pid(fd);
			close(fd);
			if (holder)
				*holder = pid;
			return -EBUSY;
		}
		e = errno;
		if (e != EACCES && e != EAGAIN) {
			close(fd);
			return -e;
		}
		e = owner(fd, &pid);
		close(fd);
		if (e > 0 && ++busy > BUSY_RETRIES) {
			if (holder)
				*holder = pid;
			return -EBUSY;
		}
		usleep(BUSY_WAIT_US);
	}
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, len, 0) != len) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int tna_lock_holder(const char *path, pid_t *pid)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	*pid = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	ret = owner(fd, pid);
	close(fd);
	return ret;
}

void tna_lock_release(int fd, const char *lock, const char *state)
{
	if (fd < 0)
		return;
	/* Unlinked while still held: a controller starting now either finds
	 * the lock busy (and retries) or finds the file gone. */
	if (state)
		unlink(state);
	unlink(lock);
	close(fd);
}

/* NAME is "deploy-<ino>.lock": remove it and its status file when nobody
 * holds the lock.  Same order as a clean exit: lock, unlink, unlock. */
static int sweep_one(const char *name, const char *keep)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char path[512], state[512];
	size_t n = strlen(name);
	int fd, removed = 0;

	snprintf(path, sizeof(path), "%s/%s", TNA_RUN_DIR, name);
	if (keep && !strcmp(path, keep))
		return 0;
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	if (fcntl(fd, F_SETLK, &fl) == 0 && still_linked(fd, path) &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0) {
		snprintf(state, sizeof(state), "%s/%.*s.json", TNA_RUN_DIR,
			 (int)(n - strlen(".lock")), name);
		unlink(state);
		removed = unlink(path) == 0;
	}
	close(fd);
	return removed;
}

/* A status file (or its .tmp) without a lock file: its controller is
 * gone, nobody will rewrite it. */
static int sweep_orphan(const char *name)
{
	char path[512], lock[512];
	const char *dot = strstr(name, ".json");
	struct stat st;

	snprintf(lock, sizeof(lock), "%s/%.*s.lock", TNA_RUN_DIR, (int)(dot - name), name);
	if (stat(lock, &st) == 0 || errno != ENOENT)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", TNA_RUN_DIR, name);
	return unlink(path) == 0;
}

int tna_lock_sweep(const char *keep)
{
	DIR *d = opendir(TNA_RUN_DIR);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (strncmp(e->d_name, "deploy-", 7))
			continue;
		if (len > 5 && !strcmp(e->d_name + len - 5, ".lock"))
			n += sweep_one(e->d_name, keep);
		else if (strstr(e->d_name, ".json"))
			n += sweep_orphan(e->d_name);
	}
	closedir(d);
	return n;
}
