/* tna-fdb-kfunc: drive bpf_xdp_fdb_lookup() (kernel/patches) from tests.
 *
 *   tna-fdb-kfunc run --dev PORT --src MAC --dst MAC [--vlan VID[:ad]]
 *                     [--no-learn] [--size N] [--flags N]
 *       one BPF_PROG_TEST_RUN of fdb_kfunc_test.bpf.c on a frame received
 *       on PORT; prints the kfunc's answer on one line:
 *       ret=0 egress=p2 vid=0 in=forwarding out=forwarding flags=src_learned
 *   tna-fdb-kfunc attach [--generic] [--no-learn] DEV...
 *       attaches the program as a minimal fast path (forward what the kfunc
 *       says the bridge forwards, drop what it drops, pass the rest), prints
 *       "ready", keeps it attached until SIGTERM/SIGINT (bpf_links: if this
 *       process dies the program goes with it), then prints the program's
 *       counts: "calls N redirected N passed N dropped N"
 *   tna-fdb-kfunc send --dev IF --src MAC --dst MAC [--vlan VID[:ad]] [--count N]
 *       sends N 64-byte frames (ethertype 0x88b5) out of IF (AF_PACKET)
 *   tna-fdb-kfunc mab --dev PORT on|off
 *       sets the bridge port's MAB flag (iproute2 6.1 cannot)
 *   tna-fdb-kfunc has-kfunc
 *       exit 0 if vmlinux BTF has bpf_xdp_fdb_lookup, else 1
 *
 * Every command takes -N/--netns NAME to work in /var/run/netns/NAME
 * (cheaper than `ip netns exec`, which remounts /sys).
 *
 * Exit: 0 done; 1 error (message on stderr); 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "common/netns.h"
#include "common/nl.h"
#include "common/text.h"
#include "kernel/fdb_kfunc.h"
#include "bpf/fdb_kfunc_test.skel.h"

#define MAX_IFS 64
#ifndef IFLA_BRPORT_MAB
#define IFLA_BRPORT_MAB (IFLA_BRPORT_LOCKED + 1)	/* Linux 6.2 */
#endif

static const char *const flag_names[] = TNA_FDB_FLAG_NAMES;
static const char *const state_names[] = {
	"disabled", "listening", "learning", "forwarding", "blocking"
};

static volatile sig_atomic_t stop;
static void on_signal(int sig) { stop = 1; }

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "tna-fdb-kfunc: %s\n", why);
	fprintf(stderr,
		"usage: tna-fdb-kfunc run --dev PORT --src MAC --dst MAC [--vlan VID[:ad]]\n"
		"                         [--no-learn] [--size N] [--flags N]\n"
		"       tna-fdb-kfunc attach [--generic] [--no-learn] DEV...\n"
		"       tna-fdb-kfunc send --dev IF --src MAC --dst MAC [--vlan VID[:ad]] [--count N]\n"
		"       tna-fdb-kfunc mab --dev PORT on|off\n"
		"       tna-fdb-kfunc has-kfunc\n"
		"every command also takes -N|--netns NAME\n");
	return 2;
}

static int libbpf_quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	return l == LIBBPF_WARN ? vfprintf(stderr, f, ap) : 0;
}

struct args {
	unsigned int ifindex;
	uint8_t src[6], dst[6];
	int have_src, have_dst;
	int vlan;			/* -1: untagged */
	uint16_t vlan_proto;		/* 0x8100 or 0x88a8 */
	int no_learn, generic;
	unsigned long size, flags, count;
};

static int parse_vlan(const char *s, struct args *a)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || v < 0 || v > 4095)
		return -1;
	a->vlan = (int)v;
	a->vlan_proto = 0x8100;
	if (!strcmp(end, ":ad"))
		a->vlan_proto = 0x88a8;
	else if (*end)
		return -1;
	return 0;
}

/* A 64-byte frame (60 + FCS the wire adds) from the arguments. */
static size_t build_frame(const struct args *a, uint8_t *buf)
{
	size_t off = 12;

	memset(buf, 0, 60);
	memcpy(buf, a->dst, 6);
	memcpy(buf + 6, a->src, 6);
	if (a->vlan >= 0) {
		buf[off++] = a->vlan_proto >> 8;
		buf[off++] = a->vlan_proto & 0xff;
		buf[off++] = (a->vlan >> 8) & 0x0f;
		buf[off++] = a->vlan & 0xff;
	}
	buf[off++] = 0x88;	/* local experimental ethertype */
	buf[off++] = 0xb5;
	memcpy(buf + off, "tna-fdb-kfunc", 13);
	return 60;
}

