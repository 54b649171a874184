/* Probe results as json-c objects.  Unknown facts are null, never a guess. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capabilities/caps_json.h"

static void put_bool(struct json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

static void put_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

/* A string, or null when empty. */
static void put_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v && v[0] ? json_object_new_string(v) : NULL);
}

static void put_hex(struct json_object *o, const char *k, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	json_object_object_add(o, k, json_object_new_string(buf));
}

struct json_object *tna_caps_sys_to_json(const struct tna_caps_sys *sys)
{
	struct json_object *o = json_object_new_object();
	struct json_object *h = json_object_new_object();
	struct json_object *k = json_object_new_object();

	if (!o || !h || !k) {
		json_object_put(o);
		json_object_put(h);
		json_object_put(k);
		errno = ENOMEM;
		return NULL;
	}
	put_str(o, "kernel_release", sys->kernel_release);
	put_bool(o, "btf", sys->btf);
	put_bool(o, "bpffs", sys->bpffs);
	put_bool(o, "jit_enabled", sys->jit_enabled);
	put_int(o, "unprivileged_bpf_disabled", sys->unpriv_bpf_disabled);
	put_bool(h, "bpf_redirect_map", sys->helper_redirect_map);
	put_bool(h, "bpf_fib_lookup", sys->helper_fib_lookup);
	put_bool(h, "bpf_xdp_adjust_head", sys->helper_adjust_head);
	put_bool(h, "bpf_xdp_adjust_tail", sys->helper_adjust_tail);
	put_bool(h, "bpf_tail_call", sys->helper_tail_call);
	json_object_object_add(o, "xdp_helpers", h);
	put_bool(k, "bpf_xdp_ct_lookup", sys->kfunc_ct_lookup);
	put_bool(k, "bpf_ct_release", sys->kfunc_ct_release);
	put_bool(k, "bpf_xdp_fdb_lookup", sys->kfunc_fdb_lookup);
	json_object_object_add(o, "kfuncs", k);
	json_object_object_add(o, "bpf_ct_opts_size", sys->ct_opts_size ?
			       json_object_new_int(sys->ct_opts_size) : NULL);
	put_bool(o, "live_frames", sys->live_frames);
	put_bool(o, "netdev_genl", sys->netdev_genl);
	put_bool(o, "ethtool_genl", sys->ethtool_genl);
	return o;
}

static struct json_object *prog_json(uint32_t id, const char *name)
{
	struct json_object *p;

	if (!id)
		return NULL;
	p = json_object_new_object();
	if (!p)
		return NULL;
	put_int(p, "id", id);
	put_str(p, "name", name);
	return p;
}

static struct json_object *blockers_json(const char *s)
{
	struct json_object *a = json_object_new_array();
	const char *end;

	while (a && *s) {
		end = strstr(s, "; ");
		if (!end)
			end = s + strlen(s);
		json_object_array_add(a, json_object_new_string_len(s, (int)(end - s)));
		s = *end ? end + 2 : end;
	}
	return a;
}

struct json_object *tna_caps_dev_to_json(const struct tna_caps_dev *d)
{
	struct json_object *o = json_object_new_object(), *x;
	uint64_t bit;

	if (!o) {
		errno = ENOMEM;
		return NULL;
	}
	put_int(o, "ifindex", d->ifindex);
	put_str(o, "name", d->name);
	put_str(o, "kind", d->kind);
	put_bool(o, "up", d->up);
	put_str(o, "master", d->master);
	json_object_object_add(o, "master_ifindex", d->master_ifindex ?
			       json_object_new_int(d->master_ifindex) : NULL);
	json_object_object_add(o, "link_ifindex", d->link_ifindex ?
			       json_object_new_int(d->link_ifindex) : NULL);
	put_bool(o, "link_other_netns", d->link_other_netns);
	put_str(o, "driver", d->driver);
	put_str(o, "bus_info", d->bus_info);

	x = NULL;
	if (d->pci_known && (x = json_object_new_object())) {
		put_str(x, "slot", d->pci_slot);
		put_hex(x, "vendor", d->pci_vendor);
		put_hex(x, "device", d->pci_device);
		put_str(x, "name", d->pci_name);
		put_bool(x, "nfp", d->nfp);
	}
	json_object_object_add(o, "pci", x);

	x = NULL;
	if (d->xdp_features_known && (x = json_object_new_object())) {
		struct json_object *fl = json_object_new_array();

		put_int(x, "raw", (int64_t)d->xdp_features);
		put_hex(x, "hex", d->xdp_features);
		for (bit = 1; bit && fl; bit <<= 1) {
			const char *n = tna_xdp_act_name(bit);

			if (d->xdp_features & bit)
				json_object_array_add(fl, json_object_new_string(
					n ? n : "unknown"));
		}
		json_object_object_add(x, "flags", fl);
		if (d->xdp_zc_max_segs)
			put_int(x, "zc_max_segs", d->xdp_zc_max_segs);
	}
	json_object_object_add(o, "xdp_features", x);

	json_object_object_add(o, "hw_tc_offload", d->hw_tc_offload < 0 ? NULL :
			       json_object_new_boolean(d->hw_tc_offload));
	x = NULL;
	if (d->channels_known && (x = json_object_new_object())) {
		put_int(x, "rx", d->channels_rx);
		put_int(x, "tx", d->channels_tx);
		put_int(x, "combined", d->channels_combined);
	}
	json_object_object_add(o, "channels", x);

	x = json_object_new_object();
	if (x) {
		json_object_object_add(x, "generic", prog_json(d->prog_id_skb, d->prog_name_skb));
		json_object_object_add(x, "native", prog_json(d->prog_id_drv, d->prog_name_drv));
		json_object_object_add(x, "offload", prog_json(d->prog_id_hw, d->prog_name_hw));
	}
	json_object_object_add(o, "xdp_progs", x);

	x = json_object_new_object();
	if (x) {
		put_str(x, "target", tna_target_name(d->best));
		put_str(x, "reason", d->reason);
		json_object_object_add(x, "blockers", blockers_json(d->blockers));
	}
	json_object_object_add(o, "verdict", x);
	put_bool(o, "can_redirect_to", d->can_redirect_to);
	return o;
}
