/* The NIC stage drops only what Linux drops, compared with a real Linux
 * bridge in a private network namespace.  Each frame is injected into a
 * bridge port in a given STP state, and Linux's handling observed: did it
 * leave through another port, was it passed up to the bridge device, was
 * its source learned?  The same bytes go through the NIC stage (test run,
 * configured with the state the kernel reports).  Every NIC DROP must be a
 * frame Linux dropped without any of those effects; and for the frames
 * the NIC stage is meant to drop, Linux must indeed have dropped them.
 *
 * Frames carry an experimental ethertype (0x88b5) or ARP, never IPv4:
 * br_netfilter, when loaded, drops malformed IP headers on its own.
 *
 * States: forwarding and learning (no STP), then listening and blocking
 * from the kernel's own STP: br0 (STP on, forward delay 30 s) with both
 * ports looped through br1 (STP off): p1 listens, p2 sees p1's BPDUs and
 * blocks. */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/offload/nic.h"
#include "tests/lib/tna_test.h"

enum { FORWARDED = 1, UP = 2, LEARNED = 4 };

static struct tna_offload *nic;
static unsigned serial;

static int sh(const char *cmd)
{
	int r = system(cmd);

	if (r)
		fprintf(stderr, "command failed (%d): %s\n", r, cmd);
	return r;
}

static int psock(const char *dev)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				 .sll_ifindex = if_nametoindex(dev) };
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));

	if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a))) {
		close(s);
		return -1;
	}
	return s;
}

/* Did a frame whose payload carries MARK arrive on socket S (within MS)? */
static bool seen(int s, uint32_t mark, int ms)
{
	struct pollfd p = { .fd = s, .events = POLLIN };
	uint8_t buf[2048];

	while (poll(&p, 1, ms) > 0) {
		ssize_t n = recv(s, buf, sizeof(buf), 0);

		for (ssize_t i = 14; i + 4 <= n; i++)
			if (!memcmp(buf + i, &mark, 4))
				return true;
		ms = 20;
	}
	return false;
}

static bool learned(const uint8_t *src)
{
	char cmd[160], mac[18];
	FILE *f;
	bool hit;

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", src[0], src[1], src[2],
		 src[3], src[4], src[5]);
	snprintf(cmd, sizeof(cmd), "bridge fdb show br br0 | grep -qi '^%s .*master br0'", mac);
	f = popen(cmd, "r");
	hit = f && pclose(f) == 0;
	return hit;
}

/* The port's STP state as the kernel reports it (netlink, through
 * bridge(8): this netns has no /sys of its own). */
static int state_of(const char *port)
{
	static const char *const names[] = { "disabled", "listening", "learning",
					     "forwarding", "blocking" };
	char cmd[96], line[512] = "";
	int st = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "bridge link show dev %s", port);
	f = popen(cmd, "r");
	if (f && fgets(line, sizeof(line), f))
		for (int i = 0; i < 5; i++) {
			char want[24];

			snprintf(want, sizeof(want), " state %s ", names[i]);
			if (strstr(line, want))
				st = i;
		}
	if (f)
		pclose(f);
	return st;
}

/* Linux's handling of FRAME sent into PORT (through its peer IN). */
static int linux_fate(uint8_t *f, int len, const char *in, const char *out)
{
	int tx = psock(in), rx = psock(out), up = psock("br0"), fate = 0;
	uint32_t mark = 0x7a5e0000 | ++serial;
	char cmd[128];

	memcpy(f + 20, &mark, 4);
	snprintf(cmd, sizeof(cmd), "bridge fdb del %02x:%02x:%02x:%02x:%02x:%02x dev p1 master "
		 "2>/dev/null; bridge fdb del %02x:%02x:%02x:%02x:%02x:%02x dev p2 master 2>/dev/null",
		 f[6], f[7], f[8], f[9], f[10], f[11], f[6], f[7], f[8], f[9], f[10], f[11]);
	if (system(cmd) < 0)
		return -1;
	if (tx < 0 || rx < 0 || up < 0 || send(tx, f, len, 0) != len) {
		fate = -1;
		goto out;
	}
	if (seen(rx, mark, 300))
		fate |= FORWARDED;
	if (seen(up, mark, 50))
		fate |= UP;
	if (learned(f + 6))
		fate |= LEARNED;
out:
	close(tx);
	close(rx);
	close(up);
	return fate;
}

static int nic_verdict(const uint8_t *f, int len, int stp_state)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = len, .repeat = 1);

	tna_offload__set_port(nic, TNA_NIC_F_BRIDGE_PORT, stp_state);
	if (bpf_prog_test_run_opts(tna_offload__prog_fd(nic), &o))
		return -errno;
	return o.retval;
}

/* Frame DST <- SRC, ethertype PROTO, on PORT (peer IN), observed at OUT.
 * MUST_DROP: the NIC stage is meant to drop it (and Linux to drop it). */
