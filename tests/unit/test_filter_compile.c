/* The nftables reader and compiler on recorded rulesets (no root):
 * tests/fixtures/nft/NAME.bin are raw netlink dumps of NAME.nft next to
 * them.  The IR must hold what the kernel holds (hooks, priorities,
 * policies, set intervals), and the compiled program, run by a reference
 * interpreter of bpf/fpm/filter.h's instruction set, must give the
 * verdict nftables gives: first match, jump/goto/return/continue, accept
 * ending one base chain only, policies, priorities, segments around
 * conntrack and NAT, and a punt exactly where an unsupported expression
 * would be reached. */
#include <errno.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include "assembler/filter_compile.h"
#include "assembler/filter_verdict.h"
#include "introspect/model.h"
#include "introspect/nft_ir.h"
#include "tests/lib/tna_test.h"

enum { ACCEPT, DROP, PUNT_RULE, PUNT_HOOK, BAD };
static const char *const res_name[] = { "accept", "drop", "punt nf_rule", "punt nf_hook", "bad" };

static int load(const char *name, struct tna_nft_ruleset *rs)
{
	char path[256];
	FILE *f;
	char *buf;
	long len;
	int err;

	snprintf(path, sizeof(path), "%s/tests/fixtures/nft/%s.bin",
		 getenv("TNA_ROOT") ? getenv("TNA_ROOT") : ".", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc(len);
	if (!buf || fread(buf, 1, len, f) != (size_t)len)
		return -1;
	fclose(f);
	err = tna_nft_parse(buf, len, rs);
	free(buf);
	return err;
}

/* ---- reference interpreter of the program ---- */

static bool lpm_hit(const struct tna_flt_prog *p, uint32_t set, const uint8_t *key, int len)
{
	for (int i = 0; i < p->n_lpm; i++) {
		const struct tna_flt_lpm *l = &p->lpm[i];
		bool eq = l->set == set && (int)l->plen <= len * 8;

		for (uint32_t b = 0; eq && b < l->plen; b++)
			eq = ((key[b / 8] ^ l->data[b / 8]) & (0x80 >> (b % 8))) == 0;
		if (eq)
			return true;
	}
	return false;
}

static int cmp128(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, 16);	/* big-endian: bytes compare as numbers */
}

static int run(const struct tna_flt_prog *p, int fam, int seg, const struct tna_flt_pkt *pkt)
{
	const struct tna_flt_seg_ref *ref = &p->seg[fam][seg];
	uint16_t stack[TNA_FLT_STACK];
	int pc = ref->start, end = ref->policy, sp = 0, accepting = 0;

	if (ref->start == TNA_FLT_END)
		return ACCEPT;
	for (int steps = 0; steps < TNA_FLT_MAX_STEPS; steps++) {
		const struct tna_flt_insn *in;
		uint8_t x[16];
		bool hit;

		if (pc < 0 || pc >= p->n_insns)
			return BAD;
		in = &p->insn[pc];
		switch (in->op) {
		case TNA_FLT_EQ: case TNA_FLT_NE: case TNA_FLT_RANGE:
		case TNA_FLT_NRANGE: case TNA_FLT_SET: case TNA_FLT_NSET:
			if (in->off > TNA_FLT_OFF_MAX)
				return BAD;
			for (int i = 0; i < 16; i++)
				x[i] = ((const uint8_t *)pkt)[in->off + i] & in->mask[i];
			if (in->op <= TNA_FLT_NE)
				hit = !memcmp(x, in->val, 16) == (in->op == TNA_FLT_EQ);
			else if (in->op <= TNA_FLT_NRANGE)
				hit = (cmp128(x, in->val) >= 0 && cmp128(x, in->hi) <= 0) ==
				      (in->op == TNA_FLT_RANGE);
			else
				hit = lpm_hit(p, in->set, x, in->len) == (in->op == TNA_FLT_SET);
			pc = hit ? pc + 1 : in->next;
			break;
		case TNA_FLT_ACCEPT: accepting = 1; pc = end; break;
		case TNA_FLT_DROP: return DROP;
		case TNA_FLT_PUNT: return in->aux == TNA_REASON_NF_HOOK ? PUNT_HOOK : PUNT_RULE;
		case TNA_FLT_JUMP:
			if (sp >= TNA_FLT_STACK)
				return BAD;
			stack[sp++] = in->next;
			pc = in->arg;
			break;
		case TNA_FLT_GOTO: pc = in->arg; break;
		case TNA_FLT_RETURN: pc = sp ? stack[--sp] : end; break;
		case TNA_FLT_CONTINUE: pc = in->next; break;
		case TNA_FLT_POLICY:
			if (in->val[0] && !accepting)
				return DROP;
			if (in->arg == TNA_FLT_END)
				return ACCEPT;
			pc = in->arg;
			end = in->aux;
			sp = accepting = 0;
			break;
		default:
			return BAD;
		}
	}
	return BAD;
}

