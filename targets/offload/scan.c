/* What a compiled program needs from an offloading device, read from its
 * object before load: one forward dataflow pass over the instructions
 * that knows, per register and stack slot, whether it may hold the
 * context, a stack pointer, a map value or packet pointer, or a constant.
 * From that: context words read and written, stores and atomics through
 * map-value pointers, stack depth, the constant return values (actions),
 * helper/kfunc/bpf-to-bpf/tail calls.  Conservative: whatever cannot be
 * told apart counts as used. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>
#include "targets/offload/offload.h"
#include "bpf/tna_nic_kern_user.h"
#include "bpf/tna_nic.skel.h"

enum { K_SCALAR = 1, K_CTX = 2, K_FP = 4, K_MAPVAL = 8, K_PKT = 16, K_OTHER = 32 };
#define PTR_KINDS (K_CTX | K_FP | K_MAPVAL | K_PKT)
#define NSLOTS 64

struct val {
	uint8_t k;		/* K_* that may be here; 0 = not written yet */
	bool cknown, oknown;	/* constant value / pointer offset known */
	bool sknown;		/* a constant in 0..31, one of the bits of small */
	uint32_t small;
	int64_t c;
	int32_t off;		/* FP, CTX: offset; when unknown the lowest seen */
};

struct state {
	bool seen;
	struct val r[11];
	struct val s[NSLOTS];	/* 8-byte stack slots below the frame pointer */
};

struct scan {
	struct tna_offload_req *req;
	int32_t low_fp;		/* lowest stack offset touched */
};

static const struct val scalar = { .k = K_SCALAR };

static int size_bytes(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	default: return 8;
	}
}

static struct val konst(int64_t c)
{
	bool s = c >= 0 && c < 32;

	return (struct val){ .k = K_SCALAR, .cknown = true, .c = c, .sknown = s,
			     .small = s ? 1u << c : 0 };
}

static bool join_val(struct val *a, const struct val *b)
{
	struct val o = *a;

	if (!b->k)
		return false;
	if (!a->k) {
		*a = *b;
		return true;
	}
	a->k |= b->k;
	a->cknown = a->cknown && b->cknown && a->c == b->c;
	a->sknown = a->sknown && b->sknown;
	a->small = a->sknown ? a->small | b->small : 0;
	if (!(a->oknown && b->oknown && a->off == b->off))
		a->oknown = false;
	if (b->off < a->off)
		a->off = b->off;
	return memcmp(&o, a, sizeof(o)) != 0;
}

static bool join(struct state *dst, const struct state *src)
{
	bool changed = !dst->seen;

	dst->seen = true;
	for (int i = 0; i < 11; i++)
		changed |= join_val(&dst->r[i], &src->r[i]);
	for (int i = 0; i < NSLOTS; i++)
		changed |= join_val(&dst->s[i], &src->s[i]);
	return changed;
}

static void set_bit(uint64_t *bits, int id)
{
	if (id >= 0 && id < 256)
		bits[id / 64] |= 1ULL << (id % 64);
}

/* A memory access at BASE + OFF of SIZE bytes: its effects on the needs;
 * returns the stack slot for a full 8-byte FP access, else -1. */
static int access(struct scan *sc, const struct val *base, int16_t off, int size, bool write,
		  bool atomic, int32_t atomic_op)
{
	struct tna_offload_req *r = sc->req;
	int32_t at;

	if (base->k & K_FP) {
		at = base->off + off;
		if (at < sc->low_fp)
			sc->low_fp = at;
		if (base->k == K_FP && base->oknown && size == 8 && at < 0 && at >= -8 * NSLOTS &&
		    !(at % 8))
			return -at / 8 - 1;
	}
	if (base->k & K_CTX) {
		uint32_t words = base->oknown ? 1u << ((base->off + off) / 4 & 31) : ~0u;

		if (write)
			r->ctx_write |= words;
		else
			r->ctx_read |= words;
	}
	if (base->k & K_MAPVAL) {
		if (atomic) {
			if (atomic_op == BPF_ADD)
				r->map_atomic_add = true;
			else
				r->map_atomics_other = true;
		} else if (write) {
			r->map_value_stores = true;
		}
	}
	return -1;
}

static void clobber_slot(struct state *st, int slot)
{
	if (slot >= 0)
		st->s[slot] = scalar;
}

/* Apply instruction I to ST; fills the successors (up to 2).  The state
 * of a taken conditional branch is TAKEN (ST is the fall-through). */
