/* Keep kernel bridge FDB entries alive while the XDP fast path forwards
 * their traffic (docs/kernel-facts.md §4): frames redirected by XDP never reach the
 * bridge, so the kernel would age their entries out.  An RTM_NEWNEIGH with
 * NTF_MASTER|NTF_USE runs br_fdb_update() as if a frame had arrived on the
 * port: `updated` is reset, no notification, the entry stays dynamic.
 *
 * One exception needs undoing.  On a kernel built with bridge VLAN
 * filtering (Debian's), every port has a VLAN group (its default PVID 1)
 * even while the bridge filters no VLANs, and br_fdb_add() repeats an
 * NTF_USE without NDA_VLAN for every VLAN of the port: the refresh of an
 * entry in VLAN 0 also creates it in VLAN 1, an entry Linux alone never
 * has.  A VLAN id of 0 cannot be asked for (the kernel rejects it), so the
 * keep-alive reads the ports' VLANs once a round (tna_fdb_port_vlans) and
 * deletes, right after the refresh, what it created in a VLAN where the
 * model had no entry for that MAC (tna_fdb_forget). */
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

/* The VLANs of one bridge port (RTM_GETLINK dump, AF_BRIDGE,
 * RTEXT_FILTER_BRVLAN); at most TNA_KA_PORT_VIDS are kept. */
#define TNA_KA_PORT_VIDS 16
struct tna_port_vlans {
	int ifindex;
	int n;
	uint16_t vid[TNA_KA_PORT_VIDS];
};

/* Fill OUT (up to MAX ports) with the ports of bridge BRIDGE_IFINDEX that
 * have VLANs.  The number of ports or -errno. */
int tna_fdb_port_vlans(struct tna_nl *nl, int bridge_ifindex, struct tna_port_vlans *out,
		       int max);

/* Delete the dynamic entry MAC/VLAN of port PORT_IFINDEX.  0 or -errno. */
int tna_fdb_forget(struct tna_nl *nl, int port_ifindex, const uint8_t mac[6], uint16_t vlan);

/* Seconds between keep-alive rounds for a bridge ageing time (centiseconds,
 * as the kernel reports it): a quarter of it, at least 1 s and at most 60 s,
 * so an entry used once is refreshed at least twice before it could expire. */
unsigned int tna_fdb_keepalive_interval_ms(uint32_t ageing_time_cs);

#endif
