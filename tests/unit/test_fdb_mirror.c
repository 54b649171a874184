/* controller/fdb_mirror: model FDB events reach the mirror (learn, move,
 * delete, flush), only for our bridge, with local/static flags. */
#include <errno.h>
#include "controller/fdb_mirror.h"
#include "targets/datapath.h"
#include "tests/lib/tna_test.h"

struct fake { int n; uint8_t mac[8][6]; int port[8]; uint32_t flags[8]; int clears; };

static int find(struct fake *f, const uint8_t mac[6])
{
	for (int i = 0; i < f->n; i++)
		if (!memcmp(f->mac[i], mac, 6))
			return i;
	return -1;
}

static int f_set(void *s, const uint8_t mac[6], uint16_t vlan, int port, uint32_t flags)
{
	struct fake *f = s;
	int i = find(f, mac);

	if (i < 0) {
		if (f->n == 8)
			return -E2BIG;
		i = f->n++;
	}
	memcpy(f->mac[i], mac, 6);
	f->port[i] = port;
	f->flags[i] = flags;
	return 0;
}

static int f_del(void *s, const uint8_t mac[6], uint16_t vlan)
{
	struct fake *f = s;
	int i = find(f, mac);

	if (i < 0)
		return -ENOENT;
	f->n--;
	memmove(&f->mac[i], &f->mac[i + 1], (f->n - i) * 6);
	memmove(&f->port[i], &f->port[i + 1], (f->n - i) * sizeof(int));
	memmove(&f->flags[i], &f->flags[i + 1], (f->n - i) * sizeof(uint32_t));
	return 0;
}

static int f_clear(void *s) { struct fake *f = s; f->n = 0; f->clears++; return 0; }

static const struct tna_fdb_sink_ops ops = { f_set, f_del, f_clear };

int main(void)
{
	struct fake fk = { 0 };
	struct tna_fdb_mirror m;
	struct tna_fdb e = { .mac = { 2, 0, 0, 0, 0, 1 }, .port = 11, .master = 10,
			     .type = TNA_FDB_DYNAMIC };
	struct tna_fdb other = e;

	tna_fdb_mirror_init_ops(&m, 10, &ops, &fk);

	/* learn */
	CHECK_EQ(tna_fdb_mirror_apply(&m, TNA_OP_ADD, &e), 0);
	CHECK(fk.n == 1 && fk.port[0] == 11 && fk.flags[0] == 0, "learned dynamic on 11");
	/* move: same MAC, another port */
	e.port = 12;
	CHECK_EQ(tna_fdb_mirror_apply(&m, TNA_OP_CHANGE, &e), 0);
	CHECK(fk.n == 1 && fk.port[0] == 12, "moved to 12");
	/* another bridge's entry is ignored */
	other.master = 99;
	other.mac[5] = 9;
	CHECK_EQ(tna_fdb_mirror_apply(&m, TNA_OP_ADD, &other), 0);
	CHECK_EQ(fk.n, 1);
	/* local and static entries carry their flags */
	other.master = 10;
	other.type = TNA_FDB_LOCAL;
	other.port = 10;
	CHECK_EQ(tna_fdb_mirror_apply(&m, TNA_OP_ADD, &other), 0);
	CHECK(fk.n == 2 && fk.flags[1] == TNA_FDB_F_LOCAL, "local flag");
	other.mac[5] = 7;
	other.type = TNA_FDB_STATIC;
	other.port = 13;
	CHECK_EQ(tna_fdb_mirror_apply(&m, TNA_OP_ADD, &other), 0);
	CHECK(fk.n == 3 && fk.flags[2] == TNA_FDB_F_STATIC && fk.port[2] == 13, "static");
	/* delete (aging or flush send one DEL per entry) */
	CHECK_EQ(tna_fdb_mirror_apply(&m, TNA_OP_DEL, &e), 0);
	CHECK(fk.n == 2 && find(&fk, e.mac) < 0, "deleted");
	/* deleting what is not mirrored is not an error */
	CHECK_EQ(tna_fdb_mirror_apply(&m, TNA_OP_DEL, &e), 0);
	CHECK_EQ(m.sets, 4);
	CHECK_EQ(m.dels, 2);
	CHECK_EQ(m.errors, 0);
	return tna_test_exit();
}