/* ---- packets ---- */

static struct tna_flt_pkt v4(const char *src, const char *dst, int proto, int sport, int dport)
{
	struct tna_flt_pkt k = {};
	uint16_t s = htons(sport), d = htons(dport);

	inet_pton(AF_INET, src, k.saddr);
	inet_pton(AF_INET, dst, k.daddr);
	k.l4proto = proto;
	k.nfproto = 2;
	memcpy(k.th, &s, 2);
	memcpy(k.th + 2, &d, 2);
	k.ct_state = htonl(2);		/* established */
	k.ct_state_raw = htonl(1);
	strcpy((char *)k.iifname, "x0");
	strcpy((char *)k.oifname, "y0");
	k.iif = htonl(7);
	k.oif = htonl(8);
	return k;
}

#define EXPECT(p, fam, seg, pkt, want, what) do {					\
	int got_ = run(p, fam, seg, &(pkt));						\
	CHECK(got_ == (want), "%s: %s, expected %s", what, res_name[got_], res_name[want]); \
} while (0)

static const struct tna_nft_chain *chain(const struct tna_nft_ruleset *rs, int fam,
					 const char *t, const char *n)
{
	const struct tna_nft_chain *c = tna_nft_chain_find(rs, fam, t, n);

	CHECK(c != NULL, "chain %s %s", t, n);
	return c;
}