static void print_result(int ret, const struct tna_fdb_lookup *r)
{
	char ifname[IF_NAMESIZE] = "-";
	unsigned int i, first = 1;

	if (r->egress_ifindex && !if_indextoname(r->egress_ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "%u", r->egress_ifindex);
	printf("ret=%d egress=%s vid=%u in=%s out=%s flags=", ret, ifname, r->vid,
	       r->ingress_state < 5 ? state_names[r->ingress_state] : "?",
	       r->egress_state < 5 ? state_names[r->egress_state] : "?");
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (!(r->flags & (1U << i)))
			continue;
		printf("%s%s", first ? "" : ",", flag_names[i]);
		first = 0;
	}
	if (r->flags >> i)
		printf("%s0x%x", first ? "" : ",", r->flags >> i << i);
	else if (first)
		printf("-");
	putchar('\n');
}

static struct fdb_kfunc_test *open_load(const struct args *a, bool forward)
{
	struct fdb_kfunc_test *skel = fdb_kfunc_test__open();
	int err;

	if (!skel) {
		fprintf(stderr, "tna-fdb-kfunc: open: %s\n", strerror(errno));
		return NULL;
	}
	skel->rodata->lookup_size = a->size;
	skel->rodata->lookup_flags = a->flags | (a->no_learn ? TNA_FDB_LOOKUP_NO_LEARN : 0);
	skel->rodata->forward = forward;
	err = fdb_kfunc_test__load(skel);
	if (err) {
		fprintf(stderr, "tna-fdb-kfunc: load: %s\n", strerror(-err));
		fdb_kfunc_test__destroy(skel);
		return NULL;
	}
	return skel;
}

static int cmd_run(const struct args *a)
{
	struct xdp_md ctx_in = { .ingress_ifindex = a->ifindex };
	struct fdb_kfunc_test *skel;
	uint8_t frame[64];
	int err;

	ctx_in.data_end = build_frame(a, frame);
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = frame, .data_size_in = ctx_in.data_end,
		    .ctx_in = &ctx_in, .ctx_size_in = sizeof(ctx_in));

	skel = open_load(a, false);
	if (!skel)
		return 1;
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.fdb_kfunc_test), &opts);
	if (err) {
		fprintf(stderr, "tna-fdb-kfunc: test run: %s\n", strerror(errno));
		fdb_kfunc_test__destroy(skel);
		return 1;
	}
	if (!skel->bss->calls) {
		fprintf(stderr, "tna-fdb-kfunc: the kfunc was not called\n");
		fdb_kfunc_test__destroy(skel);
		return 1;
	}
	print_result(skel->bss->last_ret, &skel->bss->last);
	fdb_kfunc_test__destroy(skel);
	return 0;
}

static int cmd_attach(const struct args *a, char **devs, int ndevs)
{
	LIBBPF_OPTS(bpf_link_create_opts, lopts);
	int link_fd[MAX_IFS], nlinks = 0, prog_fd, i, rc = 1;
	struct fdb_kfunc_test *skel;
	unsigned int ifx;

	if (ndevs < 1 || ndevs > MAX_IFS)
		return usage("attach: one to 64 devices");
	skel = open_load(a, true);
	if (!skel)
		return 1;
	prog_fd = bpf_program__fd(skel->progs.fdb_kfunc_test);
	lopts.flags = a->generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	for (i = 0; i < ndevs; i++) {
		ifx = if_nametoindex(devs[i]);
		if (!ifx) {
			fprintf(stderr, "tna-fdb-kfunc: %s: no such device\n", devs[i]);
			goto out;
		}
		link_fd[nlinks] = bpf_link_create(prog_fd, ifx, BPF_XDP, &lopts);
		if (link_fd[nlinks] < 0) {
			fprintf(stderr, "tna-fdb-kfunc: attach to %s: %s\n", devs[i],
				strerror(errno));
			goto out;
		}
		nlinks++;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	printf("calls %llu redirected %llu passed %llu dropped %llu\n",
	       (unsigned long long)skel->bss->calls,
	       (unsigned long long)skel->bss->redirected,
	       (unsigned long long)skel->bss->passed,
	       (unsigned long long)skel->bss->dropped);
	rc = 0;
out:
	while (nlinks > 0)
		close(link_fd[--nlinks]);
	fdb_kfunc_test__destroy(skel);
	return rc;
}

static int cmd_send(const struct args *a)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_ifindex = a->ifindex, .sll_halen = 6,
	};
	uint8_t frame[64];
	size_t len = build_frame(a, frame);
	unsigned long i;
	int fd, rc = 0;

	memcpy(sll.sll_addr, a->dst, 6);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		fprintf(stderr, "tna-fdb-kfunc: socket: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < a->count; i++) {
		if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
			fprintf(stderr, "tna-fdb-kfunc: send: %s\n", strerror(errno));
			rc = 1;
			break;
		}
	}
	close(fd);
	return rc;
}

