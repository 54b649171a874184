/* Follow the kernel's nftables ruleset into a pipeline: see
 * controller/filter_follow.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include "common/nl.h"
#include "common/text.h"
#include "controller/filter_follow.h"
#include "introspect/model_priv.h"	/* tna_nf_read_source: legacy tables */
#include "introspect/nft_ir.h"
#include "assembler/filter_verdict.h"
#include "targets/filter.h"

struct tna_nf_follow {
	struct tna_dp *dp;
	struct tna_nf_follow_opts o;
	char bridge[16];
	struct mnl_socket *nft_ev, *link_ev;
	struct tna_nl *nl;		/* requests: kept open (see tna_nft_read_nl) */
	struct tna_ct_cfg ct;
	struct tna_netfilter legacy;	/* summary of the legacy tables */
	int *named;			/* ifindexes whose name is in the map */
	int n_named;
	struct tna_nf_follow_report rep;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static struct mnl_socket *subscribe(int bus, unsigned int group)
{
	struct mnl_socket *s = mnl_socket_open2(bus, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (!s)
		return NULL;
	/* ENOBUFS stays on: a lost event means reading everything again */
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) ||
	    mnl_socket_setsockopt(s, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group))) {
		mnl_socket_close(s);
		return NULL;
	}
	return s;
}

/* Names of every link, for iifname/oifname; stale ones removed. */
static int sync_names(struct tna_nf_follow *f)
{
	struct if_nameindex *all = if_nameindex(), *i;
	int n = 0, *now;

	if (!all)
		return -errno;
	for (i = all; i->if_index; i++)
		n++;
	now = calloc(n ? n : 1, sizeof(*now));
	if (!now) {
		if_freenameindex(all);
		return -ENOMEM;
	}
	n = 0;
	for (i = all; i->if_index; i++) {
		tna_dp__filter_ifname(f->dp, i->if_index, i->if_name);
		now[n++] = i->if_index;
	}
	for (int k = 0; k < f->n_named; k++) {
		bool gone = true;

		for (int j = 0; j < n && gone; j++)
			gone = now[j] != f->named[k];
		if (gone)
			tna_dp__filter_ifname(f->dp, f->named[k], NULL);
	}
	free(f->named);
	f->named = now;
	f->n_named = n;
	if_freenameindex(all);
	return 0;
}

/* A family that goes to Linux as a whole: its prerouting starts with a
 * punt, nothing else of it runs. */
static void whole_family(struct tna_flt_prog *p, int fam)
{
	struct tna_flt_insn punt = { .op = TNA_FLT_PUNT, .aux = TNA_REASON_NF_HOOK };

	struct tna_flt_insn *n = realloc(p->insn, (p->n_insns + 1) * sizeof(*n));
	int *w = n ? realloc(p->insn_rule, (p->n_insns + 1) * sizeof(*w)) : NULL;

	if (n)
		p->insn = n;
	if (w)
		p->insn_rule = w;
	if (!n || !w || p->n_insns >= TNA_FLT_MAX_INSNS)
		p->n_insns = 0;		/* out of room: the punt alone is a program */
	p->insn[p->n_insns] = punt;
	p->insn_rule[p->n_insns] = -1;
	for (int s = 0; s < TNA_FLT_SEGS; s++)
		p->seg[fam][s] = (struct tna_flt_seg_ref){ TNA_FLT_END, TNA_FLT_END };
	p->seg[fam][TNA_FLT_PRE_RAW] = (struct tna_flt_seg_ref){ p->n_insns, p->n_insns };
	p->n_insns++;
}

/* A bridged frame meets more than the bridge-family chains when
 * br_netfilter calls the ip/ip6/arp tables for the bridge and those have
 * rules where bridged traffic meets them; an unreadable ruleset, legacy
 * tables or ingress chains count too.  Then all bridged frames go to
 * Linux (reason nf_hook). */
static void bridge_whole(struct tna_nf_follow *f, const struct tna_nft_ruleset *rs, int rerr,
			 struct tna_nf_follow_report *r)
{
	static const struct { const char *call; int family; } calls[] = {
		{ "iptables", TNA_NFT_IP }, { "ip6tables", TNA_NFT_IP6 }, { "arptables", TNA_NFT_ARP },
	};

	if (rerr || r->whole4 || r->whole6) {
		r->whole_br = true;
		snprintf(r->why_br, sizeof(r->why_br), "%s", r->why4[0] ? r->why4 : r->why6);
		return;
	}
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		char path[128];
		bool on;

