/* Netfilter summary: which hooks have rules.  nftables is read with an
 * nfnetlink dump of chains and rules; legacy xtables tables with the
 * *_SO_GET_INFO / *_SO_GET_ENTRIES sockopts that iptables-legacy,
 * ip6tables-legacy and arptables-legacy use.  Only tables listed in
 * /proc/net/{ip,ip6,arp}_tables_names are asked for: asking for another
 * would create it (and register its hooks).  Legacy ebtables has no such
 * list and is not read (ebtables-nft rules are nftables bridge rules). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <linux/netfilter_arp/arp_tables.h>

#include "common/nl.h"
#include "introspect/model_priv.h"

/* ---- nftables ---- */

#define MAX_CHAINS 1024
static const char *attr_str(const struct nlattr *a, char *dst, size_t len);

#define CHAIN_DEVS 8
struct nft_chain {
	uint8_t family;
	char table[64], name[64];
	int hook;		/* -1: not a base chain */
	int policy_drop;
	uint32_t rules;
	int ndevs;		/* > CHAIN_DEVS: more than we keep */
	char devs[CHAIN_DEVS][16];
};

static void chain_dev(struct nft_chain *ch, const struct nlattr *a)
{
	if (ch->ndevs < CHAIN_DEVS)
		attr_str(a, ch->devs[ch->ndevs], sizeof(ch->devs[0]));
	ch->ndevs++;
}
struct nft_ctx { struct nft_chain *c; size_t n; int overflow; };

static const char *attr_str(const struct nlattr *a, char *dst, size_t len)
{
	size_t n = mnl_attr_get_payload_len(a);

	if (n >= len)
		n = len - 1;
	memcpy(dst, mnl_attr_get_payload(a), n);
	dst[n] = '\0';
	return dst;
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_ctx *c = data;
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *h;
	struct nft_chain ch = { .family = g->nfgen_family, .hook = -1 };

	if ((nlh->nlmsg_type & 0xff) != NFT_MSG_NEWCHAIN)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		switch (mnl_attr_get_type(a) & NLA_TYPE_MASK) {
		case NFTA_CHAIN_TABLE: attr_str(a, ch.table, sizeof(ch.table)); break;
		case NFTA_CHAIN_NAME: attr_str(a, ch.name, sizeof(ch.name)); break;
		case NFTA_CHAIN_POLICY:
			ch.policy_drop = ntohl(mnl_attr_get_u32(a)) == NF_DROP;
			break;
		case NFTA_CHAIN_HOOK:
			mnl_attr_for_each_nested(h, a) {
				const struct nlattr *d;

				switch (mnl_attr_get_type(h) & NLA_TYPE_MASK) {
				case NFTA_HOOK_HOOKNUM:
					if (mnl_attr_get_payload_len(h) >= 4)
						ch.hook = (int)ntohl(mnl_attr_get_u32(h));
					break;
				case NFTA_HOOK_DEV:
					chain_dev(&ch, h);
					break;
				case NFTA_HOOK_DEVS:
					mnl_attr_for_each_nested(d, h)
						if ((mnl_attr_get_type(d) & NLA_TYPE_MASK) == NFTA_DEVICE_NAME)
							chain_dev(&ch, d);
					break;
				}
			}
			break;
		}
	}
	if (c->n == MAX_CHAINS) {
		c->overflow = 1;
		return MNL_CB_OK;
	}
	c->c[c->n++] = ch;
	return MNL_CB_OK;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_ctx *c = data;
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	char table[64] = "", chain[64] = "";

	if ((nlh->nlmsg_type & 0xff) != NFT_MSG_NEWRULE)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		if ((mnl_attr_get_type(a) & NLA_TYPE_MASK) == NFTA_RULE_TABLE)
			attr_str(a, table, sizeof(table));
		else if ((mnl_attr_get_type(a) & NLA_TYPE_MASK) == NFTA_RULE_CHAIN)
			attr_str(a, chain, sizeof(chain));
	}
	for (size_t i = 0; i < c->n; i++)
		if (c->c[i].family == g->nfgen_family && !strcmp(c->c[i].table, table) &&
		    !strcmp(c->c[i].name, chain)) {
			c->c[i].rules++;
			break;
		}
	return MNL_CB_OK;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Device-bound chains (netdev family, inet ingress) with rules. */
