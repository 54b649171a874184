/* The one place the fast path asks "where is this MAC": the FDB mirror
 * kept by the controller from netlink.  When capabilities report the
 * kfunc_fdb_lookup of kernel/, this is where bpf_xdp_fdb_lookup() goes
 * (a rodata switch, the mirror pruned away); nothing else changes. */
#ifndef TNA_FPM_FDB_H
#define TNA_FPM_FDB_H
#include "bpf/fpm/common.h"

static __always_inline struct tna_fdb_val *fdb_lookup(const __u8 *mac, __u16 vlan)
{
	struct tna_fdb_key k = { .vlan = vlan };

	__builtin_memcpy(k.mac, mac, 6);
	return bpf_map_lookup_elem(&tna_fdb, &k);
}

#endif /* TNA_FPM_FDB_H */
