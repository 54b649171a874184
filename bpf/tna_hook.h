/* The contract of a TNA hook, for the operator who writes one (docs/hooks.md).
 *
 * A hook is a global function of an XDP object file, named after its slot:
 *
 *	int tna_hook_ingress(struct xdp_md *ctx)	before TNA looks at the frame
 *	int tna_hook_classified(struct xdp_md *ctx)	classified, before the forwarding decision
 *	int tna_hook_egress(struct xdp_md *ctx)		egress known, before the frame is changed or sent
 *
 * tna-deploy links the object into every pipeline it loads (a plain BPF
 * call: no tail call, no second program) and keeps it across reloads.
 * It returns one of the verdicts below; any other value sends the frame
 * to Linux and is counted (`hook_invalid`). */
#ifndef TNA_HOOK_H
#define TNA_HOOK_H

#define TNA_HOOK_CONTINUE	0x100	/* TNA goes on with the frame */
#define TNA_HOOK_PASS		2	/* XDP_PASS: to Linux (reason hook_pass) */
#define TNA_HOOK_DROP		1	/* XDP_DROP: dropped, counted */

/* the slots, in the order a frame meets them */
#define TNA_HOOK_SLOTS(X)			\
	X(INGRESS,	"ingress")		\
	X(CLASSIFIED,	"classified")		\
	X(EGRESS,	"egress")

#define TNA_HOOK_ENUM_(id, name) TNA_HOOK_##id,
enum tna_hook_slot { TNA_HOOK_SLOTS(TNA_HOOK_ENUM_) TNA_HOOK_NSLOTS };
#undef TNA_HOOK_ENUM_

/* per slot, what the hooks returned (tna_hook_stats, tna-stat) */
enum tna_hook_verdict {
	TNA_HOOK_V_CONTINUE,
	TNA_HOOK_V_PASS,
	TNA_HOOK_V_DROP,
	TNA_HOOK_V_INVALID,	/* anything else: to Linux */
	TNA_HOOK_NVERDICTS
};

#endif /* TNA_HOOK_H */
