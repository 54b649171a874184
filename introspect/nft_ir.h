/* The nftables ruleset with its structure: tables' base and regular
 * chains (hook, priority, policy), rules as match expressions and a
 * verdict, named sets with their elements.  Read with libnftables in the
 * current network namespace (the JSON of `nft -j -n list ruleset`,
 * libnftables-json(5)) and parsed with json-c.
 *
 * Matches are normalised as they are read: the field (what the left side
 * loads), an optional bitwise mask, the operator, and the right side as
 * big-endian byte strings of the field's length (single values, prefixes
 * and ranges become [lo, hi] intervals).  The implicit dependencies that
 * `nft list` leaves out (`tcp dport` implies `meta l4proto tcp`, `ip
 * saddr` in an inet table implies IPv4) are made explicit fields of the
 * match (l4proto, nfproto), so the compiler sees the whole condition.
 *
 * Anything the fast path does not evaluate is kept as an expression of
 * kind TNA_NFT_X_OTHER with a stable reason name ("log", "limit",
 * "counter", "xt", "meta mark set", "ip ttl", ...): the compiler sends
 * whatever reaches it to Linux and reports the name.  Nothing prints;
 * functions return 0 or a negative errno. */
#ifndef TNA_INTROSPECT_NFT_IR_H
#define TNA_INTROSPECT_NFT_IR_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* NFPROTO_* values */
#define TNA_NFT_INET	1
#define TNA_NFT_IP	2
#define TNA_NFT_ARP	3
#define TNA_NFT_NETDEV	5
#define TNA_NFT_BRIDGE	7
#define TNA_NFT_IP6	10

/* NF_INET_* hook numbers; ingress/egress after them */
enum tna_nft_hook {
	TNA_NFT_H_PREROUTING, TNA_NFT_H_INPUT, TNA_NFT_H_FORWARD,
	TNA_NFT_H_OUTPUT, TNA_NFT_H_POSTROUTING, TNA_NFT_H_INGRESS,
	TNA_NFT_H_EGRESS, TNA_NFT_H_NONE = -1,
};

enum tna_nft_chain_type { TNA_NFT_T_FILTER, TNA_NFT_T_NAT, TNA_NFT_T_ROUTE };

/* What the left side of a match loads. */
enum tna_nft_field {
	TNA_NFT_F_NONE,
	TNA_NFT_F_IIF, TNA_NFT_F_OIF,			/* ifindex, u32 */
	TNA_NFT_F_IIFNAME, TNA_NFT_F_OIFNAME,		/* 16 bytes, NUL padded */
	TNA_NFT_F_NFPROTO, TNA_NFT_F_L4PROTO,		/* u8 */
	TNA_NFT_F_META_MARK,				/* u32 */
	TNA_NFT_F_IP_SADDR, TNA_NFT_F_IP_DADDR,		/* 4 bytes */
	TNA_NFT_F_IP6_SADDR, TNA_NFT_F_IP6_DADDR,	/* 16 bytes */
	TNA_NFT_F_SPORT, TNA_NFT_F_DPORT,		/* th bytes 0-1, 2-3 */
	TNA_NFT_F_TCP_FLAGS,				/* u8 */
	TNA_NFT_F_ICMP_TYPE, TNA_NFT_F_ICMP_CODE,	/* th bytes 0, 1 (icmp, icmpv6) */
	TNA_NFT_F_CT_STATE, TNA_NFT_F_CT_STATUS,	/* u32 bits */
	TNA_NFT_F_CT_MARK,				/* u32 */
	TNA_NFT_F_CT_DIRECTION,				/* u8: 0 original, 1 reply */
	TNA_NFT_F_MAX
};

/* Field length in bytes. */
int tna_nft_field_len(enum tna_nft_field f);
const char *tna_nft_field_name(enum tna_nft_field f);

