/* A hash set of fixed-size items, keyed by bytes a per-set function takes
 * from the item.  Holds every table of the model (the FDB must scale to
 * 100k entries and more).  Internal to introspect/. */
#ifndef TNA_INTROSPECT_SET_H
#define TNA_INTROSPECT_SET_H
#include <stddef.h>
#include <stdint.h>

#define TNA_SET_KEYMAX 64
typedef size_t (*tna_set_key_fn)(const void *item, uint8_t key[TNA_SET_KEYMAX]);

struct tna_set_node;
struct tna_set {
	size_t item_size;
	tna_set_key_fn key;
	struct tna_set_node **buckets;
	size_t nbuckets, count;
};

enum { TNA_SET_SAME = 0, TNA_SET_ADDED = 1, TNA_SET_CHANGED = 2 };

void tna_set_init(struct tna_set *s, size_t item_size, tna_set_key_fn key);
void tna_set_clear(struct tna_set *s);
/* The stored item with PROBE's key, or NULL. */
void *tna_set_find(const struct tna_set *s, const void *probe);
/* Insert or replace; TNA_SET_ADDED/CHANGED/SAME or -ENOMEM.  When OLD is
 * not NULL and an item was replaced, the previous value is copied there. */
int tna_set_put(struct tna_set *s, const void *item, void *old);
/* Remove PROBE's key; 1 when removed (value copied to OLD if not NULL). */
int tna_set_del(struct tna_set *s, const void *probe, void *old);
/* Call CB on each item; a non-zero return stops and is returned. */
int tna_set_for_each(const struct tna_set *s, int (*cb)(const void *, void *), void *ctx);
/* Remove items for which PRED is true; ON_DEL (may be NULL) sees each. */
void tna_set_remove_if(struct tna_set *s, int (*pred)(const void *, void *),
		       void (*on_del)(const void *, void *), void *ctx);
/* Move SRC's contents into DST (DST cleared first); SRC ends empty. */
void tna_set_move(struct tna_set *dst, struct tna_set *src);
#endif
