/* Parsing without a kernel: the rtnetlink dump and events recorded by
 * tests/introspect/record.py (bridge br0, ports p1 p2, 192.0.2.1/24 on
 * br0, static FDB entries) replayed through tna_model_apply. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <libmnl/libmnl.h>
#include "introspect/model_priv.h"
#include "tests/lib/tna_test.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int replay(struct tna_model *m, const char *path)
{
	size_t len;
	char *buf = slurp(path, &len);
	const struct nlmsghdr *nlh = (const void *)buf;
	int n = (int)len, count = 0;

	if (!buf)
		return -errno;
	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n), count++)
		tna_model_apply(m, nlh);
	free(buf);
	return count;
}

static const struct tna_fdb *fdb(const struct tna_model *m, int master, uint8_t last)
{
	const uint8_t mac[6] = { 2, 0, 0, 0, 0, last };

	return tna_model_fdb_lookup(m, master, mac, 0);
}

struct addr_q { uint8_t want[4]; const struct tna_addr *hit; };
static int addr_cb(const struct tna_addr *a, void *p)
{
	struct addr_q *q = p;

	if (a->family == AF_INET && !memcmp(a->addr, q->want, 4))
		q->hit = a;
	return 0;
}

struct self_q { int self, local, stat; };
static int fdb_cb(const struct tna_fdb *f, void *p)
{
	struct self_q *q = p;

	q->self += (f->mac[0] == 0x33 || f->mac[0] == 0x01);	/* mc lists are "self" */
	q->local += f->type == TNA_FDB_LOCAL;
	q->stat += f->type == TNA_FDB_STATIC;
	return 0;
}

static int added2;
static void on_event(void *ctx, enum tna_obj obj, enum tna_op op, const void *item)
{
	const struct tna_fdb *f = item;

	if (obj == TNA_OBJ_FDB && op == TNA_OP_ADD && f->mac[5] == 2)
		added2 = f->port;
}

int main(void)
{
	struct tna_model m;
	const struct tna_link *br, *p1, *p2;
	struct addr_q aq = { { 192, 0, 2, 1 }, NULL };
	struct self_q sq = { 0 };
	int n;

	tna_model_init(&m);
	m.in_dump = true;	/* no sockets: no tc queries */
	n = replay(&m, "tests/fixtures/nl/introspect-dump.bin");
	if (n < 0)
		SKIP_TEST("no recorded dump: %s", strerror(-n));
	CHECK(n > 10, "%d messages in the dump", n);

	br = tna_model_link_by_name(&m, "br0");
	p1 = tna_model_link_by_name(&m, "p1");
	p2 = tna_model_link_by_name(&m, "p2");
	CHECK(br && p1 && p2, "links br0 p1 p2");
	if (!br || !p1 || !p2)
		return tna_test_exit();
	CHECK(br->is_bridge && !strcmp(br->kind, "bridge"), "br0 is a bridge");
	CHECK_EQ(br->br.ageing_time, 30000);
	CHECK_EQ(br->br.forward_delay, 1500);
	CHECK_EQ(br->br.stp_state, 0);
	CHECK_EQ(br->br.mcast_snooping, 1);
	CHECK(p1->is_port && p1->master == br->ifindex, "p1 port of br0");
	CHECK_EQ(p1->port.state, 3);
	CHECK_EQ(p1->port.learning, 1);
	CHECK_EQ(p1->port.flood, 1);
	CHECK(!strcmp(p1->kind, "veth"), "p1 kind %s", p1->kind);
	CHECK_EQ(p1->mtu, 1500);

	CHECK(fdb(&m, br->ifindex, 1) && fdb(&m, br->ifindex, 1)->type == TNA_FDB_STATIC &&
	      fdb(&m, br->ifindex, 1)->port == p1->ifindex, "static entry on p1");
	tna_model_for_each_fdb(&m, fdb_cb, &sq);
	CHECK_EQ(sq.self, 0);	/* device address lists are not FDB */
	CHECK_EQ(sq.local, 2);	/* p1's and p2's own addresses */
	CHECK_EQ(sq.stat, 1);	/* (dynamic ones depend on what the hosts sent) */

	tna_model_for_each_addr(&m, addr_cb, &aq);
	CHECK(aq.hit && aq.hit->prefixlen == 24 && aq.hit->ifindex == br->ifindex, "192.0.2.1/24 on br0");
	CHECK(tna_model_count(&m, TNA_OBJ_ROUTE) >= 2, "routes");
	CHECK(tna_model_count(&m, TNA_OBJ_RULE) >= 5, "default rules v4 + v6");

	/* events: p1 STP state 0 (AF_BRIDGE, IFLA_PROTINFO without NLA_F_NESTED),
	 * static entry on p2, entry 1 deleted, p2 leaves the bridge */
	m.cb = on_event;
	n = replay(&m, "tests/fixtures/nl/introspect-events.bin");
	CHECK(n >= 4, "%d event messages", n);
	p1 = tna_model_link_by_name(&m, "p1");
	p2 = tna_model_link_by_name(&m, "p2");
	CHECK_EQ(p1->port.state, 0);
	CHECK(p1->is_port, "p1 still a port");
	CHECK(!p2->is_port && p2->master == 0, "p2 left the bridge");
	CHECK(fdb(&m, br->ifindex, 1) == NULL, "entry 1 deleted");
	CHECK(added2 == p2->ifindex, "entry 2 was added on p2 (port %d)", added2);
	CHECK(fdb(&m, br->ifindex, 2) == NULL, "and went with p2 leaving the bridge");
	tna_model_fini(&m);
	return tna_test_exit();
}
