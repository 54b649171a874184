/* Test-only latency switch: TNA_EVENT_DELAY_MS=N makes the controller act
 * on every FDB and port event N ms after it read it, one by one in order,
 * as a slow or busy controller would.  Races between the fast path and a
 * late controller then happen every time instead of by chance, so tests
 * can assert on them (tests/coherence/).  Off (no queue at all) unless the
 * variable is set. */
#ifndef TNA_CONTROLLER_EVENT_DELAY_H
#define TNA_CONTROLLER_EVENT_DELAY_H
#include <stdbool.h>
#include <stdint.h>

#include "controller/port_watch.h"
#include "introspect/model.h"

enum tna_evq_kind {
	TNA_EVQ_FDB,		/* a model FDB event, or a key the pending scan found */
	TNA_EVQ_LINK,		/* a model link event */
	TNA_EVQ_PORT,		/* a port-watch message */
};

struct tna_evq_item {
	uint64_t due_ns;
	enum tna_evq_kind kind;
	enum tna_op op;
	int ifindex;		/* TNA_EVQ_PORT */
	union {
		struct tna_fdb fdb;
		struct tna_link link;
		struct tna_port_info port;
	} u;
};

struct tna_evq {
	uint64_t delay_ns;	/* 0: off */
	struct tna_evq_item *a;
	unsigned int head, n, cap;	/* ring */
	unsigned int links;	/* link and port items held */
};

/* Reads TNA_EVENT_DELAY_MS; off when unset or 0. */
void tna_evq_init(struct tna_evq *q);
void tna_evq_free(struct tna_evq *q);
static inline bool tna_evq_on(const struct tna_evq *q) { return q->delay_ns != 0; }
/* Hold a copy of ITEM (struct tna_fdb, tna_link, tna_port_info by KIND)
 * until NOW + delay.  -ENOMEM. */
int tna_evq_push(struct tna_evq *q, uint64_t now, enum tna_evq_kind kind, enum tna_op op,
		 int ifindex, const void *item);
/* The oldest item if it is due at NOW: copied to *OUT, true. */
bool tna_evq_pop_due(struct tna_evq *q, uint64_t now, struct tna_evq_item *out);
/* ms until the oldest item is due (rounded up), -1 when empty. */
int tna_evq_timeout_ms(const struct tna_evq *q, uint64_t now);

#endif
