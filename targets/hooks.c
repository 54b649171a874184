/* The operator's hooks: checked when added, linked into each pipeline.
 *
 * Why linking and not freplace (BPF_PROG_TYPE_EXT, as libxdp's
 * dispatcher does): where the kernel refuses tracing-class programs
 * (here: lockdown=integrity, 6.18, EPERM for EXT and fentry loads alike)
 * freplace is not there at all, and a pipeline tail-called from the root
 * program's prog array cannot be extended by freplace anyway (the kernel
 * keeps a program either a tail-call target or extended, not both).
 * libbpf's static linker puts the operator's function into the pipeline
 * object before load: one object, verified as one program (the hook as a
 * global function, on its own), called with a plain BPF call. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include "targets/hooks.h"
#include "targets/datapath.h"
#include "targets/stats.h"

#define SLOT_NAME_(id, name) name,
static const char *const slot_names[TNA_HOOK_NSLOTS] = { TNA_HOOK_SLOTS(SLOT_NAME_) };
#undef SLOT_NAME_

const char *const tna_hook_verdict_names[TNA_HOOK_NVERDICTS] = {
	"continue", "pass", "drop", "invalid",
};

static struct tna_hook hooks[TNA_HOOK_MAX];
static int n_hooks;

int tna_hook_slot(const char *name)
{
	for (int i = 0; i < TNA_HOOK_NSLOTS; i++)
		if (!strcmp(name, slot_names[i]))
			return i;
	return -EINVAL;
}

const char *tna_hook_slot_name(int slot)
{
	return slot >= 0 && slot < TNA_HOOK_NSLOTS ? slot_names[slot] : "?";
}

int tna_hooks__n(void) { return n_hooks; }
const struct tna_hook *tna_hooks__get(int i) { return i >= 0 && i < n_hooks ? &hooks[i] : NULL; }
void tna_hooks__clear(void) { n_hooks = 0; }

uint32_t tna_hooks__mask(void)
{
	uint32_t m = 0;

	for (int i = 0; i < n_hooks; i++)
		m |= 1U << hooks[i].slot;
	return m;
}

static const struct btf_type *skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t;
}

/* The object has `int tna_hook_<slot>(struct xdp_md *)`, global. */
static int check_proto(const char *path, int slot, char *err, size_t len)
{
	const struct btf_type *fn, *proto, *t;
	const struct btf_param *arg;
	struct bpf_object *obj;
	const struct btf *btf;
	char fname[64];
	int id, ret = -EINVAL;

	snprintf(fname, sizeof(fname), "tna_hook_%s", slot_names[slot]);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		ret = errno == ENOENT || errno == EACCES ? -errno : -EINVAL;
		snprintf(err, len, "%s: %s", path,
			 ret == -EINVAL ? "not a BPF object file" : strerror(-ret));
		return ret;
	}
	btf = bpf_object__btf(obj);
	id = btf ? btf__find_by_name_kind(btf, fname, BTF_KIND_FUNC) : -ENOENT;
	if (id < 0) {
		snprintf(err, len, "%s: no function %s (built with -g? a hook at slot %s "
			 "is `int %s(struct xdp_md *ctx)`)", path, fname, slot_names[slot], fname);
		goto out;
	}
	fn = btf__type_by_id(btf, id);
	proto = btf__type_by_id(btf, fn->type);
	if (btf_vlen(fn) != BTF_FUNC_GLOBAL)	/* a FUNC's vlen is its linkage */ {
		snprintf(err, len, "%s: %s is static; a hook must be a global function", path, fname);
		goto out;
	}
	t = skip_mods(btf, proto->type);
	arg = btf_params(proto);
	if (!t || !btf_is_int(t) || btf_vlen(proto) != 1 ||
	    !(t = skip_mods(btf, arg->type)) || !btf_is_ptr(t) ||
	    !(t = skip_mods(btf, t->type)) || !btf_is_struct(t) ||
	    strcmp(btf__name_by_offset(btf, t->name_off), "xdp_md")) {
		snprintf(err, len, "%s: %s must be `int %s(struct xdp_md *ctx)`", path, fname, fname);
		goto out;
	}
	ret = 0;
out:
	bpf_object__close(obj);
	return ret;
}

static int memfd_path(const char *tag, char *path, size_t len)
{
	int fd = memfd_create(tag, MFD_CLOEXEC);

	if (fd >= 0)
		snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd < 0 ? -errno : fd;
}

void *tna_hooks_link(const void *base, size_t sz, const struct tna_hook *hs, int n,
		     size_t *out_sz)
{
	char in_path[64], out_path[64];
	struct bpf_linker *l = NULL;
	int in_fd, out_fd = -1, err;
	void *buf = NULL;
	struct stat st;

	in_fd = memfd_path("tna-pipeline", in_path, sizeof(in_path));
	if (in_fd < 0) {
		err = in_fd;
		goto out;
	}
	if (write(in_fd, base, sz) != (ssize_t)sz) {
		err = -EIO;
		goto out;
	}
	out_fd = memfd_path("tna-linked", out_path, sizeof(out_path));
	if (out_fd < 0) {
		err = out_fd;
		goto out;
	}
	l = bpf_linker__new(out_path, NULL);
	if (!l) {
		err = -errno;
		goto out;
	}
	/* the pipeline first: its sections keep their offsets, which the
	 * skeleton's rodata accessors rely on */
	err = bpf_linker__add_file(l, in_path, NULL);
	for (int i = 0; !err && i < n; i++)
		err = bpf_linker__add_file(l, hs[i].path, NULL);
	if (!err)
		err = bpf_linker__finalize(l);
	if (err)
		goto out;
	if (fstat(out_fd, &st)) {
		err = -errno;
		goto out;
	}
	buf = malloc(st.st_size);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	if (pread(out_fd, buf, st.st_size, 0) != st.st_size) {
		free(buf);
		buf = NULL;
		err = -EIO;
		goto out;
	}
	*out_sz = st.st_size;
out:
	bpf_linker__free(l);
	if (in_fd >= 0)
		close(in_fd);
	if (out_fd >= 0)
		close(out_fd);
	if (!buf)
		errno = err < 0 ? -err : EINVAL;
	return buf;
}

