/* The introspection model: what the kernel says the network configuration
 * is, from a netlink dump kept current by multicast events.  Structs are
 * public and read-only for callers; the container is opaque.
 * All int functions return 0 or a negative errno; none prints.  A model
 * and its watch belong to one thread (no locking).  Sockets are opened in
 * the calling thread's network namespace, /proc/sys is read in it at each
 * call: do not switch namespaces between calls. */
#ifndef TNA_INTROSPECT_MODEL_H
#define TNA_INTROSPECT_MODEL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tna_bridge_info {
	/* ageing_time: with STP on, the kernel silently uses 2 * forward_delay
	 * during a topology change; the value is the one last notified. */
	uint32_t stp_state, ageing_time /* centisecs as kernel */, forward_delay;
	uint8_t vlan_filtering, mcast_snooping;
	uint16_t vlan_protocol;	/* host order: 0x8100 (802.1Q) or 0x88a8 (802.1ad); 0 unknown */
	bool mst_enabled;	/* per-VLAN port states from MST instances */
	uint16_t group_fwd_mask;
	int8_t nf_call_iptables, nf_call_ip6tables, nf_call_arptables; /* -1 unknown */
};

struct tna_brport_info {
	uint8_t state; /* BR_STATE_* */
	uint8_t learning, flood, mcast_flood, bcast_flood, hairpin, isolated,
		locked, proxy_arp, neigh_suppress;
};

/* The port part of a bridge-port message (IFLA_PROTINFO of an AF_BRIDGE
 * RTM_NEWLINK, or IFLA_INFO_SLAVE_DATA), for readers of their own. */
struct nlattr;
void tna_brport_parse(const struct nlattr *nest, struct tna_brport_info *p);

struct tna_link {
	int ifindex;
	char name[16];
	char kind[16];		/* IFLA_INFO_KIND, "" for physical devices */
	int master;		/* ifindex of the master, 0 when none */
	uint32_t flags;		/* IFF_* */
	uint8_t operstate;	/* IF_OPER_* */
	uint32_t mtu;
	uint8_t mac[6];
	uint32_t xdp_prog_id;	/* 0: none (first attached mode's program) */
	char xdp_prog_name[16];	/* its name ("" when it could not be read) */
	uint8_t xdp_mode;	/* XDP_ATTACHED_* */
	bool is_bridge;
	struct tna_bridge_info br;
	bool is_port;		/* port of a bridge */
	struct tna_brport_info port;
	uint8_t tc;		/* TNA_TC_*: what tc sees of this link (introspect/tc.c) */
	bool tc_filters;	/* tc sees its ingress: ingress/clsact filters (shared
				 * blocks too) or tcx ingress programs */
	bool tc_egress;		/* tc sees its egress: a configured qdisc, clsact
				 * egress filters or tcx egress programs */
	/* net.ipv4.conf.<name>.forwarding / net.ipv6.conf.<name>.forwarding,
	 * -1 when unreadable */
	int8_t ip4_forwarding, ip6_forwarding;
	/* net.ipv4.conf.<name>.rp_filter (1 strict or loose, 0 off; netconf
	 * events tell changes) and net.ipv6.conf.<name>.disable_ipv6 (polled:
	 * no event of its own); -1 when unreadable */
	int8_t rp_filter, disable_ipv6;
	int link;		/* IFLA_LINK (veth peer etc.), 0 when none */
};

#define TNA_TC_IN_FILTERS	0x01	/* ingress/clsact filters */
#define TNA_TC_EG_FILTERS	0x02	/* clsact egress filters */
#define TNA_TC_EG_QDISC		0x04	/* a qdisc with a handle (not the default) */
#define TNA_TC_TCX_IN		0x08	/* tcx ingress programs (polled) */
#define TNA_TC_TCX_EG		0x10	/* tcx egress programs (polled) */

enum tna_fdb_type { TNA_FDB_LOCAL, TNA_FDB_STATIC, TNA_FDB_DYNAMIC };

/* One bridge FDB entry (NTF_MASTER entries only, keyed by master+mac+vlan). */
struct tna_fdb {
	uint8_t mac[6];
	uint16_t vlan;
	int port;	/* ifindex; the bridge itself for its local entries */
	int master;	/* bridge */
	uint16_t state;	/* NUD_*; REACHABLE/STALE flips silently as it ages */
	uint8_t ntf_flags;
	enum tna_fdb_type type;
};

