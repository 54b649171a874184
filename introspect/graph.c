/* Graph container and its JSON and DOT printers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "introspect/graph.h"

struct tna_graph {
	struct tna_graph_node *nodes;
	size_t n, cap;
	struct tna_graph_edge *edges;
	size_t ne, ecap;
};

static const struct { const char *name, *text; } reasons[TNA_GRAPH_REASON__COUNT] = {
	[TNA_GRAPH_REASON_VLAN_8021AD] = { "vlan-802.1ad", "VLAN filtering on 802.1ad (QinQ) tags: not supported yet" },
	[TNA_GRAPH_REASON_TC_FILTER] = { "tc-filter", "tc sees its ingress (filters or tcx programs): XDP would bypass them" },
	[TNA_GRAPH_REASON_FOREIGN_XDP] = { "foreign-xdp", "foreign XDP program attached" },
	[TNA_GRAPH_REASON_PORT_LOCKED] = { "port-locked", "port locked (802.1X): what enters it goes to Linux" },
	[TNA_GRAPH_REASON_PORT_KIND] = { "port-kind", "port device kind not supported yet" },
	[TNA_GRAPH_REASON_BRIDGE] = { "bridge-not-accelerable", "its bridge is not accelerable" },
	[TNA_GRAPH_REASON_NF_BRIDGED] = { "netfilter-bridged", "br_netfilter runs rules on bridged traffic" },
	[TNA_GRAPH_REASON_NF_FORWARD] = { "netfilter-forward", "netfilter rules on forwarded traffic" },
	[TNA_GRAPH_REASON_NF_INGRESS] = { "netfilter-ingress", "nftables ingress/egress chain with rules on this device" },
	[TNA_GRAPH_REASON_NF_RULES] = { "netfilter-rules", "netfilter rules run in Linux only" },
	[TNA_GRAPH_REASON_NF_UNKNOWN] = { "netfilter-unreadable", "netfilter ruleset could not be read" },
	[TNA_GRAPH_REASON_TC_EGRESS] = { "tc-egress", "a qdisc or egress filters (tc, tcx): what is sent out of it goes through Linux" },
	[TNA_GRAPH_REASON_XFRM] = { "xfrm", "IPsec (xfrm) policies or SAs: routed traffic of that family goes to Linux" },
	[TNA_GRAPH_REASON_RP_FILTER] = { "rp-filter", "rp_filter on: routed IPv4 it receives goes to Linux" },
	[TNA_GRAPH_REASON_IPV6_DISABLED] = { "ipv6-disabled", "disable_ipv6 on: IPv6 it receives goes to Linux (which drops it)" },
	[TNA_GRAPH_REASON_VLAN_MST] = { "vlan-mst", "VLAN filtering with MST: per-VLAN port states change without a notification" },
	[TNA_GRAPH_REASON_NF_BRIDGE_LOCAL] = { "netfilter-bridge-local", "nftables bridge-family input/output chains see what the bridge delivers up and sends: routing through it stays on Linux" },
};

const char *tna_graph_reason_name(enum tna_graph_reason r)
{
	return (unsigned)r < TNA_GRAPH_REASON__COUNT ? reasons[r].name : "?";
}

const char *tna_graph_reason_text(enum tna_graph_reason r)
{
	return (unsigned)r < TNA_GRAPH_REASON__COUNT ? reasons[r].text : "?";
}

const char *tna_node_kind_name(enum tna_node_kind k)
{
	static const char *const n[] = { "bridge", "port", "l3", "router", "netfilter", "hook" };

	return (unsigned)k < 6 ? n[k] : "?";
}

const char *tna_edge_kind_name(enum tna_edge_kind k)
{
	static const char *const n[] = { "port-of", "routes-via", "filtered-by", "hooked-by" };

	return (unsigned)k < 4 ? n[k] : "?";
}

struct tna_graph *tna_graph_new(void)
{
	return calloc(1, sizeof(struct tna_graph));
}

void tna_graph_free(struct tna_graph *g)
{
	if (!g)
		return;
	free(g->nodes);
	free(g->edges);
	free(g);
}

int tna_graph_add_node(struct tna_graph *g, enum tna_node_kind kind, const char *name, int ifindex)
{
	struct tna_graph_node *n;

	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		void *p = realloc(g->nodes, cap * sizeof(*g->nodes));

		if (!p)
			return -ENOMEM;
		g->nodes = p;
		g->cap = cap;
	}
	n = &g->nodes[g->n];
	memset(n, 0, sizeof(*n));
	n->id = (int)g->n;
	n->kind = kind;
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->ifindex = ifindex;
	n->accelerable = true;
	return (int)g->n++;
}

int tna_graph_add_edge(struct tna_graph *g, int from, int to, enum tna_edge_kind kind)
{
	if (from < 0 || to < 0)
		return -EINVAL;
	for (size_t i = 0; i < g->ne; i++)
		if (g->edges[i].from == from && g->edges[i].to == to && g->edges[i].kind == kind)
			return 0;
	if (g->ne == g->ecap) {
		size_t cap = g->ecap ? g->ecap * 2 : 16;
		void *p = realloc(g->edges, cap * sizeof(*g->edges));

		if (!p)
			return -ENOMEM;
		g->edges = p;
		g->ecap = cap;
	}
	g->edges[g->ne++] = (struct tna_graph_edge){ from, to, kind };
	return 0;
}

void tna_graph_limit(struct tna_graph *g, int node, enum tna_graph_reason r, uint8_t scope)
{
	struct tna_graph_node *n;

	if (node < 0 || (size_t)node >= g->n)
		return;
	n = &g->nodes[node];
	if (!(n->reasons & (1u << r)))
		n->scope[r] = 0;
	n->reasons |= 1u << r;
	n->scope[r] |= scope;
	if ((n->scope[r] & TNA_SCOPE_ALL) == TNA_SCOPE_ALL)
		n->scope[r] = TNA_SCOPE_ALL;	/* everything: no direction left */
	if (n->scope[r] == TNA_SCOPE_ALL)
		n->accelerable = false;
}

