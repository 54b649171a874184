/* The netfilter maps of a loaded pipeline (targets/filter.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "common/text.h"
#include "targets/dp.h"
#include "targets/filter.h"
#include "assembler/filter_compile.h"
#include "bpf/tna_bridge.skel.h"

#define HALF_BIT	0x80000000u	/* set ids of the second half */

/* Shared by the pipelines of one map family, like the maps. */
struct tna_dp_filter {
	int refs;
	bool small;			/* loaded without TNA_FPM_FILTER: one-entry maps */
	int insns_fd, ctl_fd, sets_fd, ifnames_fd, ctcfg_fd;
	struct tna_flt_insn *insns;	/* mmapped, 2 * TNA_FLT_MAX_INSNS */
	struct tna_flt_ctl *ctl;	/* mmapped */
	int barrier_fd, barrier_inner_fd;	/* map-in-map: its update waits for RCU */
	bool dirty;			/* switched since the last grace period */
	uint32_t gen;
	uint64_t swap_ns;		/* CLOCK_MONOTONIC of the last switch */
	struct tna_flt_set_key *keys[2];	/* set prefixes written to each half */
	int n_keys[2];
};

void tna_dp_filter_size(struct tna_dp *dp, bool on)
{
	/* a pipeline without the modules keeps one-entry maps (the program
	 * table alone is 1 MiB) */
	bpf_map__set_max_entries(dp->skel->maps.tna_flt_insns, on ? 2 * TNA_FLT_MAX_INSNS : 1);
	bpf_map__set_max_entries(dp->skel->maps.tna_flt_ifnames, on ? 4096 : 1);
	bpf_map__set_max_entries(dp->skel->maps.tna_flt_sets, on ? TNA_FLT_MAX_SET_ELEMS : 1);
}

/* A pipeline with the netfilter modules and one without do not share
 * these maps (one-entry maps cannot take a program): the new pipeline
 * gets its own, which the rules are loaded into before it is swapped in. */
static bool same_size(const struct tna_dp *dp, const struct tna_dp_filter *f)
{
	return f->small == (bpf_map__max_entries(dp->skel->maps.tna_flt_insns) <
			    2 * TNA_FLT_MAX_INSNS);
}

int tna_dp_filter_share(struct tna_dp *dp, const struct tna_dp *share)
{
	struct tna_dp_filter *f = share->flt;
	int err;

	if (!f || !same_size(dp, f))
		return 0;
	if ((err = bpf_map__reuse_fd(dp->skel->maps.tna_flt_insns, f->insns_fd)) ||
	    (err = bpf_map__reuse_fd(dp->skel->maps.tna_flt_ctl, f->ctl_fd)) ||
	    (err = bpf_map__reuse_fd(dp->skel->maps.tna_flt_sets, f->sets_fd)) ||
	    (err = bpf_map__reuse_fd(dp->skel->maps.tna_flt_ifnames, f->ifnames_fd)) ||
	    (err = bpf_map__reuse_fd(dp->skel->maps.tna_ct_cfg, f->ctcfg_fd)))
		return err;
	return 0;
}

static void *map_mmap(int fd, size_t len)
{
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return m == MAP_FAILED ? NULL : m;
}