static void add_devs(struct tna_netfilter *nf, const struct nft_chain *ch)
{
	if (ch->family != NFPROTO_NETDEV && !(ch->family == NFPROTO_INET && ch->hook == 5))
		return;
	if (ch->ndevs > CHAIN_DEVS)
		nf->devs_all = true;
	for (int i = 0; i < ch->ndevs && i < CHAIN_DEVS; i++) {
		bool known = false;

		for (uint32_t j = 0; j < nf->n_devs; j++)
			known |= !strcmp(nf->devs[j], ch->devs[i]);
		if (known)
			continue;
		if (nf->n_devs == TNA_NF_MAX_DEVS) {
			nf->devs_all = true;
			break;
		}
		snprintf(nf->devs[nf->n_devs++], sizeof(nf->devs[0]), "%s", ch->devs[i]);
	}
	qsort(nf->devs, nf->n_devs, sizeof(nf->devs[0]), by_name);
}

bool tna_nf_dev_filtered(const struct tna_netfilter *nf, const char *name)
{
	if (nf->devs_all)
		return true;
	for (uint32_t i = 0; i < nf->n_devs; i++)
		if (!strcmp(nf->devs[i], name))
			return true;
	return false;
}

static int nft_dump(struct tna_nl *nl, uint8_t cmd, mnl_cb_t cb, void *data)
{
	char buf[128];
	struct nlmsghdr *nlh = tna_nl_msg(nl, buf, (NFNL_SUBSYS_NFTABLES << 8) | cmd,
					  NLM_F_DUMP);
	struct nfgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->nfgen_family = NFPROTO_UNSPEC;
	g->version = NFNETLINK_V0;
	return tna_nl_talk(nl, nlh, cb, data);
}

static int read_nft(struct tna_netfilter *nf)
{
	struct tna_nl *nl = tna_nl_open(NETLINK_NETFILTER);
	struct nft_ctx c = { 0 };
	int ret;

	if (!nl)
		return -errno;
	c.c = calloc(MAX_CHAINS, sizeof(*c.c));
	if (!c.c) {
		tna_nl_close(nl);
		return -ENOMEM;
	}
	ret = nft_dump(nl, NFT_MSG_GETCHAIN, chain_cb, &c);
	if (!ret)
		ret = nft_dump(nl, NFT_MSG_GETRULE, rule_cb, &c);
	if (!ret && c.overflow)
		ret = -E2BIG;
	for (size_t i = 0; !ret && i < c.n; i++) {
		struct tna_nf_hook *h;

		if (c.c[i].hook < 0 || c.c[i].hook >= TNA_NF_HOOKS ||
		    c.c[i].family >= TNA_NF_FAMILIES)
			continue;
		h = &nf->hook[TNA_NF_NFTABLES][c.c[i].family][c.c[i].hook];
		h->chains++;
		h->rules += c.c[i].rules;
		if (c.c[i].policy_drop)
			h->drop_policy = true;
		if (c.c[i].rules || c.c[i].policy_drop)
			add_devs(nf, &c.c[i]);
	}
	free(c.c);
	tna_nl_close(nl);
	return ret;
}

/* ---- legacy xtables ---- */

/* One xtables family: ip_tables, ip6_tables, arp_tables.  Their info and
 * entry structs differ only in the entry header and the number of hooks. */
struct xt_family {
	int domain, level, nfproto;
	const char *names;	/* /proc file listing instantiated tables */
	int so_info, so_entries;
	size_t entries_off;	/* offsetof(*_get_entries, entrytable) */
};

