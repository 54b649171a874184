/* The dependency graph of the services in use, built from a model by the
 * domain rules of introspect/rules.c.  Read-only for callers. */
#ifndef TNA_INTROSPECT_GRAPH_H
#define TNA_INTROSPECT_GRAPH_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "introspect/model.h"

enum tna_node_kind { TNA_NODE_BRIDGE, TNA_NODE_PORT, TNA_NODE_L3, TNA_NODE_ROUTER,
		     TNA_NODE_NETFILTER, TNA_NODE_HOOK };
enum tna_edge_kind {
	TNA_EDGE_PORT_OF,	/* port -> bridge */
	TNA_EDGE_ROUTES_VIA,	/* bridge -> its L3 interface; router -> L3 interface */
	TNA_EDGE_FILTERED_BY,	/* bridge/router/L3 -> netfilter hook */
	TNA_EDGE_HOOKED_BY,	/* bridge/router -> an operator's XDP hook */
};

/* Why a node cannot be accelerated (yet).  Names are stable: tools,
 * tests and the assembler match on them.  (Not the fast path's per-packet
 * reasons of bpf/tna_kern_user.h: these are about configuration.) */
enum tna_graph_reason {
	TNA_GRAPH_REASON_VLAN_8021AD,	/* "vlan-802.1ad" */
	TNA_GRAPH_REASON_TC_FILTER,		/* "tc-filter" */
	TNA_GRAPH_REASON_FOREIGN_XDP,		/* "foreign-xdp" */
	TNA_GRAPH_REASON_PORT_LOCKED,		/* "port-locked" */
	TNA_GRAPH_REASON_PORT_KIND,		/* "port-kind" */
	TNA_GRAPH_REASON_BRIDGE,		/* "bridge-not-accelerable" */
	TNA_GRAPH_REASON_NF_BRIDGED,		/* "netfilter-bridged" */
	TNA_GRAPH_REASON_NF_FORWARD,		/* "netfilter-forward" */
	TNA_GRAPH_REASON_NF_INGRESS,		/* "netfilter-ingress" */
	TNA_GRAPH_REASON_NF_RULES,		/* "netfilter-rules" */
	TNA_GRAPH_REASON_NF_UNKNOWN,		/* "netfilter-unreadable" */
	TNA_GRAPH_REASON_TC_EGRESS,		/* "tc-egress" */
	TNA_GRAPH_REASON_XFRM,			/* "xfrm" */
	TNA_GRAPH_REASON_RP_FILTER,		/* "rp-filter" */
	TNA_GRAPH_REASON_IPV6_DISABLED,		/* "ipv6-disabled" */
	TNA_GRAPH_REASON_NF_BRIDGE_LOCAL,	/* "netfilter-bridge-local" */
	TNA_GRAPH_REASON_VLAN_MST,		/* "vlan-mst" */
	TNA_GRAPH_REASON__COUNT
};
/* Which of a node's traffic a reason sends to Linux.  A node is
 * accelerable while none of its reasons takes all of it (IPV4 | IPV6). */
#define TNA_SCOPE_IPV4		0x01	/* its IPv4 (router, L3) */
#define TNA_SCOPE_IPV6		0x02	/* its IPv6 */
#define TNA_SCOPE_ALL		(TNA_SCOPE_IPV4 | TNA_SCOPE_IPV6)
#define TNA_SCOPE_INGRESS	0x04	/* what it receives (a port: what enters) */
#define TNA_SCOPE_EGRESS	0x08	/* what is sent out of it */
const char *tna_graph_reason_name(enum tna_graph_reason r);	/* "tc-filter" */
const char *tna_graph_reason_text(enum tna_graph_reason r);	/* "tc filter on port" */

struct tna_graph_node {
	int id;				/* index in the graph */
	enum tna_node_kind kind;
	char name[48];			/* link name; "router"; "ip forward" */
	int ifindex;			/* 0 for router and netfilter nodes */
	bool accelerable;		/* no reason takes all its traffic */
	uint32_t reasons;		/* bit (1 << enum tna_graph_reason) */
	uint8_t scope[TNA_GRAPH_REASON__COUNT];	/* TNA_SCOPE_* of each reason */
	/* netfilter nodes: NFPROTO_* family, hook, rules there (all sources) */
	uint8_t nf_family, nf_hook;
	uint32_t nf_rules;
	/* and what the netfilter fast path leaves to Linux there (the
	 * compiler's notes: tna_graph_nf_note) */
	int n_fp_notes;
	char fp_notes[8][160];
	/* router: the families whose netfilter-forward rules the fast path
	 * evaluates (TNA_SCOPE_IPV4/IPV6), and the compiler's word per family
	 * ([0] IPv4, [1] IPv6; "" not asked): tna_graph_nf_verdict */
	uint8_t nf_compiled;
	char nf_verdict[2][192];
	/* hook nodes: the slot ("ingress", "classified", "egress") and the
	 * object's file name; the function is tna_hook_<slot> */
	char hook_slot[16];
	char hook_object[64];
};

