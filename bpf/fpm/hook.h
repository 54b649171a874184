/* hook: the operator's programs at named slots (bpf/tna_hook.h, docs/hooks.md).
 *
 * Each slot is a global function; the default one below is weak and
 * never called: a slot is called only when its bit is in tna_hooks
 * (rodata), so a pipeline without hooks is the same code as before.
 * targets/hooks.c links the operator's object, whose strong definition
 * wins, into the pipeline before load.  Global functions are verified
 * on their own, with only the context known: the hook cannot see or
 * change TNA's state, only the frame. */
#ifndef TNA_FPM_HOOK_H
#define TNA_FPM_HOOK_H
#include "bpf/fpm/common.h"
#include "bpf/tna_hook.h"

/* Set by targets/ before load: bit (1 << slot) when a hook is linked in. */
const volatile __u32 tna_hooks = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TNA_HOOK_NSLOTS * TNA_HOOK_NVERDICTS);
	__type(key, __u32);		/* slot * TNA_HOOK_NVERDICTS + verdict */
	__type(value, __u64);		/* frames */
} tna_hook_stats SEC(".maps");

#define TNA_HOOK_DEFAULT_(id, name)					\
__weak __noinline int tna_hook_##id(struct xdp_md *ctx)		\
{									\
	return TNA_HOOK_CONTINUE;					\
}
TNA_HOOK_DEFAULT_(ingress, 0)
TNA_HOOK_DEFAULT_(classified, 0)
TNA_HOOK_DEFAULT_(egress, 0)
#undef TNA_HOOK_DEFAULT_

static __always_inline int hook_call(struct xdp_md *ctx, int slot)
{
	if (slot == TNA_HOOK_INGRESS)
		return tna_hook_ingress(ctx);
	if (slot == TNA_HOOK_CLASSIFIED)
		return tna_hook_classified(ctx);
	return tna_hook_egress(ctx);
}

/* The controller is trusted (fpm/deadman.h): what runs before TNA's own
 * check of it (the ingress slot, the AF_XDP steer) acts only then; else
 * the frame goes on to that check, which gives it to Linux. */
static __always_inline bool hook_trusted(void)
{
	__u32 zero = 0;
	struct tna_clock *clk = bpf_map_lookup_elem(&tna_clock, &zero);

	return clk && READ_ONCE(clk->trusted);
}

/* TNA_GO, TNA_NF_DROP (the hook drops) or a reason for Linux. */
static __always_inline int fpm_hook(struct tna_pkt *p, int slot)
{
	__u32 v, key;
	__u64 *n;
	int ret;

	if (!(tna_hooks & (1U << slot)))
		return TNA_GO;
	if (slot == TNA_HOOK_INGRESS && !hook_trusted())
		return TNA_GO;
	ret = hook_call(p->ctx, slot);
	v = ret == TNA_HOOK_CONTINUE ? TNA_HOOK_V_CONTINUE :
	    ret == TNA_HOOK_PASS ? TNA_HOOK_V_PASS :
	    ret == TNA_HOOK_DROP ? TNA_HOOK_V_DROP : TNA_HOOK_V_INVALID;
	key = slot * TNA_HOOK_NVERDICTS + v;
	n = bpf_map_lookup_elem(&tna_hook_stats, &key);
	if (n)
		(*n)++;
	/* A hook that may change the frame's length (adjust_head/tail/
	 * meta) makes the verifier forget TNA's pointers into the frame:
	 * after the ingress slot, where none is held yet, such a hook
	 * fails to load. */
	if (v == TNA_HOOK_V_CONTINUE)
		return TNA_GO;
	if (v == TNA_HOOK_V_DROP)
		return TNA_NF_DROP;
	return v == TNA_HOOK_V_PASS ? TNA_REASON_HOOK_PASS : TNA_REASON_HOOK_INVALID;
}

#endif /* TNA_FPM_HOOK_H */
