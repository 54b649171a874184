// SPDX-License-Identifier: GPL-2.0
/* A stand-in for somebody else's XDP program (tests only). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int foreign_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
