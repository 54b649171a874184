/* The NIC stage's behaviour: the very object that goes onto a NIC, loaded
 * on the host (a device-bound program cannot be test-run) and run with
 * BPF_PROG_TEST_RUN on crafted frames.  Before configuration every frame
 * passes; on a bridge port it drops exactly what br_handle_frame drops
 * without side effects (invalid source MAC, pause frames, frames on a
 * blocking or listening port) and passes everything else: link-local
 * frames (STP must see BPDUs on a blocking port), tagged frames (a VLAN
 * device may take them first), MRP/CFM, runts, learning and disabled
 * states.  Each frame moves exactly one counter.  (Runts cannot be
 * test-run: BPF_PROG_TEST_RUN wants a whole Ethernet header.) */
#include <errno.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "targets/offload/nic.h"
#include "tests/lib/tna_test.h"

static const uint8_t A[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t B[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t ZERO[6] = { 0 };
static const uint8_t MCAST[6] = { 0x01, 0, 0x5e, 0, 0, 1 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t STP[6] = { 0x01, 0x80, 0xc2, 0, 0, 0 };
static const uint8_t PAUSE[6] = { 0x01, 0x80, 0xc2, 0, 0, 1 };
static const uint8_t LLDP[6] = { 0x01, 0x80, 0xc2, 0, 0, 0x0e };
static const uint8_t NOTLL[6] = { 0x01, 0x80, 0xc2, 0, 0, 0x10 };	/* not link-local */

enum { PASSED, INVALID_SRC, PAUSE_, NOT_FWD };

static struct tna_offload *nic;

static int run(const uint8_t *dst, const uint8_t *src, uint16_t proto, int len)
{
	uint8_t f[128] = {};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = len, .repeat = 1);

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = proto >> 8;
	f[13] = proto & 0xff;
	if (bpf_prog_test_run_opts(tna_offload__prog_fd(nic), &o))
		return -errno;
	return o.retval;
}

static void expect(const char *what, const uint8_t *dst, const uint8_t *src, uint16_t proto,
		   int len, int action, int counter)
{
	struct tna_nic_cnt b, a;
	uint64_t *bw = (uint64_t *)&b, *aw = (uint64_t *)&a;
	int ret;

	CHECK_EQ(tna_offload__counters(nic, &b), 0);
	ret = run(dst, src, proto, len);
	CHECK_EQ(tna_offload__counters(nic, &a), 0);
	CHECK(ret == action, "%s: action %d, expected %d", what, ret, action);
	for (int i = 0; i < TNA_NIC_NCOUNTERS; i++) {
		uint64_t d = aw[i] - bw[i], want;

		if (i == 1)	/* passed_bytes */
			want = counter == PASSED ? (uint64_t)len : 0;
		else
			want = (i == 0 && counter == PASSED) ||
			       (i >= 2 && i - 1 == counter);
		CHECK(d == want, "%s: counter %s moved by %llu, expected %llu", what,
		      tna_offload_counter_name(i), (unsigned long long)d,
		      (unsigned long long)want);
	}
}

int main(void)
{
	struct tna_offload_opts o = { .sz = sizeof(o) };
	char why[256];

	if (geteuid() != 0)
		SKIP_TEST("needs root (BPF_PROG_TEST_RUN on XDP)");
	nic = tna_offload__load(&o, why, sizeof(why));
	CHECK(nic != NULL, "load on the host: %s (%s)", strerror(errno), why);
	if (!nic)
		return tna_test_exit();
	CHECK_EQ(tna_offload__attach(nic, why, sizeof(why)), -EINVAL);	/* host copy */

	/* Not configured yet: everything passes, even what a bridge drops. */
	expect("unconfigured, zero source", B, ZERO, 0x0800, 64, XDP_PASS, PASSED);
	expect("unconfigured, pause", PAUSE, A, 0x8808, 64, XDP_PASS, PASSED);

	/* A forwarding bridge port. */
	CHECK_EQ(tna_offload__set_port(nic, TNA_NIC_F_BRIDGE_PORT, 3), 0);
	expect("unicast", B, A, 0x0800, 64, XDP_PASS, PASSED);
	expect("unicast, 1500 B", B, A, 0x0800, 128, XDP_PASS, PASSED);
	expect("broadcast", BCAST, A, 0x0806, 64, XDP_PASS, PASSED);
	expect("multicast source", B, MCAST, 0x0800, 64, XDP_DROP, INVALID_SRC);
	expect("broadcast source", B, BCAST, 0x0800, 64, XDP_DROP, INVALID_SRC);
	expect("zero source", B, ZERO, 0x0800, 64, XDP_DROP, INVALID_SRC);
	expect("pause", PAUSE, A, 0x8808, 64, XDP_DROP, PAUSE_);
	expect("pause from a zero source", PAUSE, ZERO, 0x8808, 64, XDP_DROP, INVALID_SRC);
	expect("STP BPDU", STP, A, 0x0026, 64, XDP_PASS, PASSED);
	expect("LLDP", LLDP, A, 0x88cc, 64, XDP_PASS, PASSED);
	expect("tagged, zero source", B, ZERO, 0x8100, 64, XDP_PASS, PASSED);
	expect("QinQ, multicast source", B, MCAST, 0x88a8, 64, XDP_PASS, PASSED);

	/* Blocking: Linux drops everything but link-local and MRP/CFM. */
	CHECK_EQ(tna_offload__set_port(nic, TNA_NIC_F_BRIDGE_PORT, 4), 0);
	expect("blocking: unicast", B, A, 0x0800, 64, XDP_DROP, NOT_FWD);
	expect("blocking: broadcast", BCAST, A, 0x0806, 64, XDP_DROP, NOT_FWD);
	expect("blocking: 01:80:c2:00:00:10", NOTLL, A, 0x0800, 64, XDP_DROP, NOT_FWD);
	expect("blocking: STP BPDU", STP, A, 0x0026, 64, XDP_PASS, PASSED);
	expect("blocking: LLDP", LLDP, A, 0x88cc, 64, XDP_PASS, PASSED);
	expect("blocking: MRP", B, A, 0x88e3, 64, XDP_PASS, PASSED);
	expect("blocking: CFM", B, A, 0x8902, 64, XDP_PASS, PASSED);
	expect("blocking: tagged", B, A, 0x8100, 64, XDP_PASS, PASSED);
	expect("blocking: zero source", B, ZERO, 0x0800, 64, XDP_DROP, INVALID_SRC);
	expect("blocking: pause", PAUSE, A, 0x8808, 64, XDP_DROP, PAUSE_);

	CHECK_EQ(tna_offload__set_port(nic, TNA_NIC_F_BRIDGE_PORT, 1), 0);
	expect("listening: unicast", B, A, 0x0800, 64, XDP_DROP, NOT_FWD);
	/* Learning: Linux learns the source before it drops; disabled: the
	 * next state can be forwarding at once.  Both stay with Linux. */
	CHECK_EQ(tna_offload__set_port(nic, TNA_NIC_F_BRIDGE_PORT, 2), 0);
	expect("learning: unicast", B, A, 0x0800, 64, XDP_PASS, PASSED);
	CHECK_EQ(tna_offload__set_port(nic, TNA_NIC_F_BRIDGE_PORT, 0), 0);
	expect("disabled: unicast", B, A, 0x0800, 64, XDP_PASS, PASSED);

	/* Only the drops that are switched on. */
	CHECK_EQ(tna_offload__set_port(nic, TNA_NIC_F_DROP_PAUSE, 4), 0);
	expect("pause only: blocking unicast", B, A, 0x0800, 64, XDP_PASS, PASSED);
	expect("pause only: zero source", B, ZERO, 0x0800, 64, XDP_PASS, PASSED);
	expect("pause only: pause", PAUSE, A, 0x8808, 64, XDP_DROP, PAUSE_);

	tna_offload__destroy(nic);
	return tna_test_exit();
}
