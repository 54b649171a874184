/* The offload model: what an offloading NIC can run, per device kind, and
 * what a compiled program needs, read from its object file.  One model
 * for the planner (assembler/nic_plan.c decides whether a port gets a NIC
 * stage) and the loader (targets/offload/nic.c checks again before it
 * loads), so a NIC stage the planner announces is never refused by the
 * model; only the device itself can still refuse it (its verifier,
 * driver or firmware), and then the port runs without one.
 *
 * Every number and restriction has its source in
 * targets/offload/README.md.  Functions return 0 or a negative errno and
 * never print. */
#ifndef TNA_TARGETS_OFFLOAD_H
#define TNA_TARGETS_OFFLOAD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TNA_OFFLOAD_MAX_MAPS 32	/* room for the bridge object's maps, internal ones too */

/* What a device kind accepts.  A zero budget is "not limited by the
 * model" (the device checks it at load). */
struct tna_offload_caps {
	char kind[16];			/* "nfp", "netdevsim" */
	char source[96];		/* where the numbers come from (short) */
	uint32_t max_insns;		/* BPF instructions */
	uint32_t max_stack;		/* bytes */
	uint32_t max_maps;
	uint32_t max_map_entries;	/* per map */
	uint32_t max_total_entries;	/* summed over the program's maps */
	uint32_t max_elem;		/* key and value, each rounded up to 8 B */
	bool all_helpers;		/* else only those in helpers[] */
	uint64_t helpers[4];		/* bitmap of BPF_FUNC_* ids */
	uint32_t actions;		/* 1 << XDP_* the device executes */
	uint64_t map_types;		/* 1 << BPF_MAP_TYPE_* */
	uint32_t ctx_read, ctx_write;	/* 1 << (offset / 4) of struct xdp_md */
	bool tail_calls, kfuncs, bpf2bpf;
	bool map_value_stores;		/* plain stores into map values */
	bool map_atomics_other;		/* atomics other than add */
	bool global_data;		/* .rodata/.data/.bss */
	bool map_flags;			/* map_flags other than 0 */
	bool runs_programs;		/* false: a simulator (netdevsim) */
	/* 64-bit counters read from user space have their 32-bit halves
	 * swapped (NFP: big-endian atomic engine, per-word byte swap). */
	bool counter_halves_swapped;
};

struct tna_offload_map {
	char name[16];
	uint32_t type, key_size, value_size, max_entries, flags;
	bool internal;			/* global data of the object */
};

/* What a program needs, from its instructions and map definitions. */
struct tna_offload_req {
	char prog[16];
	uint32_t insns, stack;
	uint64_t helpers[4];
	uint32_t actions;		/* 1 << XDP_*; all when not constant */
	uint32_t ctx_read, ctx_write;	/* 1 << (offset / 4) */
	bool tail_calls, kfuncs, bpf2bpf;
	bool map_value_stores, map_atomics_other, map_atomic_add;
	int nmaps;
	struct tna_offload_map maps[TNA_OFFLOAD_MAX_MAPS];
};

/* --- device kinds (caps.c) -------------------------------------------- */

/* An NFP (Agilio CX, nfp driver, BPF firmware) as documented publicly;
 * the card's own firmware values are checked by its driver at load. */
void tna_offload_caps_nfp(struct tna_offload_caps *caps);
/* netdevsim (drivers/net/netdevsim/bpf.c): its real restrictions. */
void tna_offload_caps_netdevsim(struct tna_offload_caps *caps);
/* By the device's driver ("nfp", "netdevsim") or NFP PCI id; -ENODEV for
 * any other device.  TNA_TEST_OFFLOAD_CAPS="max_insns=N,max_map_entries=N,
 * max_elem=N" in the environment lowers budgets (test switch for the
 * over-budget path; the source then says so). */
struct tna_caps_dev;
int tna_offload_caps_for_dev(const struct tna_caps_dev *dev, struct tna_offload_caps *caps);
int tna_offload_caps_by_kind(const char *kind, struct tna_offload_caps *caps);
/* One line: "max 2800 insns, stack 512 B, maps array/hash, ..." */
void tna_offload_caps_describe(const struct tna_offload_caps *caps, char *buf, size_t len);

/* --- requirements of compiled programs (scan.c) ----------------------- */

/* Scan program PROG_NAME of an opened (not loaded) object: instruction
 * count, helpers, calls, actions, stack depth, context accesses, stores
 * and atomics through map-value pointers (a dataflow pass over the
 * instructions), and the object's maps.  -ENOENT: no such program. */
struct bpf_object;
int tna_offload_req_from_obj(struct bpf_object *obj, const char *prog_name,
			     struct tna_offload_req *req);
/* The same for raw instructions (no maps). */
struct bpf_insn;
void tna_offload_req_scan_insns(struct tna_offload_req *req, const struct bpf_insn *insns,
				size_t n);
int tna_offload_req_add_map(struct tna_offload_req *req, const struct tna_offload_map *m);

/* The NIC stage (bpf/tna_nic.bpf.c) as compiled into this build, scanned
 * once from the embedded object.  Never NULL after the first success;
 * NULL with errno when the object cannot be opened. */
const struct tna_offload_req *tna_offload_nic_req(void);

/* --- the check (check.c) ---------------------------------------------- */

/* 0 when REQ fits CAPS; else -EOPNOTSUPP (something the device cannot do)
 * or -E2BIG (a budget is exceeded), with every violation in WHY
 * ("; "-separated). */
int tna_offload_check(const struct tna_offload_caps *caps, const struct tna_offload_req *req,
		      char *why, size_t len);
/* A summary of REQ: "102 insns, stack 16 B, 2 maps (array 1x8 B, ...)". */
void tna_offload_req_describe(const struct tna_offload_req *req, char *buf, size_t len);

#endif /* TNA_TARGETS_OFFLOAD_H */