static void semantics(void)
{
	struct tna_flt_opts o = { .v4 = true, .v6 = true };
	struct tna_nft_ruleset rs;
	struct tna_flt_prog p;
	struct tna_flt_pkt k;
	const struct tna_nft_chain *c;
	int s;

	CHECK(load("semantics", &rs) == 0, "semantics.bin");
	c = chain(&rs, TNA_NFT_INET, "t", "raw");
	CHECK(c && c->base && c->hook == TNA_NFT_H_PREROUTING && c->prio == -300 && !c->policy_drop,
	      "raw chain at prerouting -300");
	c = chain(&rs, TNA_NFT_IP, "second", "forward2");
	CHECK(c && c->base && c->prio == 10 && c->policy_drop, "forward2: priority 10, drop");
	c = chain(&rs, TNA_NFT_INET, "t", "sub");
	CHECK(c && !c->base && c->n_rules == 3, "sub: a regular chain of 3 rules");
	s = tna_nft_set_find(&rs, TNA_NFT_INET, "t", "ports");
	CHECK(s >= 0 && rs.sets[s].interval && rs.sets[s].n_elems == 2, "@ports: two intervals");
	if (s >= 0 && rs.sets[s].n_elems == 2) {
		CHECK(rs.sets[s].elems[0].lo[0] == 0x03 && rs.sets[s].elems[0].lo[1] == 0xe8 &&
		      rs.sets[s].elems[0].hi[0] == 0x07 && rs.sets[s].elems[0].hi[1] == 0xcf,
		      "@ports [1000, 1999]");
		CHECK(!memcmp(rs.sets[s].elems[1].lo, rs.sets[s].elems[1].hi, 16) &&
		      rs.sets[s].elems[1].lo[0] == 0x0b && rs.sets[s].elems[1].lo[1] == 0xb8,
		      "@ports 3000");
	}
	s = tna_nft_set_find(&rs, TNA_NFT_INET, "t", "names");
	CHECK(s >= 0 && rs.sets[s].n_elems == 2 && !memcmp(rs.sets[s].elems[0].lo, "dmz", 4) &&
	      rs.sets[s].elems[0].hi[3] == 0xff && rs.sets[s].elems[0].hi[15] == 0xff,
	      "@names: dmz* as an interval of its prefix");
	CHECK(tna_flt_compile(&rs, &o, &p) == 0, "compile semantics");
	CHECK(p.flags & TNA_FLT_F_CT && p.flags & TNA_FLT_F_NAMES && !(p.flags & TNA_FLT_F_NAT4),
	      "flags: conntrack (ct matches), names, no NAT hooks");
	CHECK(p.n_notes == 0, "everything in the subset (%d notes)", p.n_notes);

	/* prerouting before conntrack: ct state reads invalid */
	k = v4("10.1.0.2", "10.2.0.2", 6, 1234, 9);
	EXPECT(&p, 0, TNA_FLT_PRE_RAW, k, DROP, "raw: invalid (no ct yet) + tcp dport 9");
	k = v4("10.1.0.2", "203.0.113.66", 17, 1, 2);
	EXPECT(&p, 0, TNA_FLT_PRE_RAW, k, DROP, "raw: daddr");
	k = v4("10.1.0.2", "10.2.0.2", 17, 1, 9);
	k.ct_mark = htonl(5);
	EXPECT(&p, 0, TNA_FLT_PRE_RAW, k, ACCEPT, "raw: ct mark before conntrack never matches");
	/* prerouting after conntrack */
	k = v4("10.66.1.1", "10.2.0.2", 17, 53, 99);
	EXPECT(&p, 0, TNA_FLT_PRE, k, DROP, "pre: saddr 10.66/16");
	k.ct_dir = 1;
	k.ct_status = htonl(0x10 | 0x8);
	EXPECT(&p, 0, TNA_FLT_PRE, k, ACCEPT, "pre: reply of a snat'd udp/53 accepted first");
	/* forward: two base chains, jump/return/goto/continue */
	k = v4("10.1.0.2", "10.2.3.4", 6, 2000, 80);
	k.th[13] = 0x10;
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "fwd: falls through t, accepted by forward2");
	k = v4("10.1.0.2", "10.3.0.1", 6, 2000, 80);
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "fwd: accepted by t, forward2's policy drops");
	k = v4("10.1.0.2", "198.51.100.5", 6, 2000, 80);
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "fwd: sub drops 198.51.100/24");
	k = v4("10.1.0.2", "198.51.100.1", 17, 2000, 80);
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "fwd: sub returns, t accepts, forward2 drops");
	k = v4("10.1.0.2", "10.2.0.1", 17, 2000, 5353);
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "fwd: accept in sub ends t only; forward2 accepts");
	k = v4("10.1.0.2", "10.9.0.1", 17, 2000, 5353);
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "fwd: accept in sub; forward2 still drops");
	k = v4("10.1.0.2", "10.2.0.1", 17, 1500, 1500);
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "fwd: goto leaf (dport in 1000-1999), sport 1500");
	k = v4("10.1.0.2", "10.2.0.1", 17, 99, 3000);
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "fwd: goto leaf (dport 3000), leaf drops");
	k = v4("10.1.0.2", "10.2.0.1", 17, 99, 2500);
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "fwd: dport 2500 not in @ports");
	k = v4("10.1.0.2", "10.2.0.1", 17, 99, 4000);
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "fwd: continue goes on to the next rule");
	k = v4("10.1.0.2", "10.2.0.1", 6, 2000, 80);
	k.th[13] = 0x02;
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "fwd: syn without ack");
	k.th[13] = 0x12;
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "fwd: syn+ack passes the syn rule");
	k.th[13] = 0x11;
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "fwd: fin");
	k = v4("10.1.0.2", "10.2.0.1", 17, 99, 80);
	strcpy((char *)k.iifname, "dmz7");
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "fwd: iifname in @names (dmz*), oifname not wan*");
	strcpy((char *)k.oifname, "wan1");
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "fwd: oifname wan1 matches wan*: no drop");
	k = v4("10.1.0.2", "10.2.0.1", 17, 99, 7);
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "fwd: th dport 7 (any protocol)");
	k = v4("10.1.0.2", "10.2.0.1", 6, 80, 60001);
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "fwd: tcp sport < 1024 and dport > 60000");
	k = v4("10.1.0.2", "10.2.0.1", 6, 80, 443);
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "fwd: sport < 1024 alone is not enough");
	k = v4("10.1.0.2", "10.2.0.1", 6, 2000, 60001);
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "fwd: dport > 60000 alone is not enough");
	k = v4("10.1.0.2", "10.2.0.1", 6, 2000, 80);
	k.ct_state = htonl(8);
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "fwd: ct state new");
	/* postrouting on both sides of source NAT */
	k = v4("10.1.0.2", "10.2.0.1", 6, 2000, 80);
	k.oif = htonl(1);
	EXPECT(&p, 0, TNA_FLT_POST, k, DROP, "post: oif lo");
	k = v4("192.0.2.1", "10.2.0.1", 6, 2000, 80);
	EXPECT(&p, 0, TNA_FLT_POST, k, ACCEPT, "post (before SNAT): saddr rule is after it");
	EXPECT(&p, 0, TNA_FLT_POST_NAT, k, DROP, "post_nat: saddr 192.0.2.1");
	tna_flt_prog_free(&p);
	tna_nft_free(&rs);
}

