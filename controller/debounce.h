/* Debouncing of configuration events: a burst of changes (ip link set
 * ... ; bridge link set ...; an Ansible play) gives one redeploy.  A
 * redeploy is due once no event came for QUIET, or MAX after the first
 * event of the burst, whichever comes first: the delay is bounded even
 * under a steady stream of events.  Times are CLOCK_MONOTONIC ns. */
#ifndef TNA_CONTROLLER_DEBOUNCE_H
#define TNA_CONTROLLER_DEBOUNCE_H
#include <stdbool.h>
#include <stdint.h>

struct tna_debounce {
	uint64_t quiet_ns, max_ns;
	uint64_t first_ns, last_ns;	/* 0: no burst pending */
	unsigned int events;		/* in the pending burst */
};

void tna_debounce_init(struct tna_debounce *d, unsigned int quiet_ms,
		       unsigned int max_ms);
/* An event arrived at NOW. */
void tna_debounce_event(struct tna_debounce *d, uint64_t now);
bool tna_debounce_pending(const struct tna_debounce *d);
/* Whether the pending burst must be applied at NOW. */
bool tna_debounce_due(const struct tna_debounce *d, uint64_t now);
/* poll() timeout in ms until the burst is due (rounded up), -1 when none
 * is pending. */
int tna_debounce_timeout_ms(const struct tna_debounce *d, uint64_t now);
/* The burst was applied: forget it. */
void tna_debounce_reset(struct tna_debounce *d);

#endif