static int step(struct scan *sc, const struct bpf_insn *insns, size_t n, size_t i,
		struct state *st, size_t succ[2], struct state *taken)
{
	const struct bpf_insn *in = &insns[i];
	struct tna_offload_req *r = sc->req;
	uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	struct val *dst = &st->r[in->dst_reg < 11 ? in->dst_reg : 10];
	const struct val *src = &st->r[in->src_reg < 11 ? in->src_reg : 10];
	int nsucc = 1, slot;

	succ[0] = i + 1;
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64: {
		bool x = BPF_SRC(in->code) == BPF_X;

		if (op == BPF_MOV) {
			*dst = x ? *src : konst(in->imm);
			if (cls == BPF_ALU && (dst->k & ~K_SCALAR))
				*dst = scalar;	/* 32-bit move of a pointer */
		} else if ((op == BPF_ADD || op == BPF_SUB) && (dst->k & PTR_KINDS) &&
			   cls == BPF_ALU64) {
			if (!x && dst->oknown)
				dst->off += op == BPF_ADD ? in->imm : -in->imm;
			else
				dst->oknown = false;
			dst->cknown = false;
		} else if (op == BPF_ADD && x && (src->k & PTR_KINDS) && cls == BPF_ALU64) {
			*dst = *src;	/* scalar + pointer */
			dst->oknown = false;
		} else if (!x && dst->cknown && dst->k == K_SCALAR &&
			   (op == BPF_ADD || op == BPF_SUB)) {
			dst->c += op == BPF_ADD ? in->imm : -in->imm;
		} else {
			*dst = scalar;
		}
		break;
	}
	case BPF_LD:
		if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && i + 1 < n) {
			switch (in->src_reg) {
			case 0:
				*dst = konst((uint32_t)in->imm | (int64_t)insns[i + 1].imm << 32);
				break;
			case BPF_PSEUDO_MAP_VALUE:
			case BPF_PSEUDO_MAP_IDX_VALUE:
				*dst = (struct val){ .k = K_MAPVAL };
				break;
			default:
				*dst = (struct val){ .k = K_OTHER };
			}
			succ[0] = i + 2;
		} else {
			st->r[0] = scalar;	/* legacy LD_ABS/IND */
		}
		break;
	case BPF_LDX:
		slot = access(sc, src, in->off, size_bytes(in->code), false,
			      false, 0);
		if (slot >= 0 && st->s[slot].k)
			*dst = st->s[slot];
		else if ((src->k & K_CTX) && src->k == K_CTX && src->oknown &&
			 src->off + in->off <= (int)offsetof(struct xdp_md, data_meta))
			*dst = (struct val){ .k = K_PKT };	/* data, data_end, data_meta */
		else
			*dst = scalar;
		break;
	case BPF_ST:
	case BPF_STX: {
		int size = size_bytes(in->code);
		bool atomic = BPF_MODE(in->code) == BPF_ATOMIC;

		slot = access(sc, dst, in->off, size, true, atomic, in->imm);
		if (atomic) {
			clobber_slot(st, slot);
			if (in->imm & BPF_FETCH)
				st->r[in->imm == BPF_CMPXCHG ? 0 : in->src_reg < 11 ? in->src_reg : 10] = scalar;
		} else if (slot >= 0) {
			st->s[slot] = cls == BPF_STX ? *src : konst(in->imm);
		} else if ((dst->k & K_FP) && dst->oknown) {
			int32_t at = dst->off + in->off;

			if (at < 0 && at >= -8 * NSLOTS)
				st->s[(-at - 1) / 8] = scalar;	/* part of a slot */
		}
		break;
	}
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_CALL) {
			if (in->src_reg == BPF_PSEUDO_CALL) {
				r->bpf2bpf = true;
			} else if (in->src_reg == BPF_PSEUDO_KFUNC_CALL) {
				r->kfuncs = true;
			} else {
				set_bit(r->helpers, in->imm);
				if (in->imm == BPF_FUNC_tail_call)
					r->tail_calls = true;
			}
			for (int a = 1; a <= 5; a++)
				if (st->r[a].k & K_FP)
					access(sc, &st->r[a], 0, 0, false, false, 0);
			st->r[0] = in->src_reg == 0 && (in->imm == BPF_FUNC_map_lookup_elem) ?
				   (struct val){ .k = K_MAPVAL | K_SCALAR } : scalar;
			for (int a = 1; a <= 5; a++)
				st->r[a] = (struct val){ 0 };
			break;
		}
		if (op == BPF_EXIT) {
			const struct val *r0 = &st->r[0];

			if (r0->sknown)
				r->actions |= r0->small;
			else
				r->actions |= 0x1f;
			return 0;
		}
		if (op == BPF_JA) {
			succ[0] = i + 1 + (cls == BPF_JMP32 ? in->imm : in->off);
			break;
		}
		succ[1] = i + 1 + in->off;
		nsucc = 2;
		*taken = *st;
		/* "if rX == K": rX is K on the taken side (a NULL check makes
		 * the map lookup result 0 there), "!=" on the other side */
		if (BPF_SRC(in->code) == BPF_K && (op == BPF_JEQ || op == BPF_JNE) &&
		    !(dst->k & (K_CTX | K_FP | K_PKT))) {
			struct state *is = op == BPF_JEQ ? taken : st;

			is->r[in->dst_reg < 11 ? in->dst_reg : 10] = konst(in->imm);
		}
		break;
	}
	return nsucc;
}

