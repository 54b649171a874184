/* tna-port-latency: how long a bridge port change takes to reach the fast
 * path's port table (a benchmark, not a test).
 *
 *   tna-port-latency PORT [N] [--gap MS]
 *
 * N times (default 200), PORT's STP state is set over rtnetlink, learning
 * and forwarding in turn (RTM_SETLINK, AF_BRIDGE, IFLA_BRPORT_STATE; the
 * kernel has applied the change and sent its event when it acks), then the
 * port table entry of PORT (tna_ports, found through PORT's XDP program)
 * is read every 50 us until it shows the new state.  Prints the latency from
 * the ack: p50, p99, max and the samples, in ms.  Run it in the namespace
 * of a running tna-deploy. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>

#include "common/nl.h"
#include "targets/stats.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int set_state(struct tna_nl *nl, int ifindex, uint8_t state)
{
	char buf[256];
	struct nlmsghdr *nlh = tna_nl_msg(nl, buf, RTM_SETLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *nest;

	ifi->ifi_family = AF_BRIDGE;
	ifi->ifi_index = ifindex;
	nest = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_STATE, state);
	mnl_attr_nest_end(nlh, nest);
	return tna_nl_talk(nl, nlh, NULL, NULL);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int n = 200, gap_ms = 20, ifindex, fd, ret, k = 0;
	struct tna_nl *nl;
	double *lat;
	__u32 key;

	if (argc < 2) {
		fprintf(stderr, "usage: tna-port-latency PORT [N] [--gap MS]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--gap") && i + 1 < argc)
			gap_ms = atoi(argv[++i]);
		else
			n = atoi(argv[i]);
	}
	ifindex = if_nametoindex(argv[1]);
	if (!ifindex || n < 1) {
		fprintf(stderr, "tna-port-latency: %s: no such port\n", argv[1]);
		return 2;
	}
	nl = tna_nl_open(NETLINK_ROUTE);
	lat = calloc(n, sizeof(*lat));
	if (!nl || !lat)
		return 1;
	key = ifindex;
	for (int i = 0; i < n; i++) {
		uint8_t want = i % 2 ? 3 : 2;	/* forwarding, learning */
		struct tna_port p;
		double t0, t;

		/* the program may have been swapped (a replan): look it up again */
		fd = tna_map_of(ifindex, TNA_MAP_PORTS);
		if (fd < 0) {
			fprintf(stderr, "tna-port-latency: %s: no TNA program: %s\n", argv[1],
				strerror(-fd));
			return 1;
		}
		ret = set_state(nl, ifindex, want);
		t0 = now_ms();
		if (ret) {
			fprintf(stderr, "tna-port-latency: set state: %s %s\n", strerror(-ret),
				tna_nl_errmsg(nl));
			return 1;
		}
		do {
			t = now_ms();
			if (bpf_map_lookup_elem(fd, &key, &p))
				p.stp_state = 255;
			if (p.stp_state == want)
				break;
			usleep(50);	/* do not starve the controller we measure */
		} while (t - t0 < 2000);
		close(fd);
		if (p.stp_state != want) {
			char cmd[64];

			fprintf(stderr, "tna-port-latency: change %d (state %u) not in the port table after 2 s: it says %u; the kernel:\n",
				i, want, p.stp_state);
			snprintf(cmd, sizeof(cmd), "bridge link show dev %s >&2", argv[1]);
			if (system(cmd))
				fprintf(stderr, "(bridge link show failed)\n");
			lat[k++] = 2000;
		} else {
			lat[k++] = t - t0;
		}
		usleep(gap_ms * 1000);
	}
	set_state(nl, ifindex, 3);
	qsort(lat, k, sizeof(*lat), cmp);
	printf("port table latency over %d changes (ms): p50 %.3f  p99 %.3f  max %.3f\n", k,
	       lat[k / 2], lat[(k * 99) / 100 < k ? (k * 99) / 100 : k - 1], lat[k - 1]);
	tna_nl_close(nl);
	free(lat);
	return 0;
}