void tna_graph_block(struct tna_graph *g, int node, enum tna_graph_reason r)
{
	tna_graph_limit(g, node, r, TNA_SCOPE_ALL);
}

int tna_graph_nf_note(struct tna_graph *g, int family, int hook, const char *text)
{
	int ret = -ENOENT;

	for (size_t i = 0; i < g->n; i++) {
		struct tna_graph_node *n = &g->nodes[i];
		bool dup = false;

		if (n->kind != TNA_NODE_NETFILTER || n->nf_family != family || n->nf_hook != hook)
			continue;
		ret = 0;
		for (int k = 0; k < n->n_fp_notes && !dup; k++)
			dup = !strcmp(n->fp_notes[k], text);
		if (!dup && n->n_fp_notes < 8)
			snprintf(n->fp_notes[n->n_fp_notes++], sizeof(n->fp_notes[0]), "%s", text);
	}
	return ret;
}

void tna_graph_nf_verdict(struct tna_graph *g, int v6, bool compiled, const char *text)
{
	uint8_t bit = v6 ? TNA_SCOPE_IPV6 : TNA_SCOPE_IPV4;

	for (size_t i = 0; i < g->n; i++) {
		struct tna_graph_node *n = &g->nodes[i];

		if (n->kind != TNA_NODE_ROUTER)
			continue;
		n->nf_compiled = compiled ? n->nf_compiled | bit : n->nf_compiled & ~bit;
		snprintf(n->nf_verdict[v6 ? 1 : 0], sizeof(n->nf_verdict[0]), "%s", text);
		n->accelerable = true;
		for (int r = 0; r < TNA_GRAPH_REASON__COUNT; r++) {
			uint8_t s = n->scope[r];

			if (r == TNA_GRAPH_REASON_NF_FORWARD)
				s &= (uint8_t)~n->nf_compiled;
			if ((n->reasons & (1u << r)) && s == TNA_SCOPE_ALL)
				n->accelerable = false;
		}
	}
}

const char *tna_graph_scope_name(uint8_t scope)
{
	switch (scope) {
	case TNA_SCOPE_IPV4: return "ipv4";
	case TNA_SCOPE_IPV6: return "ipv6";
	case TNA_SCOPE_INGRESS: return "ingress";
	case TNA_SCOPE_EGRESS: return "egress";
	default: return "all";
	}
}

