/* The pipeline object with the FDB kfunc mode compiled in
 * (bpf/tna_bridge_kfunc.bpf.c), opened through the skeleton of
 * bpf/tna_bridge.bpf.c: both come from one source and have the same maps,
 * programs and rodata, so the rest of targets/ sees one struct tna_bridge.
 * Two objects so that the mirror pipeline keeps exactly its instructions
 * (a rodata test costs a few even when the verifier prunes its branch). */
#include <errno.h>
#include <stdlib.h>
#include <bpf/libbpf.h>
#include "targets/dp.h"
#include "bpf/tna_bridge.skel.h"
#include "bpf/tna_bridge_kfunc.skel.h"

const void *tna_dp_pipeline_elf(bool fdb_kfunc, size_t *sz)
{
	return fdb_kfunc ? tna_bridge_kfunc__elf_bytes(sz) : tna_bridge__elf_bytes(sz);
}

struct tna_bridge *tna_dp_open_pipeline(bool fdb_kfunc)
{
	struct tna_bridge *obj;
	size_t sz = 0;
	int err;

	if (!fdb_kfunc)
		return tna_bridge__open();
	obj = calloc(1, sizeof(*obj));
	if (!obj) {
		errno = ENOMEM;
		return NULL;
	}
	err = tna_bridge__create_skeleton(obj);
	if (!err) {
		obj->skeleton->data = (void *)tna_dp_pipeline_elf(true, &obj->skeleton->data_sz);
		err = bpf_object__open_skeleton(obj->skeleton, NULL);
	}
	/* the skeleton's view of rodata must fit this object's (its struct
	 * is the section rounded up to its alignment) */
	if (!err && (!bpf_map__initial_value(obj->maps.rodata, &sz) ||
		     sz > sizeof(*obj->rodata) || sz + 8 <= sizeof(*obj->rodata)))
		err = -EPROTO;
	if (err) {
		tna_bridge__destroy(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}
