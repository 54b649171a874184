/* tna-stamp: stamped UDP streams for the transparency tests.
 *
 * Every datagram carries a sequence number and its send time
 * (CLOCK_MONOTONIC, which all network namespaces share), so a test can
 * count exactly which packets sent after a configuration command returned
 * still arrived.
 *
 *   tna-stamp send -i IFACE --dmac MAC --src IP --dst IP [options] -o FILE
 *       Ethernet frames from a packet socket: any source MAC/IP, DF or not,
 *       IPv4 or IPv6 (by the addresses).  FILE gets one record per frame.
 *   tna-stamp recv -p PORT -o FILE [-d SECS]
 *       a UDP socket (IPv4 and IPv6); prints "ready", records every datagram
 *       until SIGTERM/SIGINT or SECS.
 *   tna-stamp exec -- CMD [ARGS]
 *       runs CMD (its stdout goes to stderr) and prints the CLOCK_MONOTONIC
 *       time in ns at which it returned; exits with CMD's status.
 *   tna-stamp now
 *   tna-stamp count --sent FILE --recv FILE --after NS [--until NS]
 *       sent_after=N recv_after=N last_ms=X first_ms=X (packets sent at or
 *       after NS [and before --until]; last_ms: send time of the last one
 *       that arrived, relative to NS; -1 when none).
 *   tna-stamp windows --recv FILE < TIMES
 *       for each line "T UNTIL" of TIMES (ns): "T recv last_ms", the same
 *       for packets sent in [T, UNTIL): one long stream, many changes.
 *
 * Records are binary: struct rec (seq, send ns, receive ns; 0 in send files). */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "bench/frame.h"
#include "common/text.h"

#define MAGIC 0x54414e53u	/* "TNAS" */

struct payload {
	uint32_t magic;
	uint32_t pad;
	uint64_t seq;
	uint64_t sent_ns;
} __attribute__((packed));

struct rec {
	uint64_t seq, sent_ns, recv_ns;
};

static volatile sig_atomic_t stop;
static void on_sig(int s) { (void)s; stop = 1; }

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + t.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "tna-stamp: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: tna-stamp send -i IFACE --dmac MAC --src IP --dst IP [--smac MAC] [-p PORT]\n"
		"                      [-r PPS] [-d SECS | -n COUNT] [-s IPLEN] [--df] [--ttl N] [-o FILE]\n"
		"       tna-stamp recv -p PORT -o FILE [-d SECS]\n"
		"       tna-stamp exec -- CMD [ARGS...]\n"
		"       tna-stamp now\n"
		"       tna-stamp count --sent FILE --recv FILE --after NS [--until NS]\n"
		"       tna-stamp windows --recv FILE < TIMES\n");
	exit(2);
}

struct recs { struct rec *r; size_t n, cap; };

static void recs_add(struct recs *v, const struct rec *r)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 65536;
		v->r = realloc(v->r, v->cap * sizeof(*v->r));
		if (!v->r)
			die("realloc");
	}
	v->r[v->n++] = *r;
}

static void recs_write(const struct recs *v, const char *path)
{
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "we");
	if (!f || (v->n && fwrite(v->r, sizeof(*v->r), v->n, f) != v->n) || fclose(f))
		die(path);
}

static struct recs recs_read(const char *path)
{
	struct recs v = { 0 };
	struct rec r;
	FILE *f = fopen(path, "re");

	if (!f)
		die(path);
	while (fread(&r, sizeof(r), 1, f) == 1)
		recs_add(&v, &r);
	fclose(f);
	return v;
}

/* --- send ------------------------------------------------------------- */

static int parse_ip(const char *s, uint8_t ip[16], bool *v6)
{
	memset(ip, 0, 16);
	if (inet_pton(AF_INET, s, ip) == 1) {
		*v6 = false;
		return 0;
	}
	if (inet_pton(AF_INET6, s, ip) == 1) {
		*v6 = true;
		return 0;
	}
	return -1;
}

