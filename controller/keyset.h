/* A set of FDB keys (MAC + VLAN packed in 64 bits) with insertion-order
 * popping: the keys the mirror still has to write.  Open addressing with
 * linear probing and backward-shift deletion; grows as needed. */
#ifndef TNA_CONTROLLER_KEYSET_H
#define TNA_CONTROLLER_KEYSET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tna_keyset {
	uint64_t *tab;		/* TNA_KEY_NONE = free */
	size_t cap;		/* power of two */
	uint64_t *vec;		/* the keys in insertion order: vec[head .. head + n) */
	size_t head, n, vcap;
};
#define TNA_KEY_NONE (~0ull)

static inline uint64_t tna_key_pack(const uint8_t mac[6], uint16_t vlan)
{
	uint64_t k = 0;

	for (int i = 0; i < 6; i++)
		k |= (uint64_t)mac[i] << (8 * i);
	return k | (uint64_t)vlan << 48;
}

static inline void tna_key_unpack(uint64_t k, uint8_t mac[6], uint16_t *vlan)
{
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(k >> (8 * i));
	*vlan = (uint16_t)(k >> 48);
}

void tna_keyset_free(struct tna_keyset *s);
/* 0, or -ENOMEM (the key is then not in the set). */
int tna_keyset_add(struct tna_keyset *s, uint64_t key);
bool tna_keyset_has(const struct tna_keyset *s, uint64_t key);
/* The oldest key, removed; false when empty. */
bool tna_keyset_pop(struct tna_keyset *s, uint64_t *key);
static inline size_t tna_keyset_count(const struct tna_keyset *s) { return s->n; }
void tna_keyset_clear(struct tna_keyset *s);

#endif
