/* capabilities/json.c: the --json schema of docs/probe.md on fixture devices:
 * types, null for unknown facts, blockers split into an array. */
#include <errno.h>

#include "capabilities/caps_json.h"
#include "tests/lib/tna_test.h"
#include "tests/unit/caps_fixture.h"

static struct json_object *get(struct json_object *o, const char *path)
{
	char buf[128], *save = NULL, *k;

	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, k, &o))
			return NULL;
	return o;
}

static const char *str(struct json_object *o, const char *path)
{
	struct json_object *v = get(o, path);

	return v && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}

static const char *arr_str(struct json_object *a, size_t i)
{
	struct json_object *v = a ? json_object_array_get_idx(a, i) : NULL;

	return v ? json_object_get_string(v) : "(none)";
}

/* Present and JSON null (get_ex succeeds with a NULL value). */
static bool is_null(struct json_object *o, const char *path)
{
	char buf[128], *dot;
	struct json_object *parent = o, *v = (void *)1;

	snprintf(buf, sizeof(buf), "%s", path);
	dot = strrchr(buf, '.');
	if (dot) {
		*dot = '\0';
		parent = get(o, buf);
	}
	return parent && json_object_object_get_ex(parent, dot ? dot + 1 : buf, &v) &&
	       v == NULL;
}

int main(void)
{
	struct tna_caps_sys sys = { .btf = true, .netdev_genl = true,
				    .helper_fib_lookup = true, .ct_opts_size = 16,
				    .unpriv_bpf_disabled = 2 };
	struct tna_caps_dev d;
	struct json_object *o, *v;

	fixture_dev(&d, "synth", "nfp", "enp1s0np0");
	snprintf(d.name, sizeof(d.name), "enp1s0np0");
	d.ifindex = 5;
	d.prog_id_hw = 42;
	snprintf(d.prog_name_hw, sizeof(d.prog_name_hw), "xdp_fw");
	tna_caps_verdict(&sys, &d);
	o = tna_caps_dev_to_json(&d);
	CHECK(o != NULL, "dev json");
	CHECK_STR(str(o, "name"), "enp1s0np0");
	CHECK_STR(str(o, "pci.vendor"), "0x19ee");
	CHECK_STR(str(o, "pci.device"), "0x4000");
	CHECK(json_object_get_boolean(get(o, "pci.nfp")), "pci.nfp");
	CHECK_STR(str(o, "xdp_features.hex"), "0x11");
	CHECK_EQ(json_object_get_int64(get(o, "xdp_features.raw")), 0x11);
	v = get(o, "xdp_features.flags");
	CHECK(v && json_object_array_length(v) == 2, "two flags");
	CHECK_STR(arr_str(v, 1), "hw-offload");
	CHECK(json_object_get_boolean(get(o, "hw_tc_offload")), "tc offload on");
	CHECK_EQ(json_object_get_int(get(o, "channels.combined")), 4);
	CHECK_STR(str(o, "verdict.target"), "offload");
	v = get(o, "verdict.blockers");
	CHECK(v && json_object_array_length(v) == 2, "two blockers: %s", d.blockers);
	CHECK(v && strstr(json_object_get_string(json_object_array_get_idx(v, 0)),
			  "foreign XDP program 'xdp_fw' (id 42)"), "first blocker");
	CHECK(v && strstr(json_object_get_string(json_object_array_get_idx(v, 1)),
			  "no ndo-xmit"), "second blocker");
	CHECK_EQ(json_object_get_int(get(o, "xdp_progs.offload.id")), 42);
	CHECK(is_null(o, "xdp_progs.native"), "no native prog -> null");
	CHECK(is_null(o, "master"), "no master -> null");
	CHECK(!json_object_get_boolean(get(o, "can_redirect_to")), "no ndo-xmit");
	json_object_put(o);

	/* Unknown facts are null, not zero. */
	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "x0");
	d.hw_tc_offload = -1;
	tna_caps_verdict(NULL, &d);
	o = tna_caps_dev_to_json(&d);
	CHECK(is_null(o, "xdp_features"), "unknown features -> null");
	CHECK(is_null(o, "hw_tc_offload"), "unknown tc offload -> null");
	CHECK(is_null(o, "channels"), "unknown channels -> null");
	CHECK(is_null(o, "pci"), "not on PCI -> null");
	CHECK(is_null(o, "driver"), "no driver -> null");
	CHECK_STR(str(o, "verdict.target"), "generic");
	v = get(o, "verdict.blockers");
	CHECK(v && json_object_is_type(v, json_type_array) &&
	      json_object_array_length(v) == 0, "no blockers -> []");
	json_object_put(o);

	o = tna_caps_sys_to_json(&sys);
	CHECK(json_object_get_boolean(get(o, "xdp_helpers.bpf_fib_lookup")), "fib helper");
	CHECK(!json_object_get_boolean(get(o, "xdp_helpers.bpf_tail_call")), "tail call");
	CHECK_EQ(json_object_get_int(get(o, "bpf_ct_opts_size")), 16);
	CHECK_EQ(json_object_get_int(get(o, "unprivileged_bpf_disabled")), 2);
	CHECK(get(o, "kfuncs.bpf_xdp_fdb_lookup") != NULL, "fdb kfunc key");
	json_object_put(o);
	sys.ct_opts_size = 0;
	o = tna_caps_sys_to_json(&sys);
	CHECK(is_null(o, "bpf_ct_opts_size"), "unknown ct opts size -> null");
	json_object_put(o);
	return tna_test_exit();
}