static int own_fd(const struct bpf_map *m)
{
	return fcntl(bpf_map__fd(m), F_DUPFD_CLOEXEC, 3);
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

int tna_dp_filter_init(struct tna_dp *dp, const struct tna_dp *share)
{
	struct tna_dp_filter *f;

	if (share && share->flt && same_size(dp, share->flt)) {
		dp->flt = share->flt;
		dp->flt->refs++;
		return 0;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->refs = 1;
	f->small = bpf_map__max_entries(dp->skel->maps.tna_flt_insns) < 2 * TNA_FLT_MAX_INSNS;
	f->barrier_fd = f->barrier_inner_fd = -1;
	/* Its own copies: the pipeline that created the maps may be
	 * destroyed (replaced, dropped as a spare) while others share them. */
	f->insns_fd = own_fd(dp->skel->maps.tna_flt_insns);
	f->ctl_fd = own_fd(dp->skel->maps.tna_flt_ctl);
	f->sets_fd = own_fd(dp->skel->maps.tna_flt_sets);
	f->ifnames_fd = own_fd(dp->skel->maps.tna_flt_ifnames);
	f->ctcfg_fd = own_fd(dp->skel->maps.tna_ct_cfg);
	dp->flt = f;
	if (f->insns_fd < 0 || f->ctl_fd < 0 || f->sets_fd < 0 ||
	    f->ifnames_fd < 0 || f->ctcfg_fd < 0)
		return -errno;
	if (f->small)		/* no netfilter modules: nothing to load into */
		return 0;
	f->insns = map_mmap(f->insns_fd, 2 * TNA_FLT_MAX_INSNS * sizeof(*f->insns));
	f->ctl = map_mmap(f->ctl_fd, sizeof(*f->ctl));
	if (!f->insns || !f->ctl)
		return -errno;
	/* no program yet: routed IPv4 and IPv6 go to Linux (a punt at the
	 * start of prerouting, reason nf_hook).  A pipeline with
	 * TNA_FPM_FILTER on is given its program before its ports are
	 * attached; this covers ports a shared pipeline attached earlier. */
	for (int h = 0; h < 2; h++) {
		f->insns[h * TNA_FLT_MAX_INSNS] = (struct tna_flt_insn){ .op = TNA_FLT_PUNT,
									  .aux = TNA_REASON_NF_HOOK };
		for (int fam = 0; fam < 2; fam++) {
			for (int s = 0; s < TNA_FLT_SEGS; s++)
				f->ctl->hdr[h].seg[fam][s] = (struct tna_flt_seg_ref){ TNA_FLT_END, TNA_FLT_END };
			f->ctl->hdr[h].seg[fam][TNA_FLT_PRE_RAW] = (struct tna_flt_seg_ref){ 0, 0 };
		}
	}
	return 0;
}

void tna_dp_filter_free(struct tna_dp *dp)
{
	struct tna_dp_filter *f = dp->flt;

	dp->flt = NULL;
	if (!f || --f->refs)
		return;
	if (f->insns)
		munmap(f->insns, 2 * TNA_FLT_MAX_INSNS * sizeof(*f->insns));
	if (f->ctl)
		munmap(f->ctl, sizeof(*f->ctl));
	close_fd(f->insns_fd);
	close_fd(f->ctl_fd);
	close_fd(f->sets_fd);
	close_fd(f->ifnames_fd);
	close_fd(f->ctcfg_fd);
	if (f->barrier_fd >= 0)
		close(f->barrier_fd);
	if (f->barrier_inner_fd >= 0)
		close(f->barrier_inner_fd);
	free(f->keys[0]);
	free(f->keys[1]);
	free(f);
}

/* Wait until no packet can still be running on the old half: updating a
 * map-in-map returns after synchronize_rcu (maybe_wait_bpf_programs). */
static int grace_period(struct tna_dp_filter *f)
{
	__u32 zero = 0;

	if (f->barrier_fd < 0) {
		LIBBPF_OPTS(bpf_map_create_opts, o);

		f->barrier_inner_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "tna_flt_rcu", 4, 4, 1, NULL);
		if (f->barrier_inner_fd < 0)
			return -errno;
		o.inner_map_fd = f->barrier_inner_fd;
		f->barrier_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "tna_flt_sync", 4, 4, 1, &o);
		if (f->barrier_fd < 0)
			return -errno;
	}
	if (bpf_map_update_elem(f->barrier_fd, &zero, &f->barrier_inner_fd, BPF_ANY))
		return -errno;
	f->dirty = false;
	return 0;
}

/* Remove the set prefixes of HALF (no packet uses it any more). */
static void clear_half(struct tna_dp_filter *f, int half)
{
	for (int i = 0; i < f->n_keys[half]; i++)
		bpf_map_delete_elem(f->sets_fd, &f->keys[half][i]);
	f->n_keys[half] = 0;
}

