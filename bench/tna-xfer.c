// SPDX-License-Identifier: GPL-2.0
/* tna-xfer: bulk TCP or UDP from real sockets, every byte checked.
 *
 *   tna-xfer -s [-6] [-u] [-p PORT] [-P N] [-T S] [-j]
 *   tna-xfer -c ADDR [-u] [-p PORT] [-P N] [-n BYTES | -d S] [-l LEN]
 *            [--gso] [--seed S] [-j]
 *
 * The sender writes a known pattern; the receiver compares every byte it
 * reads with what the pattern says must be at that offset (memcmp, no
 * hash: the first differing offset is reported).  The pattern is a 1 MiB
 * pseudo-random block per stream whose first 8 bytes carry the block
 * number, so a byte moved, dropped or repeated across blocks is caught.
 *
 * TCP: each stream starts with a hello (magic, stream number, seed); the
 * receiver reads until EOF.  UDP: each datagram carries (magic, stream,
 * sequence, length) and its payload is the pattern at sequence * LEN; the
 * receiver checks each one alone and counts lost, duplicated and corrupt
 * datagrams; it ends after end markers or the timeout.  --gso sends UDP
 * with UDP_SEGMENT (64 KB writes split by the stack, or by whoever
 * segments GSO packets on the way).
 *
 * The receiver prints one line (or JSON with -j) and exits 0 when every
 * byte that arrived was right (TCP: and every stream ended cleanly),
 * 1 otherwise. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "bench/xfer.h"

/* --- TCP ------------------------------------------------------------- */

struct tcp_stream {
	const struct opts *o;
	int fd;
	uint32_t id;
	uint64_t bytes, mismatch_at;	/* mismatch_at: offset + 1, 0 none */
	double t0, t1;
	int err;
	bool hello_ok;
};

static int read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r <= 0)
			return r < 0 ? -errno : -EPIPE;
		got += r;
	}
	return 0;
}

static void *tcp_recv_stream(void *arg)
{
	struct tcp_stream *s = arg;
	size_t cap = 256 * 1024;
	uint8_t *buf = malloc(cap), *blk = NULL;
	struct hello h;

	if (!buf) {
		s->err = -ENOMEM;
		goto out;
	}
	if ((s->err = read_full(s->fd, &h, sizeof(h))))
		goto out;
	if (h.magic != MAGIC || h.stream >= MAX_STREAMS) {
		s->err = -EPROTO;
		goto out;
	}
	s->hello_ok = true;
	s->id = h.stream;
	blk = xfer_pattern_new(h.seed, h.stream);
	if (!blk) {
		s->err = -ENOMEM;
		goto out;
	}
	s->t0 = xfer_now();
	for (;;) {
		ssize_t r = read(s->fd, buf, cap);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			s->err = -errno;
			break;
		}
		if (r == 0)
			break;
		if (!s->mismatch_at) {
			int64_t d = xfer_pattern_diff(blk, s->bytes, buf, r);

			if (d >= 0)
				s->mismatch_at = s->bytes + d + 1;
		}
		s->bytes += r;
	}
	s->t1 = xfer_now();
out:
	free(buf);
	free(blk);
	close(s->fd);
	return NULL;
}

static void *tcp_send_stream(void *arg)
{
	struct tcp_stream *s = arg;
	const struct opts *o = s->o;
	struct hello h = { MAGIC, s->id, o->seed };
	size_t chunk = 128 * 1024;
	uint8_t *blk = xfer_pattern_new(o->seed, s->id), tmp[4096];
	double end = o->duration > 0 ? xfer_now() + o->duration : 0;

	if (!blk) {
		s->err = -ENOMEM;
		goto out;
	}
	if (write(s->fd, &h, sizeof(h)) != sizeof(h)) {
		s->err = -errno;
		goto out;
	}
	s->t0 = xfer_now();
	while (end ? xfer_now() < end : s->bytes < o->bytes) {
		uint64_t in = s->bytes % BLOCK;
		size_t n = chunk < BLOCK - in ? chunk : BLOCK - in;
		ssize_t w;

		if (!end && o->bytes - s->bytes < n)
			n = o->bytes - s->bytes;
		/* the block's own copy carries the current block number */
		if (in == 0) {
			uint64_t no = s->bytes / BLOCK;

			for (int i = 0; i < 8; i++)
				blk[i] = (uint8_t)(no >> (8 * i));
		}
		w = write(s->fd, blk + in, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			s->err = -errno;
			goto out;
		}
		s->bytes += w;
	}
	shutdown(s->fd, SHUT_WR);
	/* wait for the receiver's close: every byte was read */
	while (read(s->fd, tmp, sizeof(tmp)) > 0)
		;
	s->t1 = xfer_now();
out:
	free(blk);
	close(s->fd);
	return NULL;
}

/* Wait for N streams; their bytes and the span from the first start to
 * the last end.  The first error, or 0. */
