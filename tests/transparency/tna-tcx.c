/* tna-tcx: attach or detach a tcx program that drops everything, for the
 * transparency tests (iproute2 6.1 cannot attach tcx programs).  The
 * program stays attached after the tool exits (BPF_PROG_ATTACH, no link).
 *
 *   tna-tcx attach IFACE ingress|egress     prints the program id
 *   tna-tcx detach IFACE ingress|egress     detaches every tcx program there */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#define TCX_INGRESS 46	/* enum bpf_attach_type BPF_TCX_INGRESS (uapi >= 6.6) */
#define TCX_EGRESS 47

int main(int argc, char **argv)
{
	struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 2 }, /* TC_ACT_SHOT */
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	int ifx, type, fd;

	if (argc < 4 || (strcmp(argv[3], "ingress") && strcmp(argv[3], "egress"))) {
		fprintf(stderr, "usage: tna-tcx attach|detach IFACE ingress|egress\n");
		return 2;
	}
	ifx = (int)if_nametoindex(argv[2]);
	type = strcmp(argv[3], "ingress") ? TCX_EGRESS : TCX_INGRESS;
	if (!ifx) {
		fprintf(stderr, "tna-tcx: %s: no such interface\n", argv[2]);
		return 1;
	}
	if (!strcmp(argv[1], "attach")) {
		LIBBPF_OPTS(bpf_prog_load_opts, o);
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);

		fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "tna_tcx_drop", "GPL", prog, 2, &o);
		if (fd < 0) {
			fprintf(stderr, "tna-tcx: load: %s\n", strerror(errno));
			return 1;
		}
		memset(&a, 0, sizeof(a));
		a.target_fd = (__u32)ifx;	/* target_ifindex */
		a.attach_bpf_fd = (__u32)fd;
		a.attach_type = (__u32)type;
		if (syscall(__NR_bpf, BPF_PROG_ATTACH, &a, sizeof(a))) {
			fprintf(stderr, "tna-tcx: attach: %s\n", strerror(errno));
			return 1;
		}
		bpf_obj_get_info_by_fd(fd, &info, &len);
		printf("%u\n", info.id);
		return 0;
	}
	{
		__u32 ids[64];

		memset(&a, 0, sizeof(a));
		a.query.target_fd = (__u32)ifx;
		a.query.attach_type = (__u32)type;
		a.query.prog_ids = (__u64)(unsigned long)ids;
		a.query.prog_cnt = 64;
		if (syscall(__NR_bpf, BPF_PROG_QUERY, &a, sizeof(a))) {
			fprintf(stderr, "tna-tcx: query: %s\n", strerror(errno));
			return 1;
		}
		for (__u32 i = 0, n = a.query.prog_cnt; i < n && i < 64; i++) {
			union bpf_attr d;

			fd = bpf_prog_get_fd_by_id(ids[i]);
			memset(&d, 0, sizeof(d));
			d.target_fd = (__u32)ifx;
			d.attach_bpf_fd = (__u32)fd;
			d.attach_type = (__u32)type;
			if (fd < 0 || syscall(__NR_bpf, BPF_PROG_DETACH, &d, sizeof(d))) {
				fprintf(stderr, "tna-tcx: detach %u: %s\n", ids[i], strerror(errno));
				return 1;
			}
			close(fd);
		}
	}
	return 0;
}