static void home(void)
{
	struct tna_flt_opts o = { .v4 = true, .v6 = true };
	struct tna_nft_ruleset rs;
	struct tna_flt_prog p;
	struct tna_flt_pkt k;

	CHECK(load("home", &rs) == 0, "home.bin");
	CHECK(tna_flt_compile(&rs, &o, &p) == 0, "compile home");
	CHECK((p.flags & (TNA_FLT_F_CT | TNA_FLT_F_NAT4)) == (TNA_FLT_F_CT | TNA_FLT_F_NAT4) &&
	      !(p.flags & TNA_FLT_F_NAT6), "home: conntrack, IPv4 NAT hooks");
	CHECK(p.n_notes == 0, "home: all in the subset (%d notes)", p.n_notes);
	k = v4("8.8.8.8", "10.1.0.2", 17, 53, 4000);
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "home: established");
	k.ct_state = htonl(8);
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "home: new from outside");
	strcpy((char *)k.iifname, "lan0");
	strcpy((char *)k.oifname, "wan0");
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "home: new lan0 -> wan0");
	k = v4("192.0.2.9", "10.1.0.2", 6, 40000, 8005);
	k.ct_state = htonl(8);
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "home: @ssh_ok to 8000-8010");
	k = v4("192.0.2.16", "10.1.0.2", 6, 40000, 22);
	k.ct_state = htonl(8);
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "home: 192.0.2.16 is outside 192.0.2.0/28");
	k = v4("198.51.100.9", "10.1.0.2", 6, 40000, 22);
	k.ct_state = htonl(8);
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "home: the range 198.51.100.7-9");
	k = v4("8.8.8.8", "10.1.0.2", 1, 0x0800, 0);	/* icmp echo request */
	k.ct_state = htonl(8);
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "home: icmp echo-request");
	k.ct_state = htonl(1);
	EXPECT(&p, 0, TNA_FLT_FWD, k, DROP, "home: invalid");
	tna_flt_prog_free(&p);
	tna_nft_free(&rs);
}

static bool noted(const struct tna_flt_prog *p, const char *reason)
{
	for (int i = 0; i < p->n_notes; i++)
		if (strstr(p->notes[i].reason, reason))
			return true;
	return false;
}

static void unsupported(void)
{
	struct tna_flt_opts o = { .v4 = true, .v6 = true };
	static const char *const want[] = { "log", "counter", "set updated from the datapath",
		"limit", "ip ttl", "meta mark set", "concatenation", "map", "reject",
		"priority of conntrack or NAT" };
	struct tna_nft_ruleset rs;
	struct tna_flt_prog p;
	struct tna_flt_pkt k;

	CHECK(load("unsupported", &rs) == 0, "unsupported.bin");
	CHECK(tna_flt_compile(&rs, &o, &p) == 0, "compile unsupported");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK(noted(&p, want[i]), "a note names '%s'", want[i]);
	/* a prerouting chain at -100 with NAT registered: the whole IPv4 hook */
	k = v4("10.1.0.2", "10.2.0.2", 17, 1, 2);
	EXPECT(&p, 0, TNA_FLT_PRE_RAW, k, PUNT_HOOK, "v4 prerouting at -100 with NAT");
	EXPECT(&p, 1, TNA_FLT_PRE_RAW, k, ACCEPT, "v6 has no such chain");
	/* only what reaches an unsupported expression goes to Linux */
	EXPECT(&p, 0, TNA_FLT_FWD, k, ACCEPT, "established: accepted before any of them");
	k.ct_state = htonl(8);
	k = v4("10.1.0.2", "10.2.0.2", 6, 1, 23);
	k.ct_state = htonl(8);
	EXPECT(&p, 0, TNA_FLT_FWD, k, PUNT_RULE, "new telnet reaches the log rule");
	k = v4("10.1.0.2", "10.2.0.2", 17, 1, 514);
	k.ct_state = htonl(8);
	EXPECT(&p, 0, TNA_FLT_FWD, k, PUNT_RULE, "udp 514 reaches the counter");
	tna_flt_prog_free(&p);
	tna_nft_free(&rs);
}

