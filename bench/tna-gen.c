/* tna-gen: load generator.  Runs a tiny XDP program on a template frame
 * with BPF_PROG_RUN + BPF_F_TEST_XDP_LIVE_FRAMES; the program rewrites the
 * MACs and the flow per frame and redirects it through a devmap to one of
 * the given interfaces, which transmits it (for a veth: into its peer).
 * The program counts the frames per CPU, so the count is exact even when a
 * run is cut short by a signal.  Prints Mpps sent.
 *
 * Each thread makes one long BPF_PROG_RUN call: every call sets up and
 * tears down a page pool, which costs ~25 ms here (RCU grace period), so
 * short calls would measure that instead of the datapath.
 *
 * While it runs, the program is also attached to the namespace's
 * loopback (hold_dispatcher): it then stays in the kernel's XDP
 * dispatcher, and the runs do not stall other XDP attaches.
 *
 * TNA_TEST_GEN_START_DELAY_MS (test switch) holds each worker that long
 * before it starts, as a loaded CPU does. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <sys/resource.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include "bench/bench_gen.h"
#include "bench/gen_opts.h"
#include "bench/frame.h"
#include "bpf/bench_gen.skel.h"

static const uint8_t SRC_PREFIX[2] = { 0x02, 0x5e }, DST_PREFIX[2] = { 0x02, 0xde };

struct worker {
	pthread_t tid;
	int idx, cpu, prog_fd;
	const struct opts *o;
	const uint8_t *frame;
	unsigned long long quota;	/* 0 = until stopped */
	atomic_bool started, done;
	int err, err_where;		/* -1: pinning */
};

static atomic_bool stop;

static void on_signal(int sig) { stop = true; }

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of the whole process, user + system. */
static double cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* BPF_PROG_RUN with repeat > 1 adds the program to the kernel's one XDP
 * dispatcher and removes it again, each time waiting for an RCU grace
 * period while it holds the dispatcher's lock: every XDP attach or detach
 * on the machine (tna-deploy attaching a port that joins a bridge, in
 * bench/reconfig.sh) then waits behind the generator, 4-150 ms here, a
 * delay real traffic never causes.  A program attached somewhere stays in
 * the dispatcher and the runs only count its users: a generic-mode link
 * on the loopback (the program passes what arrives there) for as long as
 * the generator runs.  Returns the link's fd or -errno. */
static int hold_dispatcher(int prog_fd)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_SKB_MODE);
	int fd = bpf_link_create(prog_fd, BENCH_GEN_LOOPBACK_IFINDEX, BPF_XDP, &lo);

	return fd < 0 ? -errno : fd;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	const struct opts *o = w->o;
	unsigned len = o->size - 4;
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = o->ifindex[0] };
	LIBBPF_OPTS(bpf_test_run_opts, tr,
		    .data_in = w->frame, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = o->batch);
	unsigned long long left = w->quota;
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (err) {
		w->err = -err;
		w->err_where = -1;
		goto out;
	}
	/* Test switch: a worker the scheduler starts late (its CPU busy). */
	const char *delay = getenv("TNA_TEST_GEN_START_DELAY_MS");

	if (delay)
		usleep(atoi(delay) * 1000);
	/* The main thread starts the clock once every worker is here, and the
	 * first BPF_PROG_RUN is made even when stop is already set (it runs a
	 * batch before it looks at signals): a run always sends. */
	w->started = true;
	double t_start = now(), per_thread = o->rate / o->threads;
	unsigned long long done_frames = 0;

	do {
		tr.repeat = w->quota && left < RUN_MAX ? left : RUN_MAX;
		if (o->rate > 0) {
			/* Paced: send what is owed by now (one BPF_PROG_RUN costs
			 * too much to send batch by batch), at least a batch;
			 * sleep until a batch is owed. */
			double owed = (now() - t_start) * per_thread - done_frames;

			if (owed < o->batch) {
				double d = (o->batch - owed) / per_thread;
				struct timespec ts = { (time_t)d, (long)((d - (time_t)d) * 1e9) };

				nanosleep(&ts, NULL);
				if (stop && done_frames)
					break;
				owed = o->batch;
			}
			if ((double)tr.repeat > owed)
				tr.repeat = (unsigned int)owed;
			done_frames += tr.repeat;
		}
		err = bpf_prog_test_run_opts(w->prog_fd, &tr);
		if (err == -EINTR && stop)
			break;		/* stopped by the main thread */
		if (err) {
			w->err = err;
			break;
		}
		left -= w->quota ? tr.repeat : 0;
	} while (!stop && (!w->quota || left));
