/* Netlink sockets with extended ack: one place that sends a request, runs
 * the reply through a callback and keeps the kernel's own error text.
 * All functions return 0 or a negative errno; none prints or exits. */
#ifndef TNA_COMMON_NL_H
#define TNA_COMMON_NL_H
#include <stdint.h>
#include <libmnl/libmnl.h>

struct tna_nl;

/* Open a socket on BUS (NETLINK_ROUTE, NETLINK_GENERIC, ...) in the current
 * network namespace, with NETLINK_EXT_ACK and NETLINK_CAP_ACK on.
 * Returns NULL and sets errno on failure. */
struct tna_nl *tna_nl_open(int bus);
void tna_nl_close(struct tna_nl *nl);
struct mnl_socket *tna_nl_mnl(struct tna_nl *nl);
int tna_nl_fd(const struct tna_nl *nl);

/* A non-blocking socket of BUS subscribed to the N multicast GROUPS, its
 * receive buffer RCVBUF bytes (above rmem_max when allowed, else as
 * large as allowed): a listener for notifications.  NULL + errno. */
struct mnl_socket *tna_nl_listen(int bus, const uint32_t *groups, int n, int rcvbuf);

/* A buffer large enough for one request. */
#define TNA_NL_BUFSZ (MNL_SOCKET_BUFFER_SIZE * 4)

/* Put a header for TYPE with FLAGS (NLM_F_REQUEST is added) into BUF and
 * give it the next sequence number. */
struct nlmsghdr *tna_nl_msg(struct tna_nl *nl, void *buf, uint16_t type,
			    uint16_t flags);

/* Send NLH and read replies until NLMSG_DONE or the ack, calling CB (may
 * be NULL) on each data message.  Requests that are not dumps should carry
 * NLM_F_ACK so that the read ends, except a get (one reply, or an error
 * even without the flag): without NLM_F_ACK its read ends with the reply,
 * one receive instead of two.  On a kernel error returns -errno and
 * keeps the extended-ack text for tna_nl_errmsg(). */
int tna_nl_talk(struct tna_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		void *data);

/* The kernel's extended-ack message of the last failed request, or "". */
const char *tna_nl_errmsg(const struct tna_nl *nl);

/* Resolve a generic netlink family: its id and, when GROUP is not NULL,
 * the id of that multicast group (-ENOENT when missing). */
int tna_genl_resolve(struct tna_nl *nl, const char *family, uint16_t *id,
		     const char *group, uint32_t *group_id);

/* Put a genl header (CMD, VERSION) after a tna_nl_msg() header. */
void tna_genl_hdr(struct nlmsghdr *nlh, uint8_t cmd, uint8_t version);

#endif
