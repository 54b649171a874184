/* Keep kernel bridge FDB entries alive while the XDP fast path forwards
 * their traffic (docs/kernel-facts.md §4): frames redirected by XDP never reach the
 * bridge, so the kernel would age their entries out.  An RTM_NEWNEIGH with
 * NTF_MASTER|NTF_USE runs br_fdb_update() as if a frame had arrived on the
 * port: `updated` is reset, no notification, the entry stays dynamic. */
#ifndef TNA_CONTROLLER_FDB_KEEPALIVE_H
#define TNA_CONTROLLER_FDB_KEEPALIVE_H
#include <stdint.h>

struct tna_nl;

/* Refresh MAC (VLAN, 0 = none) on bridge port PORT_IFINDEX.  The kernel
 * creates the entry if it is missing and moves it if it sits on another
 * port, so pass the port the fast path saw it on.  0 or -errno (the kernel's
 * text in tna_nl_errmsg()). */
int tna_fdb_refresh(struct tna_nl *nl, int port_ifindex, const uint8_t mac[6],
		    uint16_t vlan);

/* Seconds between keep-alive rounds for a bridge ageing time (centiseconds,
 * as the kernel reports it): a quarter of it, at least 1 s and at most 60 s,
 * so an entry used once is refreshed at least twice before it could expire. */
unsigned int tna_fdb_keepalive_interval_ms(uint32_t ageing_time_cs);

#endif