/* The parts of *_getinfo we use, for any family. */
struct xt_info {
	unsigned int valid_hooks, nhooks, size;
	unsigned int hook_entry[NF_INET_NUMHOOKS], underflow[NF_INET_NUMHOOKS];
};

static int get_info(const struct xt_family *f, int fd, const char *name, struct xt_info *x)
{
	socklen_t len;

	memset(x, 0, sizeof(*x));
	if (f->nfproto == NFPROTO_ARP) {
		struct arpt_getinfo i = { 0 };

		snprintf(i.name, sizeof(i.name), "%s", name);
		len = sizeof(i);
		if (getsockopt(fd, f->level, f->so_info, &i, &len) < 0)
			return -errno;
		x->nhooks = NF_ARP_NUMHOOKS;
		x->valid_hooks = i.valid_hooks;
		x->size = i.size;
		memcpy(x->hook_entry, i.hook_entry, sizeof(i.hook_entry));
		memcpy(x->underflow, i.underflow, sizeof(i.underflow));
	} else {
		struct ipt_getinfo i = { 0 };	/* same layout as ip6t_getinfo */

		snprintf(i.name, sizeof(i.name), "%s", name);
		len = sizeof(i);
		if (getsockopt(fd, f->level, f->so_info, &i, &len) < 0)
			return -errno;
		x->nhooks = NF_INET_NUMHOOKS;
		x->valid_hooks = i.valid_hooks;
		x->size = i.size;
		memcpy(x->hook_entry, i.hook_entry, sizeof(i.hook_entry));
		memcpy(x->underflow, i.underflow, sizeof(i.underflow));
	}
	return 0;
}

/* target_offset and next_offset of the entry at E. */
static void entry_offsets(const struct xt_family *f, const uint8_t *e,
			  uint16_t *target_off, uint16_t *next_off)
{
	if (f->nfproto == NFPROTO_IPV4) {
		const struct ipt_entry *x = (const void *)e;
		*target_off = x->target_offset;
		*next_off = x->next_offset;
	} else if (f->nfproto == NFPROTO_IPV6) {
		const struct ip6t_entry *x = (const void *)e;
		*target_off = x->target_offset;
		*next_off = x->next_offset;
	} else {
		const struct arpt_entry *x = (const void *)e;
		*target_off = x->target_offset;
		*next_off = x->next_offset;
	}
}

static int read_table(const struct xt_family *f, int fd, const char *name,
		      struct tna_netfilter *nf)
{
	struct xt_info info;
	uint8_t *ent, *base;
	socklen_t len;
	int ret = get_info(f, fd, name, &info);

	if (ret)
		return ret == -ENOENT ? 0 : ret;
	len = (socklen_t)(f->entries_off + info.size);
	ent = calloc(1, len);
	if (!ent)
		return -ENOMEM;
	/* *_get_entries: name[XT_TABLE_MAXNAMELEN], unsigned int size, entries */
	snprintf((char *)ent, XT_TABLE_MAXNAMELEN, "%s", name);
	memcpy(ent + XT_TABLE_MAXNAMELEN, &info.size, sizeof(info.size));
	if (getsockopt(fd, f->level, f->so_entries, ent, &len) < 0) {
		ret = -errno;	/* EAGAIN: changed between the two calls */
		goto out;
	}
	base = ent + f->entries_off;
	for (unsigned int h = 0; h < info.nhooks; h++) {
		struct tna_nf_hook *hk = &nf->hook[TNA_NF_LEGACY][f->nfproto][h];
		uint32_t off = info.hook_entry[h], uf = info.underflow[h];
		uint16_t toff, noff;

		if (!(info.valid_hooks & (1u << h)))
			continue;
		hk->chains++;
		/* Rules are the entries before the policy (the underflow). */
		while (off < uf && off < info.size) {
			entry_offsets(f, base + off, &toff, &noff);
			if (!noff)
				break;
			hk->rules++;
			off += noff;
		}
		if (uf < info.size) {
			const struct xt_standard_target *t;

			entry_offsets(f, base + uf, &toff, &noff);
			t = (const void *)(base + uf + toff);
			if (uf + toff + sizeof(*t) <= info.size &&
			    !strcmp(t->target.u.user.name, XT_STANDARD_TARGET) &&
			    t->verdict == -NF_DROP - 1)
				hk->drop_policy = true;
		}
	}
out:
	free(ent);
	return ret;
}

