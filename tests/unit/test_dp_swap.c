/* The atomic swap (targets/root.c, attach.c): ports run a root program
 * that tail-calls slot 0 of the family's prog array.  Asserts, in a
 * private netns: a swap inside a family rewrites the slot and leaves the
 * port's program (the root) alone; one family runs one pipeline
 * (-EBUSY); a swap to another family moves the links; destroying the
 * current pipeline empties the slot and the root then passes to Linux;
 * tna_stats_read follows the slot; nothing stays attached. */
#include "tests/lib/fastpath.h"
#include "targets/stats.h"

static const uint8_t BR[6] = { 0x02, 0, 0, 0, 0, 0xbb };
static const uint8_t SRC[6] = { 0x02, 0, 0, 0, 0, 0xa1 };
static const uint8_t DST[6] = { 0x02, 0, 0, 0, 0, 0xa2 };

static int p1, p2;

/* Known unicast p1 -> p2: a pipeline redirects it. */
static int ipv4_frame(uint8_t *f)
{
	static const uint8_t ip[20] = { 0x45, 0, 0, 50, 0, 0, 0x40, 0, 64, 17, 0, 0,
					10, 0, 0, 1, 10, 0, 0, 2 };

	fp_frame(f, DST, SRC, 0x0800);
	memcpy(f + 14, ip, 20);
	fp_ip4_csum(f);
	return 64;
}

static int run_root(struct tna_dp *dp)
{
	uint8_t f[64];
	int len = ipv4_frame(f);
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = p1 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err = bpf_prog_test_run_opts(tna_dp__root_fd(dp), &o);

	return err ? -1000 + err : (int)o.retval;
}

static struct tna_dp *load(const struct tna_dp *share, bool fill)
{
	struct tna_dp_opts o = { .sz = sizeof(o), .target = TNA_TARGET_GENERIC,
				 .share_maps_with = share };
	struct tna_port_cfg fwd = { .stp_state = 3, .flags = TNA_PORT_F_LEARNING };
	struct tna_dp *dp;

	memcpy(o.bridge_mac, BR, 6);
	dp = tna_dp__load(&o);
	CHECK(dp != NULL, "tna_dp__load: %s", strerror(errno));
	if (dp && fill) {
		CHECK_EQ(tna_dp__port_set(dp, p1, &fwd), 0);
		CHECK_EQ(tna_dp__port_set(dp, p2, &fwd), 0);
		CHECK_EQ(tna_dp__fdb_set(dp, SRC, 0, p1, 0), 0);
		CHECK_EQ(tna_dp__fdb_set(dp, DST, 0, p2, 0), 0);
	}
	return dp;
}

static uint32_t id_of_fd(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len) ? info.id : 0;
}

static uint32_t slot_id(const struct tna_dp *dp)
{
	__u32 k = 0, id = 0;

	return bpf_map_lookup_elem(dp->root->slots_fd, &k, &id) ? 0 : id;
}

static uint32_t on_port(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	return bpf_xdp_query(ifindex, 0, &q) ? 0 : q.skb_prog_id;
}

int main(void)
{
	struct tna_dp *a, *b, *c, *d;
	struct tna_if_stats st;
	uint32_t root_ab, pa, pb;
	int rc = fp_netns(2);

	if (rc)
		return rc;
	p1 = fp_ifx("p1");
	p2 = fp_ifx("p2");

	a = load(NULL, true);
	if (!a)
		return tna_test_exit();
	root_ab = id_of_fd(tna_dp__root_fd(a));
	pa = id_of_fd(tna_dp__prog_fd(a));
	CHECK(root_ab && pa && root_ab != pa, "root %u, pipeline %u", root_ab, pa);
	CHECK_EQ(slot_id(a), pa);
	CHECK_EQ(run_root(a), XDP_REDIRECT);

	/* A second pipeline of the family: loaded, not yet in the slot. */
	b = load(a, false);
	if (!b)
		return tna_test_exit();
	pb = id_of_fd(tna_dp__prog_fd(b));
	CHECK_EQ(id_of_fd(tna_dp__root_fd(b)), root_ab);
	CHECK_EQ(slot_id(a), pa);

	CHECK_EQ(tna_dp__attach(a, p1), 0);
	CHECK_EQ(tna_dp__attach(a, p2), 0);
	CHECK_EQ(on_port(p1), root_ab);
	CHECK_EQ(tna_dp__attach(b, fp_ifx("q1")), -EBUSY);	/* one pipeline per family */
	CHECK_EQ(on_port(fp_ifx("q1")), 0);

	/* The swap: one slot update; the ports keep the root. */
	CHECK_EQ(tna_dp__replace(a, b), 0);
	CHECK_EQ(slot_id(a), pb);
	CHECK_EQ(on_port(p1), root_ab);
	CHECK_EQ(on_port(p2), root_ab);
	CHECK_EQ(tna_dp__detach(a, p1), -ENOENT);	/* the links are b's now */
	CHECK_EQ(run_root(a), XDP_REDIRECT);

	/* tna-stat from the port: the root's bound maps, the slot's pipeline. */
	CHECK_EQ(tna_stats_read(p1, &st), 0);
	CHECK_EQ(st.prog_id, pb);
	CHECK_STR(st.prog_name, TNA_L2_PROG_NAME);	/* bridge modules only: its own entry */
	CHECK(st.forwarded >= 2, "p1 forwarded %llu, expected the 2 runs",
	      (unsigned long long)st.forwarded);

	/* Swap back to the kept pipeline. */
	CHECK_EQ(tna_dp__replace(b, a), 0);
	CHECK_EQ(slot_id(a), pa);
	CHECK_EQ(on_port(p1), root_ab);

	/* Another family (maps not shared): the links move to its root. */
	c = load(NULL, true);
	if (!c)
		return tna_test_exit();
	CHECK(id_of_fd(tna_dp__root_fd(c)) != root_ab, "c shares a's root");
	CHECK_EQ(tna_dp__replace(a, c), 0);
	CHECK_EQ(on_port(p1), id_of_fd(tna_dp__root_fd(c)));
	CHECK_EQ(on_port(p2), id_of_fd(tna_dp__root_fd(c)));
	tna_dp__destroy(c);
	CHECK_EQ(on_port(p1), 0);
	CHECK_EQ(on_port(p2), 0);

	/* Fail-safe: the current pipeline destroyed while the family lives
	 * on (b): the slot is empty and the root gives frames to Linux. */
	d = load(b, false);
	if (!d)
		return tna_test_exit();
	CHECK_EQ(tna_dp__attach(a, p1), 0);
	tna_dp__destroy(a);
	CHECK_EQ(on_port(p1), 0);
	CHECK_EQ(slot_id(b), 0);
	CHECK_EQ(run_root(b), XDP_PASS);
	/* Attaching another pipeline of the family puts it in the slot. */
	CHECK_EQ(tna_dp__attach(d, p2), 0);
	CHECK_EQ(slot_id(b), id_of_fd(tna_dp__prog_fd(d)));
	CHECK_EQ(run_root(b), XDP_REDIRECT);
	tna_dp__destroy(b);
	CHECK_EQ(on_port(p2), id_of_fd(tna_dp__root_fd(d)));	/* d holds the root */
	tna_dp__destroy(d);
	CHECK_EQ(on_port(p2), 0);
	return tna_test_exit();
}
