#!/bin/bash
# Quick live-frames measurement of the bridge pipeline against the bare
# redirect limit (not a test: no pass/fail on numbers).  In a private netns:
# a0-a1 and b1-b0 veth pairs; frames arrive on a1, leave through b1.
#   tests/datapath/perf.sh [FRAMES] [ROUNDS]
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
need_root
BUILD=${BUILD:-build}; TNA_BIN=${TNA_BIN:-$PWD/$BUILD/bin}
ns p >/dev/null
in_ns p ip link add a0 type veth peer name a1
in_ns p ip link add b0 type veth peer name b1
for i in a0 a1 b0 b1; do in_ns p ip link set $i up; done
in_ns p "$TNA_BIN/tna-dp-perf" a1 b1 b0 "${1:-2000000}" "${2:-5}"
