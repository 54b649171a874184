/* One redeploy per burst of configuration events, with a bounded delay. */
#include "controller/debounce.h"

#define MS 1000000ull

void tna_debounce_init(struct tna_debounce *d, unsigned int quiet_ms,
		       unsigned int max_ms)
{
	d->quiet_ns = quiet_ms * MS;
	d->max_ns = (max_ms < quiet_ms ? quiet_ms : max_ms) * MS;
	tna_debounce_reset(d);
}

void tna_debounce_event(struct tna_debounce *d, uint64_t now)
{
	if (!d->events++)
		d->first_ns = now;
	d->last_ns = now;
}

bool tna_debounce_pending(const struct tna_debounce *d)
{
	return d->events != 0;
}

static uint64_t due_at(const struct tna_debounce *d)
{
	uint64_t quiet = d->last_ns + d->quiet_ns, max = d->first_ns + d->max_ns;

	return quiet < max ? quiet : max;
}

bool tna_debounce_due(const struct tna_debounce *d, uint64_t now)
{
	return d->events && now >= due_at(d);
}

int tna_debounce_timeout_ms(const struct tna_debounce *d, uint64_t now)
{
	uint64_t at;

	if (!d->events)
		return -1;
	at = due_at(d);
	return at <= now ? 0 : (int)((at - now + MS - 1) / MS);
}

void tna_debounce_reset(struct tna_debounce *d)
{
	d->first_ns = d->last_ns = 0;
	d->events = 0;
}
