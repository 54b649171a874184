/* The offload constraint model: NFP defaults, requirements from
 * instructions, the check and the NIC/host split. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include "bpf/tna_kern_user.h"
#include "targets/offload/offload.h"

static void allow(uint64_t *bits, int id)
{
	bits[id / 64] |= 1ULL << (id % 64);
}

static bool has(const uint64_t *bits, unsigned id)
{
	return id < 256 && (bits[id / 64] >> (id % 64)) & 1;
}

void tna_offload_caps_nfp(struct tna_offload_caps *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "nfp (typical firmware)");
	c->max_insns = 2048;
	c->max_stack = 512;
	c->max_maps = 8;
	c->max_map_entries = 65536;
	c->max_key_value = 64;
	allow(c->helpers, BPF_FUNC_map_lookup_elem);
	allow(c->helpers, BPF_FUNC_map_update_elem);
	allow(c->helpers, BPF_FUNC_map_delete_elem);
	allow(c->helpers, BPF_FUNC_get_prandom_u32);
	allow(c->helpers, BPF_FUNC_perf_event_output);
	allow(c->helpers, BPF_FUNC_xdp_adjust_head);
	allow(c->helpers, BPF_FUNC_xdp_adjust_tail);
	c->actions = 1 << XDP_ABORTED | 1 << XDP_DROP | 1 << XDP_PASS | 1 << XDP_TX;
	c->map_types = 1ULL << BPF_MAP_TYPE_ARRAY | 1ULL << BPF_MAP_TYPE_HASH;
	c->bpf2bpf = true;
}

int tna_offload_req_add_map(struct tna_offload_req *req, const char *name, uint32_t type,
			    uint32_t key_size, uint32_t value_size, uint32_t max_entries)
{
	struct tna_offload_map *m;

	for (int i = 0; i < req->nmaps; i++)
		if (!strcmp(req->maps[i].name, name))
			return 0;			/* shared by two FPMs */
	if (req->nmaps >= TNA_OFFLOAD_MAX_MAPS)
		return -E2BIG;
	m = &req->maps[req->nmaps++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->type = type;
	m->key_size = key_size;
	m->value_size = value_size;
	m->max_entries = max_entries;
	return 0;
}

void tna_offload_req_add_insns(struct tna_offload_req *req, const struct bpf_insn *insns,
			       size_t n)
{
	req->insns += n;
	for (size_t i = 0; i < n; i++) {
		const struct bpf_insn *in = &insns[i];

		if (in->code != (BPF_JMP | BPF_CALL))
			continue;
		if (in->src_reg == BPF_PSEUDO_CALL)
			req->bpf2bpf = true;
		else if (in->src_reg == BPF_PSEUDO_KFUNC_CALL)
			req->kfuncs = true;
		else if (in->imm == BPF_FUNC_tail_call)
			req->tail_calls = true;
		else if (in->imm >= 0 && in->imm < 256)
			allow(req->helpers, in->imm);
	}
}

struct why { char *buf; size_t len, used; };

static void say(struct why *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!w->buf || w->used >= w->len)
		return;
	if (w->used)
		w->used += snprintf(w->buf + w->used, w->len - w->used, "; ");
	if (w->used >= w->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->used, w->len - w->used, fmt, ap);
	va_end(ap);
	w->used += n > 0 ? n : 0;
}

static const char *action_name(int a)
{
	static const char *n[] = { "ABORTED", "DROP", "PASS", "TX", "REDIRECT" };
	return a >= 0 && a < 5 ? n[a] : "?";
}

int tna_offload_check(const struct tna_offload_caps *c, const struct tna_offload_req *r,
		      char *buf, size_t len)
{
	struct why w = { buf, len, 0 };
	bool missing = false, big = false;

	if (buf && len)
		buf[0] = 0;
	for (unsigned id = 0; id < 256; id++)
		if (has(r->helpers, id) && !has(c->helpers, id)) {
			say(&w, "helper %u not offloadable", id);
			missing = true;
		}
	for (int a = 0; a < 5; a++)
		if ((r->actions >> a & 1) && !(c->actions >> a & 1)) {
			say(&w, "action XDP_%s not offloadable", action_name(a));
			missing = true;
		}
	if (r->tail_calls && !c->tail_calls)
		say(&w, "tail calls not offloadable"), missing = true;
	if (r->kfuncs && !c->kfuncs)
		say(&w, "kfuncs not offloadable"), missing = true;
	if (r->bpf2bpf && !c->bpf2bpf)
		say(&w, "bpf-to-bpf calls not offloadable"), missing = true;
	if (r->map_value_stores && !c->map_value_stores)
		say(&w, "direct stores into map values not offloadable"), missing = true;
	for (int i = 0; i < r->nmaps; i++) {
		const struct tna_offload_map *m = &r->maps[i];

		if (m->type >= 64 || !(c->map_types >> m->type & 1)) {
			say(&w, "map %s: type %u not offloadable", m->name, m->type);
			missing = true;
		}
		if (m->max_entries > c->max_map_entries) {
			say(&w, "map %s: %u entries > %u", m->name, m->max_entries, c->max_map_entries);
			big = true;
		}
		if (m->key_size + m->value_size > c->max_key_value) {
			say(&w, "map %s: key+value %u B > %u B", m->name,
			    m->key_size + m->value_size, c->max_key_value);
			big = true;
		}
	}
	if ((uint32_t)r->nmaps > c->max_maps)
		say(&w, "%d maps > %u", r->nmaps, c->max_maps), big = true;
	if (r->insns > c->max_insns)
		say(&w, "%u instructions > %u", r->insns, c->max_insns), big = true;
	if (r->stack > c->max_stack)
		say(&w, "stack %u B > %u B", r->stack, c->max_stack), big = true;
	return missing ? -EOPNOTSUPP : big ? -E2BIG : 0;
}

uint64_t tna_offload_split(const struct tna_offload_caps *c, uint64_t fpms, uint64_t *host)
{
	/* pipeline order (bpf/tna_bridge.bpf.c) */
	static const uint64_t order[] = { TNA_FPM_PARSE_ETH, TNA_FPM_CLASSIFY,
		TNA_FPM_PORT_STATE, TNA_FPM_PORT_FLAGS, TNA_FPM_VLAN, TNA_FPM_FDB_SRC,
		TNA_FPM_FDB_DST, TNA_FPM_FORWARD };
	struct tna_offload_req r;
	uint64_t nic = 0;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(fpms & order[i]))
			continue;
		tna_offload_req_from_fpms(nic | order[i], &r);
		if (tna_offload_check(c, &r, NULL, 0))
			break;
		nic |= order[i];
	}
	*host = fpms & ~nic;
	return nic;
}