size_t tna_graph_node_count(const struct tna_graph *g) { return g->n; }
size_t tna_graph_edge_count(const struct tna_graph *g) { return g->ne; }

const struct tna_graph_node *tna_graph_node(const struct tna_graph *g, size_t i)
{
	return i < g->n ? &g->nodes[i] : NULL;
}

const struct tna_graph_edge *tna_graph_edge(const struct tna_graph *g, size_t i)
{
	return i < g->ne ? &g->edges[i] : NULL;
}

int tna_graph_for_each_node(const struct tna_graph *g,
			    int (*cb)(const struct tna_graph_node *, void *), void *ctx)
{
	for (size_t i = 0; i < g->n; i++) {
		int r = cb(&g->nodes[i], ctx);

		if (r)
			return r;
	}
	return 0;
}

const struct tna_graph_node *tna_graph_find(const struct tna_graph *g,
					    enum tna_node_kind kind, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->nodes[i].kind == kind && !strcmp(g->nodes[i].name, name))
			return &g->nodes[i];
	return NULL;
}

const char *tna_graph_node_reason(const struct tna_graph_node *n)
{
	for (int r = 0; r < TNA_GRAPH_REASON__COUNT; r++)
		if ((n->reasons & (1u << r)) && n->scope[r] == TNA_SCOPE_ALL)
			return reasons[r].name;
	return NULL;
}

/* "kind:name": unique, stable across runs. */
static void node_id(const struct tna_graph_node *n, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s", tna_node_kind_name(n->kind), n->name);
}

int tna_graph_print_json(const struct tna_graph *g, FILE *f)
{
	json_object *o = json_object_new_object();
	json_object *nodes = json_object_new_array(), *edges = json_object_new_array();
	char id[64];
	int ret = 0;

	for (size_t i = 0; i < g->n; i++) {
		const struct tna_graph_node *n = &g->nodes[i];
		json_object *x = json_object_new_object(), *rs = json_object_new_array();

		node_id(n, id, sizeof(id));
		json_object_object_add(x, "id", json_object_new_string(id));
		json_object_object_add(x, "kind", json_object_new_string(tna_node_kind_name(n->kind)));
		json_object_object_add(x, "name", json_object_new_string(n->name));
		if (n->ifindex)
			json_object_object_add(x, "ifindex", json_object_new_int(n->ifindex));
		if (n->kind == TNA_NODE_NETFILTER) {
			json_object *fp = json_object_new_array();

			json_object_object_add(x, "rules", json_object_new_int64(n->nf_rules));
			for (int k = 0; k < n->n_fp_notes; k++)
				json_object_array_add(fp, json_object_new_string(n->fp_notes[k]));
			json_object_object_add(x, "fast_path_to_linux", fp);
		}
		if (n->kind == TNA_NODE_HOOK) {
			char fn[32];

			snprintf(fn, sizeof(fn), "tna_hook_%s", n->hook_slot);
			json_object_object_add(x, "slot", json_object_new_string(n->hook_slot));
			json_object_object_add(x, "object", json_object_new_string(n->hook_object));
			json_object_object_add(x, "function", json_object_new_string(fn));
		}
		if (n->nf_verdict[0][0] || n->nf_verdict[1][0]) {
			json_object *v = json_object_new_object();

			for (int k = 0; k < 2; k++) {
				json_object *y;

				if (!n->nf_verdict[k][0])
					continue;
				y = json_object_new_object();
				json_object_object_add(y, "compiled", json_object_new_boolean(
					n->nf_compiled & (k ? TNA_SCOPE_IPV6 : TNA_SCOPE_IPV4)));
				json_object_object_add(y, "text", json_object_new_string(n->nf_verdict[k]));
				json_object_object_add(v, k ? "ipv6" : "ipv4", y);
			}
			json_object_object_add(x, "netfilter_fast_path", v);
		}
		json_object_object_add(x, "accelerable", json_object_new_boolean(n->accelerable));
		for (int r = 0; r < TNA_GRAPH_REASON__COUNT; r++) {
			json_object *y;

			if (!(n->reasons & (1u << r)))
				continue;
			y = json_object_new_object();
			json_object_object_add(y, "name", json_object_new_string(reasons[r].name));
			json_object_object_add(y, "text", json_object_new_string(reasons[r].text));
			if (n->scope[r] != TNA_SCOPE_ALL)	/* only part of its traffic */
				json_object_object_add(y, "scope",
						       json_object_new_string(tna_graph_scope_name(n->scope[r])));
			json_object_array_add(rs, y);
		}
		json_object_object_add(x, "reasons", rs);
		json_object_array_add(nodes, x);
	}
	for (size_t i = 0; i < g->ne; i++) {
		json_object *x = json_object_new_object();

		node_id(&g->nodes[g->edges[i].from], id, sizeof(id));
		json_object_object_add(x, "from", json_object_new_string(id));
		node_id(&g->nodes[g->edges[i].to], id, sizeof(id));
		json_object_object_add(x, "to", json_object_new_string(id));
		json_object_object_add(x, "kind", json_object_new_string(tna_edge_kind_name(g->edges[i].kind)));
		json_object_array_add(edges, x);
	}
	json_object_object_add(o, "nodes", nodes);
	json_object_object_add(o, "edges", edges);
	if (fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_SPACED)) < 0)
		ret = -EIO;
	json_object_put(o);
	return ret;
}