static int read_legacy_family(const struct xt_family *f, struct tna_netfilter *nf,
			      struct tna_procfile *names, ino_t netns)
{
	char buf[4096], *name, *save = NULL;
	int fd = -1, ret = 0;
	ssize_t n = tna_procfile_read(names, netns, buf, sizeof(buf));

	if (n < 0)
		return n == -ENOENT ? 0 : (int)n;	/* not built: no tables */
	if ((size_t)n >= sizeof(buf) - 1)
		return -EOVERFLOW;	/* more names than ever seen: not a guess */
	/* polled: no socket (the expensive part) while no table exists */
	for (name = strtok_r(buf, "\n", &save); name && !ret; name = strtok_r(NULL, "\n", &save)) {
		if (strlen(name) >= XT_TABLE_MAXNAMELEN)
			continue;
		if (fd < 0)
			fd = socket(f->domain, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
		if (fd < 0) {
			ret = -errno;
			break;
		}
		ret = read_table(f, fd, name, nf);
		if (ret == -EAGAIN)	/* replaced between the two calls */
			ret = read_table(f, fd, name, nf);
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

static int read_legacy(struct tna_netfilter *nf)
{
	static const struct xt_family fam[] = {
		{ AF_INET, IPPROTO_IP, NFPROTO_IPV4, "/proc/net/ip_tables_names",
		  IPT_SO_GET_INFO, IPT_SO_GET_ENTRIES, offsetof(struct ipt_get_entries, entrytable) },
		{ AF_INET6, IPPROTO_IPV6, NFPROTO_IPV6, "/proc/net/ip6_tables_names",
		  IP6T_SO_GET_INFO, IP6T_SO_GET_ENTRIES, offsetof(struct ip6t_get_entries, entrytable) },
		{ AF_INET, IPPROTO_IP, NFPROTO_ARP, "/proc/net/arp_tables_names",
		  ARPT_SO_GET_INFO, ARPT_SO_GET_ENTRIES, offsetof(struct arpt_get_entries, entrytable) },
	};
	/* the lists stay open (polled: one pread each) */
	static struct tna_procfile names[sizeof(fam) / sizeof(fam[0])];
	ino_t netns = tna_proc_netns();
	int ret = 0;

	for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]) && !ret; i++) {
		if (!names[i].path)
			names[i] = (struct tna_procfile){ .path = fam[i].names, .fd = -1 };
		ret = read_legacy_family(&fam[i], nf, &names[i], netns);
	}
	return ret;
}

int tna_nf_read_source(struct tna_netfilter *nf, enum tna_nf_source src)
{
	int ret;

	memset(nf->hook[src], 0, sizeof(nf->hook[src]));
	if (src == TNA_NF_NFTABLES) {
		nf->n_devs = 0;
		nf->devs_all = false;
		memset(nf->devs, 0, sizeof(nf->devs));
	}
	ret = src == TNA_NF_NFTABLES ? read_nft(nf) : read_legacy(nf);
	if (src == TNA_NF_NFTABLES)
		nf->nft_ok = !ret;
	else
		nf->legacy_ok = !ret;
	if (ret)	/* unknown is not "no rules": keep nothing half-read */
		memset(nf->hook[src], 0, sizeof(nf->hook[src]));
	return ret;
}

int tna_nf_read(struct tna_netfilter *nf)
{
	int a, b;

	memset(nf, 0, sizeof(*nf));
	a = tna_nf_read_source(nf, TNA_NF_NFTABLES);
	b = tna_nf_read_source(nf, TNA_NF_LEGACY);
	return a ? a : b;
}
