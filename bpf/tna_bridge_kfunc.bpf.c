// SPDX-License-Identifier: GPL-2.0
/* The bridge fast path with the FDB kfunc mode compiled in (bpf/fpm/fdb.h):
 * the same program, its FDB steps able to call bpf_xdp_fdb_lookup() of
 * kernel/patches when TNA_FPM_FDB_KFUNC is set.  A separate object so that
 * the mirror pipeline every other kernel runs keeps exactly its
 * instructions; this one still loads where the kfunc does not exist (a weak
 * ksym, the branch pruned by rodata).  targets/ opens it with the skeleton of
 * tna_bridge.bpf.c: same maps, programs and rodata. */
#define TNA_FDB_KFUNC_BUILD
#include "bpf/tna_bridge.bpf.c"
