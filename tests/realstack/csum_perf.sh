#!/bin/bash
# What completing partial checksums costs the native bridge, against
# passing the frames to Linux (not a test: numbers only).  In a private
# netns: veth pairs a0-a1, c0-c1 and b1-b0, a1 c1 b1 in bridge br0; frames
# arrive on a1 (a0's tx checksumming on: a1 may receive partial checksums)
# or c1 (c0's off: nothing to do, the baseline) and leave through b1.
#   tests/realstack/csum_perf.sh [FRAMES] [ROUNDS]
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
need_root
BUILD=${BUILD:-build}; TNA_BIN=${TNA_BIN:-$PWD/$BUILD/bin}
ns p >/dev/null
in_ns p ip link add a0 type veth peer name a1
in_ns p ip link add c0 type veth peer name c1
in_ns p ip link add b0 type veth peer name b1
in_ns p ip link add br0 type bridge
for i in a1 c1 b1; do in_ns p ip link set $i master br0; done
for i in a0 a1 c0 c1 b0 b1 br0; do in_ns p ip link set $i up; done
in_ns p ethtool -K c0 tx off >/dev/null
in_ns p sysctl -qw net.bridge.bridge-nf-call-iptables=0 2>/dev/null
# the Linux bridge knows the destination and the sources (frames passed to it)
in_ns p bridge fdb add 02:00:00:00:00:b0 dev b1 master static
in_ns p bridge fdb add 02:00:00:00:00:a0 dev a1 master static
in_ns p bridge fdb add 02:00:00:00:00:c0 dev c1 master static
sleep 1	# ports to forwarding
in_ns p "$TNA_BIN/tna-csum-perf" a1 c1 b1 b0 "${1:-1000000}" "${2:-7}"