int tna_dp__filter_load(struct tna_dp *dp, const struct tna_flt_prog *p)
{
	struct tna_dp_filter *f = dp ? dp->flt : NULL;
	struct tna_flt_insn *dst;
	struct tna_flt_set_key *keys;
	struct tna_flt_hdr *hdr;
	struct timespec ts;
	uint32_t tag;
	int half, err;
	__u8 one = 1;

	if (!f || !p)
		return -EINVAL;
	if (f->small)
		return -EOPNOTSUPP;	/* loaded without TNA_FPM_FILTER */
	if (p->n_insns > TNA_FLT_MAX_INSNS || p->n_lpm > TNA_FLT_MAX_SET_ELEMS / 2)
		return -E2BIG;
	if (f->dirty && (err = grace_period(f)))
		return err;
	half = !(__atomic_load_n(&f->ctl->active, __ATOMIC_ACQUIRE) & 1);
	tag = half ? HALF_BIT : 0;
	clear_half(f, half);
	keys = realloc(f->keys[half], (p->n_lpm ? p->n_lpm : 1) * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	f->keys[half] = keys;
	for (int i = 0; i < p->n_lpm; i++) {
		struct tna_flt_set_key *k = &keys[i];

		memset(k, 0, sizeof(*k));
		k->prefixlen = 32 + p->lpm[i].plen;
		k->set = htonl(p->lpm[i].set | tag);
		memcpy(k->data, p->lpm[i].data, 16);
		if (bpf_map_update_elem(f->sets_fd, k, &one, BPF_ANY)) {
			err = -errno;
			f->n_keys[half] = i;
			return err == -ENOSPC ? -E2BIG : err;
		}
	}
	f->n_keys[half] = p->n_lpm;
	dst = f->insns + (half ? TNA_FLT_MAX_INSNS : 0);
	for (int i = 0; i < p->n_insns; i++) {
		dst[i] = p->insn[i];
		if (dst[i].op == TNA_FLT_SET || dst[i].op == TNA_FLT_NSET)
			dst[i].set |= tag;
	}
	hdr = &f->ctl->hdr[half];
	hdr->gen = ++f->gen;
	hdr->flags = p->flags;
	memcpy(hdr->seg, p->seg, sizeof(hdr->seg));
	/* the switch: one store, after everything it points to */
	__atomic_store_n(&f->ctl->active, half, __ATOMIC_RELEASE);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	f->swap_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	f->dirty = true;
	/* the old half becomes reusable once in-flight packets are done */
	if (!grace_period(f))
		clear_half(f, !half);
	return 0;
}

uint32_t tna_dp__filter_gen(const struct tna_dp *dp)
{
	return dp && dp->flt ? dp->flt->gen : 0;
}

uint64_t tna_dp__filter_swap_ns(const struct tna_dp *dp)
{
	return dp && dp->flt ? dp->flt->swap_ns : 0;
}

int tna_dp__filter_ifname(struct tna_dp *dp, int ifindex, const char *name)
{
	__u32 key = ifindex;
	char v[16] = {};

	if (!dp || !dp->flt)
		return -EINVAL;
	if (!name)
		return bpf_map_delete_elem(dp->flt->ifnames_fd, &key) && errno != ENOENT ? -errno : 0;
	strncpy(v, name, sizeof(v) - 1);
	return bpf_map_update_elem(dp->flt->ifnames_fd, &key, v, BPF_ANY) ? -errno : 0;
}

int tna_dp__ct_cfg_set(struct tna_dp *dp, const struct tna_ct_cfg *cfg)
{
	__u32 zero = 0;

	if (!dp || !dp->flt || !cfg)
		return -EINVAL;
	return bpf_map_update_elem(dp->flt->ctcfg_fd, &zero, cfg, BPF_ANY) ? -errno : 0;
}

#define CT_SYSCTL "/proc/sys/net/netfilter/nf_conntrack_%s"

int tna_ct_cfg_read(struct tna_ct_cfg *c)
{
	int est = tna_read_int(-1, CT_SYSCTL, "tcp_timeout_established");

	if (!c)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	if (est < 0)
		return -ENOENT;
	c->tcp_established_ms = est * 1000U;
	c->udp_stream_ms = tna_read_int(120, CT_SYSCTL, "udp_timeout_stream") * 1000U;
	c->tcp_unack_ms = tna_read_int(300, CT_SYSCTL, "tcp_timeout_unacknowledged") * 1000U;
	c->tcp_retrans_ms = tna_read_int(300, CT_SYSCTL, "tcp_timeout_max_retrans") * 1000U;
	c->tcp_max_retrans = tna_read_int(3, CT_SYSCTL, "tcp_max_retrans");
	c->checksum = tna_read_int(1, CT_SYSCTL, "checksum") != 0;
	c->tcp_liberal = tna_read_int(0, CT_SYSCTL, "tcp_be_liberal") != 0;
	return 0;
}
