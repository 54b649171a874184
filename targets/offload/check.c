/* The offload check: does what a program needs fit what a device kind
 * accepts?  Every violation is named, with the numbers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include "targets/offload/offload.h"

static bool has(const uint64_t *bits, unsigned id)
{
	return id < 256 && (bits[id / 64] >> (id % 64)) & 1;
}

struct why { char *buf; size_t len, used; };

__attribute__((format(printf, 2, 3)))
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

static const char *map_type_name(uint32_t t)
{
	switch (t) {
	case BPF_MAP_TYPE_HASH:		return "hash";
	case BPF_MAP_TYPE_ARRAY:	return "array";
	case BPF_MAP_TYPE_PROG_ARRAY:	return "prog_array";
	case BPF_MAP_TYPE_PERCPU_HASH:	return "percpu_hash";
	case BPF_MAP_TYPE_PERCPU_ARRAY:	return "percpu_array";
	case BPF_MAP_TYPE_LRU_HASH:	return "lru_hash";
	case BPF_MAP_TYPE_DEVMAP:	return "devmap";
	case BPF_MAP_TYPE_DEVMAP_HASH:	return "devmap_hash";
	case BPF_MAP_TYPE_CPUMAP:	return "cpumap";
	default:			return "other";
	}
}

static uint32_t round8(uint32_t v)
{
	return (v + 7) & ~7u;
}

static void ctx_words(struct why *w, const char *what, uint32_t need, uint32_t allowed)
{
	static const char *names[] = { "data", "data_end", "data_meta", "ingress_ifindex",
				       "rx_queue_index", "egress_ifindex" };
	uint32_t bad = need & ~allowed;

	for (unsigned i = 0; i < 32; i++)
		if (bad >> i & 1)
			say(w, "context field %s %s", i < 6 ? names[i] : "?", what);
}

int tna_offload_check(const struct tna_offload_caps *c, const struct tna_offload_req *r,
		      char *buf, size_t len)
{
	struct why w = { buf, len, 0 };
	uint64_t total = 0;
	int missing = 0, big = 0;

	if (buf && len)
		buf[0] = 0;
	for (unsigned id = 0; id < 256 && !c->all_helpers; id++)
		if (has(r->helpers, id) && !has(c->helpers, id)) {
			say(&w, "helper %u not offloadable", id);
			missing++;
		}
	for (int a = 0; a < 5; a++)
		if ((r->actions >> a & 1) && !(c->actions >> a & 1)) {
			say(&w, "action XDP_%s not executed by the device", action_name(a));
			missing++;
		}
	if (r->tail_calls && !c->tail_calls)
		say(&w, "tail calls not offloadable"), missing++;
	if (r->kfuncs && !c->kfuncs)
		say(&w, "kfuncs not offloadable"), missing++;
	if (r->bpf2bpf && !c->bpf2bpf)
		say(&w, "bpf-to-bpf calls not offloadable"), missing++;
	if (r->map_value_stores && !c->map_value_stores)
		say(&w, "stores into map values (only atomic add)"), missing++;
	if (r->map_atomics_other && !c->map_atomics_other)
		say(&w, "atomic operations other than add on map values"), missing++;
	if ((r->ctx_read & ~c->ctx_read) || (r->ctx_write & ~c->ctx_write)) {
		ctx_words(&w, "not readable", r->ctx_read, c->ctx_read);
		ctx_words(&w, "not writable", r->ctx_write, c->ctx_write);
		missing++;
	}
	for (int i = 0; i < r->nmaps; i++) {
		const struct tna_offload_map *m = &r->maps[i];
		uint32_t elem = round8(m->key_size) + round8(m->value_size);

		if (m->internal && !c->global_data) {
			say(&w, "global data (%s) not offloadable", m->name);
			missing++;
			continue;
		}
		total += m->max_entries;
		if (m->type >= 64 || !(c->map_types >> m->type & 1)) {
			say(&w, "map %s: type %s not offloadable", m->name, map_type_name(m->type));
			missing++;
		}
		if (m->flags && !c->map_flags) {
			say(&w, "map %s: map flags 0x%x not offloadable", m->name, m->flags);
			missing++;
		}
		if (c->max_map_entries && m->max_entries > c->max_map_entries) {
			say(&w, "map %s: %u entries > %u", m->name, m->max_entries,
			    c->max_map_entries);
			big++;
		}
		if (c->max_elem && elem > c->max_elem) {
			say(&w, "map %s: key+value %u B > %u B", m->name, elem, c->max_elem);
			big++;
		}
	}
	if (c->max_total_entries && total > c->max_total_entries)
		say(&w, "%llu map entries in all > %u", (unsigned long long)total,
		    c->max_total_entries), big++;
	if (c->max_maps && (uint32_t)r->nmaps > c->max_maps)
		say(&w, "%d maps > %u", r->nmaps, c->max_maps), big++;
	if (c->max_insns && r->insns > c->max_insns)
		say(&w, "%u instructions > %u", r->insns, c->max_insns), big++;
	if (c->max_stack && r->stack > c->max_stack)
		say(&w, "stack %u B > %u B", r->stack, c->max_stack), big++;
	return missing ? -EOPNOTSUPP : big ? -E2BIG : 0;
}

void tna_offload_req_describe(const struct tna_offload_req *r, char *buf, size_t len)
{
	size_t off;
	int n;

	n = snprintf(buf, len, "%u insns, stack %u B, %d map%s", r->insns, r->stack, r->nmaps,
		     r->nmaps == 1 ? "" : "s");
	off = n > 0 ? (size_t)n : 0;
	for (int i = 0; i < r->nmaps && off < len; i++) {
		const struct tna_offload_map *m = &r->maps[i];

		n = snprintf(buf + off, len - off, "%s%s %s %ux(%u+%u B)", i ? ", " : " (",
			     m->name, map_type_name(m->type), m->max_entries, m->key_size,
			     m->value_size);
		off += n > 0 ? (size_t)n : 0;
	}
	if (r->nmaps && off < len)
		snprintf(buf + off, len - off, ")");
}
