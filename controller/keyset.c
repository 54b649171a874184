/* The FDB key set of controller/keyset.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "controller/keyset.h"

static size_t hash(uint64_t k, size_t cap)
{
	k ^= k >> 29;
	k *= 0xbf58476d1ce4e5b9ull;
	k ^= k >> 32;
	return (size_t)k & (cap - 1);
}

void tna_keyset_free(struct tna_keyset *s)
{
	free(s->tab);
	free(s->vec);
	memset(s, 0, sizeof(*s));
}

void tna_keyset_clear(struct tna_keyset *s)
{
	if (s->tab)
		memset(s->tab, 0xff, s->cap * sizeof(*s->tab));
	s->n = s->head = 0;
}

static void put(uint64_t *tab, size_t cap, uint64_t key)
{
	size_t i = hash(key, cap);

	while (tab[i] != TNA_KEY_NONE && tab[i] != key)
		i = (i + 1) & (cap - 1);
	tab[i] = key;
}

bool tna_keyset_has(const struct tna_keyset *s, uint64_t key)
{
	size_t i;

	if (!s->cap)
		return false;
	for (i = hash(key, s->cap); s->tab[i] != TNA_KEY_NONE; i = (i + 1) & (s->cap - 1))
		if (s->tab[i] == key)
			return true;
	return false;
}

int tna_keyset_add(struct tna_keyset *s, uint64_t key)
{
	if (tna_keyset_has(s, key))
		return 0;
	if ((s->n + 1) * 2 > s->cap) {		/* at most half full */
		size_t cap = s->cap ? s->cap * 2 : 1024;
		uint64_t *tab = malloc(cap * sizeof(*tab));

		if (!tab)
			return -ENOMEM;
		memset(tab, 0xff, cap * sizeof(*tab));
		for (size_t i = 0; i < s->n; i++)
			put(tab, cap, s->vec[s->head + i]);
		free(s->tab);
		s->tab = tab;
		s->cap = cap;
	}
	if (s->head + s->n == s->vcap && s->head >= s->n) {	/* reuse the front */
		memmove(s->vec, s->vec + s->head, s->n * sizeof(*s->vec));
		s->head = 0;
	}
	if (s->head + s->n == s->vcap) {
		size_t vcap = s->vcap ? s->vcap * 2 : 512;
		uint64_t *vec = realloc(s->vec, vcap * sizeof(*vec));

		if (!vec)
			return -ENOMEM;
		s->vec = vec;
		s->vcap = vcap;
	}
	put(s->tab, s->cap, key);
	s->vec[s->head + s->n++] = key;
	return 0;
}

/* Backward-shift deletion keeps every probe chain unbroken. */
static void del(struct tna_keyset *s, uint64_t key)
{
	size_t i = hash(key, s->cap), j, h;

	while (s->tab[i] != key) {
		if (s->tab[i] == TNA_KEY_NONE)
			return;
		i = (i + 1) & (s->cap - 1);
	}
	for (j = (i + 1) & (s->cap - 1); s->tab[j] != TNA_KEY_NONE; j = (j + 1) & (s->cap - 1)) {
		h = hash(s->tab[j], s->cap);
		/* move j into the hole at i unless its home lies in (i, j] */
		if (((j - h) & (s->cap - 1)) >= ((j - i) & (s->cap - 1))) {
			s->tab[i] = s->tab[j];
			i = j;
		}
	}
	s->tab[i] = TNA_KEY_NONE;
}

bool tna_keyset_pop(struct tna_keyset *s, uint64_t *key)
{
	/* insertion order: the vector is consumed from the front */
	if (!s->n)
		return false;
	*key = s->vec[s->head++];
	if (!--s->n)
		s->head = 0;
	del(s, *key);
	return true;
}