static int read_mac(const char *ifname, uint8_t mac[6])
{
	char buf[32];
	FILE *f;
	int ret;

	snprintf(buf, sizeof(buf), "/sys/class/net/%s/address", ifname);
	f = fopen(buf, "re");
	if (!f)
		return -1;
	ret = fgets(buf, sizeof(buf), f) ? tna_mac_parse(strtok(buf, "\n"), mac) : -1;
	fclose(f);
	return ret;
}

/* Rewrite the payload of frame F (built by tna_bench_frame_build) and
 * redo the UDP checksum (and the IPv4 header's for DF/TTL). */
static void stamp_frame(uint8_t *f, size_t len, bool v6, uint64_t seq, uint64_t t)
{
	size_t l4 = ETH_HLEN + (v6 ? 40 : 20);
	uint8_t *ip = f + ETH_HLEN, *udp = f + l4;
	struct payload p = { .magic = MAGIC, .seq = seq, .sent_ns = t };
	uint8_t ph[4] = { 0, 17, 0, 0 };
	uint32_t sum;
	uint16_t c, ulen = htons((uint16_t)(len - l4));

	memcpy(udp + 8, &p, sizeof(p));
	memcpy(ph + 2, &ulen, 2);
	udp[6] = udp[7] = 0;
	sum = tna_bench_csum_add(0, v6 ? ip + 8 : ip + 12, v6 ? 32 : 8);
	sum = tna_bench_csum_add(sum, ph, 4);
	sum = tna_bench_csum_add(sum, udp, len - l4);
	c = tna_bench_csum_fold(sum);
	if (!c)
		c = 0xffff;
	memcpy(udp + 6, &c, 2);
}

