/* The assembler: what the configuration needs (a bridge, its ports, their
 * capabilities, netfilter) -> a plan per bridge: the target of every port
 * with the reason, the ordered fast-path modules (FPMs) with parameters, the
 * br_netfilter decision and a budget check against the target's limits.
 *
 * The planner works on plain input structs (struct tna_plan_in) so unit
 * tests can drive it with fixtures; assembler/input.c fills them from the
 * introspection model and the capabilities probe.  No I/O here. */
#ifndef TNA_ASSEMBLER_PLAN_H
#define TNA_ASSEMBLER_PLAN_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capabilities/caps.h"
#include "targets/offload/offload.h"

/* What the user asked for: a target or "auto" (TNA_TARGET_NONE here). */
#define TNA_PLAN_AUTO TNA_TARGET_NONE

/* Fast-path modules (bit numbers of bpf/tna_kern_user.h TNA_FPM_*).
 * Names match bpf/fpm/. */
enum tna_plan_fpm {
	TNA_PFPM_PARSE_ETH,
	TNA_PFPM_CLASSIFY,	/* link-local, bcast/mcast, local MACs -> PASS */
	TNA_PFPM_VLAN,
	TNA_PFPM_PORT_STATE,
	TNA_PFPM_FDB_SRC,
	TNA_PFPM_FDB_DST,
	TNA_PFPM_PORT_FLAGS,
	TNA_PFPM_FORWARD,
	TNA_PFPM_STATS,
	TNA_PFPM_FLOW_CACHE,	/* per-CPU cache of FDB answers */
	TNA_PFPM_BRNF_IPV4,	/* br_netfilter's IPv4 checks, no rules */
	TNA_PFPM_BRNF_IPV6,	/* same for IPv6 */
	TNA_PFPM_BRNF_ARP,	/* same for ARP */
	TNA_PFPM_CSUM,		/* complete partial checksums (native) */
	TNA_PFPM_FDB_KFUNC,	/* FDB answers from bpf_xdp_fdb_lookup() (assembler/fdb_mode.c) */
	TNA_PFPM__MAX
};
const char *tna_plan_fpm_name(enum tna_plan_fpm f);

/* A veth's peer as the auto target sees it (assembler/peers.c reads it;
 * fixtures fill it by hand).  known: the port is a veth and its peer
 * could be read; otherwise nothing below is claimed. */
struct tna_peer {
	bool known;
	int ifindex;		/* in the peer's namespace */
	bool tso;		/* sends TSO superpackets (wanted: also while native
				 * XDP on our end takes TSO away from it) */
	bool tx_csum;		/* its TCP/UDP may carry partial checksums */
	bool gro;		/* GRO on: our end can be a native redirect egress */
	bool tx_vlan;		/* its VLAN tags reach us as metadata XDP does not see */
};

/* How a port's received checksums are handled (TNA_PORT_CSUM_* of
 * bpf/tna_kern_user.h, same numbers). */
enum tna_plan_csum { TNA_PLAN_CSUM_COMPLETE, TNA_PLAN_CSUM_FIX, TNA_PLAN_CSUM_PASS };
const char *tna_plan_csum_name(enum tna_plan_csum c);

/* Read the peer of veth IFINDEX (not a veth, or unreadable: !known). */
void tna_peer_probe(int ifindex, struct tna_peer *p);
struct tna_plan_bridge_in;
/* The peers of IN's veth ports (after assembler/input.h filled IN). */
void tna_plan_input_peers(struct tna_plan_bridge_in *in);
bool tna_peer_same(const struct tna_peer *a, const struct tna_peer *b);

/* Netfilter families br_netfilter can hand bridged frames to. */
enum tna_nf_family { TNA_NF_IPV4, TNA_NF_IPV6, TNA_NF_ARP, TNA_NF__MAX };

