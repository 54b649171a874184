/* Inside of the model, shared by the files of introspect/ only. */
#ifndef TNA_INTROSPECT_MODEL_PRIV_H
#define TNA_INTROSPECT_MODEL_PRIV_H
#include <linux/netlink.h>
#include "introspect/model.h"
#include "introspect/set.h"

struct tna_nl;

enum tna_set_id { TNA_SET_LINK, TNA_SET_FDB, TNA_SET_ADDR, TNA_SET_ROUTE,
		  TNA_SET_RULE, TNA_SET_NEIGH, TNA_SET_N };

/* Follow-up work an event asks for (kernel changes without notification). */
enum {
	TNA_NEED_ROUTES = 1,	/* link down/gone, v4 address gone: routes flushed silently */
	TNA_NEED_SYSCTL = 2,	/* netconf event: re-read forwarding */
	TNA_NEED_TC = 4,	/* a shared block changed: re-read every link's tc */
};

struct tna_model {
	struct tna_set set[TNA_SET_N];
	struct tna_sysctls sys;
	struct tna_netfilter nf;
	struct tna_xfrm xfrm;
	struct tna_nl *nl;	/* requests (dumps, tc queries), opened lazily */
	tna_model_cb cb;	/* events while a watch feeds the model */
	void *cb_ctx;
	unsigned int pending;	/* TNA_NEED_* */
	bool in_dump;		/* m->nl is busy: no nested requests */
	bool dump_intr;		/* a dump saw NLM_F_DUMP_INTR: the table changed meanwhile */
	bool xdp_only;		/* a dump for the XDP poll: links' messages only,
				 * none of the extras read elsewhere (sysctls,
				 * the XDP program's name, tc) */
};

/* The set that holds OBJ (TNA_OBJ_LINK .. TNA_OBJ_NEIGH). */
static inline enum tna_obj tna_set_obj(enum tna_set_id id) { return (enum tna_obj)id; }

void tna_model_init(struct tna_model *m);
void tna_model_fini(struct tna_model *m);
struct tna_nl *tna_model_nl(struct tna_model *m);
void tna_model_emit(struct tna_model *m, enum tna_obj obj, enum tna_op op, const void *item);
/* Put/remove one item and emit the event it implies. */
int tna_model_put(struct tna_model *m, enum tna_set_id id, const void *item);
int tna_model_del(struct tna_model *m, enum tna_set_id id, const void *probe);
/* Replace set ID by FRESH, emitting an event per difference; FRESH ends empty. */
void tna_model_merge_set(struct tna_model *m, enum tna_set_id id, struct tna_set *fresh);
/* Replace everything by FRESH (a complete dump), emitting events. */
void tna_model_merge(struct tna_model *m, struct tna_model *fresh);
/* A copy of every link (padding too: items are compared bytewise), for
 * loops that put changed ones back.  Caller frees; NULL when out of memory. */
struct tna_link *tna_model_links_copy(const struct tna_model *m, size_t *n);
/* Drop every object that refers to IFINDEX (the link is gone). */
void tna_model_purge_ifindex(struct tna_model *m, int ifindex);

/* parse.c: apply one rtnetlink message (dump reply or event). */
int tna_model_apply(struct tna_model *m, const struct nlmsghdr *nlh);
/* dump.c */
int tna_model_dump_into(struct tna_model *m);
int tna_model_dump_routes(struct tna_model *m, struct tna_set *out);
int tna_model_dump_links(struct tna_model *m);
/* sysctl.c */
void tna_sysctl_read_global(struct tna_sysctls *s);
/* A /proc file kept open while the thread stays in network namespace
 * NETNS (tna_proc_netns(): its inode now, 0 when unknown: opened again):
 * its content from the start, NUL-terminated; length or -errno. */
struct tna_procfile { const char *path; int fd; ino_t netns; };
ino_t tna_proc_netns(void);
ssize_t tna_procfile_read(struct tna_procfile *f, ino_t netns, char *buf, size_t len);
void tna_sysctl_read_link(struct tna_link *l);
int tna_sysctl_disable_ipv6(const char *dev);
/* tc.c: TNA_TC_* of IFINDEX (filters, qdiscs, tcx; QD: the configured
 * qdiscs of all links read before, NULL to read them now); the tcx part
 * alone; set l->tc and the two summaries. */
#define TNA_TC_QDISCS_MAX 1024
struct tna_tc_qdiscs { int n; bool all; int ifindex[TNA_TC_QDISCS_MAX]; };
int tna_tc_qdiscs_read(struct tna_nl *nl, struct tna_tc_qdiscs *q);
int tna_tc_read(struct tna_nl *nl, int ifindex, const struct tna_tc_qdiscs *qd, uint8_t *tc);
uint8_t tna_tcx_read(int ifindex);
/* 1 when a tcx program may be attached somewhere (a SCHED_CLS program is
 * loaded), 0 when none can be, -errno when the programs cannot be listed;
 * NPROGS: how many programs are loaded. */
int tna_tcx_possible(int *nprogs);
/* TC with its tcx part read again */
uint8_t tna_tcx_refresh(uint8_t tc, int ifindex);
void tna_link_set_tc(struct tna_link *l, uint8_t tc);
/* xfrm.c: the policy and SA counts; -errno (and x->ok false) on failure */
int tna_xfrm_read(struct tna_xfrm *x);
/* netfilter.c */
int tna_nf_read(struct tna_netfilter *nf);
int tna_nf_read_source(struct tna_netfilter *nf, enum tna_nf_source src);
/* poll.c: re-read what has no notification, emitting events for changes:
 * global sysctls, legacy xtables, tcx and disable_ipv6 of the links the
 * rules read (every poll tick), the links' XDP programs, per-link sysctls
 * after a netconf event. */
void tna_model_poll(struct tna_model *m);
int tna_model_poll_xdp(struct tna_model *m);
int tna_model_reread_link_sysctls(struct tna_model *m);
int tna_model_reread_tc(struct tna_model *m);
/* Link IFINDEX gets an address wider than link scope (a routed interface
 * for the rules): its tcx programs and disable_ipv6, polled only for such
 * links and ports, read now. */
void tna_model_l3_refresh(struct tna_model *m, int ifindex);
/* NAME of BPF program ID ("" when it cannot be read: gone, no permission). */
void tna_prog_name(uint32_t id, char name[16]);
#endif
