/* Chained hash set, doubled when the load passes 1. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "introspect/set.h"

struct tna_set_node {
	struct tna_set_node *next;
	uint64_t hash;
	max_align_t item[];
};

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	while (n--) {
		h ^= *p++;
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

void tna_set_init(struct tna_set *s, size_t item_size, tna_set_key_fn key)
{
	memset(s, 0, sizeof(*s));
	s->item_size = item_size;
	s->key = key;
}

void tna_set_clear(struct tna_set *s)
{
	for (size_t i = 0; i < s->nbuckets; i++) {
		struct tna_set_node *n = s->buckets[i], *next;

		for (; n; n = next) {
			next = n->next;
			free(n);
		}
	}
	free(s->buckets);
	s->buckets = NULL;
	s->nbuckets = s->count = 0;
}

/* The link that points at the node with ITEM's key (or at NULL). */
static struct tna_set_node **lookup(const struct tna_set *s, const void *item,
				    uint64_t *hash)
{
	uint8_t k[TNA_SET_KEYMAX], k2[TNA_SET_KEYMAX];
	size_t kl = s->key(item, k);
	struct tna_set_node **pp;

	*hash = hash_bytes(k, kl);
	if (!s->nbuckets)
		return NULL;
	pp = &s->buckets[*hash & (s->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->hash != *hash)
			continue;
		if (s->key((*pp)->item, k2) == kl && !memcmp(k, k2, kl))
			return pp;
	}
	return pp;
}

void *tna_set_find(const struct tna_set *s, const void *probe)
{
	uint64_t h;
	struct tna_set_node **pp = lookup(s, probe, &h);

	return pp && *pp ? (*pp)->item : NULL;
}

static int grow(struct tna_set *s)
{
	size_t nb = s->nbuckets ? s->nbuckets * 2 : 64;
	struct tna_set_node **b = calloc(nb, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < s->nbuckets; i++) {
		struct tna_set_node *n = s->buckets[i], *next;

		for (; n; n = next) {
			next = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	}
	free(s->buckets);
	s->buckets = b;
	s->nbuckets = nb;
	return 0;
}

int tna_set_put(struct tna_set *s, const void *item, void *old)
{
	struct tna_set_node **pp, *n;
	uint64_t h;

	if (s->count >= s->nbuckets && grow(s))
		return -ENOMEM;
	pp = lookup(s, item, &h);
	if (*pp) {
		if (!memcmp((*pp)->item, item, s->item_size))
			return TNA_SET_SAME;
		if (old)
			memcpy(old, (*pp)->item, s->item_size);
		memcpy((*pp)->item, item, s->item_size);
		return TNA_SET_CHANGED;
	}
	n = malloc(sizeof(*n) + s->item_size);
	if (!n)
		return -ENOMEM;
	n->next = NULL;
	n->hash = h;
	memcpy(n->item, item, s->item_size);
	*pp = n;
	s->count++;
	return TNA_SET_ADDED;
}

int tna_set_del(struct tna_set *s, const void *probe, void *old)
{
	uint64_t h;
	struct tna_set_node **pp = lookup(s, probe, &h), *n;

	if (!pp || !*pp)
		return 0;
	n = *pp;
	*pp = n->next;
	if (old)
		memcpy(old, n->item, s->item_size);
	free(n);
	s->count--;
	return 1;
}

int tna_set_for_each(const struct tna_set *s, int (*cb)(const void *, void *), void *ctx)
{
	for (size_t i = 0; i < s->nbuckets; i++)
		for (struct tna_set_node *n = s->buckets[i]; n; n = n->next) {
			int r = cb(n->item, ctx);

			if (r)
				return r;
		}
	return 0;
}

void tna_set_remove_if(struct tna_set *s, int (*pred)(const void *, void *),
		       void (*on_del)(const void *, void *), void *ctx)
{
	for (size_t i = 0; i < s->nbuckets; i++) {
		struct tna_set_node **pp = &s->buckets[i];

		while (*pp) {
			struct tna_set_node *n = *pp;

			if (!pred(n->item, ctx)) {
				pp = &n->next;
				continue;
			}
			*pp = n->next;
			if (on_del)
				on_del(n->item, ctx);
			free(n);
			s->count--;
		}
	}
}

void tna_set_move(struct tna_set *dst, struct tna_set *src)
{
	tna_set_clear(dst);
	dst->buckets = src->buckets;
	dst->nbuckets = src->nbuckets;
	dst->count = src->count;
	src->buckets = NULL;
	src->nbuckets = src->count = 0;
}