/* A bridged IPv4 frame: Ethernet fields and validated IP fields. */
static struct tna_flt_pkt br4(const char *src, const char *dst, int proto, int sport, int dport)
{
	struct tna_flt_pkt k = v4(src, dst, proto, sport, dport);
	static const uint8_t d[6] = { 2, 0xa0, 0, 3, 0, 1 }, s[6] = { 2, 0xa0, 0, 2, 0, 1 };

	memcpy(k.ether_daddr, d, 6);
	memcpy(k.ether_saddr, s, 6);
	k.ether_type = htons(0x0800);
	k.nfproto = 7;
	k.ct_state = 0;
	return k;
}

static void bridge(void)
{
	struct tna_flt_opts o = { .v4 = true, .v6 = true, .bridge = true };
	struct tna_nft_ruleset rs;
	struct tna_flt_prog p;
	struct tna_flt_pkt k;

	CHECK(load("bridge", &rs) == 0, "bridge.bin");
	CHECK(tna_flt_compile(&rs, &o, &p) == 0, "compile bridge");
	CHECK((p.flags & (TNA_FLT_F_BR_LOCAL | TNA_FLT_F_CT)) == TNA_FLT_F_BR_LOCAL,
	      "bridge: prerouting/input chains (routed frames on bridge ports go to Linux), no conntrack");
	CHECK(p.seg[TNA_FLT_V4][TNA_FLT_FWD].start == TNA_FLT_END, "bridge tables stay out of the routed programs");
	k = br4("10.3.0.1", "10.2.0.1", 17, 1, 2);
	k.ether_saddr[3] = 1, k.ether_saddr[5] = 2;
	EXPECT(&p, TNA_FLT_BR, TNA_FLT_PRE, k, DROP, "br: ether saddr in @quiet");
	k = br4("10.3.0.1", "10.2.0.1", 17, 1, 2);
	EXPECT(&p, TNA_FLT_BR, TNA_FLT_PRE, k, ACCEPT, "br: other source");
	EXPECT(&p, TNA_FLT_BR, TNA_FLT_FWD, k, ACCEPT, "br: nothing in forward matches");
	k = br4("10.3.0.1", "10.1.2.3", 17, 1, 80);
	EXPECT(&p, TNA_FLT_BR, TNA_FLT_FWD, k, DROP, "br: ip daddr 10.1/16 udp 1-30000");
	k = br4("10.3.0.1", "10.2.0.1", 6, 1, 80);
	strcpy((char *)k.iifname, "p3");
	strcpy((char *)k.oifname, "p1");
	EXPECT(&p, TNA_FLT_BR, TNA_FLT_FWD, k, DROP, "br: p3 -> p1 tcp");
	k = br4("10.9.1.1", "10.2.0.1", 17, 1, 40000);
	EXPECT(&p, TNA_FLT_BR, TNA_FLT_FWD, k, DROP, "br: l4proto != tcp (after ether type ip) and 10.9/16");
	k = br4("10.2.0.1", "10.2.0.2", 6, 1, 22);
	k.th[13] = 0x02;
	EXPECT(&p, TNA_FLT_BR, TNA_FLT_FWD, k, DROP, "br: syn to a low port");
	k = br4("10.2.0.1", "10.2.0.2", 17, 1, 40000);
	memset(k.saddr, 0, 32), memset(k.th, 0, 20), k.l4proto = 0;
	k.ether_type = htons(0x0806);
	k.ether_daddr[3] = 2, k.ether_daddr[5] = 3;
	EXPECT(&p, TNA_FLT_BR, TNA_FLT_FWD, k, ACCEPT, "br: arp accepted before the daddr rule");
	k.ether_type = htons(0x88cc);
	EXPECT(&p, TNA_FLT_BR, TNA_FLT_FWD, k, DROP, "br: other ethertype to 02:a0:00:02:00:03");
	tna_flt_prog_free(&p);
	tna_nft_free(&rs);
}

