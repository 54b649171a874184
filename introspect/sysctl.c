/* Forwarding and br_netfilter sysctls: not netlink, read from /proc/sys,
 * which shows the network namespace of the thread that opens the file.
 * The global ones are polled (introspect/poll.c): their files stay open
 * (one pread each) while the thread stays in the same namespace
 * (tna_procfile_read, also for legacy xtables' lists of tables). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "introspect/model_priv.h"

static int8_t parse_flag(const char *buf, ssize_t n)
{
	char *end;
	long v;

	if (n <= 0)
		return -1;
	v = strtol(buf, &end, 10);
	return (int8_t)(end == buf || v < 0 ? -1 : v > 0);
}

static int8_t read_flag(const char *path)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0)
		buf[n] = 0;
	return parse_flag(buf, n);
}

static const char *const global[] = {
	"/proc/sys/net/ipv4/ip_forward",
	"/proc/sys/net/ipv6/conf/all/forwarding",
	"/proc/sys/net/bridge/bridge-nf-call-iptables",
	"/proc/sys/net/bridge/bridge-nf-call-ip6tables",
	"/proc/sys/net/bridge/bridge-nf-call-arptables",
	"/proc/sys/net/ipv4/conf/all/rp_filter",
};
#define N_GLOBAL (sizeof(global) / sizeof(global[0]))

ino_t tna_proc_netns(void)
{
	struct stat st;

	return stat("/proc/thread-self/ns/net", &st) ? 0 : st.st_ino;
}

ssize_t tna_procfile_read(struct tna_procfile *f, ino_t netns, char *buf, size_t len)
{
	ssize_t n;

	/* another namespace (a tool that moved), or not there before
	 * (br_netfilter may be loaded later): open it again */
	if (f->fd < 0 || !netns || netns != f->netns) {
		if (f->fd >= 0)
			close(f->fd);
		f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
		f->netns = netns;
		if (f->fd < 0)
			return -errno;
	}
	n = pread(f->fd, buf, len - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

void tna_sysctl_read_global(struct tna_sysctls *s)
{
	static struct tna_procfile f[N_GLOBAL];
	ino_t netns = tna_proc_netns();
	int8_t v[N_GLOBAL];

	for (size_t i = 0; i < N_GLOBAL; i++) {
		char buf[32];
		ssize_t n;

		if (!f[i].path)
			f[i] = (struct tna_procfile){ .path = global[i], .fd = -1 };
		n = tna_procfile_read(&f[i], netns, buf, sizeof(buf));
		v[i] = parse_flag(buf, n);
	}
	s->ip_forward = v[0];
	s->ip6_forwarding = v[1];
	s->bridge_nf_call_iptables = v[2];
	s->bridge_nf_call_ip6tables = v[3];
	s->bridge_nf_call_arptables = v[4];
	s->rp_filter_all = v[5];
}

static int dev_flag(const char *family, const char *dev, const char *name);

void tna_sysctl_read_link(struct tna_link *l)
{
	l->ip4_forwarding = (int8_t)dev_flag("ipv4", l->name, "forwarding");
	l->ip6_forwarding = (int8_t)dev_flag("ipv6", l->name, "forwarding");
	l->rp_filter = tna_sysctl_rp_filter(l->name);
	l->disable_ipv6 = tna_sysctl_disable_ipv6(l->name);
}

/* net.FAMILY.conf.DEV.NAME: -1 for a name /proc/sys cannot hold */
static int dev_flag(const char *family, const char *dev, const char *name)
{
	char path[96];

	if (!dev[0] || strchr(dev, '/'))
		return -1;
	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", family, dev, name);
	return read_flag(path);
}

int tna_sysctl_disable_ipv6(const char *dev)
{
	return dev_flag("ipv6", dev, "disable_ipv6");
}

int tna_sysctl_rp_filter(const char *dev)
{
	return dev_flag("ipv4", dev, "rp_filter");
}
