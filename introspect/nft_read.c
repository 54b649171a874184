/* Read the ruleset of the current network namespace with libnftables,
 * and the IR's small helpers (see introspect/nft_ir.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <nftables/libnftables.h>
#include "introspect/nft_ir.h"

char *tna_nft_list_json(void)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *out;
	char *copy = NULL;

	if (!ctx) {
		errno = ENOMEM;
		return NULL;
	}
	/* numeric: ct states, ICMP types, protocols as numbers; no names
	 * table of our own to keep in step with nft's */
	nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_NUMERIC_ALL);
	if (nft_ctx_buffer_output(ctx) || nft_ctx_buffer_error(ctx)) {
		errno = ENOMEM;
		goto out;
	}
	if (nft_run_cmd_from_buffer(ctx, "list ruleset")) {
		errno = EIO;
		goto out;
	}
	out = nft_ctx_get_output_buffer(ctx);
	/* an empty ruleset prints nothing in some versions */
	copy = strdup(out && out[0] ? out : "{\"nftables\": []}");
	if (!copy)
		errno = ENOMEM;
out:
	nft_ctx_free(ctx);
	return copy;
}

int tna_nft_read(struct tna_nft_ruleset *rs)
{
	char *json = tna_nft_list_json();
	int r;

	if (!json)
		return -errno;
	r = tna_nft_parse(json, rs);
	free(json);
	return r;
}

void tna_nft_free(struct tna_nft_ruleset *rs)
{
	if (!rs)
		return;
	for (int c = 0; c < rs->n_chains; c++) {
		struct tna_nft_chain *ch = &rs->chains[c];

		for (int r = 0; r < ch->n_rules; r++) {
			for (int e = 0; e < ch->rules[r].n_exprs; e++)
				free(ch->rules[r].exprs[e].elems);
			free(ch->rules[r].exprs);
		}
		free(ch->rules);
	}
	for (int s = 0; s < rs->n_sets; s++)
		free(rs->sets[s].elems);
	free(rs->chains);
	free(rs->sets);
	memset(rs, 0, sizeof(*rs));
}

const struct tna_nft_chain *tna_nft_chain_find(const struct tna_nft_ruleset *rs, int family,
					       const char *table, const char *name)
{
	for (int i = 0; i < rs->n_chains; i++)
		if (rs->chains[i].family == family && !strcmp(rs->chains[i].table, table) &&
		    !strcmp(rs->chains[i].name, name))
			return &rs->chains[i];
	return NULL;
}

int tna_nft_set_find(const struct tna_nft_ruleset *rs, int family, const char *table,
		     const char *name)
{
	for (int i = 0; i < rs->n_sets; i++)
		if (rs->sets[i].family == family && !strcmp(rs->sets[i].table, table) &&
		    !strcmp(rs->sets[i].name, name))
			return i;
	return -1;
}

const char *tna_nft_family_name(int family)
{
	switch (family) {
	case TNA_NFT_INET: return "inet";
	case TNA_NFT_IP: return "ip";
	case TNA_NFT_ARP: return "arp";
	case TNA_NFT_NETDEV: return "netdev";
	case TNA_NFT_BRIDGE: return "bridge";
	case TNA_NFT_IP6: return "ip6";
	default: return "?";
	}
}

const char *tna_nft_hook_name(enum tna_nft_hook h)
{
	static const char *const n[] = { "prerouting", "input", "forward", "output",
					 "postrouting", "ingress", "egress" };

	return h >= 0 && h <= TNA_NFT_H_EGRESS ? n[h] : "none";
}
