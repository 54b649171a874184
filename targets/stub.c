/* Temporary stubs so that other branches can compile against the API. */
#include <errno.h>
#include "targets/datapath.h"
#include "targets/stats.h"

struct tna_dp *tna_dp__load(const struct tna_dp_opts *o) { errno = EOPNOTSUPP; return NULL; }
int tna_dp__attach(struct tna_dp *dp, int i) { return -EOPNOTSUPP; }
int tna_dp__detach(struct tna_dp *dp, int i) { return -EOPNOTSUPP; }
int tna_dp__foreign(int i, uint32_t *id, char n[16]) { return -EOPNOTSUPP; }
int tna_dp__replace(struct tna_dp *a, struct tna_dp *b) { return -EOPNOTSUPP; }
int tna_dp__port_set(struct tna_dp *dp, int i, const struct tna_port_cfg *c) { return -EOPNOTSUPP; }
int tna_dp__port_del(struct tna_dp *dp, int i) { return -EOPNOTSUPP; }
int tna_dp__port_get(const struct tna_dp *dp, int i, struct tna_port_cfg *c) { return -EOPNOTSUPP; }
int tna_dp__fdb_set(struct tna_dp *dp, const uint8_t m[6], uint16_t v, int p, uint32_t f) { return -EOPNOTSUPP; }
int tna_dp__fdb_del(struct tna_dp *dp, const uint8_t m[6], uint16_t v) { return -EOPNOTSUPP; }
int tna_dp__fdb_clear(struct tna_dp *dp) { return -EOPNOTSUPP; }
int tna_dp__fdb_for_each_used(struct tna_dp *dp, uint64_t s,
	int (*cb)(const uint8_t mac[6], uint16_t vlan, int port, uint64_t t, void *ctx), void *ctx) { return -EOPNOTSUPP; }
uint32_t tna_dp__xlated_insns(const struct tna_dp *dp) { return 0; }
uint32_t tna_dp__jited_bytes(const struct tna_dp *dp) { return 0; }
int tna_dp__prog_fd(const struct tna_dp *dp) { return -1; }
void tna_dp__destroy(struct tna_dp *dp) { }
int tna_xdp_features(int i, uint64_t *f) { return -EOPNOTSUPP; }
int tna_peer_gro_enable(int i, struct tna_gro_undo *u) { return -EOPNOTSUPP; }
int tna_peer_gro_undo(struct tna_gro_undo *u) { return -EOPNOTSUPP; }
int tna_stats_read(int i, struct tna_if_stats *o) { return -EOPNOTSUPP; }
void tna_stats_add(struct tna_if_stats *a, const struct tna_if_stats *b) { }