/* RTM_SETLINK, AF_BRIDGE, IFLA_PROTINFO { IFLA_BRPORT_MAB } */
static int cmd_mab(unsigned int ifindex, const char *onoff)
{
	char buf[TNA_NL_BUFSZ];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct tna_nl *nl;
	struct nlattr *nest;
	int err;

	if (strcmp(onoff, "on") && strcmp(onoff, "off"))
		return usage("mab: on or off");
	nl = tna_nl_open(NETLINK_ROUTE);
	if (!nl) {
		fprintf(stderr, "tna-fdb-kfunc: netlink: %s\n", strerror(errno));
		return 1;
	}
	nlh = tna_nl_msg(nl, buf, RTM_SETLINK, NLM_F_ACK);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_BRIDGE;
	ifi->ifi_index = ifindex;
	nest = mnl_attr_nest_start(nlh, IFLA_PROTINFO | NLA_F_NESTED);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_MAB, !strcmp(onoff, "on"));
	mnl_attr_nest_end(nlh, nest);
	err = tna_nl_talk(nl, nlh, NULL, NULL);
	if (err)
		fprintf(stderr, "tna-fdb-kfunc: set mab: %s%s%s\n", strerror(-err),
			*tna_nl_errmsg(nl) ? ": " : "", tna_nl_errmsg(nl));
	tna_nl_close(nl);
	return err ? 1 : 0;
}

static int cmd_has_kfunc(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int found;

	if (!btf) {
		fprintf(stderr, "tna-fdb-kfunc: no vmlinux BTF: %s\n", strerror(errno));
		return 1;
	}
	found = btf__find_by_name_kind(btf, "bpf_xdp_fdb_lookup", BTF_KIND_FUNC) > 0;
	btf__free(btf);
	return found ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 't' },
		{ "vlan", required_argument, NULL, 'v' },
		{ "no-learn", no_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 'z' },
		{ "flags", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'c' },
		{ "generic", no_argument, NULL, 'g' },
		{ "netns", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct args a = { .vlan = -1, .size = TNA_FDB_LOOKUP_SZ, .count = 1 };
	const char *cmd, *dev = NULL, *netns = NULL;
	char *end;
	int c;

	if (argc < 2)
		return usage(NULL);
	cmd = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "d:s:t:v:nz:f:c:gN:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dev = optarg; break;
		case 's':
			if (tna_mac_parse(optarg, a.src))
				return usage("bad --src MAC");
			a.have_src = 1;
			break;
		case 't':
			if (tna_mac_parse(optarg, a.dst))
				return usage("bad --dst MAC");
			a.have_dst = 1;
			break;
		case 'v':
			if (parse_vlan(optarg, &a))
				return usage("bad --vlan (VID or VID:ad, 0-4095)");
			break;
		case 'n': a.no_learn = 1; break;
		case 'z': a.size = strtoul(optarg, &end, 0); if (*end) return usage("bad --size"); break;
		case 'f': a.flags = strtoul(optarg, &end, 0); if (*end) return usage("bad --flags"); break;
		case 'c': a.count = strtoul(optarg, &end, 0); if (*end) return usage("bad --count"); break;
		case 'g': a.generic = 1; break;
		case 'N': netns = optarg; break;
		case 'h': usage(NULL); return 0;
		default: return usage(NULL);
		}
	}
	libbpf_set_print(libbpf_quiet);
	if (netns) {
		int err = tna_netns_enter(netns);

		if (err) {
			fprintf(stderr, "tna-fdb-kfunc: netns %s: %s\n", netns, strerror(-err));
			return 1;
		}
	}

	if (!strcmp(cmd, "has-kfunc"))
		return cmd_has_kfunc();
	if (!strcmp(cmd, "attach"))
		return cmd_attach(&a, argv + optind, argc - optind);
	if (!strcmp(cmd, "mab")) {
		if (!dev || optind != argc - 1)
			return usage("mab: --dev PORT on|off");
		a.ifindex = if_nametoindex(dev);
		if (!a.ifindex) {
			fprintf(stderr, "tna-fdb-kfunc: %s: no such device\n", dev);
			return 1;
		}
		return cmd_mab(a.ifindex, argv[optind]);
	}
	if (strcmp(cmd, "run") && strcmp(cmd, "send"))
		return usage("unknown command");
	if (optind != argc)
		return usage("unexpected argument");
	if (!dev || !a.have_src || !a.have_dst)
		return usage("--dev, --src and --dst are needed");
	a.ifindex = if_nametoindex(dev);
	if (!a.ifindex) {
		fprintf(stderr, "tna-fdb-kfunc: %s: no such device\n", dev);
		return 1;
	}
	return !strcmp(cmd, "run") ? cmd_run(&a) : cmd_send(&a);
}
