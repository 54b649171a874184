/* tna-xfer: UDP datagrams, each checked alone at the receiver. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/time.h>

#include "bench/xfer.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

/* --- UDP ------------------------------------------------------------- */

struct udp_result {
	uint64_t datagrams, bytes, corrupt, dups, ends;
	uint64_t max_seq[MAX_STREAMS];
	uint8_t *seen[MAX_STREAMS];	/* bitmap of sequences, for dups */
	uint64_t first_bad;		/* sequence + 1 */
	double t0, t1;
};

#define UDP_MAX_SEQ	(1u << 26)

static int udp_server(const struct opts *o, int fd, struct udp_result *r)
{
	uint8_t *blk[MAX_STREAMS] = { 0 };
	uint8_t buf[65536], exp[65536];
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	double deadline = xfer_now() + o->timeout, idle_end = 0;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct udp_hdr *h = (void *)buf;
		double t = xfer_now();

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				return -errno;
			if ((idle_end && t > idle_end) || (!r->datagrams && t > deadline) ||
			    (r->datagrams && t - r->t1 > 2.0))
				break;
			continue;
		}
		if (n < UDP_HDR || h->magic != MAGIC || h->stream >= MAX_STREAMS) {
			r->corrupt++;
			continue;
		}
		if (h->seq == UDP_END) {
			r->ends++;
			if (!idle_end)
				idle_end = t + 0.3;	/* stragglers */
			continue;
		}
		if (!r->datagrams)
			r->t0 = t;
		r->t1 = t;
		r->datagrams++;
		r->bytes += n;
		if (!blk[h->stream] && !(blk[h->stream] = xfer_pattern_new(o->seed, h->stream)))
			return -ENOMEM;
		if (h->len != (uint32_t)n - UDP_HDR || h->seq >= UDP_MAX_SEQ) {
			r->corrupt++;
			r->first_bad = r->first_bad ? r->first_bad : h->seq + 1ull;
			continue;
		}
		xfer_pattern_at(blk[h->stream], (uint64_t)h->seq * h->len, exp, h->len);
		if (memcmp(buf + UDP_HDR, exp, h->len)) {
			r->corrupt++;
			r->first_bad = r->first_bad ? r->first_bad : h->seq + 1ull;
			continue;
		}
		if (!r->seen[h->stream] && !(r->seen[h->stream] = calloc(UDP_MAX_SEQ / 8, 1)))
			return -ENOMEM;
		if (r->seen[h->stream][h->seq / 8] & (1 << (h->seq % 8)))
			r->dups++;
		r->seen[h->stream][h->seq / 8] |= 1 << (h->seq % 8);
		if (h->seq + 1ull > r->max_seq[h->stream])
			r->max_seq[h->stream] = h->seq + 1ull;
	}
	for (int i = 0; i < MAX_STREAMS; i++)
		free(blk[i]);
	return 0;
}

/* One datagram (header + pattern) at BUF. */
static void udp_fill(uint8_t *buf, const uint8_t *blk, uint32_t stream, uint32_t seq, int len)
{
	struct udp_hdr h = { MAGIC, stream, seq, len };

	memcpy(buf, &h, sizeof(h));
	xfer_pattern_at(blk, (uint64_t)seq * len, buf + UDP_HDR, len);
}

