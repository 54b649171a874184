/* The offload backend: the NIC stage (bpf/tna_nic.bpf.c) loaded onto one
 * device (program and every map bound to it), attached in HW mode with a
 * bpf_link next to the host stage, configured through its device-bound
 * map, replaced with one link update, detached.
 *
 * Fail-safe as the other targets: the link is never pinned, so when the
 * process dies the kernel detaches the NIC stage, frees the program and
 * its device maps.  Before user space writes its configuration the NIC
 * stage passes every frame.
 *
 * A device may refuse what the model accepted (its verifier, driver or
 * firmware have the last word); the calls then fail with the device's own
 * message in WHY, for the port to run without a NIC stage.  Functions
 * return 0 or a negative errno; pointer functions return NULL and set
 * errno.  Nothing here prints. */
#ifndef TNA_TARGETS_OFFLOAD_NIC_H
#define TNA_TARGETS_OFFLOAD_NIC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/tna_nic_kern_user.h"
#include "targets/offload/offload.h"

struct tna_offload;

struct tna_offload_opts {
	size_t sz;			/* sizeof(struct tna_offload_opts) */
	int ifindex;			/* the device; 0 = on the host (BPF_PROG_TEST_RUN) */
	const struct tna_offload_caps *caps;	/* the model to check against; NULL: none (host) */
	/* Test only: the counters map with this many entries, and no model
	 * check, to see a device refuse a program over its budget. */
	uint32_t test_cnt_entries;
};

/* Check the model, create the maps on the device and load the program
 * onto it.  -E2BIG/-EOPNOTSUPP "model: ..." when the model refuses (never
 * for a NIC stage the planner announced with the same caps); the device's
 * refusal: its errno, with its verifier or driver message in WHY. */
struct tna_offload *tna_offload__load(const struct tna_offload_opts *opts, char *why, size_t len);

/* HW-mode bpf_link on the device.  On refusal WHY has the kernel's
 * extended ack (e.g. "XDP offload disabled in DebugFS"). */
int tna_offload__attach(struct tna_offload *off, char *why, size_t len);
int tna_offload__detach(struct tna_offload *off);
/* NEW (loaded for the same device) takes OLD's link in one update. */
int tna_offload__replace(struct tna_offload *old_off, struct tna_offload *new_off);

/* The port as the NIC stage sees it: TNA_NIC_F_* and BR_STATE_*. */
int tna_offload__set_port(struct tna_offload *off, uint32_t flags, uint8_t stp_state);
int tna_offload__counters(const struct tna_offload *off, struct tna_nic_cnt *out);

int tna_offload__prog_fd(const struct tna_offload *off);
uint32_t tna_offload__prog_id(const struct tna_offload *off);
uint32_t tna_offload__xlated_insns(const struct tna_offload *off);
int tna_offload__ifindex(const struct tna_offload *off);
/* Attached, and its link still on the device (not detached by the
 * watchdog, watchdog.h, or by the device's removal). */
bool tna_offload__attached(const struct tna_offload *off);

/* Detaches (when attached) and frees.  NULL is fine. */
void tna_offload__destroy(struct tna_offload *off);

/* Counters of the NIC stage on IFINDEX, read from any process through
 * the device's HW-mode program and its maps (device-bound maps are
 * readable from user space: the driver answers).  -ENOENT: no HW-mode
 * program; -ENOMSG: one that is not TNA's NIC stage. */
struct tna_offload_stats {
	uint32_t prog_id;
	char prog_name[16];
	char kind[16];			/* the device kind, "" when unknown */
	struct tna_nic_cnt cnt;
	uint64_t dropped;		/* the sum of the drop counters */
};
int tna_offload_stats_read(int ifindex, struct tna_offload_stats *out);
/* Name of counter I of struct tna_nic_cnt ("passed", "invalid_src", ...). */
const char *tna_offload_counter_name(int i);
#define TNA_NIC_NCOUNTERS ((int)(sizeof(struct tna_nic_cnt) / sizeof(uint64_t)))

#endif /* TNA_TARGETS_OFFLOAD_NIC_H */
