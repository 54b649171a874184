/* The NIC stages' watchdog (watchdog.c): detaches every NIC stage when the
 * owner's main loop stops feeding it for the timeout. */
#ifndef TNA_TARGETS_OFFLOAD_WATCHDOG_H
#define TNA_TARGETS_OFFLOAD_WATCHDOG_H

/* Start it once (later calls change nothing); MS 0 leaves it off. */
int tna_offload_watchdog_start(unsigned int ms);
/* The main loop is alive. */
void tna_offload_watchdog_feed(void);
/* How often the loop must feed it: -1 when nothing is watched. */
int tna_offload_watchdog_period_ms(void);
/* How many times it detached the NIC stages. */
unsigned long tna_offload_watchdog_trips(void);
/* Link fds of attached NIC stages (nic.c registers its own). */
int tna_offload_watchdog_add(int link_fd);
void tna_offload_watchdog_del(int link_fd);

#endif
