/* introspect model without a kernel: the FDB table at 100k entries, the
 * events a change emits, and what tna_model_diff reports or ignores. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <linux/neighbour.h>
#include "introspect/model_priv.h"
#include "tests/lib/tna_test.h"

#define N_FDB 100000

static struct tna_fdb fdb(int i, int port)
{
	struct tna_fdb f = { .master = 10, .port = port, .vlan = (uint16_t)(i % 7),
			     .state = NUD_REACHABLE, .type = TNA_FDB_DYNAMIC };

	f.mac[0] = 0x02;
	f.mac[3] = (uint8_t)(i >> 16);
	f.mac[4] = (uint8_t)(i >> 8);
	f.mac[5] = (uint8_t)i;
	return f;
}

static int counts[3];
static void count_cb(void *ctx, enum tna_obj obj, enum tna_op op, const void *item)
{
	if (obj == TNA_OBJ_FDB)
		counts[op]++;
}

static int odd_port(const void *item, void *ctx)
{
	return ((const struct tna_fdb *)item)->port == 13;
}

int main(void)
{
	struct tna_model *a = tna_model_new(), *b = tna_model_new();
	struct timespec t0, t1;
	char buf[1024];
	int bad = 0;

	CHECK(a && b, "tna_model_new");
	a->cb = count_cb;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < N_FDB; i++) {
		struct tna_fdb f = fdb(i, 11 + i % 3);

		if (tna_model_put(a, TNA_SET_FDB, &f) || tna_set_put(&b->set[TNA_SET_FDB], &f, NULL) != TNA_SET_ADDED)
			bad++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK_EQ(bad, 0);
	CHECK_EQ(tna_model_count(a, TNA_OBJ_FDB), N_FDB);
	CHECK_EQ(counts[TNA_OP_ADD], N_FDB);
	printf("100k FDB inserts: %.1f ms\n",
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);

	/* every entry is found by (master, mac, vlan); a wrong vlan is not */
	for (int i = 0; i < N_FDB; i++) {
		struct tna_fdb f = fdb(i, 0);
		const struct tna_fdb *x = tna_model_fdb_lookup(a, 10, f.mac, f.vlan);

		if (!x || x->port != 11 + i % 3)
			bad++;
		if (tna_model_fdb_lookup(a, 10, f.mac, (uint16_t)(f.vlan + 1)))
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(tna_model_diff(a, b, NULL, 0), 0);

	/* aging flips REACHABLE -> STALE silently: not a difference */
	{
		struct tna_fdb f = fdb(5, 11 + 5 % 3);

		f.state = NUD_STALE;
		CHECK_EQ(tna_model_put(a, TNA_SET_FDB, &f), 0);
		CHECK_EQ(counts[TNA_OP_CHANGE], 1);
		CHECK_EQ(tna_model_diff(a, b, buf, sizeof(buf)), 0);
	}
	/* a move to another port is */
	{
		struct tna_fdb f = fdb(6, 99);

		tna_model_put(a, TNA_SET_FDB, &f);
		CHECK_EQ(tna_model_diff(a, b, buf, sizeof(buf)), 1);
		CHECK(strstr(buf, "port 99") != NULL, "diff text: %s", buf);
	}
	/* a missing entry on either side is */
	{
		struct tna_fdb f = fdb(7, 0);

		tna_model_del(a, TNA_SET_FDB, &f);
		CHECK_EQ(counts[TNA_OP_DEL], 1);
		CHECK_EQ(tna_model_diff(a, b, buf, sizeof(buf)), 2);
		CHECK(strstr(buf, "only in b") != NULL, "diff text: %s", buf);
	}
	/* a link going away takes its FDB entries with it (with events) */
	{
		int before = counts[TNA_OP_DEL];
		size_t n = tna_model_count(a, TNA_OBJ_FDB);

		tna_model_purge_ifindex(a, 12);
		CHECK(tna_model_count(a, TNA_OBJ_FDB) < n - N_FDB / 3 + 2, "purge left %zu",
		      tna_model_count(a, TNA_OBJ_FDB));
		CHECK_EQ((size_t)(counts[TNA_OP_DEL] - before), n - tna_model_count(a, TNA_OBJ_FDB));
	}
	/* remove_if keeps the count right */
	tna_set_remove_if(&b->set[TNA_SET_FDB], odd_port, NULL, NULL);
	CHECK_EQ(tna_model_count(b, TNA_OBJ_FDB), N_FDB - N_FDB / 3 - (N_FDB % 3 > 2));

	/* links: by index and by name */
	{
		struct tna_link l = { .ifindex = 10, .name = "br0", .is_bridge = true };

		tna_model_put(a, TNA_SET_LINK, &l);
		CHECK(tna_model_link(a, 10) != NULL, "link 10");
		CHECK(tna_model_link_by_name(a, "br0") == tna_model_link(a, 10), "by name");
		CHECK(tna_model_link(a, 11) == NULL, "no link 11");
	}
	tna_model_free(a);
	tna_model_free(b);
	return tna_test_exit();
}