void tna_offload_req_scan_insns(struct tna_offload_req *req, const struct bpf_insn *insns,
				size_t n)
{
	struct scan sc = { .req = req, .low_fp = 0 };
	struct state *states, cur, taken;
	size_t *work, nw = 0;

	req->insns += n;
	if (!n)
		return;
	states = calloc(n, sizeof(*states));
	work = calloc(n * 2 + 2, sizeof(*work));
	if (!states || !work) {
		/* cannot tell: assume the worst */
		req->map_value_stores = req->map_atomics_other = true;
		req->ctx_read = req->ctx_write = ~0u;
		req->actions = 0x1f;
		goto out;
	}
	states[0].seen = true;
	for (int i = 0; i < 11; i++)
		states[0].r[i] = scalar;
	states[0].r[1] = (struct val){ .k = K_CTX, .oknown = true };
	states[0].r[10] = (struct val){ .k = K_FP, .oknown = true };
	work[nw++] = 0;
	while (nw) {
		size_t i = work[--nw], succ[2];
		int ns;

		cur = states[i];
		ns = step(&sc, insns, n, i, &cur, succ, &taken);
		for (int s = 0; s < ns; s++) {
			if (succ[s] >= n)
				continue;
			if (join(&states[succ[s]], s ? &taken : &cur) && nw < n * 2 + 2)
				work[nw++] = succ[s];
		}
	}
	if ((uint32_t)-sc.low_fp > req->stack)
		req->stack = (-sc.low_fp + 7) & ~7u;
out:
	free(states);
	free(work);
}

int tna_offload_req_add_map(struct tna_offload_req *req, const struct tna_offload_map *m)
{
	for (int i = 0; i < req->nmaps; i++)
		if (!strcmp(req->maps[i].name, m->name))
			return 0;
	if (req->nmaps >= TNA_OFFLOAD_MAX_MAPS)
		return -E2BIG;
	req->maps[req->nmaps++] = *m;
	return 0;
}

int tna_offload_req_from_obj(struct bpf_object *obj, const char *prog_name,
			     struct tna_offload_req *req)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, prog_name);
	struct bpf_map *map;
	int err;

	memset(req, 0, sizeof(*req));
	if (!prog)
		return -ENOENT;
	snprintf(req->prog, sizeof(req->prog), "%s", prog_name);
	tna_offload_req_scan_insns(req, bpf_program__insns(prog), bpf_program__insn_cnt(prog));
	bpf_object__for_each_map(map, obj) {
		struct tna_offload_map m = {
			.type = bpf_map__type(map),
			.key_size = bpf_map__key_size(map),
			.value_size = bpf_map__value_size(map),
			.max_entries = bpf_map__max_entries(map),
			.flags = bpf_map__map_flags(map),
			.internal = bpf_map__is_internal(map),
		};

		snprintf(m.name, sizeof(m.name), "%s", bpf_map__name(map));
		err = tna_offload_req_add_map(req, &m);
		if (err)
			return err;
	}
	return 0;
}

const struct tna_offload_req *tna_offload_nic_req(void)
{
	static struct tna_offload_req req;
	static bool done;
	struct tna_nic *skel;
	int err;

	if (done)
		return &req;
	skel = tna_nic__open();
	if (!skel)
		return NULL;
	err = tna_offload_req_from_obj(skel->obj, TNA_NIC_PROG_NAME, &req);
	tna_nic__destroy(skel);
	if (err) {
		errno = -err;
		return NULL;
	}
	done = true;
	return &req;
}
