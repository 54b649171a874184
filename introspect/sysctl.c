/* Forwarding and br_netfilter sysctls: not netlink, read from /proc/sys,
 * which shows the network namespace of the reading thread. */
#include <stdio.h>
#include <string.h>
#include "introspect/model_priv.h"

static int8_t read_flag(const char *path)
{
	FILE *f = fopen(path, "re");
	int v;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return (int8_t)(v < 0 ? -1 : v > 0);
}

void tna_sysctl_read_global(struct tna_sysctls *s)
{
	s->ip_forward = read_flag("/proc/sys/net/ipv4/ip_forward");
	s->ip6_forwarding = read_flag("/proc/sys/net/ipv6/conf/all/forwarding");
	s->bridge_nf_call_iptables = read_flag("/proc/sys/net/bridge/bridge-nf-call-iptables");
	s->bridge_nf_call_ip6tables = read_flag("/proc/sys/net/bridge/bridge-nf-call-ip6tables");
	s->bridge_nf_call_arptables = read_flag("/proc/sys/net/bridge/bridge-nf-call-arptables");
	s->rp_filter_all = read_flag("/proc/sys/net/ipv4/conf/all/rp_filter");
}

void tna_sysctl_read_link(struct tna_link *l)
{
	char path[96];

	if (!l->name[0] || strchr(l->name, '/')) {
		l->ip4_forwarding = l->ip6_forwarding = l->rp_filter = l->disable_ipv6 = -1;
		return;
	}
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", l->name);
	l->ip4_forwarding = read_flag(path);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/forwarding", l->name);
	l->ip6_forwarding = read_flag(path);
	l->rp_filter = tna_sysctl_rp_filter(l->name);
	l->disable_ipv6 = tna_sysctl_disable_ipv6(l->name);
}

int tna_sysctl_disable_ipv6(const char *dev)
{
	char path[96];

	if (!dev[0] || strchr(dev, '/'))
		return -1;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", dev);
	return read_flag(path);
}

int tna_sysctl_rp_filter(const char *dev)
{
	char path[96];

	if (!dev[0] || strchr(dev, '/'))
		return -1;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", dev);
	return read_flag(path);
}
