/* tna-br-cost's test bed: the bridge, the planner's modules, the programs
 * it times with their tables (see br_cost.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include "assembler/input.h"
#include "assembler/plan.h"
#include "capabilities/caps.h"
#include "introspect/model.h"
#include "tools/sysfs_port.h"
#include "bench/br_cost.h"
#include "bench/cost_util.h"
#include "bench/frame.h"
#include "bpf/bench_redirect.skel.h"
#include "bpf/bench_fdb_limit.skel.h"

#define BR_MAC 2, 0, 0, 0, 0, 0xfe

static int fail(const char *what, int err)
{
	fprintf(stderr, "tna-br-cost: %s%s%s\n", what, err ? ": " : "", err ? strerror(err) : "");
	return -1;
}

static void mac_of(uint8_t *mac, uint8_t kind, unsigned j)
{
	uint8_t m[6] = { 2, kind, j >> 24, j >> 16, j >> 8, j };

	memcpy(mac, m, 6);
}

int br_cost_bed_build(struct br_cost_bed *bed)
{
	if (tna_bench_sh("ip link set lo up && "
		"ip link add br0 address 02:00:00:00:00:fe type bridge && "
		"for i in 1 2 3; do ip link add b$i type veth peer name h$i && "
		"ip link set b$i master br0 && ip link set b$i up && ip link set h$i up; done && "
		"ip link set br0 up && ethtool -K h2 gro on >/dev/null && "
		"ethtool -K h3 tx off >/dev/null"))
		return fail("cannot build the namespace (ip, ethtool)", 0);
	/* the ports forward once their carrier is up (no STP) */
	if (tna_bench_sh("for i in $(seq 100); do s=; for p in b1 b2 b3; do "
		"s=$s$(cat /sys/class/net/br0/brif/$p/state); done; "
		"[ $s = 333 ] && exit 0; sleep 0.05; done; exit 1"))
		return fail("the bridge ports do not reach forwarding", 0);
	bed->br = if_nametoindex("br0");
	bed->b1 = if_nametoindex("b1");
	bed->b2 = if_nametoindex("b2");
	bed->b3 = if_nametoindex("b3");
	bed->complete = 3 * bed->macs <= TNA_FDB_MAX;
	return 0;
}

/* Mirror mode: the controller's FDB mirror, as on a stock kernel. */
int br_cost_plan(const struct br_cost_bed *bed, uint64_t *fpms)
{
	struct tna_plan_opts po = { .sz = sizeof(po), .target = TNA_TARGET_NATIVE,
				    .dp_validates_ip = true, .fdb_mirror = true };
	struct tna_model *m = tna_model_new();
	struct tna_bridge_plan plan = {};
	struct tna_plan_bridge_in in;
	struct tna_caps_dev *devs = NULL;
	struct tna_caps_sys sys;
	int n = 0, err;

	po.sys = &sys;
	err = !m ? -ENOMEM : tna_model_dump(m);
	if (!err)
		err = tna_caps_probe_system(&sys);
	if (err >= 0)
		err = tna_caps_probe_all(&devs, &n);
	if (err >= 0)
		err = tna_plan_input_build(m, devs, n, bed->br, &in);
	if (!err) {
		tna_plan_input_peers(&in);
		err = tna_plan_bridge(&in, &po, &plan);
		tna_plan_input_free(&in);
	}
	if (err < 0)
		fail("plan br0", -err);
	else if (!plan.ok || plan.br_netfilter || plan.target != TNA_TARGET_NATIVE) {
		fprintf(stderr, "tna-br-cost: the planner does not accelerate br0 natively: %s\n",
			plan.reason);
		err = -1;
	}
	*fpms = plan.fpms;
	tna_plan_bridge_free(&plan);
	free(devs);
	tna_model_free(m);
	return err < 0 ? -1 : 0;
}

/* Port IFX as the controller sets it; its checksum handling must be CSUM
 * (-1: the egress, which must be able to transmit redirected frames). */
static int port(struct tna_dp *dp, int ifx, const char *name, int csum)
{
	struct tna_port_cfg c = {};
	int err;

	tna_sysfs_port_cfg("br0", name, &c);
	err = tna_dp__port_set(dp, ifx, &c);
	if (!err)
		err = tna_dp__port_get(dp, ifx, &c);
	if (err)
		return fail("fill the TNA port table", -err);
	if (csum < 0 && (c.flags & TNA_PORT_F_NO_XMIT))
		return fprintf(stderr, "tna-br-cost: %s cannot be a redirect egress\n", name), -1;
	if (csum >= 0 && c.csum != csum)
		return fprintf(stderr, "tna-br-cost: %s's checksum handling is %d, not %d\n",
			       name, c.csum, csum), -1;
	return 0;
}