struct tna_graph_edge {
	int from, to;			/* node ids */
	enum tna_edge_kind kind;
};

struct tna_graph;
struct tna_graph *tna_graph_build(const struct tna_model *m);	/* NULL + errno */
void tna_graph_free(struct tna_graph *g);
size_t tna_graph_node_count(const struct tna_graph *g);
const struct tna_graph_node *tna_graph_node(const struct tna_graph *g, size_t i);
size_t tna_graph_edge_count(const struct tna_graph *g);
const struct tna_graph_edge *tna_graph_edge(const struct tna_graph *g, size_t i);
/* iteration: return non-zero from the callback to stop */
int tna_graph_for_each_node(const struct tna_graph *g,
			    int (*cb)(const struct tna_graph_node *, void *), void *ctx);
const struct tna_graph_node *tna_graph_find(const struct tna_graph *g,
					    enum tna_node_kind kind, const char *name);
/* First reason's name that takes all its traffic, NULL when accelerable. */
const char *tna_graph_node_reason(const struct tna_graph_node *n);
/* TNA_SCOPE_* of reason R on N, 0 when N does not have it. */
static inline uint8_t tna_graph_scope(const struct tna_graph_node *n, enum tna_graph_reason r)
{
	return (n->reasons & (1u << r)) ? n->scope[r] : 0;
}
/* "all", "ipv4", "ipv6", "ingress", "egress" */
const char *tna_graph_scope_name(uint8_t scope);
const char *tna_node_kind_name(enum tna_node_kind k);	/* "bridge", "port", "l3", "router", "netfilter", "hook" */
const char *tna_edge_kind_name(enum tna_edge_kind k);	/* "port-of", "routes-via", "filtered-by", "hooked-by" */

/* The operator's hooks of the running controller (docs/hooks.md): a node
 * "hook SLOT: FILE" each (hook_slot, hook_object), linked from every
 * bridge and the router (hooked-by).  N pairs SLOTS[i], OBJECTS[i].
 * 0 or -ENOMEM. */
int tna_graph_add_hooks(struct tna_graph *g, const char *const *slots,
			const char *const *objects, int n);

int tna_graph_print_json(const struct tna_graph *g, FILE *f);
int tna_graph_print_dot(const struct tna_graph *g, FILE *f);

/* Netfilter family and hook names as nft writes them ("ip6", "forward";
 * netdev hooks are "ingress"/"egress"), for NFPROTO_* and NF_INET_*. */
const char *tna_nf_family_name(int family);
const char *tna_nf_hook_name(int family, int hook);

/* internal to introspect/: used by rules.c */
int tna_graph_add_node(struct tna_graph *g, enum tna_node_kind kind, const char *name, int ifindex);
int tna_graph_add_edge(struct tna_graph *g, int from, int to, enum tna_edge_kind kind);
void tna_graph_block(struct tna_graph *g, int node, enum tna_graph_reason r);
void tna_graph_limit(struct tna_graph *g, int node, enum tna_graph_reason r, uint8_t scope);
struct tna_graph *tna_graph_new(void);

/* What the netfilter compiler says, put on the graph by the assembler
 * (assembler/filter_verdict.h: introspect does not compile rules).
 * A note on the netfilter node of FAMILY/HOOK (NFPROTO_*, NF_INET_*):
 * -ENOENT when the graph has no such node. */
int tna_graph_nf_note(struct tna_graph *g, int family, int hook, const char *text);
/* The router's family V6 (0 IPv4, 1 IPv6): COMPILED or not, and why.  A
 * compiled family's netfilter-forward no longer keeps the router from
 * being accelerable. */
void tna_graph_nf_verdict(struct tna_graph *g, int v6, bool compiled, const char *text);
#endif
