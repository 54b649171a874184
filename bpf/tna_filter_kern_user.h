/* The netfilter part of bpf/tna_kern_user.h: modules, slow-path reasons
 * and the layout of a compiled ruleset, shared by the evaluator
 * (bpf/fpm/filter.h), conntrack (bpf/fpm/ct.h), NAT (bpf/fpm/nat.h), the
 * compiler (assembler/filter_compile.h) and the loader (targets/filter.h).
 * Included from bpf/tna_kern_user.h; not on its own.
 *
 * A compiled ruleset is a program of fixed-size instructions: match terms
 * (a masked compare, a range or a set lookup on one field of struct
 * tna_flt_pkt) followed by a verdict.  A term that does not match sends the
 * evaluator to the next rule (`next`); jump/goto/return work on a stack of
 * TNA_FLT_STACK entries as in nftables.  Every field is stored big-endian,
 * so one 128-bit compare serves addresses, ports, marks and ct bits. */
#ifndef TNA_FILTER_KERN_USER_H
#define TNA_FILTER_KERN_USER_H

#define TNA_FPM_FILTER		(1ULL << 20)	/* compiled nftables rules on routed traffic */
#define TNA_FPM_CT		(1ULL << 21)	/* conntrack: only established flows stay fast */
#define TNA_FPM_NAT		(1ULL << 22)	/* NAT of established flows as conntrack says */

#define TNA_FILTER_REASONS(X)						\
	X(NF_RULE,		"nf_rule")				\
	X(NF_HOOK,		"nf_hook")				\
	X(NF_BUDGET,		"nf_budget")				\
	X(NF_L4,		"nf_l4")				\
	X(CT_NEW,		"ct_new")				\
	X(CT_NOT_ESTABLISHED,	"ct_not_established")			\
	X(CT_INVALID,		"ct_invalid")				\
	X(CT_PROTO,		"ct_proto")				\
	X(CT_TCP_FLAGS,		"ct_tcp_flags")				\
	X(CT_TCP_WINDOW,	"ct_tcp_window")			\
	X(CT_TCP_STATE,		"ct_tcp_state")				\
	X(CT_HELPER,		"ct_helper")				\
	X(CT_ACCT,		"ct_acct")				\
	X(CT_TIMEOUT,		"ct_timeout")				\
	X(CT_OTHER,		"ct_other")				\
	X(NAT_OTHER,		"nat_other")

/* Limits.  nftables itself allows 16 nested jumps. */
#define TNA_FLT_MAX_INSNS	8192	/* per program (one half of the table) */
#define TNA_FLT_STACK		16
#define TNA_FLT_MAX_STEPS	8192	/* instructions run per segment, then Linux */
#define TNA_FLT_MAX_SET_ELEMS	65536	/* LPM prefixes of every set of both halves */
#define TNA_FLT_END		0xffff	/* no next instruction: the segment accepts */

/* Where along a forwarded packet's path the base chains run, in order.
 * Conntrack runs at -200 in prerouting, NAT at -100 (destination) and
 * +100 in postrouting (source); chains before them see the packet as it
 * was, chains after see it translated. */
enum tna_flt_seg {
	TNA_FLT_PRE_RAW,	/* prerouting, priority < -200: no conntrack yet */
	TNA_FLT_PRE,		/* prerouting, -200 < priority < -100 */
	TNA_FLT_PRE_NAT,	/* prerouting, priority > -100: destination translated */
	TNA_FLT_FWD,		/* forward */
	TNA_FLT_POST,		/* postrouting, priority < 100 */
	TNA_FLT_POST_NAT,	/* postrouting, priority > 100: source translated */
	TNA_FLT_SEGS
};
#define TNA_FLT_V4	0
#define TNA_FLT_V6	1
#define TNA_FLT_BR	2	/* bridged frames: bridge-family tables; prerouting,
				 * forward and postrouting use TNA_FLT_PRE/FWD/POST */
#define TNA_FLT_FAMS	3

enum tna_flt_op {
	TNA_FLT_EQ = 1,		/* (field & mask) == val */
	TNA_FLT_NE,
	TNA_FLT_RANGE,		/* val <= (field & mask) <= hi, as 128-bit big-endian */
	TNA_FLT_NRANGE,
	TNA_FLT_SET,		/* (field & mask) in set `set` (len bytes of key) */
	TNA_FLT_NSET,
	TNA_FLT_ACCEPT,		/* the base chain accepts: on to the next one */
	TNA_FLT_DROP,
	TNA_FLT_PUNT,		/* to Linux with reason `aux` */
	TNA_FLT_JUMP,		/* push `next`, go to `arg` */
	TNA_FLT_GOTO,		/* go to `arg` */
	TNA_FLT_RETURN,		/* pop; empty stack: the base chain's policy */
	TNA_FLT_CONTINUE,	/* go to `next` */
	TNA_FLT_POLICY,		/* end of a base chain: val[0] 1 = drop; else (or after
				 * an accept) the next base chain starts at `arg`, its
				 * policy at `aux`; TNA_FLT_END: the segment accepts */
};

struct tna_flt_insn {
	__u8 op;		/* enum tna_flt_op */
	__u8 off;		/* terms: field offset in struct tna_flt_pkt */
	__u8 len;		/* terms: field length in bytes (set keys) */
	__u8 pad;
	__u16 next;		/* first instruction of the next rule */
	__u16 arg;
	__u16 aux;
	__u16 pad2;
	__u32 set;		/* SET/NSET: set id */
	__u8 val[16];
	__u8 mask[16];
	__u8 hi[16];
};

