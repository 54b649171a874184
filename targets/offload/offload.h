/* The offload target as a constraint model: what a NIC (Netronome NFP) can
 * run, filled by a probe or a fixture, and checks of a plan (a set of FPMs)
 * or of a program's instructions against it.  Nothing is loaded on a NIC
 * here (none on this machine); tna_dp__load() refuses TNA_TARGET_OFFLOAD.
 * All functions are pure: no I/O, no printing. */
#ifndef TNA_TARGETS_OFFLOAD_H
#define TNA_TARGETS_OFFLOAD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TNA_OFFLOAD_MAX_MAPS 16

struct tna_offload_caps {
	char name[32];			/* where the numbers come from */
	uint32_t max_insns;		/* verified instructions */
	uint32_t max_stack;		/* bytes */
	uint32_t max_maps;
	uint32_t max_map_entries;	/* per map */
	uint32_t max_key_value;		/* key + value bytes */
	uint64_t helpers[4];		/* bitmap of allowed BPF_FUNC_* ids */
	uint32_t actions;		/* 1 << XDP_* allowed */
	uint64_t map_types;		/* 1 << BPF_MAP_TYPE_* allowed */
	bool tail_calls, kfuncs, bpf2bpf, map_value_stores;
};

struct tna_offload_map {
	char name[16];
	uint32_t type, key_size, value_size, max_entries;
};

/* What a plan or a program needs. */
struct tna_offload_req {
	uint32_t insns, stack;
	uint64_t helpers[4];
	uint32_t actions;
	bool tail_calls, kfuncs, bpf2bpf, map_value_stores;
	int nmaps;
	struct tna_offload_map maps[TNA_OFFLOAD_MAX_MAPS];
};

/* The NFP model of docs/kernel-facts.md §3 with typical firmware budgets (a probe of a
 * real card overrides max_* from the firmware's capabilities). */
void tna_offload_caps_nfp(struct tna_offload_caps *caps);

/* Needs of the bridge pipeline with modules FPMS (TNA_FPM_*), from a table
 * kept next to the FPMs' code (targets/offload/fpm_needs.c). */
void tna_offload_req_from_fpms(uint64_t fpms, struct tna_offload_req *req);

/* Needs read from instructions (helper calls, kfunc, bpf-to-bpf and tail
 * calls, instruction count) and map definitions.  Actions and stack cannot
 * be read before verification: they are left as the caller set them. */
struct bpf_insn;
void tna_offload_req_add_insns(struct tna_offload_req *req, const struct bpf_insn *insns,
			       size_t n);
int tna_offload_req_add_map(struct tna_offload_req *req, const char *name, uint32_t type,
			    uint32_t key_size, uint32_t value_size, uint32_t max_entries);

/* 0 when REQ fits CAPS; else -EOPNOTSUPP (a helper, action, map type or
 * feature is missing) or -E2BIG (a budget is exceeded), with every
 * violation described in WHY ("; "-separated). */
int tna_offload_check(const struct tna_offload_caps *caps, const struct tna_offload_req *req,
		      char *why, size_t len);

/* Split FPMS in what may run on the NIC as a drop/pass pre-stage (returned)
 * and what must stay on the host (*host): a module goes to the NIC only if
 * it and every module before it fit. */
uint64_t tna_offload_split(const struct tna_offload_caps *caps, uint64_t fpms, uint64_t *host);

#endif /* TNA_TARGETS_OFFLOAD_H */
