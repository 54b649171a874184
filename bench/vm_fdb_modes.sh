#!/bin/bash
# The bridge's FDB modes measured in the test kernel (make bench-vm, or
# kernel/vm-run.sh bench/vm_fdb_modes.sh [run.sh options]): one bench/run.sh
# invocation, configurations interleaved per round: Linux
# (linux-bridge-nf0), TNA native with the FDB mirror (bench/vm/tna-mirror.sh)
# and with the FDB kfunc (bench/vm/tna-kfunc.sh), the limit with two FDB
# lookups (xdp-fdb-limit) and the bare redirect (xdp-limit); 64 B frames,
# 1 and 1024 MACs, one generator CPU, 3 rounds.  Then the per-round ratios
# (bench/vm_fdb_ratios.py).  qemu runs the guest under TCG here: absolute
# Mpps mean nothing, ratios within a round do.  Options after the defaults
# go to bench/run.sh (--runs 5, --macs 1,4096, ...).  Results:
# $BUILD/bench-vm/fdb_modes.json and .txt.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
TNA_BIN=${TNA_BIN:-$PWD/$BUILD/bin}
"$TNA_BIN/tna-probe" 2>/dev/null | grep -q 'bpf_xdp_fdb_lookup yes' || {
	echo "bench/vm_fdb_modes.sh: no bpf_xdp_fdb_lookup in this kernel: run it in the test VM (make bench-vm)" >&2
	exit 2; }
out=$BUILD/bench-vm
mkdir -p "$out"
# TCG: a second of warm-up (a native redirect egress, a controller that
# just loaded), three measured
BUILD=$BUILD bench/run.sh --config-dir bench/vm \
	--configs linux-bridge-nf0,tna-mirror,tna-kfunc,xdp-fdb-limit,xdp-limit \
	--macs 1,1024 --size 64 --cpus 1 --runs 3 --duration 3 --warmup 1 --no-tcp \
	--json "$out/fdb_modes.json" "$@" 2>&1 | tee "$out/fdb_modes.txt"
rc=${PIPESTATUS[0]}
[[ -s $out/fdb_modes.json ]] || exit "$((rc ? rc : 1))"
echo
/usr/bin/python3 bench/vm_fdb_ratios.py "$out/fdb_modes.json" | tee -a "$out/fdb_modes.txt"
exit "$rc"
