// SPDX-License-Identifier: GPL-2.0
/* The smallest hook (slot ingress): always go on.  Measures what a hook
 * costs (bench) and shows the counters move. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf/tna_hook.h"

int tna_hook_ingress(struct xdp_md *ctx)
{
	return TNA_HOOK_CONTINUE;
}

char LICENSE[] SEC("license") = "GPL";
