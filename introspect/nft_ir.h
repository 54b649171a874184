/* The nftables ruleset with its structure: tables' base and regular
 * chains (hook, priority, policy), rules as match expressions and a
 * verdict, named and anonymous sets with their elements.
 *
 * Read with libnftnl from the kernel's own netlink dump: every rule is the
 * register program the kernel runs (loads, bitwise masks, compares,
 * ranges, set lookups, an immediate verdict), not a listing rebuilt from
 * it.  (libnftables 1.0.6 lists `tcp sport < 1024 tcp dport > 60000` as
 * `tcp dport != 1024-60000`: its listing cannot be the source of truth.)
 * Each compare, range or lookup becomes one match on what its register
 * holds (a meta or ct key, or a header payload at base/offset/length,
 * possibly masked), so implicit dependencies (`tcp dport` is `meta
 * l4proto 6` then a payload compare) are simply more matches.
 *
 * Values are big-endian byte strings of the load's length: keys the
 * kernel keeps in host order (meta mark, iif, ct state, ...) are converted
 * where that keeps the meaning (equality, masks, exact sets, or after a
 * `byteorder hton`); an order on host-order bytes is left to Linux.
 * Anything the fast path does not evaluate is an expression of kind
 * TNA_NFT_X_OTHER with a reason name ("log", "counter", "limit", "xt",
 * "meta mark set", ...): the compiler sends whatever reaches it to Linux.
 * Functions return 0 or a negative errno; nothing prints. */
#ifndef TNA_INTROSPECT_NFT_IR_H
#define TNA_INTROSPECT_NFT_IR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* NFPROTO_* values */
#define TNA_NFT_INET	1
#define TNA_NFT_IP	2
#define TNA_NFT_ARP	3
#define TNA_NFT_NETDEV	5
#define TNA_NFT_BRIDGE	7
#define TNA_NFT_IP6	10

/* NF_INET_* hook numbers; NF_NETDEV_INGRESS/EGRESS are 0/1 in the netdev
 * family, reported as TNA_NFT_H_INGRESS/EGRESS here */
enum tna_nft_hook {
	TNA_NFT_H_NONE = -1,
	TNA_NFT_H_PREROUTING, TNA_NFT_H_INPUT, TNA_NFT_H_FORWARD,
	TNA_NFT_H_OUTPUT, TNA_NFT_H_POSTROUTING, TNA_NFT_H_INGRESS,
	TNA_NFT_H_EGRESS,
};

enum tna_nft_chain_type { TNA_NFT_T_FILTER, TNA_NFT_T_NAT, TNA_NFT_T_ROUTE };

/* What a register holds. */
enum tna_nft_load_kind { TNA_NFT_L_META, TNA_NFT_L_CT, TNA_NFT_L_PAYLOAD };
/* NFT_PAYLOAD_* bases */
#define TNA_NFT_LL	0
#define TNA_NFT_NH	1
#define TNA_NFT_TH	2
struct tna_nft_load {
	enum tna_nft_load_kind kind;
	int key;		/* NFT_META_* / NFT_CT_* */
	int base, offset;	/* payload */
	int len;		/* bytes */
};

enum tna_nft_op {
	TNA_NFT_OP_EQ, TNA_NFT_OP_NE,			/* in / not in the elements or set */
	TNA_NFT_OP_LT, TNA_NFT_OP_GT, TNA_NFT_OP_LE, TNA_NFT_OP_GE,
};

/* An interval of values, big-endian, both ends included. */
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
	TNA_NFT_X_OTHER,	/* outside the subset: `reason` says what */
};

#define TNA_NFT_NAME 64
struct tna_nft_expr {
	enum tna_nft_expr_kind kind;
	/* match: (load & mask) op elements, or in / not in set */
	struct tna_nft_load load;
	bool has_mask;
	uint8_t mask[16];
	enum tna_nft_op op;
	int set;		/* index into sets, -1 none */
	int n_elems;
	struct tna_nft_elem *elems;
	/* verdict */
	enum tna_nft_verdict verdict;
	char target[TNA_NFT_NAME];	/* jump/goto */
	/* other */
	char reason[48];
	bool ct;		/* the statement needs conntrack (or may: xt) */
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
	bool base;		/* registered at a hook (not in a dormant table) */
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
	int key_len;		/* bytes */
	bool interval, host_order;
	/* why a match on it cannot be evaluated from a copy ("" when it can):
	 * a map, concatenations, timeouts, updates from the datapath */
	char unsupported[48];
	int n_elems;
	struct tna_nft_elem *elems;	/* host-order keys already converted */
};

struct tna_nft_ruleset {
	uint32_t genid;		/* ruleset generation the dump is consistent with */
	int n_chains, n_sets;
	struct tna_nft_chain *chains;
	struct tna_nft_set *sets;
};

/* The raw netlink dump of the current namespace's ruleset (tables,
 * chains, sets, set elements, rules): malloc'd messages one after the
 * other, consistent with one generation (re-read when it changed
 * meanwhile).  Returns 0 or -errno. */
int tna_nft_dump(void **buf, size_t *len, uint32_t *genid);
/* The current ruleset generation (bumped by every committed change). */
int tna_nft_genid(uint32_t *gen);
/* Build the IR from such a dump (live or a recorded fixture).  -EINVAL on
 * messages that are not an nftables dump, -ENOMEM. */
int tna_nft_parse(const void *buf, size_t len, struct tna_nft_ruleset *rs);
/* Both. */
int tna_nft_read(struct tna_nft_ruleset *rs);
/* The same on an open NETLINK_NETFILTER socket (common/nl.h): closing
 * one waits for the ruleset's pending releases (an RCU grace period after
 * rules were deleted), so a follower keeps its socket. */
struct tna_nl;
int tna_nft_dump_nl(struct tna_nl *nl, void **buf, size_t *len, uint32_t *genid);
int tna_nft_read_nl(struct tna_nl *nl, struct tna_nft_ruleset *rs);
void tna_nft_free(struct tna_nft_ruleset *rs);

const struct tna_nft_chain *tna_nft_chain_find(const struct tna_nft_ruleset *rs, int family,
					       const char *table, const char *name);
int tna_nft_set_find(const struct tna_nft_ruleset *rs, int family, const char *table,
		     const char *name);
const char *tna_nft_family_name(int family);
const char *tna_nft_hook_name(enum tna_nft_hook h);
/* "meta iifname", "ct state", "nh 12/4", ... for reasons and listings. */
void tna_nft_load_name(const struct tna_nft_load *l, char *buf, size_t len);

#endif
