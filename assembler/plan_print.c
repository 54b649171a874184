/* A bridge plan as text (tna-deploy --dry-run) and as JSON (--json). */
#include <json-c/json.h>

#include "assembler/plan.h"

static void fpm_list(uint64_t fpms, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < TNA_PFPM__MAX && off < len; i++)
		if (fpms & (1ull << i))
			off += snprintf(buf + off, len - off, "%s%s",
					off ? " > " : "", tna_plan_fpm_name(i));
}

void tna_plan_print(const struct tna_bridge_plan *p, FILE *f)
{
	char buf[256];
	int i;

	fprintf(f, "bridge %s (ifindex %d): %s\n", p->name, p->ifindex,
		p->refused ? "REFUSED" : !p->ok ? "not accelerated" :
		p->br_netfilter ? "pass-through, all traffic to Linux" :
		tna_target_name(p->target));
	fprintf(f, "  reason:    %s\n", p->reason);
	if (!p->ok && !p->br_netfilter)
		goto ports;
	fpm_list(p->fpms, buf, sizeof(buf));
	fprintf(f, "  pipeline:  %s (host stage, %s)\n", buf, tna_target_name(p->target));
	if (p->n_nic)
		fprintf(f, "  nic stage: on %d port(s), on the NIC (%u insns): drops invalid source MACs, "
			"pause frames and frames of blocking/listening ports, as Linux would; "
			"passes the rest to the host stage (a NIC cannot redirect)\n",
			p->n_nic, p->nic_insns);
	tna_plan_vlan_print(p, f);
	if (p->fdb_mode == TNA_FDB_MODE_KFUNC) {
		fprintf(f, "  fdb:       kfunc: %s\n", p->fdb_reason);
		fprintf(f, "  coherence: the kernel's FDB is the only copy (ageing_time %u.%02u s, Linux's);\n"
			"             port changes reach the port table within the event latency,\n"
			"             a stalled controller within the dead-man time\n",
			p->ageing_time_cs / 100, p->ageing_time_cs % 100);
		goto budget;
	}
	fprintf(f, "  fdb:       mirror from netlink, keep-alive every %u ms (ageing_time %u.%02u s)\n",
		p->keepalive_ms, p->ageing_time_cs / 100, p->ageing_time_cs % 100);
	fprintf(f, "  fdb mode:  mirror: %s\n", p->fdb_reason);
	/* What the mirror cannot see at once, and what would remove it. */
	fprintf(f, "  coherence: moves learned through the fast path are safe (pending marks);\n"
		"             other kernel FDB and port changes reach it within the event latency,\n"
		"             a stalled controller within the dead-man time; the FDB kfunc of\n"
		"             kernel/ (%s) removes these windows by construction\n",
		p->fdb_kfunc ? "present here, not used" : "not on this kernel");
budget:
	fprintf(f, "  budget:    ");
	if (p->xlated_insns && p->xlated_insns_all)
		fprintf(f, "%u xlated insns (all-modules build: %u), limit %u: %s\n",
			p->xlated_insns, p->xlated_insns_all, p->limits.max_insns,
			p->budget_ok ? "ok" : "EXCEEDED");
	else if (p->xlated_insns)
		fprintf(f, "%u xlated insns, limit %u: %s\n", p->xlated_insns,
			p->limits.max_insns, p->budget_ok ? "ok" : "EXCEEDED");
	else
		fprintf(f, "~%u insns estimated (not loaded), limit %u: %s\n",
			p->est_insns, p->limits.max_insns,
			p->budget_ok ? "ok" : "EXCEEDED");
ports:
	for (i = 0; i < p->n_ports; i++) {
		const struct tna_port_plan *pp = &p->ports[i];

		snprintf(buf, sizeof(buf), "%s%s",
			 pp->accelerated && p->ok ? tna_target_name(pp->target) : "linux",
			 pp->nic ? "+nic" : "");
		fprintf(f, "  port %-15s %-8s %s%s%s%s\n", pp->name, buf, pp->reason,
			pp->egress_linux && pp->accelerated ?
			" (tc-egress: frames to it go through Linux)" : "",
			pp->csum ? "; partial checksums from its veth peer: " : "",
			pp->csum ? tna_plan_csum_name(pp->csum) : "");
		if (pp->nic_reason[0])
			fprintf(f, "       %-15s nic: %s\n", "", pp->nic_reason);
	}
}

static struct json_object *fpm_array(uint64_t fpms)
{
	struct json_object *a = json_object_new_array();
	int i;