static int join_all(struct tcp_stream *st, pthread_t *th, int n, uint64_t *bytes,
		    double *t0, double *t1)
{
	int err = 0;

	*bytes = 0;
	*t0 = *t1 = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		*bytes += st[i].bytes;
		if (!*t0 || st[i].t0 < *t0)
			*t0 = st[i].t0;
		if (st[i].t1 > *t1)
			*t1 = st[i].t1;
		err = err ? err : st[i].err;
	}
	return err;
}


/* --- main ------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
"usage: tna-xfer -s [-6] [-u] [-p PORT] [-P N] [-T S] [-j]\n"
"       tna-xfer -c ADDR [-u] [-p PORT] [-P N] [-n BYTES | -d S] [-l LEN] [--gso]\n"
"                [--seed S] [-j]\n"
"  -s, --server      receive and check every byte (TCP: N streams, -P)\n"
"  -c, --client ADDR send to ADDR (IPv4 or IPv6)\n"
"  -u, --udp         UDP datagrams of LEN payload bytes (-l, 1400) instead of TCP\n"
"  -6                server: listen on IPv6 (also takes IPv4-mapped)\n"
"  -p, --port PORT   5201\n"
"  -P, --streams N   parallel TCP streams (1..16); the server waits for N\n"
"  -n, --bytes N     bytes per stream (suffix K, M, G); default 64M\n"
"  -d, --duration S  send for S seconds instead\n"
"  --gso             UDP: UDP_SEGMENT, 64 KB writes\n"
"  --seed S          pattern seed (both sides; default 1)\n"
"  -T, --timeout S   server: give up when nothing arrives for S s (10)\n"
"  -j, --json        one JSON object instead of the line\n"
"Exit: 0 every byte that arrived was right (TCP: all streams complete),\n"
"      1 a mismatch, a lost stream or an error, 2 bad usage.\n");
}

static uint64_t parse_size(const char *s, bool *ok)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		*ok = false;
	switch (*end) {
	case 'K': case 'k': v *= 1024; end++; break;
	case 'M': case 'm': v *= 1024 * 1024; end++; break;
	case 'G': case 'g': v *= 1024.0 * 1024 * 1024; end++; break;
	}
	if (*end)
		*ok = false;
	return (uint64_t)v;
}

static int run_tcp_server(const struct opts *o, int lfd)
{
	struct tcp_stream st[MAX_STREAMS] = { 0 };
	pthread_t th[MAX_STREAMS];
	uint64_t bytes = 0, bad = 0;
	double t0 = 0, t1 = 0;
	int ok = 1;
	struct timeval tv = { .tv_sec = (long)o->timeout };

	setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < o->streams; i++) {
		st[i].o = o;
		st[i].fd = accept(lfd, NULL, NULL);
		if (st[i].fd < 0) {
			fprintf(stderr, "tna-xfer: stream %d did not connect within %.0f s\n",
				i, o->timeout);
			return 1;
		}
		/* a stalled stream must not hang the test */
		setsockopt(st[i].fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		pthread_create(&th[i], NULL, tcp_recv_stream, &st[i]);
	}
	if (join_all(st, th, o->streams, &bytes, &t0, &t1))
		ok = 0;
	for (int i = 0; i < o->streams; i++) {
		if (!st[i].hello_ok)
			ok = 0;
		if (st[i].mismatch_at)
			bad++;
	}
	if (o->json) {
		printf("{\"proto\":\"tcp\",\"streams\":%d,\"bytes\":%llu,\"seconds\":%.6f,"
		       "\"gbps\":%.3f,\"mismatched_streams\":%llu,\"first_mismatch\":%lld,"
		       "\"complete\":%s,\"per_stream\":[",
		       o->streams, (unsigned long long)bytes, t1 - t0,
		       t1 > t0 ? bytes * 8 / (t1 - t0) / 1e9 : 0.0, (unsigned long long)bad,
		       bad ? (long long)st[0].mismatch_at - 1 : -1LL, ok ? "true" : "false");
		for (int i = 0; i < o->streams; i++)
			printf("%s{\"stream\":%u,\"bytes\":%llu,\"mismatch_at\":%lld,\"error\":\"%s\"}",
			       i ? "," : "", st[i].id, (unsigned long long)st[i].bytes,
			       (long long)st[i].mismatch_at - 1,
			       st[i].err ? strerror(-st[i].err) : "");
		printf("]}\n");
	} else {
		printf("received %llu bytes in %.3f s: %.3f Gbit/s, %d stream(s), %llu mismatched",
		       (unsigned long long)bytes, t1 - t0,
		       t1 > t0 ? bytes * 8 / (t1 - t0) / 1e9 : 0.0, o->streams,
		       (unsigned long long)bad);
		for (int i = 0; i < o->streams; i++) {
			if (st[i].mismatch_at)
				printf("; stream %u: first wrong byte at offset %llu", st[i].id,
				       (unsigned long long)st[i].mismatch_at - 1);
			if (st[i].err)
				printf("; stream %u: %s", st[i].id, strerror(-st[i].err));
		}
		printf("\n");
	}
	return ok && !bad ? 0 : 1;
}

