/* The test-only event latency switch (controller/event_delay.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "controller/event_delay.h"

void tna_evq_init(struct tna_evq *q)
{
	const char *s = getenv("TNA_EVENT_DELAY_MS");

	memset(q, 0, sizeof(*q));
	if (s && atoi(s) > 0)
		q->delay_ns = (uint64_t)atoi(s) * 1000000ull;
}

void tna_evq_free(struct tna_evq *q)
{
	free(q->a);
	q->a = NULL;
	q->n = q->cap = q->head = q->links = 0;
}

int tna_evq_push(struct tna_evq *q, uint64_t now, enum tna_evq_kind kind, enum tna_op op,
		 int ifindex, const void *item)
{
	struct tna_evq_item *it;

	if (q->n == q->cap) {
		unsigned int cap = q->cap ? q->cap * 2 : 256;
		struct tna_evq_item *a = malloc(cap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		for (unsigned int i = 0; i < q->n; i++)	/* unwrap the ring */
			a[i] = q->a[(q->head + i) % q->cap];
		free(q->a);
		q->a = a;
		q->cap = cap;
		q->head = 0;
	}
	it = &q->a[(q->head + q->n) % q->cap];
	memset(it, 0, sizeof(*it));
	it->due_ns = now + q->delay_ns;
	it->kind = kind;
	it->op = op;
	it->ifindex = ifindex;
	switch (kind) {
	case TNA_EVQ_LINK:
		memcpy(&it->u.link, item, sizeof(it->u.link));
		q->links++;
		break;
	case TNA_EVQ_PORT:
		memcpy(&it->u.port, item, sizeof(it->u.port));
		q->links++;
		break;
	default:
		memcpy(&it->u.fdb, item, sizeof(it->u.fdb));
	}
	q->n++;
	return 0;
}

bool tna_evq_pop_due(struct tna_evq *q, uint64_t now, struct tna_evq_item *out)
{
	if (!q->n || q->a[q->head].due_ns > now)
		return false;
	*out = q->a[q->head];
	q->head = (q->head + 1) % q->cap;
	q->n--;
	if (out->kind != TNA_EVQ_FDB)
		q->links--;
	return true;
}

int tna_evq_timeout_ms(const struct tna_evq *q, uint64_t now)
{
	uint64_t due;

	if (!q->n)
		return -1;
	due = q->a[q->head].due_ns;
	return due <= now ? 0 : (int)((due - now + 999999) / 1000000);
}
