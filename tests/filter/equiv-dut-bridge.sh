#!/bin/bash
# DUT command for the bridge firewall: tna-rt-test -b br0 --filter with a
# static FDB mirror of every MAC the harness's generators use (as
# tests/equiv/test_equiv_fastpaths.sh does for the bridge), except the
# MACs given: sources a prerouting rule drops, which Linux never learns
# (learning comes after prerouting), so a mirror of the kernel FDB would
# not hold them either.
#   equiv-dut-bridge.sh MODE [UNLEARNED-MAC...]
mode=$1; shift
args=(--target "$mode" -b br0 --filter)
[[ $mode == native ]] && args+=(--peer-gro)
for n in 1 2 3; do
	for mac in "02:10:00:00:00:0$n" "02:a0:00:0$n:00:01" "02:a0:00:0$n:00:02" "02:a0:00:0$n:00:03"; do
		[[ " $* " == *" $mac "* ]] || args+=(--fdb "$mac=p$n")
	done
done
exec "$TNA_BIN/tna-rt-test" "${args[@]}"
