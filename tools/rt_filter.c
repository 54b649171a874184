/* tna-rt-test --filter: the compiled nftables rules on the routed path,
 * followed as the kernel changes them (controller/filter_follow.h), and
 * what the tool prints about them:
 *
 *   filter: gen N insns=I rules=R sets=S flags=ct,nat4 read_us=.. compile_us=..
 *           load_us=.. swap_ns=T event_ns=E
 *   filter: to Linux: WHERE: REASON
 *   filter: IPv4 to Linux as a whole: WHY
 *
 * swap_ns and event_ns are CLOCK_MONOTONIC: a test compares them with the
 * time `nft` returned to measure the window of a rule change. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "tools/rt_filter.h"
#include "controller/router_filter.h"
#include "targets/filter.h"

void rt_filter_stop(void)
{
	tna_rtf_gen_file(NULL);
}

static void report(const struct tna_nf_follow *f, bool dump)
{
	const struct tna_nf_follow_report *r = tna_nf_follow_report(f);

	tna_rtf_gen_file(r);	/* for tests/filter/nft-sync.sh */

	printf("filter: gen %u insns=%d rules=%d sets=%d flags=%s%s%s%s%s%s read_us=%llu compile_us=%llu "
	       "load_us=%llu swap_ns=%llu event_ns=%llu nft_genid=%u\n", r->gen, r->n_insns, r->n_rules, r->n_sets,
	       r->flags & TNA_FLT_F_CT ? "ct," : "", r->flags & TNA_FLT_F_NAT4 ? "nat4," : "",
	       r->flags & TNA_FLT_F_NAT6 ? "nat6," : "", r->flags & TNA_FLT_F_NAMES ? "names," : "",
	       r->flags & TNA_FLT_F_BR_LOCAL ? "br_local," : "", r->flags & TNA_FLT_F_BR_OUT ? "br_out," : "",
	       (unsigned long long)r->read_ns / 1000, (unsigned long long)r->compile_ns / 1000,
	       (unsigned long long)r->load_ns / 1000, (unsigned long long)r->swap_ns,
	       (unsigned long long)r->event_ns, r->nft_genid);
	if (r->whole4)
		printf("filter: IPv4 to Linux as a whole: %s\n", r->why4);
	if (r->whole6)
		printf("filter: IPv6 to Linux as a whole: %s\n", r->why6);
	if (r->whole_br)
		printf("filter: bridged frames to Linux as a whole: %s\n", r->why_br);
	for (int i = 0; i < r->prog.n_notes; i++)
		printf("filter: to Linux: %s: %s\n", r->prog.notes[i].where, r->prog.notes[i].reason);
	if (dump)
		tna_flt_prog_print(&r->prog, stdout);
	fflush(stdout);
}

struct tna_nf_follow *rt_filter_start(struct tna_dp *dp, bool v4, bool v6, const char *bridge,
				      bool dump)
{
	struct tna_nf_follow_opts o = { .sz = sizeof(o), .v4 = v4, .v6 = v6, .bridge = bridge };
	struct tna_nf_follow *f = tna_nf_follow_new(dp, &o);
	int err;

	if (!f) {
		fprintf(stderr, "tna-rt-test: filter: %s\n", strerror(errno));
		return NULL;
	}
	err = tna_nf_follow_apply(f);
	if (err) {
		fprintf(stderr, "tna-rt-test: filter: %s\n", strerror(-err));
		tna_nf_follow_free(f);
		return NULL;
	}
	report(f, dump);
	return f;
}

void rt_filter_wait(struct tna_nf_follow *f, int ms, bool dump)
{
	struct pollfd p[2] = { { .events = POLLIN }, { .events = POLLIN } };
	int fds[2], n, r;

	tna_nf_follow_fds(f, fds);
	p[0].fd = fds[0];
	p[1].fd = fds[1];
	n = poll(p, 2, ms);
	if (n > 0)
		r = tna_nf_follow_event(f);
	else
		r = tna_nf_follow_tick(f);
	if (r < 0)
		fprintf(stderr, "tna-rt-test: filter: %s\n", strerror(-r));
	else if (r > 0)
		report(f, dump);
}
