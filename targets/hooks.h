/* The operator's hooks (bpf/tna_hook.h, docs/hooks.md): a process-wide
 * set, checked when added, linked into every pipeline tna_dp__load()
 * loads from then on (so a reload or a swap keeps them). */
#ifndef TNA_TARGETS_HOOKS_H
#define TNA_TARGETS_HOOKS_H
#include <stddef.h>
#include <stdint.h>
#include "bpf/tna_hook.h"

#define TNA_HOOK_MAX 8		/* objects; one function per slot at most */

struct tna_hook {
	int slot;		/* enum tna_hook_slot */
	char name[64];		/* the operator's name for it (--hook NAME=...) */
	char path[4096];	/* the object file */
};

/* "ingress" -> TNA_HOOK_INGRESS; -EINVAL for no such slot. */
int tna_hook_slot(const char *name);
const char *tna_hook_slot_name(int slot);

/* Check PATH as the hook of SLOT: an ELF BPF object with a global
 * `int tna_hook_<slot>(struct xdp_md *)`, that links with the pipeline
 * and passes the verifier in a pipeline with every module.  Added only
 * when it does; else a negative errno and a message in ERR (nothing
 * changed).  -EEXIST: the slot has a hook already. */
int tna_hooks__add(int slot, const char *name, const char *path, char *err, size_t errlen);
int tna_hooks__n(void);
const struct tna_hook *tna_hooks__get(int i);
/* bit (1 << slot) per slot with a hook */
uint32_t tna_hooks__mask(void);
/* [{"slot", "name", "object"}...] of the hooks (status, dry-run). */
struct json_object;
struct json_object *tna_hooks__json(void);
/* Forget every hook (tests). */
void tna_hooks__clear(void);

/* Frames by slot and verdict (enum tna_hook_verdict) of the pipeline
 * family on IFINDEX (summed over CPUs); -ENOENT: no TNA program or no
 * hook counters there. */
int tna_hook_stats_read(int ifindex, uint64_t n[TNA_HOOK_NSLOTS][TNA_HOOK_NVERDICTS]);
extern const char *const tna_hook_verdict_names[TNA_HOOK_NVERDICTS];

/* Sum over CPUs the per-CPU array NAME of the TNA program on IFINDEX:
 * keys 0..KEYS-1, each value WORDS u64s, into OUT[key * WORDS + word]. */
int tna_percpu_sum(int ifindex, const char *name, uint64_t *out, uint32_t keys, uint32_t words);

/* Inside targets/: the pipeline object (BASE, SZ) with the hooks linked
 * in, in a buffer the caller frees; NULL + errno on failure. */
void *tna_hooks_link(const void *base, size_t sz, const struct tna_hook *hooks, int n,
		     size_t *out_sz);

#endif /* TNA_TARGETS_HOOKS_H */
