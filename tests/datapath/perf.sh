#!/bin/bash
# Quick live-frames measurement of the bridge pipeline against the bare
# redirect limit (not a test: no pass/fail on numbers).  In a private netns:
# a0-a1 and b1-b0 veth pairs, a1 b1 in bridge br0; frames arrive on a1,
# leave through b1.
#   tests/datapath/perf.sh [FRAMES] [ROUNDS]
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
need_root
BUILD=${BUILD:-build}; TNA_BIN=${TNA_BIN:-$PWD/$BUILD/bin}
ns p >/dev/null
in_ns p ip link add a0 type veth peer name a1
in_ns p ip link add b0 type veth peer name b1
in_ns p ip link add br0 type bridge
in_ns p ip link set a1 master br0
in_ns p ip link set b1 master br0
for i in a0 a1 b0 b1 br0; do in_ns p ip link set $i up; done
# the Linux bridge learns the destination (one frame from b0's side)
in_ns p bridge fdb add 02:00:00:00:00:b0 dev b1 master static
# TNA_PERF_TX=off: a0 sends complete checksums only (the csum module then
# costs one load per frame: see bpf/fpm/csum.h)
[ "${TNA_PERF_TX:-}" = off ] && in_ns p ethtool -K a0 tx off >/dev/null
sleep 1	# ports to forwarding
in_ns p "$TNA_BIN/tna-dp-perf" a1 b1 b0 "${1:-2000000}" "${2:-5}"
