/* The offload model against the compiled objects of this build: the NIC
 * stage fits an NFP and netdevsim; the bridge pipeline fits neither, and
 * the check names why (redirect, devmap, per-CPU maps, global data, stores
 * into map values, sizes).  The instruction scan is checked on small
 * hand-written programs: stores and atomics through map-value pointers
 * (also spilled to the stack), context fields, stack depth, actions. */
#include <errno.h>
#include <stdlib.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "capabilities/caps.h"
#include "targets/offload/offload.h"
#include "bpf/tna_kern_user.h"
#include "bpf/tna_bridge.skel.h"
#include "tests/lib/tna_test.h"

#define HAS(s, sub) CHECK(strstr((s), (sub)) != NULL, "'%s' not in '%s'", (sub), (s))

#define I(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
					      .off = (o), .imm = (i) })
#define MOV_IMM(d, i)	I(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV(d, s)	I(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD_IMM(d, i)	I(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define LDX(sz, d, s, o) I(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STX(sz, d, s, o) I(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST(sz, d, o, i)	I(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
#define XADD(sz, d, s, o, op) I(BPF_STX | BPF_ATOMIC | (sz), d, s, o, op)
#define CALL(f)		I(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define JEQ_IMM(d, i, o) I(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define EXIT		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static struct tna_offload_req scan(const struct bpf_insn *p, size_t n)
{
	struct tna_offload_req r;

	memset(&r, 0, sizeof(r));
	tna_offload_req_scan_insns(&r, p, n);
	return r;
}

static void scanner(void)
{
	/* r0 = lookup(map, fp-8); if r0 == 0 exit; *(u32 *)(r0+4) = 1 */
	const struct bpf_insn store[] = {
		ST(BPF_W, 10, -8, 0), MOV(2, 10), ADD_IMM(2, -8), MOV_IMM(1, 0),
		CALL(BPF_FUNC_map_lookup_elem), JEQ_IMM(0, 0, 2),
		ST(BPF_W, 0, 4, 1), MOV_IMM(0, XDP_PASS), EXIT,
	};
	/* the map value spilled to the stack and back, then atomic add */
	const struct bpf_insn spill_add[] = {
		MOV(2, 10), ADD_IMM(2, -8), MOV_IMM(1, 0),
		CALL(BPF_FUNC_map_lookup_elem), JEQ_IMM(0, 0, 5),
		STX(BPF_DW, 10, 0, -24), MOV_IMM(0, 7), LDX(BPF_DW, 3, 10, -24),
		MOV_IMM(4, 1), XADD(BPF_DW, 3, 4, 8, BPF_ADD),
		MOV_IMM(0, XDP_DROP), EXIT,
	};
	/* a fetching atomic, a read of ingress_ifindex, two constant returns */
	const struct bpf_insn ctx[] = {
		LDX(BPF_W, 2, 1, 12), MOV(6, 1), MOV(2, 10), ADD_IMM(2, -4), MOV_IMM(1, 0),
		CALL(BPF_FUNC_map_lookup_elem), JEQ_IMM(0, 0, 3),
		MOV_IMM(4, 1), XADD(BPF_W, 0, 4, 0, BPF_ADD | BPF_FETCH),
		LDX(BPF_W, 5, 6, 0), MOV_IMM(0, XDP_TX), EXIT,
	};
	struct tna_offload_req r;

	r = scan(store, sizeof(store) / sizeof(store[0]));
	CHECK(r.map_value_stores, "store through the lookup result");
	CHECK(!r.map_atomic_add && !r.map_atomics_other, "no atomics");
	CHECK_EQ(r.stack, 8);
	CHECK_EQ(r.actions, 1 << XDP_ABORTED | 1 << XDP_PASS);	/* the NULL path returns 0 */
	CHECK_EQ(r.ctx_read | r.ctx_write, 0);

	r = scan(spill_add, sizeof(spill_add) / sizeof(spill_add[0]));
	CHECK(!r.map_value_stores, "the spill is a stack store, not a map store");
	CHECK(r.map_atomic_add && !r.map_atomics_other, "atomic add through the reloaded pointer");
	CHECK_EQ(r.stack, 24);
	CHECK_EQ(r.actions, 1 << XDP_DROP);

	r = scan(ctx, sizeof(ctx) / sizeof(ctx[0]));
	CHECK(r.map_atomics_other, "fetching add is not a plain add");
	CHECK_EQ(r.ctx_read, 1 << 3 | 1 << 0);	/* ingress_ifindex through r1, data through r6 */
	CHECK_EQ(r.actions, 1 << XDP_TX);
	CHECK_EQ(r.helpers[0], 1ULL << BPF_FUNC_map_lookup_elem);
}