struct tna_addr {
	int ifindex;
	uint8_t family;		/* AF_INET, AF_INET6 */
	uint8_t prefixlen;
	uint8_t scope;
	uint32_t flags;		/* IFA_F_* */
	uint8_t addr[16];
};

/* One route; multipath routes keep their first hop and the hop count. */
struct tna_route {
	uint8_t family, dst_len, src_len, tos, protocol, scope, type;
	uint32_t table;
	uint32_t priority;
	uint8_t dst[16];
	uint8_t gateway[16];
	int oif;
	uint32_t nexthops;	/* 1, or the number of RTA_MULTIPATH hops */
	uint32_t nhid;		/* RTA_NH_ID, 0 when none */
};

struct tna_rule {
	uint8_t family, action, src_len, dst_len, tos;
	uint32_t table, priority, fwmark, fwmask, flags;
	uint8_t src[16], dst[16];
	char iifname[16], oifname[16];
};

struct tna_neigh {
	int ifindex;
	uint8_t family;
	uint16_t state;		/* NUD_*; some transitions are not notified */
	uint8_t flags;		/* NTF_* */
	uint8_t addr[16];
	uint8_t lladdr[6];
	bool has_lladdr;
};

/* Global sysctls (current netns); -1 when unreadable. */
struct tna_sysctls {
	int8_t ip_forward;		/* net.ipv4.ip_forward */
	int8_t ip6_forwarding;		/* net.ipv6.conf.all.forwarding */
	int8_t bridge_nf_call_iptables;	/* net.bridge.bridge-nf-call-* */
	int8_t bridge_nf_call_ip6tables;
	int8_t bridge_nf_call_arptables;
	int8_t rp_filter_all;		/* net.ipv4.conf.all.rp_filter (1 on) */
};

/* Netfilter: which hooks have rules.  Families are NFPROTO_* (2 ipv4,
 * 10 ipv6, 7 bridge, 3 arp, 1 inet, 5 netdev), hooks NF_INET_* (0 prerouting,
 * 1 input, 2 forward, 3 output, 4 postrouting, 5 ingress). */
enum tna_nf_source { TNA_NF_NFTABLES, TNA_NF_LEGACY };
#define TNA_NF_FAMILIES 13
#define TNA_NF_HOOKS 6
struct tna_nf_hook {
	uint32_t rules;		/* rules in base chains at this hook */
	uint32_t chains;	/* base chains at this hook */
	bool drop_policy;	/* some base chain here has policy drop */
};
#define TNA_NF_MAX_DEVS 32
struct tna_netfilter {
	/* [source][family][hook] */
	struct tna_nf_hook hook[2][TNA_NF_FAMILIES][TNA_NF_HOOKS];
	bool nft_ok, legacy_ok;	/* whether each source could be read */
	/* Devices with a netdev ingress/egress or inet ingress base chain
	 * that has rules or drops (sorted); DEVS_ALL when there are more. */
	uint32_t n_devs;
	bool devs_all;
	char devs[TNA_NF_MAX_DEVS][16];
};
/* Whether device NAME has netdev-family (or inet ingress) rules. */
bool tna_nf_dev_filtered(const struct tna_netfilter *nf, const char *name);

/* xfrm (IPsec) policies and SAs, counted by selector family ([0] IPv4,
 * [1] IPv6; a selector without a family counts for both). */
struct tna_xfrm {
	bool ok;		/* read; when false, assume they exist */
	uint32_t policies[2];
	uint32_t states[2];
};
/* Whether some policy or SA may apply to traffic of that family (v6: 0 or
 * 1), or the table could not be read. */
bool tna_xfrm_family(const struct tna_xfrm *x, int v6);

struct tna_model;  /* opaque container; accessors below */
struct tna_model *tna_model_new(void);
void tna_model_free(struct tna_model *m);
int tna_model_dump(struct tna_model *m);            /* full (re)dump, current netns */
const struct tna_link *tna_model_link(const struct tna_model *m, int ifindex);
const struct tna_link *tna_model_link_by_name(const struct tna_model *m, const char *name);
const struct tna_fdb *tna_model_fdb_lookup(const struct tna_model *m, int master,
					   const uint8_t mac[6], uint16_t vlan);
