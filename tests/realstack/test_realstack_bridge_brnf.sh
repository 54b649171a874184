#!/bin/bash
# test_realstack_bridge with the bridge-nf calls on (the kernel default):
# the plan adds br_netfilter's checks (brnf_*), and the bridge's own entry
# (tna_l2) then takes the partial-checksum decisions of IPv4 frames from
# the header brnf_ipv4 checked (fpm_csum_brnf in bpf/fpm/csum.h).
RS_NF_CALL=1 exec bash "$(dirname "$0")/test_realstack_bridge.sh"