static int count_prefix(const uint8_t data[16], int bits, void *ctx)
{
	(void)data;
	(void)bits;
	++*(int *)ctx;
	return 0;
}

static void prefixes(void)
{
	uint8_t lo[16] = { 0, 1 }, hi[16] = { 0xff, 0xfe };
	int n = 0;

	CHECK(tna_flt_prefixes(lo, hi, 2, count_prefix, &n) == 0 && n == 30,
	      "1-65534 in 30 prefixes (%d)", n);
	memset(hi, 0xff, 16);
	memset(lo, 0, 16);
	n = 0;
	CHECK(tna_flt_prefixes(lo, hi, 16, count_prefix, &n) == 0 && n == 1, "all of ::/0 in one");
}

/* The verdict the router plan, the graph and the follower share: which
 * families go to Linux as a whole, and why. */
static void verdict(void)
{
	struct tna_flt_opts co = { .v4 = true, .v6 = true };
	struct tna_netfilter legacy = { .nft_ok = true, .legacy_ok = true };
	struct tna_nft_ruleset rs;
	struct tna_flt_verdict v;
	struct tna_flt_prog p;

	CHECK(load("home", &rs) == 0, "home.bin");
	CHECK(tna_flt_decide(&rs, 0, &legacy, &co, &p, &v) == 0 && !v.whole[TNA_FLT_V4] &&
	      !v.whole[TNA_FLT_V6], "home: both families compiled (%s)", v.why[TNA_FLT_V4]);
	tna_flt_prog_free(&p);
	legacy.hook[TNA_NF_LEGACY][2][TNA_NFT_H_FORWARD].rules = 1;
	CHECK(tna_flt_decide(&rs, 0, &legacy, &co, &p, &v) == 0 && v.whole[TNA_FLT_V4] &&
	      strstr(v.why[TNA_FLT_V4], "iptables-legacy") && !v.whole[TNA_FLT_V6],
	      "legacy FORWARD rule: IPv4 whole (%s)", v.why[TNA_FLT_V4]);
	tna_flt_prog_free(&p);
	legacy.hook[TNA_NF_LEGACY][2][TNA_NFT_H_FORWARD].rules = 0;
	legacy.legacy_ok = false;
	CHECK(tna_flt_decide(&rs, 0, &legacy, &co, &p, &v) == 0 && v.whole[TNA_FLT_V4] &&
	      v.whole[TNA_FLT_V6], "legacy tables unreadable: both whole");
	tna_flt_prog_free(&p);
	legacy.legacy_ok = true;
	tna_nft_free(&rs);
	CHECK(tna_flt_decide(NULL, -EPERM, &legacy, &co, &p, &v) == 0 && v.whole[TNA_FLT_V4] &&
	      v.whole[TNA_FLT_V6] && strstr(v.why[TNA_FLT_V6], "unreadable"), "no ruleset: both whole");
	tna_flt_prog_free(&p);
	/* ip prerouting chain at NAT's priority: the IPv4 hook's order is
	 * unknown (whole); the inet rules outside the subset are per rule */
	CHECK(load("unsupported", &rs) == 0, "unsupported.bin");
	CHECK(tna_flt_decide(&rs, 0, &legacy, &co, &p, &v) == 0 && v.whole[TNA_FLT_V4] &&
	      strstr(v.why[TNA_FLT_V4], "order is unknown") && !v.whole[TNA_FLT_V6] && p.n_notes > 5,
	      "unsupported: IPv4 whole (%s), IPv6 compiled with %d notes", v.why[TNA_FLT_V4], p.n_notes);
	tna_flt_prog_free(&p);
	tna_nft_free(&rs);
}

int main(void)
{
	verdict();
	semantics();
	home();
	unsupported();
	bridge();
	prefixes();
	return tna_test_exit();
}
