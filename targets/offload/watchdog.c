/* The NIC stages' watchdog.  A NIC cannot read a clock (no time helper is
 * offloadable), so a NIC stage cannot stop trusting its configuration by
 * itself the way the host stage can.  When the controller dies its links
 * go with it; when its main loop hangs without dying, this thread detaches
 * every NIC stage once the loop has not fed it for the timeout: the device
 * then passes every frame to the host stage and Linux, which drop what they
 * drop.  The controller re-attaches them when its loop runs again
 * (controller/nic_sync.c).  A stopped process (SIGSTOP) stops this thread
 * too: that case is not covered.
 *
 * Only bpf_link_detach() is called from the thread, on link fds that the
 * owner registers and unregisters under the same mutex before closing. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "targets/offload/watchdog.h"

#define MAX_LINKS 1024

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int links[MAX_LINKS];
static int nlinks;
static uint64_t last_feed_ns;		/* under mu */
static unsigned int timeout_ms;		/* 0: not started */
static unsigned long trips;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void *watch(void *arg)
{
	for (;;) {
		usleep(timeout_ms * 1000u / 4);
		pthread_mutex_lock(&mu);
		if (nlinks && now_ns() - last_feed_ns > timeout_ms * 1000000ull) {
			for (int i = 0; i < nlinks; i++)
				bpf_link_detach(links[i]);
			nlinks = 0;	/* detached once; the owner closes them */
			trips++;
		}
		pthread_mutex_unlock(&mu);
	}
	return arg;
}

int tna_offload_watchdog_start(unsigned int ms)
{
	pthread_t t;
	int err = 0;

	pthread_mutex_lock(&mu);
	if (timeout_ms || !ms)
		goto out;
	timeout_ms = ms;
	last_feed_ns = now_ns();
	err = -pthread_create(&t, NULL, watch, NULL);
	if (err)
		timeout_ms = 0;
	else
		pthread_detach(t);
out:
	pthread_mutex_unlock(&mu);
	return err;
}

void tna_offload_watchdog_feed(void)
{
	pthread_mutex_lock(&mu);
	last_feed_ns = now_ns();
	pthread_mutex_unlock(&mu);
}

int tna_offload_watchdog_period_ms(void)
{
	int ms;

	pthread_mutex_lock(&mu);
	ms = timeout_ms && nlinks ? (int)(timeout_ms / 4) : -1;
	pthread_mutex_unlock(&mu);
	return ms;
}

unsigned long tna_offload_watchdog_trips(void)
{
	unsigned long n;

	pthread_mutex_lock(&mu);
	n = trips;
	pthread_mutex_unlock(&mu);
	return n;
}

int tna_offload_watchdog_add(int link_fd)
{
	int err = 0;

	pthread_mutex_lock(&mu);
	if (nlinks < MAX_LINKS)
		links[nlinks++] = link_fd;
	else
		err = -ENOSPC;
	last_feed_ns = now_ns();	/* a new link starts its own period */
	pthread_mutex_unlock(&mu);
	return err;
}

void tna_offload_watchdog_del(int link_fd)
{
	pthread_mutex_lock(&mu);
	for (int i = 0; i < nlinks; i++)
		if (links[i] == link_fd) {
			links[i] = links[--nlinks];
			break;
		}
	pthread_mutex_unlock(&mu);
}
