/* The compiler's verdict on a ruleset: see assembler/filter_verdict.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "assembler/filter_verdict.h"
#include "introspect/model.h"

/* Legacy rules where forwarded traffic of NFPROTO meets them. */
static bool legacy_on_path(const struct tna_netfilter *nf, int nfproto)
{
	static const int hooks[] = { TNA_NFT_H_PREROUTING, TNA_NFT_H_FORWARD, TNA_NFT_H_POSTROUTING };

	for (int h = 0; h < 3; h++) {
		const struct tna_nf_hook *k = &nf->hook[TNA_NF_LEGACY][nfproto][hooks[h]];

		if (k->rules || k->drop_policy)
			return true;
	}
	return false;
}

bool tna_flt_legacy_any(const struct tna_netfilter *nf)
{
	for (int fam = 0; fam < TNA_NF_FAMILIES; fam++)
		for (int h = 0; h < TNA_NF_HOOKS; h++)
			if (nf->hook[TNA_NF_LEGACY][fam][h].rules)
				return true;
	return false;
}

bool tna_flt_conntrack_active(const struct tna_netfilter *nf)
{
	FILE *c = fopen("/proc/sys/net/netfilter/nf_conntrack_count", "re");
	int n = -1;

	if (c) {
		if (fscanf(c, "%d", &n) != 1)
			n = -1;
		fclose(c);
	}
	return tna_flt_legacy_any(nf) || n > 0;
}

/* netdev-family chains, or inet ingress, with rules: they run before
 * the stack but after XDP, which would bypass them. */
static const struct tna_nft_chain *ingress_chain(const struct tna_nft_ruleset *rs)
{
	for (int i = 0; i < rs->n_chains; i++) {
		const struct tna_nft_chain *ch = &rs->chains[i];

		if (ch->base && (ch->n_rules || ch->policy_drop) &&
		    (ch->family == TNA_NFT_NETDEV ||
		     (ch->family == TNA_NFT_INET && ch->hook == TNA_NFT_H_INGRESS)))
			return ch;
	}
	return NULL;
}

static void whole(struct tna_flt_verdict *v, int fam, const char *why)
{
	if (v->whole[fam])
		return;		/* the first reason is the one shown */
	v->whole[fam] = true;
	snprintf(v->why[fam], sizeof(v->why[fam]), "%s", why);
}

static void whole_ip(struct tna_flt_verdict *v, const char *why)
{
	whole(v, TNA_FLT_V4, why);
	whole(v, TNA_FLT_V6, why);
}

/* Notes that make a family whole: iptables-nft's xt expressions (their
 * semantics are iptables', evaluated on Linux like legacy tables) and
 * whole-hook punts (every routed packet of the family reaches one). */
static void from_notes(const struct tna_flt_prog *p, struct tna_flt_verdict *v)
{
	for (int i = 0; i < p->n_notes; i++) {
		const struct tna_flt_note *n = &p->notes[i];
		bool xt = !strncmp(n->reason, "xt ", 3);
		char why[192];

		if (!xt && !n->whole_hook)
			continue;
		snprintf(why, sizeof(why), "%.36s: %.50s: %.90s",
			 xt ? "iptables-nft rules (xt expressions)" : "a hook's order is unknown",
			 n->reason, n->where);
		if (n->family == TNA_NFT_IP || n->family == TNA_NFT_INET)
			whole(v, TNA_FLT_V4, why);
		if (n->family == TNA_NFT_IP6 || n->family == TNA_NFT_INET)
			whole(v, TNA_FLT_V6, why);
		if (n->family == TNA_NFT_BRIDGE)
			whole(v, TNA_FLT_BR, why);
	}
}

int tna_flt_decide(const struct tna_nft_ruleset *rs, int read_err,
		   const struct tna_netfilter *legacy, const struct tna_flt_opts *co,
		   struct tna_flt_prog *p, struct tna_flt_verdict *v)
{
	static const struct tna_nft_ruleset none;
	const struct tna_nft_chain *ing;
	char why[192];
	int err;

	if (!co || !p || !v || !legacy)
		return -EINVAL;
	memset(v, 0, sizeof(*v));
	if (!rs) {
		snprintf(why, sizeof(why), "nftables ruleset unreadable: %s", strerror(-read_err));
		whole_ip(v, why);
		rs = &none;
	} else if ((ing = ingress_chain(rs))) {
		snprintf(why, sizeof(why), "%s %.40s %.40s: chain at ingress (XDP runs before it)",
			 tna_nft_family_name(ing->family), ing->table, ing->name);
		whole_ip(v, why);
	}
	if (!legacy->legacy_ok)
		whole_ip(v, "legacy iptables unreadable");
	if (legacy_on_path(legacy, TNA_NFT_IP))
		whole(v, TNA_FLT_V4, "iptables-legacy rules on the forwarding path");
	if (legacy_on_path(legacy, TNA_NFT_IP6))
		whole(v, TNA_FLT_V6, "ip6tables-legacy rules on the forwarding path");
	err = tna_flt_compile(rs, co, p);
	if (err == -ENOMEM)
		return err;
	if (err) {
		/* too large, or a ruleset nft itself would refuse: all to Linux */
		snprintf(why, sizeof(why), "the ruleset does not compile: %s", strerror(-err));
		whole_ip(v, why);
		whole(v, TNA_FLT_BR, why);
		return tna_flt_compile(&none, co, p);
	}
	from_notes(p, v);
	return 0;
}