		snprintf(path, sizeof(path), "/sys/class/net/%s/bridge/nf_call_%s", f->bridge,
			 calls[i].call);
		on = tna_read_int(0, "%s", path) > 0 ||
		     tna_read_int(0, "/proc/sys/net/bridge/bridge-nf-call-%s", calls[i].call) > 0;
		if (!on)
			continue;
		for (int c = 0; c < rs->n_chains; c++) {
			const struct tna_nft_chain *ch = &rs->chains[c];
			bool fam = ch->family == calls[i].family ||
				   (ch->family == TNA_NFT_INET && calls[i].family != TNA_NFT_ARP);

			if (fam && ch->base && (ch->n_rules || ch->policy_drop) &&
			    ch->hook != TNA_NFT_H_INPUT && ch->hook != TNA_NFT_H_OUTPUT) {
				r->whole_br = true;
				snprintf(r->why_br, sizeof(r->why_br),
					 "br_netfilter calls %s for %s and %s %.40s %.40s has rules",
					 calls[i].call, f->bridge, tna_nft_family_name(ch->family),
					 ch->table, ch->name);
				return;
			}
		}
		if (tna_flt_legacy_any(&f->legacy)) {
			r->whole_br = true;
			snprintf(r->why_br, sizeof(r->why_br), "br_netfilter calls %s for %s: legacy tables",
				 calls[i].call, f->bridge);
			return;
		}
	}
}

int tna_nf_follow_apply(struct tna_nf_follow *f)
{
	struct tna_nf_follow_report *r = &f->rep;
	struct tna_nft_ruleset rs;
	struct tna_flt_opts co = { .v4 = f->o.v4, .v6 = f->o.v6 };
	struct tna_flt_prog p = {};
	struct tna_flt_verdict v;
	uint64_t t0 = now_ns(), t1, t2;
	uint32_t genid;
	int err, rerr;

	co.bridge = f->bridge[0];
	rerr = tna_nft_read_nl(f->nl, &rs);
	genid = rerr ? 0 : rs.genid;
	t1 = now_ns();
	co.conntrack_active = tna_flt_conntrack_active(&f->legacy);
	err = tna_flt_decide(rerr ? NULL : &rs, rerr, &f->legacy, &co, &p, &v);
	if (err) {
		if (!rerr)
			tna_nft_free(&rs);
		return err;
	}
	r->whole4 = v.whole[TNA_FLT_V4];
	r->whole6 = v.whole[TNA_FLT_V6];
	r->whole_br = co.bridge && v.whole[TNA_FLT_BR];
	memcpy(r->why4, v.why[TNA_FLT_V4], sizeof(r->why4));
	memcpy(r->why6, v.why[TNA_FLT_V6], sizeof(r->why6));
	memcpy(r->why_br, v.why[TNA_FLT_BR], sizeof(r->why_br));
	r->why4[sizeof(r->why4) - 1] = r->why6[sizeof(r->why6) - 1] = r->why_br[sizeof(r->why_br) - 1] = 0;
	if (co.bridge && !r->whole_br)
		bridge_whole(f, &rs, rerr, r);
	if (!rerr)
		tna_nft_free(&rs);
	if (r->whole4 && f->o.v4)
		whole_family(&p, TNA_FLT_V4);
	if (r->whole6 && f->o.v6)
		whole_family(&p, TNA_FLT_V6);
	if (r->whole_br)
		whole_family(&p, TNA_FLT_BR);
	t2 = now_ns();
	/* test switch: hold a change back, to show what the window allows */
	if (r->loads && getenv("TNA_FAULT_FILTER_DELAY_MS"))
		usleep(atoi(getenv("TNA_FAULT_FILTER_DELAY_MS")) * 1000);
	err = tna_dp__filter_load(f->dp, &p);
	if (err) {
		tna_flt_prog_free(&p);
		return err;
	}
	r->swap_ns = tna_dp__filter_swap_ns(f->dp);
	r->read_ns = t1 - t0;
	r->compile_ns = t2 - t1;
	r->load_ns = r->swap_ns - t2;	/* to the switch, not the grace period after it */
	r->gen = tna_dp__filter_gen(f->dp);
	r->nft_genid = genid;
	r->loads++;
	r->flags = p.flags;
	r->n_insns = p.n_insns;
	r->n_rules = p.n_rules;
	r->n_sets = p.n_sets;
	tna_flt_prog_free(&r->prog);
	r->prog = p;
	return 0;
}

