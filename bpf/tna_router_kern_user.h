/* The router's part of bpf/tna_kern_user.h: its modules, its
 * slow-path reasons and the routing-interface table, shared by bpf/ and
 * targets/.  Included from bpf/tna_kern_user.h; not on its own. */
#ifndef TNA_ROUTER_KERN_USER_H
#define TNA_ROUTER_KERN_USER_H

#define TNA_FPM_IPV4		(1ULL << 16)	/* parse + classify + route IPv4 */
#define TNA_FPM_IPV6		(1ULL << 17)	/* parse + classify + route IPv6 */
#define TNA_FPM_ROUTE		(1ULL << 18)	/* bpf_fib_lookup, TTL, L2 rewrite, redirect */
#define TNA_FPM_ROUTER		(TNA_FPM_PARSE_ETH | TNA_FPM_IPV4 | TNA_FPM_IPV6 | \
				 TNA_FPM_ROUTE | TNA_FPM_STATS)
/* The modules the router's own entry program (tna_router) is compiled
 * with, not read from rodata: the loader runs it only when all are on. */
#define TNA_ROUTER_ENTRY_FIXED	(TNA_FPM_PARSE_ETH | TNA_FPM_ROUTE | TNA_FPM_STATS)

/* Router slow-path reasons; the fib_* ones are named after the
 * BPF_FIB_LKUP_RET_* result that sent the packet to Linux. */
#define TNA_ROUTER_REASONS(X)						\
	X(NOT_FOR_US,		"not_for_us")				\
	X(L3_OTHER,		"l3_other")				\
	X(IP_MALFORMED,		"ip_malformed")				\
	X(IP_OPTIONS,		"ip_options")				\
	X(IP_FRAGMENT,		"ip_fragment")				\
	X(IP_SPECIAL_ADDR,	"ip_special_addr")			\
	X(TTL_EXCEEDED,		"ttl_exceeded")				\
	X(NETFILTER,		"netfilter")				\
	X(RP_FILTER,		"rp_filter")				\
	X(ROUTE_VLAN,		"route_vlan")				\
	X(FIB_BLACKHOLE,	"fib_blackhole")			\
	X(FIB_UNREACHABLE,	"fib_unreachable")			\
	X(FIB_PROHIBIT,		"fib_prohibit")				\
	X(FIB_NOT_FWDED,	"fib_not_fwded")			\
	X(FIB_FWD_DISABLED,	"fib_fwd_disabled")			\
	X(FIB_UNSUPP_LWT,	"fib_unsupp_lwt")			\
	X(FIB_NO_NEIGH,		"fib_no_neigh")				\
	X(FIB_FRAG_NEEDED,	"fib_frag_needed")			\
	X(FIB_NO_SRC_ADDR,	"fib_no_src_addr")			\
	X(FIB_OTHER,		"fib_other")				\
	X(ROUTE_SAME_IFACE,	"route_same_iface")			\
	X(BR_EGRESS_UNKNOWN,	"br_egress_unknown")			\
	X(BR_EGRESS_OTHER,	"br_egress_other")			\
	X(XFRM,			"xfrm")					\
	X(IPV6_DISABLED,	"ipv6_disabled")			\
	X(MARTIAN_SRC,		"martian_src")

/* tna_rif[ifindex]: a port that routes.  For a bridge port, l3_ifindex is
 * the bridge and mac the bridge's MAC (the frame is routed as if received
 * on the bridge); for a plain interface, itself and its own MAC.  An entry
 * for the bridge itself (TNA_RIF_F_BRIDGE) makes routes out of the bridge
 * resolve their port through the FDB mirror. */
#define TNA_RIF_F_ROUTE		0x01	/* frames to MAC on this port are routed */
#define TNA_RIF_F_BRPORT	0x02	/* a bridge port: bridge ingress checks first */
#define TNA_RIF_F_BRIDGE	0x04	/* l3 device is a bridge: egress via FDB */
#define TNA_RIF_F_RP_FILTER	0x08	/* rp_filter on the l3 device: its IPv4 to Linux */
#define TNA_RIF_F_NO_IPV6	0x10	/* disable_ipv6 on the l3 device: its IPv6 to Linux */
struct tna_rif {
	__u32 l3_ifindex;
	__u8 mac[6];
	__u8 flags;		/* TNA_RIF_F_* */
	__u8 pad;
};

/* tna_nf_routed (rodata) / tna_dp_opts.nf_routed: netfilter may see the
 * routed traffic of that family, which then stays on Linux */
#define TNA_NF_ROUTED_V4	0x01
#define TNA_NF_ROUTED_V6	0x02

#define TNA_MAP_RIF		"tna_rif"

/* Martian IPv4 sources (bpf/fpm/l3_classify.h): a set and its filter of
 * TNA_SRC_BITS_WORDS * 64 bits, bit TNA_SRC_HASH(address). */
#define TNA_SRC_MARTIAN_MAX	4096
#define TNA_SRC_BITS_WORDS	1024
#define TNA_SRC_HASH(a)		((((__u32)(a)) * 2654435761u) >> 16)
/* tna_clock.src_flags: the source check's flags */
#define TNA_SRC_F_FIB_CHECK	1u	/* every IPv4 source looked up (bpf/fpm/fib.h) */

/* The IPv6 local table's own addresses (bpf/fpm/fib.h: what a DIRECT
 * lookup would miss), a set of at most TNA_LOCAL6_MAX and its filter of
 * TNA_SRC_BITS_WORDS * 64 bits, bit TNA_LOCAL6_HASH(the four 32-bit words
 * as loaded from the address). */
#define TNA_LOCAL6_MAX		4096
#define TNA_LOCAL6_HASH(w)	TNA_SRC_HASH((w)[0] ^ (w)[1] ^ (w)[2] ^ (w)[3])

#endif /* TNA_ROUTER_KERN_USER_H */