static int cmd_send(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "iface", 1, 0, 'i' }, { "dmac", 1, 0, 'D' }, { "smac", 1, 0, 'S' },
		{ "src", 1, 0, 'a' }, { "dst", 1, 0, 'b' }, { "port", 1, 0, 'p' },
		{ "rate", 1, 0, 'r' }, { "duration", 1, 0, 'd' }, { "count", 1, 0, 'n' },
		{ "size", 1, 0, 's' }, { "df", 0, 0, 'F' }, { "ttl", 1, 0, 'T' },
		{ "out", 1, 0, 'o' }, { 0 } };
	struct tna_bench_frame_opts fo = { .sz = sizeof(fo), .sport = 4444, .dport = 5000 };
	const char *ifname = NULL, *out = NULL;
	double rate = 1000, dur = 1;
	long count = -1, iplen = 0;
	bool v6 = false, v6b, have_s = false, have_d = false, have_dmac = false, df = false;
	int ttl = 64, c, fd;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct recs sent = { 0 };
	uint8_t *frame;
	uint32_t l3s, l4s;
	uint64_t t0, period, seq = 0, end;

	while ((c = getopt_long(argc, argv, "i:p:r:d:n:s:o:", lo, NULL)) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'D': if (tna_mac_parse(optarg, fo.dst_mac)) usage(); have_dmac = true; break;
		case 'S': if (tna_mac_parse(optarg, fo.src_mac)) usage(); have_s = true; break;
		case 'a': if (parse_ip(optarg, fo.src_ip, &v6)) usage(); break;
		case 'b': if (parse_ip(optarg, fo.dst_ip, &v6b)) usage(); have_d = true; break;
		case 'p': fo.dport = (uint16_t)atoi(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 'd': dur = atof(optarg); break;
		case 'n': count = atol(optarg); break;
		case 's': iplen = atol(optarg); break;
		case 'F': df = true; break;
		case 'T': ttl = atoi(optarg); break;
		case 'o': out = optarg; break;
		default: usage();
		}
	}
	if (!ifname || !have_dmac || !have_d || rate <= 0)
		usage();
	if (!have_s && read_mac(ifname, fo.src_mac))
		die("source MAC");
	fo.ipv6 = v6;
	if (!iplen)	/* the smallest that holds the stamp */
		iplen = (v6 ? 40 : 20) + 8 + (long)sizeof(struct payload);
	fo.len = ETH_HLEN + (size_t)iplen;
	if (fo.len < ETH_HLEN + (v6 ? 40u : 20u) + 8 + sizeof(struct payload) ||
	    fo.len < tna_bench_frame_min_len(v6) || fo.len > 9000)
		usage();
	frame = malloc(fo.len);
	if (!frame || tna_bench_frame_build(&fo, frame, &l3s, &l4s))
		usage();
	if (!v6) {	/* DF and TTL as asked; redo the header checksum */
		uint8_t *ip = frame + ETH_HLEN;
		uint16_t ck;

		ip[6] = df ? 0x40 : 0;
		ip[8] = (uint8_t)ttl;
		ip[10] = ip[11] = 0;
		ck = tna_bench_csum_fold(tna_bench_csum_add(0, ip, 20));
		memcpy(ip + 10, &ck, 2);
	} else {
		frame[ETH_HLEN + 7] = (uint8_t)ttl;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("packet socket");
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, fo.dst_mac, 6);
	if (!sll.sll_ifindex)
		die(ifname);
	c = 1;
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &c, sizeof(c));
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);

	period = (uint64_t)(1e9 / rate);
	t0 = now_ns();
	end = count >= 0 ? UINT64_MAX : t0 + (uint64_t)(dur * 1e9);
	while (!stop && (count < 0 || (long)seq < count)) {
		uint64_t now = now_ns(), due = t0 + seq * period;

		if (now >= end)
			break;
		if (now < due) {
			if (due - now > 200000) {	/* sleep; spin the last 0.2 ms */
				struct timespec ts = { .tv_sec = (due - 200000) / 1000000000ull,
						       .tv_nsec = (due - 200000) % 1000000000ull };
				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
			}
			continue;
		}
		/* send what is owed (bounded: a late wake-up sends a burst) */
		for (int k = 0; k < 64 && now_ns() >= t0 + seq * period &&
				(count < 0 || (long)seq < count); k++) {
			struct rec r = { .seq = seq };

			r.sent_ns = now_ns();
			stamp_frame(frame, fo.len, v6, seq, r.sent_ns);
			if (sendto(fd, frame, fo.len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
				if (errno == ENOBUFS || errno == EAGAIN)
					continue;	/* not sent: not recorded */
				die("sendto");
			}
			recs_add(&sent, &r);
			seq++;
		}
	}
	recs_write(&sent, out);
	printf("sent %zu\n", sent.n);
	return 0;
}

/* --- recv ------------------------------------------------------------- */

static int cmd_recv(int argc, char **argv)
{
	const char *out = NULL;
	int port = 5000, c, fd, off = 0;
	double dur = 0;
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	struct recs got = { 0 };
	struct timeval tv = { .tv_usec = 100000 };
	uint64_t end;
	enum { B = 64 };
	static uint8_t bufs[B][2048];
	struct mmsghdr mm[B];
	struct iovec iov[B];

	while ((c = getopt(argc, argv, "p:o:d:")) != -1) {
		switch (c) {
		case 'p': port = atoi(optarg); break;
		case 'o': out = optarg; break;
		case 'd': dur = atof(optarg); break;
		default: usage();
		}
	}
	if (!out)
		usage();
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("udp socket");
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	c = 32 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &c, sizeof(c));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	a.sin6_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		die("bind");
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	for (int i = 0; i < B; i++) {
		iov[i] = (struct iovec){ bufs[i], sizeof(bufs[i]) };
		mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	printf("ready\n");
	fflush(stdout);
	end = dur > 0 ? now_ns() + (uint64_t)(dur * 1e9) : UINT64_MAX;
	while (!stop && now_ns() < end) {
		int n = recvmmsg(fd, mm, B, MSG_WAITFORONE, NULL);
		uint64_t t = now_ns();

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			die("recvmmsg");
		}
		for (int i = 0; i < n; i++) {
			struct payload p;
			struct rec r;

			if (mm[i].msg_len < sizeof(p))
				continue;
			memcpy(&p, bufs[i], sizeof(p));
			if (p.magic != MAGIC)
				continue;
			r = (struct rec){ p.seq, p.sent_ns, t };
			recs_add(&got, &r);
		}
	}
	recs_write(&got, out);
	return 0;
}