static int udp_client(const struct opts *o, uint64_t *sent_dgrams, uint64_t *sent_bytes,
		      double *secs)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, per = o->gso ? 65000 / (o->len + UDP_HDR) : 1;
	uint8_t *blk = xfer_pattern_new(o->seed, 0), *buf = malloc(65536);
	uint64_t total = o->bytes / o->len, seq = 0;
	double t0 = xfer_now(), end = o->duration > 0 ? t0 + o->duration : 0;

	if (!blk || !buf || xfer_resolve(o, &ss, &sl))
		return -1;
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (void *)&ss, sl))
		return -1;
	if (o->gso) {
		int seg = o->len + UDP_HDR;

		if (setsockopt(fd, SOL_UDP, UDP_SEGMENT, &seg, sizeof(seg))) {
			perror("tna-xfer: UDP_SEGMENT");
			return -1;
		}
	}
	while (end ? xfer_now() < end : seq < total) {
		int k = 0;

		for (; k < per && (end || seq + k < total); k++)
			udp_fill(buf + k * (o->len + UDP_HDR), blk, 0, seq + k, o->len);
		if (send(fd, buf, k * (o->len + UDP_HDR), 0) < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED)
				continue;
			perror("tna-xfer: send");
			return -1;
		}
		seq += k;
		*sent_bytes += k * (o->len + UDP_HDR);
	}
	*sent_dgrams = seq;
	*secs = xfer_now() - t0;
	if (o->gso) {
		int zero = 0;

		setsockopt(fd, SOL_UDP, UDP_SEGMENT, &zero, sizeof(zero));
	}
	for (int i = 0; i < 10; i++) {
		struct udp_hdr h = { MAGIC, 0, UDP_END, 0 };

		send(fd, &h, sizeof(h), 0);
		usleep(1000);
	}
	close(fd);
	free(blk);
	free(buf);
	return 0;
}


int xfer_udp_server(const struct opts *o, int fd)
{
	struct udp_result r = { 0 };
	uint64_t expected = 0, lost;
	int e = udp_server(o, fd, &r);

	if (e) {
		fprintf(stderr, "tna-xfer: %s\n", strerror(-e));
		return 1;
	}
	for (int i = 0; i < MAX_STREAMS; i++) {
		expected += r.max_seq[i];
		free(r.seen[i]);
	}
	lost = expected > r.datagrams - r.dups - r.corrupt ?
	       expected - (r.datagrams - r.dups - r.corrupt) : 0;
	if (o->json)
		printf("{\"proto\":\"udp\",\"datagrams\":%llu,\"bytes\":%llu,\"seconds\":%.6f,"
		       "\"gbps\":%.3f,\"corrupt\":%llu,\"first_corrupt_seq\":%lld,"
		       "\"duplicates\":%llu,\"lost\":%llu,\"end_markers\":%llu}\n",
		       (unsigned long long)r.datagrams, (unsigned long long)r.bytes, r.t1 - r.t0,
		       r.t1 > r.t0 ? r.bytes * 8 / (r.t1 - r.t0) / 1e9 : 0.0,
		       (unsigned long long)r.corrupt, (long long)r.first_bad - 1,
		       (unsigned long long)r.dups, (unsigned long long)lost,
		       (unsigned long long)r.ends);
	else
		printf("received %llu datagrams (%llu bytes) in %.3f s: %.3f Gbit/s; corrupt %llu, "
		       "duplicated %llu, lost %llu\n",
		       (unsigned long long)r.datagrams, (unsigned long long)r.bytes, r.t1 - r.t0,
		       r.t1 > r.t0 ? r.bytes * 8 / (r.t1 - r.t0) / 1e9 : 0.0,
		       (unsigned long long)r.corrupt, (unsigned long long)r.dups,
		       (unsigned long long)lost);
	return r.datagrams && !r.corrupt && !r.dups ? 0 : 1;
}


int xfer_udp_client(const struct opts *o)
{
	uint64_t dg = 0, by = 0;
	double secs = 0;

	if (udp_client(o, &dg, &by, &secs))
		return 1;
	if (o->json)
		printf("{\"proto\":\"udp\",\"sent_datagrams\":%llu,\"sent_bytes\":%llu,"
		       "\"seconds\":%.6f}\n", (unsigned long long)dg,
		       (unsigned long long)by, secs);
	else
		printf("sent %llu datagrams (%llu bytes) in %.3f s\n",
		       (unsigned long long)dg, (unsigned long long)by, secs);
	return 0;
}
