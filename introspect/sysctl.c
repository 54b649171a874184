/* Forwarding and br_netfilter sysctls: not netlink, read from /proc/sys,
 * which shows the network namespace of the reading thread.  The global
 * ones are polled (introspect/poll.c): their files stay open (one pread
 * each) while the thread stays in the same namespace. */
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

void tna_sysctl_read_global(struct tna_sysctls *s)
{
	static int fd[N_GLOBAL] = { -1, -1, -1, -1, -1, -1 };
	static ino_t netns;
	int8_t v[N_GLOBAL];
	struct stat st;

	/* another namespace (a tool that moved): open the files again */
	if (stat("/proc/thread-self/ns/net", &st) || st.st_ino != netns) {
		for (size_t i = 0; i < N_GLOBAL; i++) {
			if (fd[i] >= 0)
				close(fd[i]);
			fd[i] = open(global[i], O_RDONLY | O_CLOEXEC);
		}
		netns = st.st_ino;
	}
	for (size_t i = 0; i < N_GLOBAL; i++) {
		char buf[32];
		ssize_t n = fd[i] >= 0 ? pread(fd[i], buf, sizeof(buf) - 1, 0) : -1;

		if (n > 0)
			buf[n] = 0;
		v[i] = parse_flag(buf, n);
		if (fd[i] < 0)	/* br_netfilter may be loaded later: look again */
			v[i] = read_flag(global[i]);
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
