/* Why a device refused the NIC stage, in the device's own words.  Inside
 * targets/offload/ only. */
#ifndef TNA_TARGETS_OFFLOAD_NIC_WHY_H
#define TNA_TARGETS_OFFLOAD_NIC_WHY_H
#include <stddef.h>

/* The line of a verifier log that says why: the last line a driver wrote
 * ("[nfp] ...", "[netdevsim] ..."), else the last line that is neither an
 * instruction, a source annotation nor the statistics.  "" when none. */
void tna_offload_verifier_msg(const char *log, char *out, size_t len);

/* A bpf_link attach returns only an errno.  Ask the same of the kernel
 * through netlink (HW mode, only if nothing is attached) to get its
 * extended ack into OUT; should that attach succeed, it is removed at
 * once.  Returns the netlink result (0 when it attached). */
int tna_offload_hw_attach_why(int ifindex, int prog_fd, char *out, size_t len);

#endif
