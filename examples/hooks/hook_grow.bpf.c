// SPDX-License-Identifier: GPL-2.0
/* Test hook that changes the frame's length after the ingress slot:
 * the pipeline keeps pointers into the frame, so it cannot load. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf/tna_hook.h"

int tna_hook_egress(struct xdp_md *ctx)
{
	if (bpf_xdp_adjust_tail(ctx, 0))
		return TNA_HOOK_PASS;
	return TNA_HOOK_CONTINUE;
}

char LICENSE[] SEC("license") = "GPL";
