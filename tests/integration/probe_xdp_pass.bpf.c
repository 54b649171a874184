/* Tests only: a "foreign" XDP program for test_probe.sh to put on a veth
 * peer (gives the other end NDO_XMIT; shows up as a foreign program). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass_peer(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
