// SPDX-License-Identifier: GPL-2.0
/* Test hook with the wrong prototype: tna-deploy must refuse it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf/tna_hook.h"

int tna_hook_classified(struct xdp_md *ctx, int extra)
{
	return extra ? TNA_HOOK_DROP : TNA_HOOK_CONTINUE;
}

char LICENSE[] SEC("license") = "GPL";