int tna_graph_print_dot(const struct tna_graph *g, FILE *f)
{
	static const char *const shape[] = { "box", "ellipse", "diamond", "doubleoctagon", "hexagon" };
	char id[64], id2[64];

	fprintf(f, "digraph tna {\n\trankdir=BT;\n\tnode [fontname=\"Helvetica\", style=filled];\n"
		   "\tedge [fontname=\"Helvetica\", fontsize=10];\n");
	for (size_t i = 0; i < g->n; i++) {
		const struct tna_graph_node *n = &g->nodes[i];

		node_id(n, id, sizeof(id));
		fprintf(f, "\t\"%s\" [shape=%s, fillcolor=\"%s\", label=\"%s\\n%s", id,
			shape[n->kind], !n->accelerable ? "#f4a9a0" : n->reasons ? "#fde2a7" : "#b7e4c7",
			tna_node_kind_name(n->kind), n->name);
		if (n->kind == TNA_NODE_NETFILTER)
			fprintf(f, "\\nrules: %u", n->nf_rules);
		for (int k = 0; k < 2; k++)
			if (n->nf_verdict[k][0]) {
				bool on = n->nf_compiled & (k ? TNA_SCOPE_IPV6 : TNA_SCOPE_IPV4);

				fprintf(f, "\\n%s netfilter %s: %s", on ? "✓" : "✗", k ? "ipv6" : "ipv4",
					on ? "compiled" : "Linux");
			}
		for (int k = 0; k < n->n_fp_notes; k++)	/* reason: rule */
			fprintf(f, "\\n→ Linux: %.*s", (int)strcspn(n->fp_notes[k], ":"),
				n->fp_notes[k]);
		for (int r = 0; r < TNA_GRAPH_REASON__COUNT; r++)
			if (r == TNA_GRAPH_REASON_NF_FORWARD && (n->reasons & (1u << r)) &&
			    !(n->scope[r] & TNA_SCOPE_ALL & ~n->nf_compiled))
				continue;	/* compiled: the ✓ lines above */
			else if ((n->reasons & (1u << r)) && n->scope[r] == TNA_SCOPE_ALL)
				fprintf(f, "\\n✗ %s", reasons[r].name);
			else if (n->reasons & (1u << r))
				fprintf(f, "\\n~ %s (%s)", reasons[r].name,
					tna_graph_scope_name(n->scope[r]));
		fprintf(f, "\"];\n");
	}
	for (size_t i = 0; i < g->ne; i++) {
		node_id(&g->nodes[g->edges[i].from], id, sizeof(id));
		node_id(&g->nodes[g->edges[i].to], id2, sizeof(id2));
		fprintf(f, "\t\"%s\" -> \"%s\" [label=\"%s\"%s];\n", id, id2,
			tna_edge_kind_name(g->edges[i].kind),
			g->edges[i].kind == TNA_EDGE_FILTERED_BY ? ", style=dashed" : "");
	}
	return fprintf(f, "}\n") < 0 ? -EIO : 0;
}
