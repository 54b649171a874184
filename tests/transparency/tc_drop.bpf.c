// SPDX-License-Identifier: GPL-2.0
/* A tc classifier that drops everything (direct action): the transparency
 * tests attach it with `tc filter ... bpf da` where gact is not built in. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("tc")
int tna_tc_drop(struct __sk_buff *skb)
{
	return 2;	/* TC_ACT_SHOT */
}

char LICENSE[] SEC("license") = "GPL";