struct tna_plan_port_in {
	int ifindex;
	char name[16];
	char kind[16];
	uint8_t stp_state;	/* BR_STATE_* */
	bool learning, flood, isolated, locked, hairpin;
	bool slowpath;		/* proxy_arp / neigh_suppress: all its frames to Linux */
	/* From the service graph (introspect/rules.c), which says why: */
	char graph_reason[160];	/* not accelerable (tc-filter, netfilter-ingress,
				 * port-kind, ...): left out; "" when it is */
	uint32_t foreign_prog_id;	/* foreign-xdp: left out unless --force */
	bool egress_linux;	/* tc-egress: frames to it go to Linux */
	const struct tna_caps_dev *caps;	/* may be NULL: unknown */
	struct tna_peer peer;		/* veth peer (assembler/peers.c) */
};

struct tna_plan_bridge_in {
	int ifindex;
	char name[16];
	uint8_t mac[6];
	uint32_t ageing_time_cs;
	/* effective call-iptables per family: bridge option OR sysctl
	 * (only when br_netfilter is loaded); -1 unknown.  Chooses the brnf
	 * modules (br_netfilter's checks without rules). */
	int8_t nf_call[TNA_NF__MAX];
	/* From the service graph (introspect/rules.c), "name: text" or "": */
	char graph_reason[160];		/* not accelerable (vlan-802.1ad, ...) */
	bool vlan_filtering;		/* 802.1Q VLAN filtering (802.1ad: graph_reason) */
	char graph_nf_reason[160];	/* netfilter sees its bridged traffic
					 * (netfilter-bridged/-unreadable) */
	int n_ports;
	struct tna_plan_port_in *ports;
};

/* A host-stage target's limits (budget check): the kernel's.  What an
 * offloading device accepts is the offload model (targets/offload/). */
struct tna_target_limits {
	uint32_t max_insns;	/* verified (xlated) instructions */
	uint32_t max_maps;
	bool redirect;		/* bpf_redirect_map allowed */
	bool map_value_stores;	/* plain stores into map values */
};
void tna_target_limits_default(enum tna_target t, struct tna_target_limits *l);

struct tna_plan_opts {
	size_t sz;
	enum tna_target target;	/* TNA_PLAN_AUTO or an explicit target */
	bool force;		/* replace foreign XDP programs */
	const struct tna_caps_sys *sys;	/* may be NULL */
	/* The fast path checks IPv4/IPv6 headers as br_netfilter does
	 * (br_validate_ipv4/6: drop bad headers, trim to the IP length) and
	 * passes what fails.  Without it, a bridge with call-ip(6)tables on
	 * must stay with Linux even when no rule exists. */
	bool dp_validates_ip;
	/* What the NIC stage needs (NULL: the compiled one of this build,
	 * tna_offload_nic_req()); fixtures put theirs. */
	const struct tna_offload_req *nic_req;
	/* Keep the FDB mirror even where the kfunc exists (tna-deploy:
	 * TNA_FDB_MODE=mirror). */
	bool fdb_mirror;
};

/* Where the bridge fast path's FDB answers come from (bpf/fpm/fdb.h). */
enum tna_fdb_mode {
	TNA_FDB_MODE_MIRROR,	/* the controller's mirror + keep-alive */
	TNA_FDB_MODE_KFUNC,	/* bpf_xdp_fdb_lookup(): the kernel's FDB, learning in XDP */
};
const char *tna_fdb_mode_name(enum tna_fdb_mode m);

struct tna_port_plan {
	int ifindex;
	char name[16];
	bool accelerated;	/* in the devmap, a TNA program attached */
	enum tna_target target;	/* main pipeline */
	enum tna_plan_csum csum;	/* its received checksums (native + partial peer: FIX) */
	bool egress_linux;	/* frames to it go to Linux (egress qdisc/filters) */
	char reason[192];	/* why this target / why not accelerated */
	/* The NIC stage on an offloading device, in front of the host stage:
	 * planned by the offload model (assembler/nic_plan.c); the deploy
	 * clears it, with the device's message, when the device refuses. */
	bool nic;
	uint32_t nic_prog_id;	/* once deployed, 0 when not attached */
	char nic_kind[16];	/* the model used: "nfp", "netdevsim" */
	char nic_reason[384];	/* what the model said, or the device */
	/* What the decision rested on, to notice when it changes (no event
	 * says so: tna_plan_inputs_changed() looks). */
	struct tna_peer peer;
	bool redirect_to;	/* could be a native redirect egress (ndo-xmit) */
};