int main(void)
{
	struct tna_offload_caps nfp, nsim, small;
	const struct tna_offload_req *nic;
	struct tna_offload_req br;
	struct tna_bridge *skel;
	struct tna_caps_dev dev;
	char why[2048];

	scanner();

	tna_offload_caps_nfp(&nfp);
	tna_offload_caps_netdevsim(&nsim);

	/* The NIC stage, as compiled: what it needs, and it fits both. */
	nic = tna_offload_nic_req();
	CHECK(nic != NULL, "scan the NIC stage: %s", strerror(errno));
	if (!nic)
		return tna_test_exit();
	tna_offload_req_describe(nic, why, sizeof(why));
	printf("nic stage: %s\n", why);
	CHECK(nic->insns > 30 && nic->insns < 200, "insns %u", nic->insns);
	CHECK_EQ(nic->nmaps, 2);
	CHECK_EQ(nic->ctx_read, 1 << 0 | 1 << 1);	/* data, data_end */
	CHECK_EQ(nic->ctx_write, 0);
	CHECK_EQ(nic->actions, 1 << XDP_DROP | 1 << XDP_PASS);
	CHECK(nic->map_atomic_add && !nic->map_value_stores && !nic->map_atomics_other,
	      "counters by atomic add only");
	CHECK(!nic->bpf2bpf && !nic->kfuncs && !nic->tail_calls, "no calls");
	CHECK_EQ(nic->helpers[0], 1ULL << BPF_FUNC_map_lookup_elem);
	CHECK(nic->stack > 0 && nic->stack <= 64, "stack %u", nic->stack);
	CHECK_EQ(tna_offload_check(&nfp, nic, why, sizeof(why)), 0);
	CHECK(why[0] == 0, "nfp: %s", why);
	CHECK_EQ(tna_offload_check(&nsim, nic, why, sizeof(why)), 0);
	CHECK(why[0] == 0, "netdevsim: %s", why);

	/* Budgets: each violation with its numbers, -E2BIG. */
	small = nsim;
	small.max_insns = 20;
	small.max_map_entries = 0;
	CHECK_EQ(tna_offload_check(&small, nic, why, sizeof(why)), -E2BIG);
	HAS(why, "instructions > 20");
	small = nfp;
	small.max_elem = 32;
	CHECK_EQ(tna_offload_check(&small, nic, why, sizeof(why)), -E2BIG);
	HAS(why, "map tna_nic_cnt: key+value 48 B > 32 B");

	/* The bridge pipeline, as compiled: everything that keeps it off a NIC. */
	skel = tna_bridge__open();
	CHECK(skel != NULL, "open the bridge skeleton");
	if (skel) {
		CHECK_EQ(tna_offload_req_from_obj(skel->obj, TNA_PROG_NAME, &br), 0);
		tna_bridge__destroy(skel);
		CHECK_EQ(tna_offload_check(&nfp, &br, why, sizeof(why)), -EOPNOTSUPP);
		printf("bridge on nfp: %s\n", why);
		HAS(why, "helper 51 not offloadable");		/* bpf_redirect_map */
		HAS(why, "helper 69 not offloadable");		/* bpf_fib_lookup */
		HAS(why, "action XDP_REDIRECT");
		HAS(why, "map tna_devmap: type devmap");
		HAS(why, "map tna_stats: type percpu_array");
		HAS(why, "global data (");
		HAS(why, "stores into map values");
		HAS(why, "context field ingress_ifindex not readable");
		CHECK(!strstr(why, "map tna_fdb: key+value"), "fdb elements fit: %s", why);
		CHECK_EQ(tna_offload_check(&nsim, &br, why, sizeof(why)), -EOPNOTSUPP);
		printf("bridge on netdevsim: %s\n", why);
		HAS(why, "map tna_fdb: 262144 entries > 2");
		HAS(why, "map tna_clock: map flags 0x400");	/* BPF_F_MMAPABLE */
		CHECK(!strstr(why, "helper"), "netdevsim takes any helper: %s", why);
	}

	/* Device kinds from the probe's facts. */
	memset(&dev, 0, sizeof(dev));
	snprintf(dev.driver, sizeof(dev.driver), "netdevsim");
	CHECK_EQ(tna_offload_caps_for_dev(&dev, &small), 0);
	CHECK_STR(small.kind, "netdevsim");
	memset(&dev, 0, sizeof(dev));
	dev.nfp = true;
	CHECK_EQ(tna_offload_caps_for_dev(&dev, &small), 0);
	CHECK_STR(small.kind, "nfp");
	snprintf(dev.driver, sizeof(dev.driver), "virtio_net");
	dev.nfp = false;
	CHECK_EQ(tna_offload_caps_for_dev(&dev, &small), -ENODEV);

	/* The test switch lowers budgets and says so. */
	setenv("TNA_TEST_OFFLOAD_CAPS", "max_insns=10", 1);
	CHECK_EQ(tna_offload_caps_by_kind("netdevsim", &small), 0);
	CHECK_EQ(small.max_insns, 10);
	HAS(small.source, "test limits");
	unsetenv("TNA_TEST_OFFLOAD_CAPS");
	return tna_test_exit();
}
