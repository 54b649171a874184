/* Tools take --netns NAME like `ip -n`: the same lookup for every tool,
 * and the watch that tells a controller its namespace was deleted. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "common/netns.h"

void tna_netns_path(const char *name, char *buf, size_t len)
{
	if (strchr(name, '/'))
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s/%s", TNA_NETNS_DIR, name);
}

int tna_netns_enter(const char *name)
{
	char path[4096];
	int fd, ret = 0;

	tna_netns_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

struct tna_netns_watch {
	int fd;
	dev_t dev;		/* the nsfs identity of our namespace */
	ino_t ino;
	char path[4096];
};

static bool same_ns(const struct tna_netns_watch *w, const char *path)
{
	struct stat st;

	/* stat follows the bind mount to the nsfs inode; once unmounted the
	 * path is a plain empty file (or gone). */
	return stat(path, &st) == 0 && st.st_dev == w->dev && st.st_ino == w->ino;
}

/* The entry of /var/run/netns that names our namespace. */
static int find_name(struct tna_netns_watch *w)
{
	DIR *d = opendir(TNA_NETNS_DIR);
	struct dirent *e;
	int ret = -ENOENT;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(w->path, sizeof(w->path), "%s/%s", TNA_NETNS_DIR, e->d_name);
		if (same_ns(w, w->path)) {
			ret = 0;
			break;
		}
	}
	closedir(d);
	return ret;
}

struct tna_netns_watch *tna_netns_watch_open(const char *name)
{
	struct tna_netns_watch *w = calloc(1, sizeof(*w));
	char dir[4096];
	struct stat st;
	int ret;

	if (!w)
		return NULL;
	w->fd = -1;
	if (stat("/proc/self/ns/net", &st) < 0) {
		ret = -errno;
		goto fail;
	}
	w->dev = st.st_dev;
	w->ino = st.st_ino;
	if (name) {
		tna_netns_path(name, w->path, sizeof(w->path));
		ret = same_ns(w, w->path) ? 0 : -ENOENT;
	} else {
		ret = find_name(w);
	}
	if (ret)
		goto fail;
	snprintf(dir, sizeof(dir), "%s", w->path);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		ret = -errno;
		goto fail;
	}
	/* The directory, not the file: the file is a mount point, and its
	 * removal is an event of the directory. */
	if (inotify_add_watch(w->fd, dirname(dir), IN_DELETE | IN_MOVED_FROM |
			      IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT) < 0) {
		ret = -errno;
		goto fail;
	}
	return w;
fail:
	tna_netns_watch_close(w);
	errno = -ret;
	return NULL;
}

int tna_netns_watch_fd(const struct tna_netns_watch *w)
{
	return w->fd;
}

const char *tna_netns_watch_path(const struct tna_netns_watch *w)
{
	return w->path;
}

bool tna_netns_watch_gone(struct tna_netns_watch *w)
{
	char buf[4096];

	while (read(w->fd, buf, sizeof(buf)) > 0)
		;
	return !same_ns(w, w->path);
}

void tna_netns_watch_close(struct tna_netns_watch *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}
