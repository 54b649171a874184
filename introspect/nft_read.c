/* The raw nftables dump of the current namespace (introspect/nft_ir.h):
 * tables, chains, sets, the elements of every set, rules, all from one
 * ruleset generation; and the IR's small helpers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include "common/nl.h"
#include "introspect/nft_ir.h"

struct raw {
	uint8_t *p;
	size_t len, cap;
	int err;
};

static int keep(const struct nlmsghdr *nlh, void *data)
{
	struct raw *r = data;
	size_t n = MNL_ALIGN(nlh->nlmsg_len);

	if (r->len + n > r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 65536;
		uint8_t *p;

		while (cap < r->len + n)
			cap *= 2;
		p = realloc(r->p, cap);
		if (!p) {
			r->err = -ENOMEM;
			return MNL_CB_ERROR;
		}
		r->p = p;
		r->cap = cap;
	}
	memcpy(r->p + r->len, nlh, nlh->nlmsg_len);
	memset(r->p + r->len + nlh->nlmsg_len, 0, n - nlh->nlmsg_len);
	r->len += n;
	return MNL_CB_OK;
}

static struct nlmsghdr *request(struct tna_nl *nl, char *buf, uint8_t cmd, int family,
				uint16_t flags)
{
	struct nlmsghdr *nlh = tna_nl_msg(nl, buf, (NFNL_SUBSYS_NFTABLES << 8) | cmd, flags);
	struct nfgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	return nlh;
}

static int gen_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == NFTA_GEN_ID && mnl_attr_get_payload_len(a) >= 4)
			*(uint32_t *)data = ntohl(mnl_attr_get_u32(a));
	return MNL_CB_OK;
}

static int genid(struct tna_nl *nl, uint32_t *id)
{
	char buf[128];

	return tna_nl_talk(nl, request(nl, buf, NFT_MSG_GETGEN, NFPROTO_UNSPEC, NLM_F_ACK),
			   gen_cb, id);
}

/* The element dump of every set the dump so far holds. */
static int dump_elems(struct tna_nl *nl, struct raw *r, size_t sets_from, size_t sets_to)
{
	size_t off = sets_from;

	while (off < sets_to) {
		const struct nlmsghdr *nlh = (const void *)(r->p + off);
		const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
		const struct nlattr *a;
		char table[TNA_NFT_NAME] = "", set[TNA_NFT_NAME] = "", buf[512];
		struct nlmsghdr *req;
		int err;

		off += MNL_ALIGN(nlh->nlmsg_len);
		if ((nlh->nlmsg_type & 0xff) != NFT_MSG_NEWSET)
			continue;
		mnl_attr_for_each(a, nlh, sizeof(*g)) {
			if (mnl_attr_get_type(a) == NFTA_SET_TABLE)
				snprintf(table, sizeof(table), "%s", mnl_attr_get_str(a));
			else if (mnl_attr_get_type(a) == NFTA_SET_NAME)
				snprintf(set, sizeof(set), "%s", mnl_attr_get_str(a));
		}
		req = request(nl, buf, NFT_MSG_GETSETELEM, g->nfgen_family, NLM_F_DUMP);
		mnl_attr_put_strz(req, NFTA_SET_ELEM_LIST_TABLE, table);
		mnl_attr_put_strz(req, NFTA_SET_ELEM_LIST_SET, set);
		err = tna_nl_talk(nl, req, keep, r);
		if (err && err != -ENOENT)	/* the set went away: the genid says so */
			return r->err ? r->err : err;
	}
	return 0;
}

static int dump_once(struct tna_nl *nl, struct raw *r)
{
	static const uint8_t cmds[] = { NFT_MSG_GETTABLE, NFT_MSG_GETCHAIN, NFT_MSG_GETSET,
					NFT_MSG_GETRULE };
	size_t sets_from = 0, sets_to = 0;
	char buf[128];
	int err;

	r->len = 0;
	for (size_t i = 0; i < sizeof(cmds); i++) {
		if (cmds[i] == NFT_MSG_GETSET)
			sets_from = r->len;
		err = tna_nl_talk(nl, request(nl, buf, cmds[i], NFPROTO_UNSPEC, NLM_F_DUMP), keep, r);
		if (err)
			return r->err ? r->err : err;
		if (cmds[i] == NFT_MSG_GETSET)
			sets_to = r->len;
	}
	return dump_elems(nl, r, sets_from, sets_to);
}

