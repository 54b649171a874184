#!/bin/bash
# Smoke test of our tools in the test kernel: the equivalence harness
# (tests/equiv, Python + scapy from the host's root) with tna-deploy
# (generic, FDB mirror asked for with TNA_FDB_MODE=mirror: the kfunc mode
# has vm_deploy_kfunc_equiv.sh) as the DUT on the 3-port bridge of tests/deploy,
# the harness's corner script (every generator, FDB flush, port down/up,
# STP states, aging).  One run (TCG is slow; the host tier runs the full
# set).  The fast path must have forwarded, and the result must be
# "equivalent".
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/vm/lib.sh
need_root
[[ ${TNA_VM:-} == 1 ]] || skip "runs in the test VM (make check-vm)"
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
EQ=$TNA_ROOT/tests/equiv
out=$(mktemp -d)
on_exit "rm -rf $out"

# tna-deploy as the DUT; on SIGTERM its counters go to $1 before it detaches.
cat > "$out/dut.sh" <<DUT
TNA_FDB_MODE=mirror setsid $TNA_BIN/tna-deploy --target generic -v & pid=\$!
trap '$TNA_BIN/tna-stat --json > "\$1"; kill -TERM \$pid; wait \$pid; exit 0' TERM
wait \$pid
DUT
vm_equiv "$TNA_ROOT/tests/deploy/bridge3-nf0.topo" "$EQ/scripts/corners.traffic" \
	"bash $out/dut.sh $out/stat.json" "$out" "tna-deploy (generic)"
fwd=$(jq '[.interfaces[] | select(.kind == "port") | .forwarded] | add' "$out/stat.json")
[[ $fwd -ge 100 ]] || fail "the fast path forwarded only ${fwd:-no} frames"
echo "ok: equivalent; the fast path forwarded $fwd frames"
[[ $(ip netns list | grep -c "^$TNA_NS-eq") -eq 0 ]] || fail "namespaces left behind"
echo "PASS"
