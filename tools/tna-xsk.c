/* tna-xsk: an example consumer of TNA's AF_XDP steer (tna-deploy --xsk).
 *
 *   tna-xsk [-q QUEUE] [-c COUNT] [-w PCAP] [-v] IFNAME
 *
 * Opens an AF_XDP socket on IFNAME (a port TNA runs on) and rx queue QUEUE
 * with the raw syscalls (socket(AF_XDP), a UMEM, the fill and rx rings
 * mmapped; no libxdp), registers it in the tna_xsk map of the TNA program
 * on IFNAME (found from the interface, as tna-stat finds its counters:
 * nothing is pinned), then counts the frames it receives (and writes them
 * to PCAP) until COUNT frames or SIGINT/SIGTERM.  Copy mode: works on any
 * driver, generic or native XDP.  Prints "registered ..." once the socket
 * is in the map, and "received N frames, B bytes" at the end. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/if_xdp.h>
#include <bpf/bpf.h>
#include "common/cli.h"
#include "targets/stats.h"	/* tna_map_of */
#include "bpf/tna_kern_user.h"

#define NFRAMES		256
#define FRAME_SIZE	2048
#define RING		128	/* fill and rx ring entries (power of 2) */

struct ring {			/* a mmapped producer/consumer ring */
	__u32 *producer, *consumer;
	void *desc;
	void *map;
	size_t map_len;
};

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static const char usage[] =
"Usage: tna-xsk [-q QUEUE] [-c COUNT] [-w PCAP] [-v] IFNAME\n"
"       tna-xsk -h|--help | -V|--version\n"
"\n"
"Receive the flows TNA steers to AF_XDP sockets (tna-deploy --xsk) on port\n"
"IFNAME, rx queue QUEUE (default 0), and count them.\n"
"\n"
"  -q, --queue Q     the rx queue to serve (the rule's queue)\n"
"  -c, --count N     stop after N frames (default: at SIGINT/SIGTERM)\n"
"  -w, --write PCAP  write the frames received to PCAP\n"
"  -v, --verbose     one line per frame (length and the first bytes)\n"
"  -h, --help        this text\n"
"  -V, --version     the version\n";

static int ring_map(int fd, struct ring *r, const struct xdp_ring_offset *off, size_t desc_sz,
		    off_t pgoff)
{
	r->map_len = off->desc + RING * desc_sz;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		      pgoff);
	if (r->map == MAP_FAILED)
		return -errno;
	r->producer = (__u32 *)((char *)r->map + off->producer);
	r->consumer = (__u32 *)((char *)r->map + off->consumer);
	r->desc = (char *)r->map + off->desc;
	return 0;
}

static void pcap_header(FILE *f)
{
	const __u32 h[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 /* Ethernet */ };

	fwrite(h, sizeof(h), 1, f);
}

static void pcap_frame(FILE *f, const void *data, __u32 len)
{
	const __u32 h[4] = { 0, 0, len, len };

	fwrite(h, sizeof(h), 1, f);
	fwrite(data, len, 1, f);
}

