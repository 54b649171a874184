/* tna-xfer: the pattern every byte is checked against, and the sockets. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netdb.h>
#include <time.h>
#include <netinet/in.h>

#include "bench/xfer.h"

double xfer_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The pattern of one stream: xorshift64* from the seed. */
uint8_t *xfer_pattern_new(uint64_t seed, uint32_t stream)
{
	uint64_t x = (seed ^ (0x9e3779b97f4a7c15ull * (stream + 1))) | 1;
	uint64_t *b = malloc(BLOCK);

	if (!b)
		return NULL;
	for (unsigned i = 0; i < BLOCK / 8; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		b[i] = x * 0x2545f4914f6cdd1dull;
	}
	return (uint8_t *)b;
}

/* Byte OFF..OFF+N of the stream into DST. */
void xfer_pattern_at(const uint8_t *blk, uint64_t off, uint8_t *dst, size_t n)
{
	while (n) {
		uint64_t in = off % BLOCK, no = off / BLOCK;
		size_t k = BLOCK - in < n ? BLOCK - in : n;

		memcpy(dst, blk + in, k);
		/* the block number over the first 8 bytes of each block */
		for (uint64_t i = in; i < 8 && i < in + k; i++)
			dst[i - in] = (uint8_t)(no >> (8 * i));
		dst += k;
		off += k;
		n -= k;
	}
}

/* Offset of the first byte of BUF (N bytes at stream offset OFF) that
 * differs from the pattern, or -1.  Compares in place: no copy. */
int64_t xfer_pattern_diff(const uint8_t *blk, uint64_t off, const uint8_t *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		uint64_t in = (off + done) % BLOCK, no = (off + done) / BLOCK;
		size_t k = BLOCK - in < n - done ? BLOCK - in : n - done;
		size_t skip = 0;

		for (uint64_t i = in; i < 8 && i < in + k; i++, skip++)
			if (buf[done + skip] != (uint8_t)(no >> (8 * i)))
				return done + skip;
		if (memcmp(buf + done + skip, blk + in + skip, k - skip))
			for (size_t i = skip; i < k; i++)
				if (buf[done + i] != blk[in + i])
					return done + i;
		done += k;
	}
	return -1;
}


int xfer_resolve(const struct opts *o, struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = { .ai_socktype = o->udp ? SOCK_DGRAM : SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST }, *ai;
	char port[8];
	int e;

	snprintf(port, sizeof(port), "%d", o->port);
	e = getaddrinfo(o->addr, port, &hints, &ai);
	if (e) {
		fprintf(stderr, "tna-xfer: %s: %s\n", o->addr, gai_strerror(e));
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

int xfer_listen(const struct opts *o)
{
	int one = 1, fd = socket(o->v6 ? AF_INET6 : AF_INET,
				 o->udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(o->port),
				   .sin6_addr = IN6ADDR_ANY_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(o->port) };
	int rcvbuf = 8 << 20;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (o->udp)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if ((o->v6 ? bind(fd, (void *)&a6, sizeof(a6)) : bind(fd, (void *)&a4, sizeof(a4))) ||
	    (!o->udp && listen(fd, MAX_STREAMS))) {
		close(fd);
		return -1;
	}
	return fd;
}