const struct tna_sysctls *tna_model_sysctls(const struct tna_model *m);
/* net.ipv4.conf.DEV.rp_filter of the current netns ("all" for the global
 * one): 1 on (strict or loose), 0 off, -1 unreadable.  The model keeps it
 * per link (struct tna_link.rp_filter) and for "all". */
int tna_sysctl_rp_filter(const char *dev);
const struct tna_netfilter *tna_model_netfilter(const struct tna_model *m);
const struct tna_xfrm *tna_model_xfrm(const struct tna_model *m);
size_t tna_model_count(const struct tna_model *m, int obj /* enum tna_obj */);

/* iteration: return non-zero from the callback to stop (that value is returned) */
int tna_model_for_each_link(const struct tna_model *m, int (*cb)(const struct tna_link *, void *), void *ctx);
int tna_model_for_each_fdb(const struct tna_model *m, int (*cb)(const struct tna_fdb *, void *), void *ctx);
int tna_model_for_each_addr(const struct tna_model *m, int (*cb)(const struct tna_addr *, void *), void *ctx);
int tna_model_for_each_route(const struct tna_model *m, int (*cb)(const struct tna_route *, void *), void *ctx);
int tna_model_for_each_rule(const struct tna_model *m, int (*cb)(const struct tna_rule *, void *), void *ctx);
int tna_model_for_each_neigh(const struct tna_model *m, int (*cb)(const struct tna_neigh *, void *), void *ctx);

/* change events for the controller (FDB mirror, redeploy): */
enum tna_obj { TNA_OBJ_LINK, TNA_OBJ_FDB, TNA_OBJ_ADDR, TNA_OBJ_ROUTE, TNA_OBJ_RULE, TNA_OBJ_NEIGH,
  TNA_OBJ_SYSCTL, TNA_OBJ_NETFILTER, TNA_OBJ_RESYNC, TNA_OBJ_XFRM };
enum tna_op { TNA_OP_ADD, TNA_OP_CHANGE, TNA_OP_DEL };
/* ITEM points at the object (struct tna_link, tna_fdb, ...; tna_sysctls,
 * tna_netfilter, tna_xfrm; NULL for RESYNC).  For DEL it is the last known value.
 * It is valid only during the call.  RESYNC: events were lost (ENOBUFS):
 * op ADD as soon as the watch knows (the model is behind), then an event
 * per difference the fresh dump brings, then op CHANGE (the model equals
 * that dump). */
typedef void (*tna_model_cb)(void *ctx, enum tna_obj obj, enum tna_op op, const void *item);
const char *tna_obj_name(enum tna_obj obj);
const char *tna_op_name(enum tna_op op);

struct tna_watch;  /* multicast subscription feeding a model */
/* Subscribes, then dumps into M (so no change is missed between the two);
 * CB sees an event for every difference between M and that dump (all of it
 * when M is empty). */
struct tna_watch *tna_watch_open(struct tna_model *m, tna_model_cb cb, void *ctx);
int tna_watch_fd(const struct tna_watch *w);        /* poll() it */
/* Apply pending events (at most 256 reads per call: poll again while the
 * fd is readable); resync on ENOBUFS; at each tick of the watch's poll
 * timer (which makes the fd readable too), re-read what has no
 * notification: global sysctls, legacy xtables, XDP programs. */
int tna_watch_process(struct tna_watch *w);
/* Poll interval (default TNA_WATCH_POLL_MS): bounds how late a change
 * without a notification reaches the model.  0 stops polling. */
#define TNA_WATCH_POLL_MS 20
int tna_watch_set_poll_ms(struct tna_watch *w, unsigned int ms);
void tna_watch_close(struct tna_watch *w);
/* Receive buffer of the event sockets (SO_RCVBUF); tests make it small to
 * force ENOBUFS. */
int tna_watch_set_rcvbuf(struct tna_watch *w, int bytes);
/* Number of overflow resyncs so far. */
unsigned int tna_watch_resyncs(const struct tna_watch *w);

/* Compare two models; 0 when equal, else the number of differences with
 * the first ones described in BUF.  Fields the kernel changes without a
 * notification (FDB/neigh aging state, route flags) are not compared. */
int tna_model_diff(const struct tna_model *a, const struct tna_model *b, char *buf, size_t len); /* 0 equal */

/* The whole model as JSON text (json-c object; caller frees with
 * json_object_put).  Declared as void * to keep json-c out of this header. */
void *tna_model_to_json(const struct tna_model *m);

#endif