static int run_tcp_client(const struct opts *o)
{
	struct tcp_stream st[MAX_STREAMS] = { 0 };
	pthread_t th[MAX_STREAMS];
	struct sockaddr_storage ss;
	socklen_t sl;
	uint64_t bytes = 0;
	double t0 = 0, t1 = 0;
	int err = 0;

	if (xfer_resolve(o, &ss, &sl))
		return 1;
	for (int i = 0; i < o->streams; i++) {
		st[i].o = o;
		st[i].id = i;
		st[i].fd = socket(ss.ss_family, SOCK_STREAM, 0);
		if (st[i].fd < 0 || connect(st[i].fd, (void *)&ss, sl)) {
			fprintf(stderr, "tna-xfer: connect %s port %d: %s\n", o->addr, o->port,
				strerror(errno));
			return 1;
		}
	}
	for (int i = 0; i < o->streams; i++)
		pthread_create(&th[i], NULL, tcp_send_stream, &st[i]);
	err = join_all(st, th, o->streams, &bytes, &t0, &t1);
	if (o->json)
		printf("{\"proto\":\"tcp\",\"streams\":%d,\"sent\":%llu,\"seconds\":%.6f,"
		       "\"gbps\":%.3f,\"error\":\"%s\"}\n", o->streams,
		       (unsigned long long)bytes, t1 - t0,
		       t1 > t0 ? bytes * 8 / (t1 - t0) / 1e9 : 0.0, err ? strerror(-err) : "");
	else
		printf("sent %llu bytes in %.3f s: %.3f Gbit/s, %d stream(s)%s%s\n",
		       (unsigned long long)bytes, t1 - t0,
		       t1 > t0 ? bytes * 8 / (t1 - t0) / 1e9 : 0.0, o->streams,
		       err ? ": " : "", err ? strerror(-err) : "");
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "server", no_argument, 0, 's' }, { "client", required_argument, 0, 'c' },
		{ "udp", no_argument, 0, 'u' }, { "port", required_argument, 0, 'p' },
		{ "streams", required_argument, 0, 'P' }, { "bytes", required_argument, 0, 'n' },
		{ "duration", required_argument, 0, 'd' }, { "len", required_argument, 0, 'l' },
		{ "gso", no_argument, 0, 'G' }, { "seed", required_argument, 0, 'S' },
		{ "timeout", required_argument, 0, 'T' }, { "json", no_argument, 0, 'j' },
		{ "help", no_argument, 0, 'h' }, { 0 }
	};
	struct opts o = { .port = 5201, .streams = 1, .len = 1400, .bytes = 64 << 20,
			  .seed = 1, .timeout = 10 };
	bool ok = true, client = false;
	int c, fd, ret;

	while ((c = getopt_long(argc, argv, "sc:u6p:P:n:d:l:T:jh", lo, NULL)) != -1) {
		char *end = NULL;

		switch (c) {
		case 's': o.server = true; break;
		case 'c': client = true; o.addr = optarg; break;
		case 'u': o.udp = true; break;
		case '6': o.v6 = true; break;
		case 'p': o.port = strtol(optarg, &end, 10); ok &= !*end && o.port > 0 && o.port < 65536; break;
		case 'P': o.streams = strtol(optarg, &end, 10);
			  ok &= !*end && o.streams >= 1 && o.streams <= MAX_STREAMS; break;
		case 'n': o.bytes = parse_size(optarg, &ok); break;
		case 'd': o.duration = strtod(optarg, &end); ok &= !*end && o.duration > 0; break;
		case 'l': o.len = strtol(optarg, &end, 10);
			  ok &= !*end && o.len >= 8 && o.len <= 65000 - UDP_HDR; break;
		case 'G': o.gso = true; break;
		case 'S': o.seed = strtoull(optarg, &end, 0); ok &= !*end; break;
		case 'T': o.timeout = strtod(optarg, &end); ok &= !*end && o.timeout > 0; break;
		case 'j': o.json = true; break;
		case 'h': usage(stdout); return 0;
		default: ok = false;
		}
	}
	if (!ok || optind != argc || o.server == client || (o.udp && o.streams > 1)) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (client) {
		return o.udp ? xfer_udp_client(&o) : run_tcp_client(&o);
	}
	fd = xfer_listen(&o);
	if (fd < 0) {
		fprintf(stderr, "tna-xfer: listen on port %d: %s\n", o.port, strerror(errno));
		return 1;
	}
	fprintf(stderr, "tna-xfer: listening\n");
	ret = o.udp ? xfer_udp_server(&o, fd) : run_tcp_server(&o, fd);
	close(fd);
	return ret;
}
