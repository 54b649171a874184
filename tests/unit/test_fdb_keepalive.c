/* controller/fdb_keepalive: the NTF_USE refresh keeps a kernel FDB entry
 * alive past ageing_time and, once it stops, the entry ages out normally.
 * Runs in a private network namespace (unshare), so the host is untouched. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/rtnetlink.h>
#include "common/nl.h"
#include "controller/fdb_keepalive.h"
#include "tests/lib/tna_test.h"

static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x7a, 0x01 };

static int fdb_has(const char *state_word)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "bridge fdb show dev ka0 | grep -q '^02:00:00:00:7a:01 .*master br0%s'",
		 state_word);
	return system(cmd) == 0;
}

int main(void)
{
	struct tna_nl *nl;
	int port, i, ret;

	if (geteuid() != 0)
		SKIP_TEST("needs root (private netns, bridge)");
	if (unshare(CLONE_NEWNET) < 0)
		SKIP_TEST("unshare(CLONE_NEWNET): %s", strerror(errno));
	/* ageing_time 4 s; the refresh below runs every second. */
	if (system("ip link add br0 type bridge ageing_time 400 && "
		   "ip link add ka0 type veth peer name ka1 && "
		   "ip link set ka0 master br0 && ip link set ka0 up && "
		   "ip link set ka1 up && ip link set br0 up"))
		SKIP_TEST("cannot build a bridge in a private netns");

	CHECK_EQ(tna_fdb_keepalive_interval_ms(400), 1000);
	CHECK_EQ(tna_fdb_keepalive_interval_ms(30000), 60000);
	CHECK_EQ(tna_fdb_keepalive_interval_ms(2000), 5000);

	nl = tna_nl_open(NETLINK_ROUTE);
	CHECK(nl != NULL, "tna_nl_open");
	if (!nl)
		return tna_test_exit();
	port = if_nametoindex("ka0");

	/* Bad input is refused by us, a missing port by the kernel. */
	CHECK_EQ(tna_fdb_refresh(nl, 0, mac, 0), -EINVAL);
	ret = tna_fdb_refresh(nl, 0x7ffffff0, mac, 0);
	CHECK(ret < 0, "refresh on a missing port: %d", ret);

	CHECK_EQ(tna_fdb_refresh(nl, port, mac, 0), 0);
	CHECK(fdb_has(""), "refresh creates the entry on the port");
	CHECK(!fdb_has(".*permanent") && !fdb_has(".*static"),
	      "the entry is dynamic (neither permanent nor static)");

	/* 8 s of refreshes: twice the ageing time, the entry must survive. */
	for (i = 0; i < 8; i++) {
		sleep(1);
		CHECK_EQ(tna_fdb_refresh(nl, port, mac, 0), 0);
	}
	CHECK(fdb_has(""), "entry alive after 2x ageing_time of refreshes");

	/* Stop refreshing: it must age out (ageing 4 s + gc slack). */
	for (i = 0; i < 15 && fdb_has(""); i++)
		sleep(1);
	CHECK(!fdb_has(""), "entry aged out after refreshes stopped");
	tna_nl_close(nl);
	return tna_test_exit();
}