/* libbpf's messages while a hook is checked: not printed (the caller
 * gets one line), but the verifier's last word goes into it: the last
 * line of its log before the "processed ..." tail. */
static char vlast[200];

static int keep_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *m = NULL, *end, *l, *best = NULL;

	(void)level;
	if (vasprintf(&m, fmt, ap) < 0)
		return 0;
	end = strstr(m, "-- END PROG LOAD LOG --");
	if (end) {
		*end = 0;
		for (l = strtok(m, "\n"); l; l = strtok(NULL, "\n"))
			if (*l && strncmp(l, "processed ", 10) && strncmp(l, "verification time", 17) &&
			    strncmp(l, "stack depth", 11) && strncmp(l, "-- BEGIN", 8))
				best = l;
		if (best)
			snprintf(vlast, sizeof(vlast), ": %s", best);
	}
	free(m);
	return 0;
}

static int add_checked(int slot, const char *name, const char *path, char *err, size_t len);

int tna_hooks__add(int slot, const char *name, const char *path, char *err, size_t len)
{
	libbpf_print_fn_t old = libbpf_set_print(keep_log);
	int ret;

	vlast[0] = 0;
	ret = add_checked(slot, name, path, err, len);
	libbpf_set_print(old);
	return ret;
}

static int add_checked(int slot, const char *name, const char *path, char *err, size_t len)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC,
				 .fpms = TNA_FPM_ALL };
	struct tna_dp *dp;
	int ret;

	if (slot < 0 || slot >= TNA_HOOK_NSLOTS) {
		snprintf(err, len, "no hook slot %d", slot);
		return -EINVAL;
	}
	for (int i = 0; i < n_hooks; i++)
		if (hooks[i].slot == slot) {
			snprintf(err, len, "slot %s has a hook already (%s)", slot_names[slot],
				 hooks[i].path);
			return -EEXIST;
		}
	if (n_hooks == TNA_HOOK_MAX) {
		snprintf(err, len, "at most %d hooks", TNA_HOOK_MAX);
		return -E2BIG;
	}
	if (strlen(path) >= sizeof(hooks[0].path) || strlen(name) >= sizeof(hooks[0].name)) {
		snprintf(err, len, "%s: name or path too long", path);
		return -ENAMETOOLONG;
	}
	ret = check_proto(path, slot, err, len);
	if (ret)
		return ret;
	hooks[n_hooks].slot = slot;
	strcpy(hooks[n_hooks].name, name);
	strcpy(hooks[n_hooks].path, path);
	n_hooks++;
	/* the pipeline with every module and this hook must load: what the
	 * verifier refuses (a hook that changes the frame's length after
	 * the ingress slot, a helper XDP does not have) is refused here */
	dp = tna_dp__load(&o);
	if (!dp) {
		ret = -errno;
		n_hooks--;
		snprintf(err, len, "%s: the pipeline with this hook at %s does not load (%s)%s%s",
			 path, slot_names[slot], strerror(-ret),
			 ret == -EACCES || ret == -EINVAL ? ": the verifier refused it "
			 "(a hook after ingress may not change the frame's length)" : "",
			 vlast);
		return ret;
	}
	tna_dp__destroy(dp);
	return 0;
}

int tna_percpu_sum(int ifindex, const char *name, uint64_t *out, uint32_t keys, uint32_t words)
{
	int fd = tna_map_of(ifindex, name), ncpu = libbpf_num_possible_cpus();
	uint64_t *v;
	int ret = 0;

	if (fd < 0)
		return fd;
	v = calloc((ncpu > 0 ? ncpu : 1) * words, sizeof(*v));
	if (!v) {
		close(fd);
		return -ENOMEM;
	}
	memset(out, 0, sizeof(*out) * keys * words);
	for (__u32 k = 0; k < keys && !ret; k++) {
		if (bpf_map_lookup_elem(fd, &k, v)) {
			ret = -errno;
			break;
		}
		for (int c = 0; c < ncpu; c++)
			for (uint32_t w = 0; w < words; w++)
				out[k * words + w] += v[c * words + w];
	}
	free(v);
	close(fd);
	return ret;
}

int tna_hook_stats_read(int ifindex, uint64_t n[TNA_HOOK_NSLOTS][TNA_HOOK_NVERDICTS])
{
	return tna_percpu_sum(ifindex, "tna_hook_stats", &n[0][0],
			      TNA_HOOK_NSLOTS * TNA_HOOK_NVERDICTS, 1);
}

struct json_object *tna_hooks__json(void)
{
	struct json_object *a = json_object_new_array();

	for (int i = 0; i < n_hooks; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "slot", json_object_new_string(slot_names[hooks[i].slot]));
		json_object_object_add(o, "name", json_object_new_string(hooks[i].name));
		json_object_object_add(o, "object", json_object_new_string(hooks[i].path));
		json_object_array_add(a, o);
	}
	return a;
}
