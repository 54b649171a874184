/* The single-controller lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "controller/lock.h"

int tna_lock_paths(char *lock, size_t llen, char *state, size_t slen)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) < 0)
		return -errno;
	if (mkdir(TNA_RUN_DIR, 0755) < 0 && errno != EEXIST)
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

int tna_lock_take(const char *path, pid_t *holder)
{
	char buf[32];
	int fd, len;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		if (holder)
			*holder = read_pid(fd);
		close(fd);
		return e == EWOULDBLOCK ? -EBUSY : -e;
	}
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, len, 0) != len) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

pid_t tna_lock_holder(const char *path)
{
	pid_t pid;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		close(fd);	/* nobody holds it */
		return 0;
	}
	pid = read_pid(fd);
	close(fd);
	return pid;
}
