/* The offload constraint model with fixture capabilities (no NFP here):
 * the bridge pipeline does not fit an NFP (redirect, devmap, per-CPU
 * stats, stores into map values, FDB size) and the check says why; a
 * parse/classify pre-stage fits; budgets are enforced; and the FPM needs
 * table agrees with the helpers the compiled program really calls. */
#include <errno.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "targets/offload/offload.h"
#include "bpf/tna_kern_user.h"
#include "bpf/tna_bridge.skel.h"
#include "tests/lib/tna_test.h"

#define HAS(s, sub) CHECK(strstr((s), (sub)) != NULL, "'%s' not in '%s'", (sub), (s))

int main(void)
{
	struct tna_offload_caps nfp, big;
	struct tna_offload_req r, p;
	struct tna_bridge *skel;
	char why[1024];
	uint64_t host, nic;

	tna_offload_caps_nfp(&nfp);
	tna_offload_req_from_fpms(TNA_FPM_BRIDGE, &r);
	CHECK_EQ(tna_offload_check(&nfp, &r, why, sizeof(why)), -EOPNOTSUPP);
	printf("bridge on nfp: %s\n", why);
	HAS(why, "helper 51 not offloadable");		/* bpf_redirect_map */
	HAS(why, "action XDP_REDIRECT not offloadable");
	HAS(why, "map tna_devmap: type 14 not offloadable");
	HAS(why, "map tna_stats: type 6 not offloadable");
	HAS(why, "direct stores into map values");
	HAS(why, "map tna_fdb: 262144 entries > 65536");

	tna_offload_req_from_fpms(TNA_FPM_PARSE_ETH | TNA_FPM_CLASSIFY, &r);
	CHECK_EQ(tna_offload_check(&nfp, &r, why, sizeof(why)), 0);
	CHECK(why[0] == 0, "why: %s", why);

	/* a budget alone: -E2BIG, with the numbers */
	nfp.max_insns = 50;
	CHECK_EQ(tna_offload_check(&nfp, &r, why, sizeof(why)), -E2BIG);
	HAS(why, "instructions > 50");
	tna_offload_caps_nfp(&nfp);

	/* the split: what fits goes first to the NIC, the rest stays */
	nic = tna_offload_split(&nfp, TNA_FPM_BRIDGE, &host);
	CHECK_EQ(nic, TNA_FPM_PARSE_ETH | TNA_FPM_CLASSIFY | TNA_FPM_PORT_STATE |
		      TNA_FPM_PORT_FLAGS);
	CHECK_EQ(host, TNA_FPM_FDB_SRC | TNA_FPM_FDB_DST | TNA_FPM_FORWARD | TNA_FPM_STATS |
		       TNA_FPM_FLOW_CACHE);
	CHECK_EQ(nic & host, 0);

	/* a generous fixture: only what no NIC does (redirect) still fails */
	big = nfp;
	big.max_map_entries = 1 << 20;
	big.max_key_value = 1024;
	big.map_value_stores = true;
	big.map_types |= 1ULL << BPF_MAP_TYPE_PERCPU_ARRAY;
	tna_offload_req_from_fpms(TNA_FPM_BRIDGE, &r);
	CHECK_EQ(tna_offload_check(&big, &r, why, sizeof(why)), -EOPNOTSUPP);
	CHECK(!strstr(why, "tna_fdb") && !strstr(why, "stores"), "only redirect: %s", why);
	HAS(why, "helper 51");

	/* the table agrees with the compiled program (all modules, pre-load) */
	skel = tna_bridge__open();
	CHECK(skel != NULL, "open skeleton");
	if (skel) {
		const struct bpf_program *prog = skel->progs.tna_bridge;

		memset(&p, 0, sizeof(p));
		tna_offload_req_add_insns(&p, bpf_program__insns(prog), bpf_program__insn_cnt(prog));
		tna_offload_req_from_fpms(TNA_FPM_ALL | TNA_FPM_FILTER | TNA_FPM_CT | TNA_FPM_NAT, &r);
		CHECK(p.insns > 100, "insns %u", p.insns);
		CHECK(!p.kfuncs && !p.tail_calls, "no kfunc/tail call");
		for (int i = 0; i < 4; i++)
			CHECK(p.helpers[i] == r.helpers[i],
			      "helpers word %d: program %#llx, table %#llx", i,
			      (unsigned long long)p.helpers[i], (unsigned long long)r.helpers[i]);
		tna_bridge__destroy(skel);
	}
	return tna_test_exit();
}