struct tna_bridge_plan {
	int ifindex;
	char name[16];
	uint8_t mac[6];
	bool ok;		/* something to deploy */
	bool refused;		/* explicit target impossible: tool must fail */
	char reason[256];	/* summary: why this target, or why nothing */
	enum tna_target target;	/* common target of the main pipeline */
	bool br_netfilter;	/* all traffic to Linux: rules could see it */
	uint64_t fpms;		/* 1 << TNA_PFPM_* */
	int n_nic;		/* ports with a NIC stage planned */
	uint32_t nic_insns;	/* instructions of the NIC stage's object */
	uint32_t ageing_time_cs;
	unsigned int keepalive_ms;
	/* the kernel has the FDB lookup kfunc of kernel/ (bpf_xdp_fdb_lookup) */
	bool fdb_kfunc;
	bool vlan_filtering;	/* the VLAN module: assembler/vlan_plan.c */
	/* which FDB mode the pipeline runs, and why (assembler/fdb_mode.c);
	 * kfunc: no mirror, no keep-alive (keepalive_ms 0), no flow cache */
	enum tna_fdb_mode fdb_mode;
	char fdb_reason[160];
	struct tna_target_limits limits;
	/* budget: estimate before load, xlated counts after (0 = not loaded) */
	uint32_t est_insns;
	uint32_t xlated_insns;		/* this deployment */
	uint32_t xlated_insns_all;	/* all-modules build, for comparison */
	bool budget_ok;
	int n_ports;
	struct tna_port_plan *ports;
};

/* Plan one bridge.  Returns 0 (see plan->ok/refused/reason) or -errno. */
int tna_plan_bridge(const struct tna_plan_bridge_in *in,
		    const struct tna_plan_opts *opts,
		    struct tna_bridge_plan *plan);
void tna_plan_bridge_free(struct tna_bridge_plan *plan);

/* The NIC stage per port (assembler/nic_plan.c): for each accelerated
 * port on an offloading device, the device kind's offload model checked
 * against what the NIC stage needs.  Called by tna_plan_bridge(). */
void tna_plan_nic(const struct tna_plan_bridge_in *in, const struct tna_plan_opts *o,
		  struct tna_bridge_plan *plan);

/* The FDB mode of a plan whose modules are chosen (assembler/fdb_mode.c):
 * sets fdb_mode and fdb_reason, and in kfunc mode the FDB_KFUNC module in
 * place of the flow cache.  Called by tna_plan_bridge(). */
void tna_plan_fdb_mode(const struct tna_plan_opts *o, struct tna_bridge_plan *plan);

/* Auto only: has anything a plan's target choice rested on changed since
 * (a veth peer's TSO, GRO or tx checksumming; a port's ndo-xmit)?  Looks
 * now (I/O: ethtool in the peers' namespaces, genl netdev). */
bool tna_plan_inputs_changed(const struct tna_bridge_plan *plan);

/* Check the counts filled after a load against the limits: sets budget_ok,
 * and explains in reason when it fails. */
bool tna_plan_budget_check(struct tna_bridge_plan *plan);

struct json_object;
/* VLAN filtering (assembler/vlan_plan.c): the VLAN module in, the flow
 * cache out (keyed without VLAN); its lines of the text and JSON output. */
void tna_plan_vlan(const struct tna_plan_bridge_in *in, struct tna_bridge_plan *plan);
/* A port of a VLAN bridge whose VLAN tags may arrive where XDP does not
 * see them is left out (pp->accelerated false, reason): true then. */
bool tna_plan_vlan_port(const struct tna_plan_bridge_in *in, const struct tna_plan_port_in *p,
			struct tna_port_plan *pp);
void tna_plan_vlan_print(const struct tna_bridge_plan *plan, FILE *f);
void tna_plan_vlan_json(const struct tna_bridge_plan *plan, struct json_object *o);

/* Output: human text and JSON (json-c object, caller puts it). */
void tna_plan_print(const struct tna_bridge_plan *plan, FILE *f);
struct json_object *tna_plan_to_json(const struct tna_bridge_plan *plan);

#endif
