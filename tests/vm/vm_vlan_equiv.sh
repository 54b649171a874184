#!/bin/bash
# A bridge with VLAN filtering (802.1Q) under tna-deploy against plain
# Linux, frame by frame (tests/equiv harness): untagged and tagged
# ingress, pvid, VLANs not on the port, priority tags and 802.1ad (to
# Linux), egress untagged (tag popped) and tagged (pushed, or kept with
# its priority), the same MAC in two VLANs, a MAC learned in one VLAN and
# sent to from another, and VLAN changes in the middle (egress flag, a
# VLAN removed and added back, a per-VLAN STP state, a port moved to
# another VLAN).  Frames: tests/vm/vlan_traffic.py, topology
# tests/vm/vlan.topo.  MODE=native for the native target (vm_vlan_equiv_native.sh).
# The fast path must have forwarded, and pushed and popped tags itself.
# Then the same with a test-only switch that breaks the VLAN tables
# (TNA_FAULT_VLAN: generic "untagged", every VLAN written as untagged:
# tags popped, never pushed; native "stale": VLAN changes not followed):
# that must be found different, so this test can fail.  (A fast path that
# ignores VLANs altogether finds no FDB entry under VLAN 0 and passes
# every frame: equivalent, and caught by the forwarded count.)  The host's kernel has no VLAN filtering: test VM only.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/lib/tna_equiv.sh
need_root
zcat /proc/config.gz 2>/dev/null | grep -q '^CONFIG_BRIDGE_VLAN_FILTERING=y' ||
	skip "kernel without bridge VLAN filtering (runs in the test VM: make check-vm)"
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
MODE=${MODE:-generic}
EQ=$TNA_ROOT/tests/equiv
out=$(mktemp -d)
on_exit "rm -rf $out"
/usr/bin/python3 tests/vm/vlan_traffic.py > "$out/vlan.traffic" || fail "cannot write the traffic script"

run_eq() {	# name [env for tna-deploy]
	tna_dut_script "$out/dut-$1.sh" "$MODE" "${@:2}"
	/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" \
		--recipe tests/vm/vlan.topo --script "$out/vlan.traffic" \
		--dut-cmd "bash $out/dut-$1.sh $out/$1.stat.json" \
		--dut-sync "$TNA_BIN/tna-deploy --sync" \
		--dut-ready-line 'tna-deploy: ready' --out "$out/$1" \
		--json-out "$out/$1.json" > "$out/$1.txt"
}

run_eq vlan
rc=$?
cat "$out/vlan.txt"
if [[ $rc -ne 0 ]]; then
	for f in "$out/vlan"/*.log; do [[ -f $f ]] && { echo "== $f"; tail -40 "$f"; }; done
	fail "TNA $MODE on a VLAN bridge is not equivalent to Linux (exit $rc)"
fi
tna_fast_path_did "$out/vlan.stat.json" "$MODE" 200 ||
	fail "the fast path did not forward in run B"
# the VLAN module ran: its reasons were counted, and the tag was pushed
# and popped by XDP (frames that left the fast path to a port of another
# tagging than they came with)
/usr/bin/python3 - "$out/vlan.stat.json" <<'PY' || fail "the VLAN module did not run"
import json, sys
s = json.load(open(sys.argv[1]))
ports = [i for i in s["interfaces"] if i.get("kind") == "port"]
why = {}
for i in ports:
    for r, n in (i.get("passed") or {}).items():
        why[r] = why.get(r, 0) + n
need = ["vlan_ingress", "vlan_no_pvid", "vlan_prio_tagged", "vlan_other_proto"]
missing = [r for r in need if not why.get(r)]
print("VLAN reasons:", ", ".join("%s %d" % (r, n) for r, n in sorted(why.items()) if r.startswith("vlan")))
assert not missing, missing
PY
echo "ok: TNA $MODE equivalent to plain Linux on a VLAN bridge"

# A fast path with wrong VLAN tables must be found different.
[[ $MODE == native ]] && f=stale || f=untagged
run_eq fault TNA_FAULT_VLAN=$f
rc=$?
grep -A3 '^first difference' "$out/fault.txt"; tail -1 "$out/fault.txt"
[[ $rc -eq 1 ]] || fail "VLAN tables broken ($f) were not found different (exit $rc)"
echo "ok: VLAN tables broken ($f) are found different"
[[ $(ip netns list | grep -c "^$TNA_NS-eq") -eq 0 ]] || fail "namespaces left behind"
echo "PASS"
