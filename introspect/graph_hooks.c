/* The operator's hooks on the service graph: what runs beside TNA's own
 * modules in every pipeline (docs/hooks.md).  A hook sees every frame of
 * the bridges and the router, so each of them points to it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "introspect/graph.h"

int tna_graph_add_hooks(struct tna_graph *g, const char *const *slots,
			const char *const *objects, int n)
{
	size_t nodes = tna_graph_node_count(g);

	for (int i = 0; i < n; i++) {
		const char *base = strrchr(objects[i], '/');
		char name[48];
		int h;

		snprintf(name, sizeof(name), "hook %s: %s", slots[i], base ? base + 1 : objects[i]);
		h = tna_graph_add_node(g, TNA_NODE_HOOK, name, 0);
		if (h < 0)
			return h;
		{
			struct tna_graph_node *x = (struct tna_graph_node *)tna_graph_node(g, (size_t)h);

			snprintf(x->hook_slot, sizeof(x->hook_slot), "%s", slots[i]);
			snprintf(x->hook_object, sizeof(x->hook_object), "%s",
				 base ? base + 1 : objects[i]);
		}
		for (size_t j = 0; j < nodes; j++) {
			const struct tna_graph_node *b = tna_graph_node(g, j);

			if ((b->kind == TNA_NODE_BRIDGE || b->kind == TNA_NODE_ROUTER) &&
			    tna_graph_add_edge(g, (int)j, h, TNA_EDGE_HOOKED_BY) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}