/* What the terms look at: one packet as seen at the current segment.
 * Offsets are part of the compiled program (TNA_FLT_OFF_*). */
struct tna_flt_pkt {
	__u8 saddr[16];		/* IPv4: first 4 bytes */
	__u8 daddr[16];
	__u8 iifname[16];
	__u8 oifname[16];
	__be32 iif;
	__be32 oif;		/* 0 before the route is known */
	__u8 l4proto;
	__u8 ct_dir;
	__u8 nfproto;		/* NFPROTO_IPV4 2, _IPV6 10, _BRIDGE 7 (for listings) */
	__u8 pad1;
	__be32 ct_state;	/* NF_CT_STATE_BIT: established 2 */
	__be32 ct_status;
	__be32 ct_mark;
	__be32 ct_state_raw;	/* what chains before conntrack see: invalid (1) */
	__u8 th[20];		/* the transport header's first bytes */
	__u8 zero[16];		/* meta mark: 0 for a packet arriving */
	__u8 ether_daddr[6];	/* bridge family */
	__u8 ether_saddr[6];
	__be16 ether_type;
	__u8 pad2[18];		/* a term at TNA_FLT_OFF_MAX reads 16 bytes */
};
#define TNA_FLT_OFF_SADDR	0
#define TNA_FLT_OFF_DADDR	16
#define TNA_FLT_OFF_IIFNAME	32
#define TNA_FLT_OFF_OIFNAME	48
#define TNA_FLT_OFF_IIF		64
#define TNA_FLT_OFF_OIF		68
#define TNA_FLT_OFF_L4PROTO	72
#define TNA_FLT_OFF_CT_DIR	73
#define TNA_FLT_OFF_NFPROTO	74
#define TNA_FLT_OFF_CT_STATE	76
#define TNA_FLT_OFF_CT_STATUS	80
#define TNA_FLT_OFF_CT_MARK	84
#define TNA_FLT_OFF_CT_STATE_RAW 88
#define TNA_FLT_OFF_TH		92
#define TNA_FLT_OFF_ZERO	112
#define TNA_FLT_OFF_ETHER_DADDR	128
#define TNA_FLT_OFF_ETHER_SADDR	134
#define TNA_FLT_OFF_ETHER_TYPE	140
#define TNA_FLT_OFF_MAX		144	/* a term reads 16 bytes from here */

/* Set elements: one LPM trie for every set of both halves; a key is the
 * set id then the masked field, prefixlen counting both. */
struct tna_flt_set_key {
	__u32 prefixlen;
	__u32 set;		/* big-endian in the key: compared as bytes */
	__u8 data[16];
};

/* tna_flt_ctl[0]: which half of tna_flt_insns holds the current program,
 * and where each segment starts.  A packet reads `active` once and runs
 * the whole path on that half; user space fills the other half, flips
 * `active`, and reuses the old half only after an RCU grace period. */
#define TNA_FLT_F_NAMES		0x01	/* terms on interface names: fill them */
#define TNA_FLT_F_NAT4		0x02	/* NAT hooks are registered for IPv4 */
#define TNA_FLT_F_NAT6		0x04
#define TNA_FLT_F_CT		0x08	/* conntrack is in use: only established flows */
#define TNA_FLT_F_BR_LOCAL	0x10	/* bridge prerouting/input chains: frames a bridge
					 * port delivers up to be routed go to Linux */
#define TNA_FLT_F_BR_OUT	0x20	/* bridge output/postrouting chains: packets routed
					 * into a bridge go to Linux */
struct tna_flt_seg_ref {
	__u16 start;		/* first instruction; TNA_FLT_END: nothing to run */
	__u16 policy;		/* the first base chain's policy instruction */
};
struct tna_flt_hdr {
	__u32 gen;		/* program generation, for user space */
	__u32 flags;		/* TNA_FLT_F_* */
	struct tna_flt_seg_ref seg[TNA_FLT_FAMS][TNA_FLT_SEGS];
};
struct tna_flt_ctl {
	__u32 active;		/* 0 or 1 */
	__u32 pad;
	struct tna_flt_hdr hdr[2];
};

/* tna_ct_cfg[0]: what Linux's conntrack would do, from the netns sysctls
 * (user space follows them).  Timeouts in milliseconds. */
struct tna_ct_cfg {
	__u32 udp_stream_ms;		/* nf_conntrack_udp_timeout_stream */
	__u32 tcp_established_ms;	/* nf_conntrack_tcp_timeout_established */
	__u32 tcp_unack_ms;		/* nf_conntrack_tcp_timeout_unacknowledged */
	__u32 tcp_retrans_ms;		/* nf_conntrack_tcp_timeout_max_retrans */
	__u8 tcp_max_retrans;		/* nf_conntrack_tcp_max_retrans (reported) */
	__u8 checksum;			/* nf_conntrack_checksum: bad L4 sums are invalid */
	__u8 tcp_liberal;		/* nf_conntrack_tcp_be_liberal */
	__u8 pad;
};

#define TNA_MAP_FLT_INSNS	"tna_flt_insns"
#define TNA_MAP_FLT_CTL		"tna_flt_ctl"
#define TNA_MAP_FLT_SETS	"tna_flt_sets"
#define TNA_MAP_FLT_IFNAMES	"tna_flt_ifnames"
#define TNA_MAP_CT_CFG		"tna_ct_cfg"

#endif /* TNA_FILTER_KERN_USER_H */
