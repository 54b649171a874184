/* tna-xfer's parts (bench/tna-xfer.c: the tool and TCP; xfer_common.c:
 * the pattern and the sockets; xfer_udp.c: UDP). */
#ifndef TNA_BENCH_XFER_H
#define TNA_BENCH_XFER_H
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/socket.h>

#define BLOCK		(1u << 20)
#define MAX_STREAMS	16
#define MAGIC		0x544e4158u	/* "TNAX" */
#define UDP_HDR		16		/* our header inside the datagram */
#define UDP_END		0xffffffffu	/* sequence of an end marker */

struct hello { uint32_t magic, stream; uint64_t seed; };
struct udp_hdr { uint32_t magic, stream, seq, len; };

struct opts {
	bool server, udp, v6, json, gso;
	const char *addr;
	int port, streams, len;
	uint64_t bytes, seed;
	double duration, timeout;
};

double xfer_now(void);
/* The 1 MiB pattern block of a stream; byte OFF..OFF+N of the stream into
 * DST; the offset of the first byte of BUF that differs from it, or -1. */
uint8_t *xfer_pattern_new(uint64_t seed, uint32_t stream);
void xfer_pattern_at(const uint8_t *blk, uint64_t off, uint8_t *dst, size_t n);
int64_t xfer_pattern_diff(const uint8_t *blk, uint64_t off, const uint8_t *buf, size_t n);
int xfer_resolve(const struct opts *o, struct sockaddr_storage *ss, socklen_t *len);
int xfer_listen(const struct opts *o);
/* UDP: the receiver on FD (exit status), the sender. */
int xfer_udp_server(const struct opts *o, int fd);
int xfer_udp_client(const struct opts *o);

#endif