	for (i = 0; i < TNA_PFPM__MAX; i++)
		if (fpms & (1ull << i))
			json_object_array_add(a, json_object_new_string(tna_plan_fpm_name(i)));
	return a;
}

struct json_object *tna_plan_to_json(const struct tna_bridge_plan *p)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ports = json_object_new_array();
	struct json_object *b = json_object_new_object();
	char mac[18];
	int i;

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", p->mac[0],
		 p->mac[1], p->mac[2], p->mac[3], p->mac[4], p->mac[5]);
	json_object_object_add(o, "bridge", json_object_new_string(p->name));
	json_object_object_add(o, "ifindex", json_object_new_int(p->ifindex));
	json_object_object_add(o, "mac", json_object_new_string(mac));
	/* "deployed" (attached now) is the caller's to say */
	json_object_object_add(o, "accelerable", json_object_new_boolean(p->ok));
	json_object_object_add(o, "refused", json_object_new_boolean(p->refused));
	json_object_object_add(o, "target", json_object_new_string(
		p->ok ? tna_target_name(p->target) : "none"));
	json_object_object_add(o, "reason", json_object_new_string(p->reason));
	json_object_object_add(o, "br_netfilter", json_object_new_boolean(p->br_netfilter));
	json_object_object_add(o, "fpms", fpm_array(p->ok ? p->fpms : 0));
	json_object_object_add(o, "nic_ports", json_object_new_int(p->n_nic));
	json_object_object_add(o, "nic_insns", json_object_new_int64(p->nic_insns));
	json_object_object_add(o, "ageing_time_cs", json_object_new_int64(p->ageing_time_cs));
	json_object_object_add(o, "keepalive_ms", json_object_new_int64(p->keepalive_ms));
	json_object_object_add(o, "fdb_mode", json_object_new_string(tna_fdb_mode_name(p->fdb_mode)));
	json_object_object_add(o, "fdb_mode_reason", json_object_new_string(p->fdb_reason));
	json_object_object_add(o, "fdb_kfunc", json_object_new_boolean(p->fdb_kfunc));
	tna_plan_vlan_json(p, o);

	json_object_object_add(b, "max_insns", json_object_new_int64(p->limits.max_insns));
	json_object_object_add(b, "est_insns", json_object_new_int64(p->est_insns));
	json_object_object_add(b, "xlated_insns", json_object_new_int64(p->xlated_insns));
	json_object_object_add(b, "xlated_insns_all_modules",
			       json_object_new_int64(p->xlated_insns_all));
	json_object_object_add(b, "ok", json_object_new_boolean(p->budget_ok));
	json_object_object_add(o, "budget", b);

	for (i = 0; i < p->n_ports; i++) {
		const struct tna_port_plan *pp = &p->ports[i];
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "name", json_object_new_string(pp->name));
		json_object_object_add(j, "ifindex", json_object_new_int(pp->ifindex));
		json_object_object_add(j, "accelerated",
				       json_object_new_boolean(pp->accelerated && p->ok));
		json_object_object_add(j, "target", json_object_new_string(
			pp->accelerated && p->ok ? tna_target_name(pp->target) : "none"));
		json_object_object_add(j, "nic", json_object_new_boolean(pp->nic));
		json_object_object_add(j, "nic_prog_id", json_object_new_int64(pp->nic_prog_id));
		json_object_object_add(j, "nic_kind", pp->nic_kind[0] ?
				       json_object_new_string(pp->nic_kind) : NULL);
		json_object_object_add(j, "nic_reason", json_object_new_string(pp->nic_reason));
		json_object_object_add(j, "reason", json_object_new_string(pp->reason));
		/* complete | completed in XDP | partial ones to Linux */
		json_object_object_add(j, "checksums", json_object_new_string(
			tna_plan_csum_name(pp->accelerated && p->ok ? pp->csum : 0)));
		if (pp->peer.known) {
			struct json_object *q = json_object_new_object();

			json_object_object_add(q, "tso", json_object_new_boolean(pp->peer.tso));
			json_object_object_add(q, "tx_checksumming",
					       json_object_new_boolean(pp->peer.tx_csum));
			json_object_object_add(q, "gro", json_object_new_boolean(pp->peer.gro));
			json_object_object_add(j, "veth_peer", q);
		}
		json_object_object_add(j, "egress_linux", json_object_new_boolean(pp->egress_linux));
		json_object_array_add(ports, j);
	}
	json_object_object_add(o, "ports", ports);
	return o;
}