/* --- exec, now, count --------------------------------------------------- */

static int cmd_exec(int argc, char **argv)
{
	int st;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "--")) {
		argv++;
		argc--;
	}
	if (argc < 2)
		usage();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		dup2(2, 1);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	printf("%llu\n", (unsigned long long)now_ns());
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int cmd_count(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "sent", 1, 0, 's' }, { "recv", 1, 0, 'r' }, { "after", 1, 0, 'a' },
		{ "until", 1, 0, 'u' }, { 0 } };
	const char *sf = NULL, *rf = NULL;
	uint64_t after = 0, until = UINT64_MAX;
	long sent_after = 0, recv_after = 0;
	double last = -1, first = -1;
	struct recs s, r;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's': sf = optarg; break;
		case 'r': rf = optarg; break;
		case 'a': after = strtoull(optarg, NULL, 10); break;
		case 'u': until = strtoull(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (!sf || !rf)
		usage();
	s = recs_read(sf);
	r = recs_read(rf);
	for (size_t i = 0; i < s.n; i++)
		sent_after += s.r[i].sent_ns >= after && s.r[i].sent_ns < until;
	for (size_t i = 0; i < r.n; i++) {
		double ms;

		if (r.r[i].sent_ns < after || r.r[i].sent_ns >= until)
			continue;
		recv_after++;
		ms = (double)(r.r[i].sent_ns - after) / 1e6;
		if (ms > last)
			last = ms;
		if (first < 0 || ms < first)
			first = ms;
	}
	printf("sent_after=%ld recv_after=%ld first_ms=%.3f last_ms=%.3f sent=%zu recv=%zu\n",
	       sent_after, recv_after, first, last, s.n, r.n);
	return 0;
}

static int by_sent(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return x->sent_ns < y->sent_ns ? -1 : x->sent_ns > y->sent_ns;
}

static int cmd_windows(int argc, char **argv)
{
	unsigned long long t, until;
	struct recs r;

	if (argc < 3 || strcmp(argv[1], "--recv"))
		usage();
	r = recs_read(argv[2]);
	qsort(r.r, r.n, sizeof(*r.r), by_sent);
	while (scanf("%llu %llu", &t, &until) == 2) {
		size_t lo = 0, hi = r.n, n = 0;
		double last = -1;

		while (lo < hi) {	/* first record sent at or after t */
			size_t mid = (lo + hi) / 2;

			if (r.r[mid].sent_ns < t)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < r.n && r.r[i].sent_ns < until; i++, n++)
			last = (double)(r.r[i].sent_ns - t) / 1e6;
		printf("%llu %zu %.3f\n", t, n, last);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "send"))
		return cmd_send(argc - 1, argv + 1);
	if (!strcmp(argv[1], "recv"))
		return cmd_recv(argc - 1, argv + 1);
	if (!strcmp(argv[1], "exec"))
		return cmd_exec(argc - 1, argv + 1);
	if (!strcmp(argv[1], "now")) {
		printf("%llu\n", (unsigned long long)now_ns());
		return 0;
	}
	if (!strcmp(argv[1], "count"))
		return cmd_count(argc - 1, argv + 1);
	if (!strcmp(argv[1], "windows"))
		return cmd_windows(argc - 1, argv + 1);
	usage();
	return 2;
}