enum tna_nft_op {
	TNA_NFT_OP_EQ, TNA_NFT_OP_NE,			/* in / not in the elements */
	TNA_NFT_OP_LT, TNA_NFT_OP_GT, TNA_NFT_OP_LE, TNA_NFT_OP_GE,
	TNA_NFT_OP_ANY,		/* "in" on a bitmask: (field & value) != 0 */
};

/* An interval of field values, big-endian, both ends included. */
struct tna_nft_elem {
	uint8_t lo[16], hi[16];
};

enum tna_nft_verdict {
	TNA_NFT_V_NONE, TNA_NFT_V_ACCEPT, TNA_NFT_V_DROP, TNA_NFT_V_CONTINUE,
	TNA_NFT_V_RETURN, TNA_NFT_V_JUMP, TNA_NFT_V_GOTO,
};

enum tna_nft_expr_kind {
	TNA_NFT_X_MATCH,	/* a condition the rule needs */
	TNA_NFT_X_VERDICT,	/* the rule's verdict */
	TNA_NFT_X_NAT,		/* masquerade, snat, dnat, redirect: only in nat chains */
	TNA_NFT_X_OTHER,	/* outside the subset: `reason` says what */
};

#define TNA_NFT_NAME 64
struct tna_nft_expr {
	enum tna_nft_expr_kind kind;
	/* match */
	enum tna_nft_field field;
	enum tna_nft_op op;
	bool has_mask;
	uint8_t mask[16];
	int l4proto;		/* implied `meta l4proto`, -1 none; -2 tcp or udp (th) */
	int nfproto;		/* implied `meta nfproto`, 0 none */
	int set;		/* named set (index into sets), -1 anonymous */
	int n_elems;
	struct tna_nft_elem *elems;
	/* verdict */
	enum tna_nft_verdict verdict;
	char target[TNA_NFT_NAME];	/* jump/goto */
	/* other */
	char reason[48];
};

struct tna_nft_rule {
	uint64_t handle;
	int n_exprs;
	struct tna_nft_expr *exprs;
};

struct tna_nft_chain {
	int family;
	char table[TNA_NFT_NAME], name[TNA_NFT_NAME];
	uint64_t handle;
	bool base;
	enum tna_nft_chain_type type;
	enum tna_nft_hook hook;
	int prio;
	bool policy_drop;
	int n_rules;
	struct tna_nft_rule *rules;
};

struct tna_nft_set {
	int family;
	char table[TNA_NFT_NAME], name[TNA_NFT_NAME];
	char type[48];		/* "ipv4_addr", "inet_service", ... */
	enum tna_nft_field key;	/* TNA_NFT_F_NONE: a key type we do not read */
	int key_len;
	bool is_map;
	/* why a match on it cannot be evaluated from a copy: "" when it can */
	char unsupported[64];
	int n_elems;
	struct tna_nft_elem *elems;
};

struct tna_nft_ruleset {
	int n_chains, n_sets;
	struct tna_nft_chain *chains;
	struct tna_nft_set *sets;
};

/* Parse the JSON of `nft -j -n list ruleset` (numeric symbols: ct states,
 * ICMP types and protocols as numbers; interface names of iif/oif are
 * resolved with if_nametoindex in the current namespace).  -EINVAL on
 * JSON that is not an nftables ruleset (errno-style), -ENOMEM. */
int tna_nft_parse(const char *json, struct tna_nft_ruleset *rs);
/* Read the current namespace's ruleset through libnftables and parse it.
 * -EIO when libnftables fails (its message is not kept). */
int tna_nft_read(struct tna_nft_ruleset *rs);
/* The JSON text libnftables gives (malloc'd), for fixtures and tests. */
char *tna_nft_list_json(void);
void tna_nft_free(struct tna_nft_ruleset *rs);

const struct tna_nft_chain *tna_nft_chain_find(const struct tna_nft_ruleset *rs, int family,
					       const char *table, const char *name);
int tna_nft_set_find(const struct tna_nft_ruleset *rs, int family, const char *table,
		     const char *name);
const char *tna_nft_family_name(int family);
const char *tna_nft_hook_name(enum tna_nft_hook h);

#endif
