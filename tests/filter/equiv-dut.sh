#!/bin/bash
# DUT command for the equivalence harness: tna-rt-test with the compiled
# ruleset (--filter) on every DUT port.   equiv-dut.sh MODE [args...]
mode=$1; shift
args=(--target "$mode" --filter)
[[ $mode == native ]] && args+=(--peer-gro)
for p in $EQUIV_DUT_PORTS; do args+=(-i "$p"); done
exec "$TNA_BIN/tna-rt-test" "${args[@]}" "$@"