/* Put the socket in tna_xsk at TNA_XSK_KEY(port slot of IFINDEX, QUEUE). */
static int xsk_register(int ifindex, int queue, int sock)
{
	int ports = tna_map_of(ifindex, TNA_MAP_PORTS), xsk = -1, ret;
	__u32 ifx = ifindex, key;
	struct tna_port p;

	if (ports < 0)
		return ports;
	ret = bpf_map_lookup_elem(ports, &ifx, &p) ? -errno : 0;
	close(ports);
	if (!ret && !p.idx)
		ret = -ENODEV;	/* not a port of the pipeline */
	if (!ret)
		xsk = tna_map_of(ifindex, TNA_MAP_XSK);
	if (!ret && xsk < 0)
		ret = xsk;
	if (ret)
		return ret;
	key = TNA_XSK_KEY(p.idx, queue);
	ret = bpf_map_update_elem(xsk, &key, &sock, BPF_ANY) ? -errno : 0;
	close(xsk);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "queue", required_argument, NULL, 'q' },
		{ "count", required_argument, NULL, 'c' },
		{ "write", required_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct xdp_umem_reg reg = { .chunk_size = FRAME_SIZE };
	struct xdp_mmap_offsets off;
	struct ring fill, rx;
	struct sockaddr_xdp sxdp = { .sxdp_family = AF_XDP, .sxdp_flags = XDP_COPY };
	unsigned long long frames = 0, bytes = 0, count = 0;
	int opt, ifindex, queue = 0, sock, ring = RING, verbose = 0, ret;
	const char *pcap = NULL;
	socklen_t optlen = sizeof(off);
	FILE *out = NULL;
	void *umem;

	tna_cli_init("tna-xsk");
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":q:c:w:vhV", lopts, NULL)) != -1) {
		unsigned long long v;

		switch (opt) {
		case 'q':
			if (tna_opt_uint("--queue", optarg, 0, TNA_XSK_QUEUES - 1, &v))
				return TNA_EXIT_USAGE;
			queue = v;
			break;
		case 'c':
			if (tna_opt_uint("--count", optarg, 1, 1000000000, &v))
				return TNA_EXIT_USAGE;
			count = v;
			break;
		case 'w': pcap = optarg; break;
		case 'v': verbose = 1; break;
		case 'h': fputs(usage, stdout); return TNA_EXIT_OK;
		case 'V': return tna_print_version();
		case ':': return tna_usage_err("%s needs a value", argv[optind - 1]);
		default: return tna_usage_err("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return tna_usage_err("expected one interface name");
	ifindex = if_nametoindex(argv[optind]);
	if (!ifindex)
		return tna_err("%s: no such interface", argv[optind]);

	/* the UMEM: frames the kernel copies received packets into */
	umem = mmap(NULL, NFRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (umem == MAP_FAILED)
		return tna_err("mmap: %s", strerror(errno));
	sock = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return tna_err("socket(AF_XDP): %s", strerror(errno));
	reg.addr = (__u64)(unsigned long)umem;
	reg.len = NFRAMES * FRAME_SIZE;
	if (setsockopt(sock, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)) ||
	    setsockopt(sock, SOL_XDP, XDP_UMEM_FILL_RING, &ring, sizeof(ring)) ||
	    setsockopt(sock, SOL_XDP, XDP_UMEM_COMPLETION_RING, &ring, sizeof(ring)) ||
	    setsockopt(sock, SOL_XDP, XDP_RX_RING, &ring, sizeof(ring)) ||
	    getsockopt(sock, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen))
		return tna_err("AF_XDP setup: %s", strerror(errno));
	if ((ret = ring_map(sock, &fill, &off.fr, sizeof(__u64), XDP_UMEM_PGOFF_FILL_RING)) ||
	    (ret = ring_map(sock, &rx, &off.rx, sizeof(struct xdp_desc), XDP_PGOFF_RX_RING)))
		return tna_err("mmap of a ring: %s", strerror(-ret));
	/* every frame of the UMEM's first half to the fill ring */
	for (__u32 i = 0; i < RING; i++)
		((__u64 *)fill.desc)[i] = (__u64)i * FRAME_SIZE;
	__atomic_store_n(fill.producer, RING, __ATOMIC_RELEASE);
	sxdp.sxdp_ifindex = ifindex;
	sxdp.sxdp_queue_id = queue;
	if (bind(sock, (struct sockaddr *)&sxdp, sizeof(sxdp)))
		return tna_err("bind to %s queue %d: %s", argv[optind], queue, strerror(errno));
	ret = xsk_register(ifindex, queue, sock);
	if (ret)
		return tna_err("%s: cannot register in TNA's tna_xsk: %s", argv[optind],
			       ret == -ENOENT ? "no TNA program there (tna-deploy --xsk)" :
			       ret == -ENODEV ? "not a port of TNA's pipeline" : strerror(-ret));
	if (pcap) {
		out = fopen(pcap, "w");
		if (!out)
			return tna_err("%s: %s", pcap, strerror(errno));
		pcap_header(out);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("registered: %s queue %d\n", argv[optind], queue);
	fflush(stdout);

	while (!stop && (!count || frames < count)) {
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		__u32 prod, cons, n;

		if (poll(&pfd, 1, 200) < 0 && errno != EINTR)
			return tna_err("poll: %s", strerror(errno));
		prod = __atomic_load_n(rx.producer, __ATOMIC_ACQUIRE);
		cons = *rx.consumer;
		n = prod - cons;
		if (!n)
			continue;
		for (__u32 i = 0; i < n; i++) {
			const struct xdp_desc *d = (struct xdp_desc *)rx.desc + ((cons + i) & (RING - 1));
			const unsigned char *data = (unsigned char *)umem + d->addr;
			__u32 fp = *fill.producer;

			frames++;
			bytes += d->len;
			if (verbose)
				printf("frame %llu: %u bytes %02x%02x%02x%02x%02x%02x <- %02x%02x%02x%02x%02x%02x\n",
				       frames, d->len, data[0], data[1], data[2], data[3], data[4],
				       data[5], data[6], data[7], data[8], data[9], data[10], data[11]);
			if (out)
				pcap_frame(out, data, d->len);
			/* the frame back to the kernel: its chunk start */
			((__u64 *)fill.desc)[fp & (RING - 1)] = d->addr - d->addr % FRAME_SIZE;
			__atomic_store_n(fill.producer, fp + 1, __ATOMIC_RELEASE);
		}
		__atomic_store_n(rx.consumer, cons + n, __ATOMIC_RELEASE);
	}
	if (out)
		fclose(out);
	printf("received %llu frames, %llu bytes\n", frames, bytes);
	close(sock);
	return TNA_EXIT_OK;
}