struct tna_nf_follow *tna_nf_follow_new(struct tna_dp *dp, const struct tna_nf_follow_opts *o)
{
	struct tna_nf_follow *f;
	int err;

	if (!dp || !o || o->sz < sizeof(*o)) {
		errno = EINVAL;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		errno = ENOMEM;
		return NULL;
	}
	f->dp = dp;
	f->o = *o;
	if (o->bridge)
		snprintf(f->bridge, sizeof(f->bridge), "%s", o->bridge);
	f->o.bridge = NULL;
	/* subscribe before the first read: no change falls in between */
	f->nft_ev = subscribe(NETLINK_NETFILTER, NFNLGRP_NFTABLES);
	f->link_ev = subscribe(NETLINK_ROUTE, RTNLGRP_LINK);
	f->nl = tna_nl_open(NETLINK_NETFILTER);
	if (!f->nft_ev || !f->link_ev || !f->nl) {
		err = -errno;
		goto err;
	}
	tna_nf_read_source(&f->legacy, TNA_NF_LEGACY);
	if ((err = tna_ct_cfg_read(&f->ct)) && err != -ENOENT)
		goto err;
	if ((err = tna_dp__ct_cfg_set(dp, &f->ct)) || (err = sync_names(f)))
		goto err;
	return f;
err:
	tna_nf_follow_free(f);
	errno = -err;
	return NULL;
}

void tna_nf_follow_fds(const struct tna_nf_follow *f, int fds[2])
{
	fds[0] = mnl_socket_get_fd(f->nft_ev);
	fds[1] = mnl_socket_get_fd(f->link_ev);
}

/* Read everything queued on S; *changed: a ruleset transaction ended (or
 * any link message), *lost: an overrun (anything may have changed). */
static void drain(struct mnl_socket *s, bool nft, bool *changed, bool *lost)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	while ((n = mnl_socket_recvfrom(s, buf, sizeof(buf))) != 0) {
		const struct nlmsghdr *h;
		int len = n;

		if (n < 0) {
			if (errno == ENOBUFS)
				*lost = true;
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			return;		/* EAGAIN: empty */
		}
		for (h = (const void *)buf; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			if (!nft)
				*changed = true;
			else if ((h->nlmsg_type & 0xff) == NFT_MSG_NEWGEN)
				*changed = true;
		}
	}
}

int tna_nf_follow_event(struct tna_nf_follow *f)
{
	bool gen = false, links = false, lost = false;
	int err;

	drain(f->nft_ev, true, &gen, &lost);
	f->rep.event_ns = gen || lost ? now_ns() : 0;
	drain(f->link_ev, false, &links, &lost);
	if (links || lost) {
		if ((err = sync_names(f)))
			return err;
		/* iif/oif names were resolved to indexes at compile time */
		gen = true;
	}
	if (!gen && !lost)
		return 0;
	err = tna_nf_follow_apply(f);
	return err ? err : 1;
}

int tna_nf_follow_tick(struct tna_nf_follow *f)
{
	struct tna_netfilter nf = {};
	struct tna_ct_cfg ct;
	bool changed;
	int err;

	if (!tna_ct_cfg_read(&ct) && memcmp(&ct, &f->ct, sizeof(ct))) {
		f->ct = ct;
		if ((err = tna_dp__ct_cfg_set(f->dp, &ct)))
			return err;
	}
	tna_nf_read_source(&nf, TNA_NF_LEGACY);
	changed = nf.legacy_ok != f->legacy.legacy_ok ||
		  memcmp(nf.hook[TNA_NF_LEGACY], f->legacy.hook[TNA_NF_LEGACY],
			 sizeof(nf.hook[TNA_NF_LEGACY]));
	if (!changed)
		return 0;
	f->legacy = nf;
	f->rep.event_ns = 0;
	err = tna_nf_follow_apply(f);
	return err ? err : 1;
}

void tna_nf_follow_set_dp(struct tna_nf_follow *f, struct tna_dp *dp)
{
	f->dp = dp;
}

const struct tna_nf_follow_report *tna_nf_follow_report(const struct tna_nf_follow *f)
{
	return &f->rep;
}

void tna_nf_follow_free(struct tna_nf_follow *f)
{
	if (!f)
		return;
	if (f->nft_ev)
		mnl_socket_close(f->nft_ev);
	if (f->link_ev)
		mnl_socket_close(f->link_ev);
	tna_nl_close(f->nl);
	tna_flt_prog_free(&f->rep.prog);
	free(f->named);
	free(f);
}
