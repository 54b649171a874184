#!/bin/bash
# DUT command for the equivalence harness: tna-rt-test on the DUT ports,
# with the bridge (if any) and its FDB mirror filled from the kernel FDB.
#   equiv-dut.sh MODE [tna-rt-test args...]
mode=$1; shift
args=(--target "$mode")
[[ $mode == native ]] && args+=(--peer-gro)
if ip link show br0 >/dev/null 2>&1; then
	args+=(-b br0)
	while read -r mac dev port rest; do
		[[ $dev == dev && $rest != *self* && $rest != *vlan* ]] || continue
		if [[ $rest == *permanent* ]]; then args+=(--local "$mac")
		else args+=(--fdb "$mac=$port"); fi
	done < <(bridge fdb show br br0)
fi
exec "$TNA_BIN/tna-rt-test" "${args[@]}" "$@"