static void compare(const char *what, const uint8_t *dst, const uint8_t *src, uint16_t proto,
		    const char *port, const char *in, const char *out, bool must_drop)
{
	uint8_t f[64] = {};
	int st = state_of(port), fate, v;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = proto >> 8;
	f[13] = proto & 0xff;
	fate = linux_fate(f, sizeof(f), in, out);
	v = nic_verdict(f, sizeof(f), st);
	printf("%-34s state %d  linux:%s%s%s%s  nic: %s\n", what, st,
	       fate & FORWARDED ? " forwarded" : "", fate & UP ? " up" : "",
	       fate & LEARNED ? " learned" : "", fate ? "" : " dropped",
	       v == XDP_DROP ? "DROP" : v == XDP_PASS ? "PASS" : "?");
	CHECK(fate >= 0, "%s: injection failed", what);
	if (v == XDP_DROP)
		CHECK(fate == 0, "%s: the NIC stage drops what Linux %s%s%s", what,
		      fate & FORWARDED ? "forwards " : "", fate & UP ? "passes up " : "",
		      fate & LEARNED ? "learns from" : "");
	if (must_drop) {
		CHECK(fate == 0, "%s: Linux was expected to drop it", what);
		CHECK(v == XDP_DROP, "%s: the NIC stage was expected to drop it (%d)", what, v);
	}
}

int main(void)
{
	static const uint8_t A[6] = { 0x02, 0, 0, 0, 0x11, 0x0a };
	static const uint8_t X[6] = { 0x02, 0, 0, 0, 0x11, 0xee };
	static const uint8_t ZERO[6] = { 0 };
	static const uint8_t MSRC[6] = { 0x01, 0, 0x5e, 0, 0, 7 };
	static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t PAUSE[6] = { 0x01, 0x80, 0xc2, 0, 0, 1 };
	struct tna_offload_opts o = { .sz = sizeof(o) };
	char why[256];
	int i;

	if (geteuid() != 0)
		SKIP_TEST("needs root (a private netns, BPF_PROG_TEST_RUN)");
	if (unshare(CLONE_NEWNET))
		SKIP_TEST("unshare(CLONE_NEWNET): %s", strerror(errno));
	if (sh("ip link add br0 type bridge && ip link set br0 up && "
	       "for i in 1 2; do ip link add p$i type veth peer name q$i && "
	       "ip link set p$i master br0 && ip link set p$i up && ip link set q$i up; done"))
		SKIP_TEST("cannot build a bridge with veth ports in a private netns");
	nic = tna_offload__load(&o, why, sizeof(why));
	CHECK(nic != NULL, "load the NIC stage on the host: %s", why);
	if (!nic)
		return tna_test_exit();
	for (i = 0; i < 50 && (state_of("p1") != 3 || state_of("p2") != 3); i++)
		usleep(100000);

	compare("forwarding: unicast", X, A, 0x88b5, "p1", "q1", "q2", false);
	compare("forwarding: broadcast", BCAST, A, 0x0806, "p1", "q1", "q2", false);
	compare("forwarding: multicast source", X, MSRC, 0x88b5, "p1", "q1", "q2", true);
	compare("forwarding: zero source", BCAST, ZERO, 0x88b5, "p1", "q1", "q2", true);
	compare("forwarding: pause", PAUSE, A, 0x8808, "p1", "q1", "q2", true);
	/* learning: Linux learns, then drops; the NIC stage must pass */
	sh("bridge link set dev p1 state 2");
	compare("learning: unicast", X, A, 0x88b5, "p1", "q1", "q2", false);
	CHECK(learned(A), "Linux learned A on p1 in learning state");
	compare("learning: zero source", X, ZERO, 0x88b5, "p1", "q1", "q2", true);

	/* Kernel STP: restart both ports so they go through listening. */
	if (sh("ip link set br0 type bridge forward_delay 3000 hello_time 200 stp_state 1 && "
	       "ip link set p1 down && ip link set p2 down && ip link set p1 up && ip link set p2 up && "
	       "ip link add br1 type bridge stp_state 0 && ip link set br1 up && "
	       "ip link set q1 master br1 && ip link set q2 master br1")) {
		tna_offload__destroy(nic);
		return tna_test_exit();
	}
	for (i = 0; i < 80 && state_of("p2") != 4; i++)
		usleep(100000);
	CHECK_EQ(state_of("p1"), 1);
	CHECK_EQ(state_of("p2"), 4);
	compare("listening: unicast", X, A, 0x88b5, "p1", "q1", "q2", true);
	compare("listening: broadcast", BCAST, A, 0x0806, "p1", "q1", "q2", true);
	compare("blocking: unicast", X, A, 0x88b5, "p2", "q2", "q1", true);
	compare("blocking: broadcast", BCAST, A, 0x0806, "p2", "q2", "q1", true);
	compare("blocking: pause", PAUSE, A, 0x8808, "p2", "q2", "q1", true);
	CHECK_EQ(state_of("p1"), 1);	/* still inside the window */
	tna_offload__destroy(nic);
	return tna_test_exit();
}
