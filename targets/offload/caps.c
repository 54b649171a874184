/* What each offloading device kind accepts.  The sources of every value
 * are in targets/offload/README.md ("Device kinds"); keep both in step. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include "capabilities/caps.h"
#include "targets/offload/offload.h"

#define CTX_WORD(field) (1u << (offsetof(struct xdp_md, field) / 4))

static void allow(uint64_t *bits, int id)
{
	bits[id / 64] |= 1ULL << (id % 64);
}

/* What every offloaded program is held to by the kernel itself: device
 * maps are arrays or hashes without flags, cannot be read as global data,
 * and a prog array (tail calls) cannot be bound to a device. */
static void kernel_rules(struct tna_offload_caps *c)
{
	c->map_types = 1ULL << BPF_MAP_TYPE_ARRAY | 1ULL << BPF_MAP_TYPE_HASH;
	c->global_data = false;
	c->map_flags = false;
	c->tail_calls = false;
	c->max_stack = 512;			/* MAX_BPF_STACK */
}

void tna_offload_caps_nfp(struct tna_offload_caps *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->kind, sizeof(c->kind), "nfp");
	snprintf(c->source, sizeof(c->source),
		 "nfp driver (bpf/verifier.c, jit.c) + published Agilio limits");
	kernel_rules(c);
	c->max_insns = 2800;
	c->max_total_entries = 3072000;
	c->max_elem = 64;
	allow(c->helpers, BPF_FUNC_map_lookup_elem);
	allow(c->helpers, BPF_FUNC_map_update_elem);
	allow(c->helpers, BPF_FUNC_map_delete_elem);
	allow(c->helpers, BPF_FUNC_get_prandom_u32);
	allow(c->helpers, BPF_FUNC_perf_event_output);
	allow(c->helpers, BPF_FUNC_xdp_adjust_head);
	allow(c->helpers, BPF_FUNC_xdp_adjust_tail);
	/* R0 > 3 is an abort (jit.c nfp_outro_xdp): REDIRECT drops */
	c->actions = 1 << XDP_ABORTED | 1 << XDP_DROP | 1 << XDP_PASS | 1 << XDP_TX;
	c->ctx_read = CTX_WORD(data) | CTX_WORD(data_end);
	c->ctx_write = 0;		/* rx_queue_index only with queue-select firmware */
	c->bpf2bpf = true;
	c->kfuncs = false;
	c->map_value_stores = false;
	c->map_atomics_other = false;
	c->runs_programs = true;
	c->counter_halves_swapped = true;
}

void tna_offload_caps_netdevsim(struct tna_offload_caps *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->kind, sizeof(c->kind), "netdevsim");
	snprintf(c->source, sizeof(c->source), "drivers/net/netdevsim/bpf.c");
	kernel_rules(c);
	c->max_map_entries = 2;		/* NSIM_BPF_MAX_KEYS */
	c->all_helpers = true;		/* its verifier hook refuses nothing */
	c->actions = 0x1f;
	c->ctx_read = ~0u;
	c->ctx_write = CTX_WORD(rx_queue_index);	/* filter.c xdp_is_valid_access */
	c->bpf2bpf = true;
	c->kfuncs = false;		/* the kernel calls kfuncs from JITed code only */
	c->map_value_stores = true;
	c->map_atomics_other = true;
	c->runs_programs = false;	/* accepted and attached, never executed */
}

/* Test switch: lower budgets from TNA_TEST_OFFLOAD_CAPS. */
static void test_override(struct tna_offload_caps *c)
{
	const char *env = getenv("TNA_TEST_OFFLOAD_CAPS");
	char buf[128], *tok, *save = NULL;

	if (!env || !*env)
		return;
	snprintf(buf, sizeof(buf), "%s", env);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		uint32_t v;

		if (!eq)
			continue;
		*eq = 0;
		v = strtoul(eq + 1, NULL, 0);
		if (!strcmp(tok, "max_insns"))
			c->max_insns = v;
		else if (!strcmp(tok, "max_map_entries"))
			c->max_map_entries = v;
		else if (!strcmp(tok, "max_elem"))
			c->max_elem = v;
		else if (!strcmp(tok, "max_stack"))
			c->max_stack = v;
	}
	snprintf(c->source, sizeof(c->source), "TNA_TEST_OFFLOAD_CAPS=%.50s (test limits)", env);
}

int tna_offload_caps_by_kind(const char *kind, struct tna_offload_caps *c)
{
	if (!strcmp(kind, "nfp"))
		tna_offload_caps_nfp(c);
	else if (!strcmp(kind, "netdevsim"))
		tna_offload_caps_netdevsim(c);
	else
		return -ENODEV;
	test_override(c);
	return 0;
}

int tna_offload_caps_for_dev(const struct tna_caps_dev *dev, struct tna_offload_caps *c)
{
	if (dev->nfp || !strcmp(dev->driver, "nfp"))
		return tna_offload_caps_by_kind("nfp", c);
	if (!strcmp(dev->driver, "netdevsim") || !strcmp(dev->kind, "netdevsim"))
		return tna_offload_caps_by_kind("netdevsim", c);
	return -ENODEV;
}

__attribute__((format(printf, 4, 5)))
static size_t put(char *buf, size_t len, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (off >= len)
		return off;
	va_start(ap, fmt);
	n = vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
	return n > 0 ? off + n : off;
}

void tna_offload_caps_describe(const struct tna_offload_caps *c, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	if (c->max_insns)
		off = put(buf, len, off, "max %u insns, ", c->max_insns);
	off = put(buf, len, off, "stack %u B, maps array/hash", c->max_stack);
	if (c->max_map_entries)
		off = put(buf, len, off, " of <= %u entries", c->max_map_entries);
	if (c->max_total_entries)
		off = put(buf, len, off, ", <= %u entries in all", c->max_total_entries);
	if (c->max_elem)
		off = put(buf, len, off, ", key+value <= %u B", c->max_elem);
	off = put(buf, len, off, ", no map flags, no global data, no tail calls or kfuncs");
	if (!c->all_helpers)
		off = put(buf, len, off, ", helpers: map ops, adjust_head/tail, prandom, perf output");
	if (!c->map_value_stores)
		off = put(buf, len, off, ", map values read or atomically added only");
	if (c->ctx_read != ~0u)
		off = put(buf, len, off, ", ctx: data/data_end only");
	if (!(c->actions & 1 << XDP_REDIRECT))
		off = put(buf, len, off, ", actions ABORTED/DROP/PASS/TX");
	if (!c->runs_programs)
		put(buf, len, off, "; accepts programs but never runs them");
}