struct tna_dp *br_cost_load_tna(const struct br_cost_bed *bed, uint64_t fpms,
				const struct tna_dp *share)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_NATIVE, .fpms = fpms,
				 .bridge_ifindex = bed->br, .bridge_mac = { BR_MAC },
				 .share_maps_with = share };
	struct tna_dp *dp = tna_dp__load(&o);
	int err;

	if (!dp)
		return fail("load the TNA pipeline", errno), NULL;
	if (share)
		return dp;
	err = port(dp, bed->b1, "b1", TNA_PORT_CSUM_FIX) || port(dp, bed->b2, "b2", -1) ||
	      port(dp, bed->b3, "b3", TNA_PORT_CSUM_COMPLETE);
	for (int j = 0; !err && j < bed->macs; j++) {
		uint8_t s1[6], s3[6], d[6];

		mac_of(s1, BR_COST_SRC_FIX, j);
		mac_of(s3, BR_COST_SRC_COMPLETE, j);
		mac_of(d, BR_COST_DST, j);
		err = tna_dp__fdb_set(dp, s1, 0, bed->b1, 0) ||
		      (bed->complete && tna_dp__fdb_set(dp, s3, 0, bed->b3, 0)) ||
		      tna_dp__fdb_set(dp, d, 0, bed->b2, 0);
		if (err)
			fail("fill the TNA FDB mirror", 0);
	}
	if (err) {
		tna_dp__destroy(dp);
		return NULL;
	}
	/* as the controller does for that mirror */
	tna_dp__flow_fit(dp, (bed->complete ? 3 : 2) * bed->macs);
	return dp;
}

int br_cost_load_bare(const struct br_cost_bed *bed, void **obj)
{
	struct bench_redirect *s = bench_redirect__open_and_load();

	*obj = s;
	if (!s || bpf_map_update_elem(bpf_map__fd(s->maps.out_port), &bed->b1, &bed->b2, 0))
		return fail("load the bare redirect", errno);
	return bpf_program__fd(s->progs.bench_redirect);
}

/* b1's pairs, source j and destination j in turn (tna-bench-redirect's
 * order without --scatter) */
int br_cost_load_fdb_limit(const struct br_cost_bed *bed, void **obj)
{
	struct bench_fdb_limit *s = bench_fdb_limit__open_and_load();
	int err = s ? bpf_map_update_elem(bpf_map__fd(s->maps.tx_port), &bed->b2, &bed->b2, 0) : -1;

	*obj = s;
	for (int j = 0; !err && j < bed->macs; j++) {
		struct tna_fdb_key k = {};
		struct tna_fdb_val v = { .ifindex = bed->b1 };

		mac_of(k.mac, BR_COST_SRC_FIX, j);
		err = bpf_map_update_elem(bpf_map__fd(s->maps.fdb), &k, &v, 0);
		mac_of(k.mac, BR_COST_DST, j);
		v.ifindex = bed->b2;
		if (!err)
			err = bpf_map_update_elem(bpf_map__fd(s->maps.fdb), &k, &v, 0);
	}
	if (err)
		return fail("load the two-lookup limit", errno);
	return bpf_program__fd(s->progs.bench_fdb_limit);
}

void br_cost_unload(void *bare, void *fdb_limit)
{
	bench_redirect__destroy(bare);
	bench_fdb_limit__destroy(fdb_limit);
}

void br_cost_new_gen(struct tna_dp *dp)
{
	tna_dp__set_bridge_mac(dp, (uint8_t[6]){ BR_MAC });
}

int br_cost_load_empty(void)
{
	struct bpf_insn insn[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_REDIRECT },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "br_cost_empty", "GPL", insn, 2, NULL);

	return fd < 0 ? fail("load the empty program", errno) : fd;
}

uint8_t (*br_cost_frames(const struct br_cost_bed *bed, uint8_t kind))[BR_COST_FRAME_LEN]
{
	uint8_t (*f)[BR_COST_FRAME_LEN] = calloc(bed->macs, BR_COST_FRAME_LEN);

	for (int j = 0; f && j < bed->macs; j++) {
		struct tna_bench_frame_opts fo = { .sz = sizeof(fo), .len = BR_COST_FRAME_LEN,
						   .sport = 9, .dport = 9 };
		uint32_t l3, l4;

		mac_of(fo.src_mac, kind, j);
		mac_of(fo.dst_mac, BR_COST_DST, j);
		inet_pton(AF_INET, "198.18.0.1", fo.src_ip);
		inet_pton(AF_INET, "198.19.0.1", fo.dst_ip);
		tna_bench_frame_build(&fo, f[j], &l3, &l4);	/* 60 B IPv4: fits */
	}
	if (!f)
		fail("memory", ENOMEM);
	return f;
}