int tna_nft_genid(uint32_t *gen)
{
	struct tna_nl *nl = tna_nl_open(NETLINK_NETFILTER);
	int err;

	if (!nl)
		return -errno;
	err = genid(nl, gen);
	tna_nl_close(nl);
	return err;
}

int tna_nft_dump_nl(struct tna_nl *nl, void **buf, size_t *len, uint32_t *gen)
{
	struct raw r = {};
	uint32_t g0 = 0, g1 = 1;
	int err = -EAGAIN;

	/* a change between the dumps would mix two rulesets: read again */
	for (int tries = 0; tries < 10 && err == -EAGAIN; tries++) {
		err = genid(nl, &g0);
		if (!err)
			err = dump_once(nl, &r);
		if (!err)
			err = genid(nl, &g1);
		if (!err && g0 != g1)
			err = -EAGAIN;
	}
	if (err) {
		free(r.p);
		return err;
	}
	*buf = r.p;
	*len = r.len;
	if (gen)
		*gen = g0;
	return 0;
}

int tna_nft_dump(void **buf, size_t *len, uint32_t *gen)
{
	struct tna_nl *nl = tna_nl_open(NETLINK_NETFILTER);
	int err;

	if (!nl)
		return -errno;
	err = tna_nft_dump_nl(nl, buf, len, gen);
	tna_nl_close(nl);
	return err;
}

int tna_nft_read_nl(struct tna_nl *nl, struct tna_nft_ruleset *rs)
{
	void *buf = NULL;
	size_t len = 0;
	uint32_t gen = 0;
	int err = nl ? tna_nft_dump_nl(nl, &buf, &len, &gen) : tna_nft_dump(&buf, &len, &gen);

	if (err)
		return err;
	err = tna_nft_parse(buf, len, rs);
	if (!err)
		rs->genid = gen;
	free(buf);
	return err;
}

int tna_nft_read(struct tna_nft_ruleset *rs)
{
	return tna_nft_read_nl(NULL, rs);
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

void tna_nft_load_name(const struct tna_nft_load *l, char *buf, size_t len)
{
	static const char *const meta[] = { [NFT_META_LEN] = "length",
		[NFT_META_PROTOCOL] = "protocol", [NFT_META_MARK] = "mark", [NFT_META_IIF] = "iif",
		[NFT_META_OIF] = "oif", [NFT_META_IIFNAME] = "iifname", [NFT_META_OIFNAME] = "oifname",
		[NFT_META_NFPROTO] = "nfproto", [NFT_META_L4PROTO] = "l4proto" };
	static const char *const ct[] = { [NFT_CT_STATE] = "state", [NFT_CT_DIRECTION] = "direction",
		[NFT_CT_STATUS] = "status", [NFT_CT_MARK] = "mark" };
	static const char *const base[] = { "ll", "nh", "th", "inner" };
	const char *n;

	switch (l->kind) {
	case TNA_NFT_L_META:
		n = l->key >= 0 && l->key < (int)(sizeof(meta) / sizeof(meta[0])) ? meta[l->key] : NULL;
		if (n)
			snprintf(buf, len, "meta %s", n);
		else
			snprintf(buf, len, "meta key %d", l->key);
		break;
	case TNA_NFT_L_CT:
		n = l->key >= 0 && l->key < (int)(sizeof(ct) / sizeof(ct[0])) ? ct[l->key] : NULL;
		if (n)
			snprintf(buf, len, "ct %s", n);
		else
			snprintf(buf, len, "ct key %d", l->key);
		break;
	case TNA_NFT_L_PAYLOAD:
		snprintf(buf, len, "%s %d/%d", l->base >= 0 && l->base < 4 ? base[l->base] : "?",
			 l->offset, l->len);
		break;
	}
}