out:
	w->done = true;
	return NULL;
}

static void on_wakeup(int sig) { }

/* Frames run so far on all CPUs (the program's per-CPU counters). */
static unsigned long long frames_run(int map_fd)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long v[ncpu > 0 ? ncpu : 1], sum = 0;
	unsigned key = 0;

	if (ncpu <= 0 || bpf_map_lookup_elem(map_fd, &key, v))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

static int write_pcap(const struct opts *o, int prog_fd, const uint8_t *frame)
{
	unsigned len = o->size - 4;
	uint8_t out[2048];
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	FILE *f = fopen(o->pcap, "w");
	int err = 0;

	if (!f)
		return -errno;
	fwrite(hdr, sizeof(hdr), 1, f);
	for (unsigned long long i = 0; i < o->count && !err; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, tr, .data_in = frame,
			    .data_size_in = len, .data_out = out,
			    .data_size_out = sizeof(out), .repeat = 1);
		uint32_t rec[4] = { i, 0, len, len };

		err = bpf_prog_test_run_opts(prog_fd, &tr);
		if (!err && (tr.data_size_out != len || tr.retval != XDP_TX))
			err = -EPROTO;
		fwrite(rec, sizeof(rec), 1, f);
		fwrite(out, len, 1, f);
	}
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct bench_gen *skel = NULL;
	struct bench_gen_cfg *cfg;
	struct worker *w = NULL;
	struct tna_bench_frame_opts fo = { .sz = sizeof(fo), .sport = 9, .dport = 9 };
	uint8_t frame[2048] = { 0 };
	uint32_t l3_sum, l4_sum, low;
	json_object *iv = json_object_new_array();
	double t0, t1, next, last_t, cpu0 = 0, cpu1 = 0;
	unsigned long long sent = 0, last = 0;
	int err, rc = 1, hold_fd = -1;
	bool create_failed = false;

	gen_parse_opts(&o, argc, argv);
	gen_parse_ip(o.ipv6, o.src_ip, o.ipv6 ? "2001:db8:1::1" : "198.18.0.1", fo.src_ip);
	gen_parse_ip(o.ipv6, o.dst_ip, o.ipv6 ? "2001:db8:2::1" : "198.19.0.1", fo.dst_ip);
	fo.ipv6 = o.ipv6;
	fo.vary_dst = o.dst_flows;
	fo.len = o.size - 4;
	memcpy(fo.src_mac, SRC_PREFIX, 2);
	memcpy(fo.dst_mac, o.fixed_dst ? o.dst_mac : DST_PREFIX, o.fixed_dst ? 6 : 2);
	if (tna_bench_frame_build(&fo, frame, &l3_sum, &l4_sum))
		gen_bad("cannot build a frame of that size%s", "");
	memcpy(&low, (o.dst_flows ? fo.dst_ip : fo.src_ip) + (o.ipv6 ? 12 : 0), 4);

	skel = bench_gen__open();
	if (!skel) {
		fprintf(stderr, "tna-gen: cannot open BPF object: %s\n", strerror(errno));
		return 1;
	}
	cfg = (struct bench_gen_cfg *)&skel->rodata->cfg;
	*cfg = (struct bench_gen_cfg){
		.n_src = o.src_macs, .src_step = 1,
		.n_dst = o.dst_macs, .dst_step = 1,
		.n_flows = o.flows, .ip_low = ntohl(low), .dst_flows = o.dst_flows,
		.l3_sum = l3_sum, .l4_sum = l4_sum,
		.action = o.pcap ? XDP_TX : XDP_REDIRECT, .n_ports = o.n_if,
		.ipv6 = o.ipv6,
	};
	memcpy(cfg->src_prefix, SRC_PREFIX, 2);
	memcpy(cfg->dst_prefix, DST_PREFIX, 2);
	memcpy((void *)skel->rodata->tmpl, frame, sizeof(skel->rodata->tmpl));
	if (o.fixed_dst) {
		/* One MAC: prefix = its first 2 bytes, index = the other 4. */
		uint32_t idx;

		memcpy(cfg->dst_prefix, o.dst_mac, 2);
		memcpy(&idx, o.dst_mac + 2, 4);
		cfg->dst_first = ntohl(idx);
		cfg->n_dst = 1;
	}
	if (o.learn_k >= 0) {
		memcpy(cfg->src_prefix, DST_PREFIX, 2);
		cfg->src_first = o.learn_k;
		cfg->src_step = o.learn_p;
		cfg->n_src = (o.dst_macs - o.learn_k + o.learn_p - 1) / o.learn_p;
		memcpy(cfg->dst_prefix, SRC_PREFIX, 2);
		cfg->dst_first = 0;
		cfg->n_dst = 1;
	}
	if (!o.pcap)
		cfg->hold_ifindex = BENCH_GEN_LOOPBACK_IFINDEX;
	err = bench_gen__load(skel);
	if (err) {
		fprintf(stderr, "tna-gen: cannot load BPF program: %s\n", strerror(-err));
		goto out;
	}
	if (o.pcap) {
		err = write_pcap(&o, bpf_program__fd(skel->progs.bench_gen), frame);
		if (err)
			fprintf(stderr, "tna-gen: writing %s: %s\n", o.pcap, strerror(-err));
		rc = !!err;
		goto out;
	}

	for (int i = 0; i < o.n_if; i++) {
		uint32_t k = i, ifx = o.ifindex[i];

		if (bpf_map__update_elem(skel->maps.tx_ports, &k, sizeof(k), &ifx,
					 sizeof(ifx), BPF_ANY)) {
			fprintf(stderr, "tna-gen: cannot use ifindex %u as output: %s\n",
				ifx, strerror(errno));
			goto out;
		}
	}
	hold_fd = hold_dispatcher(bpf_program__fd(skel->progs.bench_gen));
	if (hold_fd < 0)
		fprintf(stderr, "tna-gen: note: cannot attach to the loopback (%s): "
			"XDP attaches elsewhere may wait while this runs\n",
			strerror(-hold_fd));
	int seq_fd = bpf_map__fd(skel->maps.seq);
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_wakeup;	/* no SA_RESTART: ends BPF_PROG_RUN */
	sigaction(SIGUSR1, &sa, NULL);
	w = calloc(o.threads, sizeof(*w));
	if (!w)
		goto out;
	t0 = now();
	for (unsigned i = 0; i < o.threads; i++) {
		w[i] = (struct worker){ .idx = i, .cpu = o.cpus[i], .o = &o,
			.prog_fd = bpf_program__fd(skel->progs.bench_gen),
			.frame = frame };
		if (o.count)
			w[i].quota = o.count / o.threads + (i < o.count % o.threads);
		err = pthread_create(&w[i].tid, NULL, worker_run, &w[i]);
		if (err) {
			fprintf(stderr, "tna-gen: pthread_create: %s\n", strerror(err));
			create_failed = true;
			stop = true;
			o.threads = i;
			break;
		}
	}

	/* The duration counts from when every worker is about to send, not
	 * from their creation: on a loaded machine a thread pinned to a busy
	 * CPU can start a second late, and would find its time over. */
	for (bool all = false; !all && !stop; usleep(1000)) {
		all = true;
		for (unsigned i = 0; i < o.threads; i++)
			all &= w[i].started || w[i].done;
	}
	cpu0 = cpu_seconds();	/* over the same time as t1 - t0 */
	t0 = now();

	/* Main thread: stop at the deadline, report intervals. */
	last_t = t0;
	next = o.interval > 0 ? t0 + o.interval : 0;
	for (;;) {
		bool running = false;

		usleep(2000);
		t1 = now();
		for (unsigned i = 0; i < o.threads; i++)
			running |= !w[i].done;
		if (o.duration && t1 - t0 >= o.duration)
			stop = true;
		if (stop || !running)
			break;
		if (next && t1 >= next) {
			unsigned long long s = frames_run(seq_fd);
			double mpps = (s - last) / (t1 - last_t) / 1e6;
			if (o.json)
				json_object_array_add(iv, json_object_new_double(mpps));
			else
				printf("  %7.2fs %8.3f Mpps sent\n", t1 - t0, mpps);
			fflush(stdout);
			last = s;
			last_t = t1;
			next += o.interval;
		}
	}
	stop = true;
	err = 0;
	for (unsigned i = 0; i < o.threads; i++)
		while (!w[i].done) {
			pthread_kill(w[i].tid, SIGUSR1);
			usleep(1000);
		}
	t1 = now();
	for (unsigned i = 0; i < o.threads; i++) {
		pthread_join(w[i].tid, NULL);
		if (w[i].err && !err) {
			err = w[i].err;
			if (w[i].err_where < 0)
				fprintf(stderr, "tna-gen: cannot pin a thread to CPU %d: %s\n",
					w[i].cpu, strerror(-err));
			else
				fprintf(stderr, "tna-gen: BPF_PROG_RUN (live frames) on %s: %s\n",
					o.ifnames, strerror(-err));
		}
	}
	sent = frames_run(seq_fd);
	cpu1 = cpu_seconds();
	if (err || create_failed)
		goto out;
	if (o.json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "sent", json_object_new_uint64(sent));
		json_object_object_add(j, "seconds", json_object_new_double(t1 - t0));
		json_object_object_add(j, "mpps", json_object_new_double(sent / (t1 - t0) / 1e6));
		/* user + system time of all threads, softirq work run in
		 * their context included (the whole path, in live mode) */
		json_object_object_add(j, "cpu_seconds", json_object_new_double(cpu1 - cpu0));
		json_object_object_add(j, "size", json_object_new_int(o.size));
		json_object_object_add(j, "ipv6", json_object_new_boolean(o.ipv6));
		json_object_object_add(j, "interfaces", json_object_new_string(o.ifnames));
		json_object_object_add(j, "threads", json_object_new_int(o.threads));
		json_object_object_add(j, "batch", json_object_new_int(o.batch));
		json_object_object_add(j, "src_macs", json_object_new_int(cfg->n_src));
		json_object_object_add(j, "dst_macs", json_object_new_int(cfg->n_dst));
		json_object_object_add(j, "flows", json_object_new_int(o.flows));
		json_object_object_add(j, "interval_mpps", json_object_get(iv));
		printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
		json_object_put(j);
	} else {
		printf("sent %llu frames in %.3f s: %.3f Mpps (%u B, %u thread%s, batch %u)\n",
		       sent, t1 - t0, sent / (t1 - t0) / 1e6, o.size, o.threads,
		       o.threads == 1 ? "" : "s", o.batch);
	}
	rc = !sent;
	if (!sent)
		fprintf(stderr, "tna-gen: no frame was sent\n");
out:
	if (hold_fd >= 0)
		close(hold_fd);
	json_object_put(iv);
	free(w);
	free(o.ifnames);
	bench_gen__destroy(skel);
	return rc;
}
