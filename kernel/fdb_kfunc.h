/* The FDB kfunc of kernel/patches as BPF programs and user space see it:
 * bpf_xdp_fdb_lookup(), its argument struct and its flags.  Kept apart from
 * vmlinux.h under tna_ names so that a vmlinux.h made on a patched kernel
 * (which has struct bpf_fdb_lookup and the BPF_FDB_* enums) does not clash.
 * The layout must stay that of struct bpf_fdb_lookup in
 * net/bridge/br_bpf.c; kernel/README.md documents the semantics. */
#ifndef TNA_FDB_KFUNC_H
#define TNA_FDB_KFUNC_H
#ifndef __bpf__
#include <linux/types.h>
#endif

struct tna_fdb_lookup {
	__u8	dmac[6];		/* in */
	__u8	smac[6];		/* in */
	__be16	vlan_proto;		/* in: outer tag TPID, 0 = untagged */
	__u16	vlan_id;		/* in: outer tag VID (0 = priority/none) */
	__u32	egress_ifindex;		/* out: port of dmac's entry, 0 = none */
	__u16	vid;			/* out: the frame's VLAN in the bridge */
	__u8	ingress_state;		/* out: BR_STATE_* on the receiving port */
	__u8	egress_state;		/* out: BR_STATE_* on the egress port */
	__u32	flags;			/* out: TNA_FDB_* */
};

#define TNA_FDB_LOOKUP_SZ	28	/* the kernel accepts exactly this size */
_Static_assert(sizeof(struct tna_fdb_lookup) == TNA_FDB_LOOKUP_SZ,
	       "struct tna_fdb_lookup must match struct bpf_fdb_lookup");

/* the flags argument */
#define TNA_FDB_LOOKUP_NO_LEARN	(1U << 0)	/* learn, refresh, touch nothing */

/* tna_fdb_lookup.flags */
#define TNA_FDB_DROP		(1U << 0)	/* the bridge drops it on ingress */
#define TNA_FDB_LINK_LOCAL	(1U << 1)	/* 01:80:c2:00:00:0X: nothing done */
#define TNA_FDB_DST_UNKNOWN	(1U << 2)	/* unicast miss: the bridge floods */
#define TNA_FDB_DST_LOCAL	(1U << 3)	/* for the bridge itself */
#define TNA_FDB_DST_MULTICAST	(1U << 4)	/* group address: no lookup */
#define TNA_FDB_SRC_LEARNED	(1U << 5)	/* new entry on the receiving port */
#define TNA_FDB_SRC_MOVED	(1U << 6)	/* entry moved to the receiving port */
#define TNA_FDB_SRC_LOCAL	(1U << 7)	/* source is a local address */
#define TNA_FDB_SRC_DENIED	(1U << 8)	/* refused by a locked port (+DROP) */
#define TNA_FDB_EGRESS_DENIED	(1U << 9)	/* the bridge does not deliver there */
#define TNA_FDB_EGRESS_UNTAGGED	(1U << 10)	/* leaves untagged (VLAN filtering) */
#define TNA_FDB_EGRESS_BACKUP	(1U << 11)	/* egress down: the backup port sends */
#define TNA_FDB_BR_PROMISC	(1U << 12)	/* bridge promiscuous: copy goes up */

/* Names in bit order, for tools and tests. */
#define TNA_FDB_FLAG_NAMES {						\
	"drop", "link_local", "dst_unknown", "dst_local", "dst_multicast", \
	"src_learned", "src_moved", "src_local", "src_denied",		\
	"egress_denied", "egress_untagged", "egress_backup", "br_promisc" }

#ifdef __bpf__
/* include vmlinux.h (struct xdp_md) and bpf_helpers.h (__ksym) first */
extern int bpf_xdp_fdb_lookup(struct xdp_md *ctx, struct tna_fdb_lookup *params,
			      __u32 params__sz, __u64 flags) __ksym __weak;
#endif
#endif
