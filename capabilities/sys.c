/* Kernel-wide facts.  Features are probed by loading tiny programs or by
 * looking names up in vmlinux BTF; the release string is only reported. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <linux/bpf.h>
#include <linux/genetlink.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "capabilities/caps.h"
#include "common/nl.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

static int read_int(const char *path, int dflt)
{
	FILE *f = fopen(path, "re");
	int v;

	if (!f)
		return dflt;
	if (fscanf(f, "%d", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

static bool helper_ok(enum bpf_func_id id)
{
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, id, NULL) == 1;
}

/* A two-instruction XDP_DROP program: never attached to anything. */
static int load_drop_prog(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_DROP },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "tna_probe_drop", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), NULL);
}

/* BPF_F_TEST_XDP_LIVE_FRAMES runs the live-frame path once in the current
 * netns; the program drops, so nothing is sent. */
static bool probe_live_frames(int fd)
{
	unsigned char pkt[64] = { 0 };
	struct xdp_md ctx = { .data_end = sizeof(pkt) };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = pkt, .data_size_in = sizeof(pkt),
		.ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		.repeat = 1, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	/* Live mode reports no retval; an old kernel rejects the flag. */
	return bpf_prog_test_run_opts(fd, &opts) == 0;
}

/* JIT on when the loaded program has a JIT image.  (The sysctl exists only
 * in the initial netns, so reading it fails inside --netns.) */
static bool probe_jit(int fd)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
	       info.jited_prog_len > 0;
}

static void probe_btf(struct tna_caps_sys *sys)
{
	struct btf *btf;
	int id;

	sys->btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	if (!sys->btf)
		return;
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return;
	sys->kfunc_ct_lookup =
		btf__find_by_name_kind(btf, "bpf_xdp_ct_lookup", BTF_KIND_FUNC) > 0;
	sys->kfunc_ct_release =
		btf__find_by_name_kind(btf, "bpf_ct_release", BTF_KIND_FUNC) > 0;
	sys->kfunc_fdb_lookup =
		btf__find_by_name_kind(btf, "bpf_xdp_fdb_lookup", BTF_KIND_FUNC) > 0;
	id = btf__find_by_name_kind(btf, "bpf_ct_opts", BTF_KIND_STRUCT);
	if (id > 0)
		sys->ct_opts_size = (int)btf__type_by_id(btf, id)->size;
	btf__free(btf);
}

static void probe_genl(struct tna_caps_sys *sys)
{
	struct tna_nl *nl = tna_nl_open(NETLINK_GENERIC);
	uint16_t id;

	if (!nl)
		return;
	sys->netdev_genl = tna_genl_resolve(nl, TNA_NETDEV_FAMILY_NAME, &id,
					    NULL, NULL) == 0;
	sys->ethtool_genl = tna_genl_resolve(nl, "ethtool", &id, NULL, NULL) == 0;
	tna_nl_close(nl);
}

int tna_caps_probe_system(struct tna_caps_sys *sys)
{
	struct utsname uts;
	struct statfs sfs;
	int fd;

	memset(sys, 0, sizeof(*sys));
	if (uname(&uts) == 0)
		snprintf(sys->kernel_release, sizeof(sys->kernel_release), "%s",
			 uts.release);
	sys->bpffs = statfs("/sys/fs/bpf", &sfs) == 0 &&
		     (unsigned long)sfs.f_type == BPF_FS_MAGIC;
	sys->unpriv_bpf_disabled =
		read_int("/proc/sys/kernel/unprivileged_bpf_disabled", -1);

	sys->helper_redirect_map = helper_ok(BPF_FUNC_redirect_map);
	sys->helper_fib_lookup = helper_ok(BPF_FUNC_fib_lookup);
	sys->helper_adjust_head = helper_ok(BPF_FUNC_xdp_adjust_head);
	sys->helper_adjust_tail = helper_ok(BPF_FUNC_xdp_adjust_tail);
	sys->helper_tail_call = helper_ok(BPF_FUNC_tail_call);
	fd = load_drop_prog();
	if (fd >= 0) {
		sys->jit_enabled = probe_jit(fd);
		sys->live_frames = probe_live_frames(fd);
		close(fd);
	}
	probe_btf(sys);
	probe_genl(sys);
	return 0;
}
