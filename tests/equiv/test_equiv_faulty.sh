#!/bin/bash
# Equivalence harness self-test: deliberately wrong fast paths must be caught.
# tna-test-faulty (tests/equiv/faulty.bpf.c) is run as the DUT command of run B:
#   drop-nth  (native)  drops every 1000th frame;
#   bcast-one (native and generic) sends broadcasts to p3 only (devmap redirect).
# Each must be reported "different" (exit 1) with the first differing frame
# shown as a hexdump and decoded, pcaps of both runs per port saved.
source "$(dirname "$0")/../lib/netns.sh"
need_root
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
[[ -x $TNA_BIN/tna-test-faulty ]] || fail "build/bin/tna-test-faulty missing: run make"
export TNA_BIN

EQ=$TNA_ROOT/tests/equiv
out=$(mktemp -d)
on_exit "rm -rf $out"

# run NAME DUT-CMD: the 10k mix against a faulty DUT; must exit 1.
run() {
	local name=$1 cmd=$2 rc
	/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" --recipe "$EQ/recipes/bridge3.topo" \
		--script "$EQ/scripts/mix10k.traffic" --out "$out/$name" --json-out "$out/$name.json" \
		--dut-cmd "$cmd" --dut-ready-line '^ready' >"$out/$name.txt"
	rc=$?
	cat "$out/$name.txt"
	[[ $rc -eq 1 ]] || fail "$name: exit $rc, want 1 (different)"
	check "$name: text says different" grep -qx 'RESULT: different' "$out/$name.txt"
	check "$name: first differing frame named" grep -q '^first difference: port h[123]: ' "$out/$name.txt"
	check "$name: hexdump shown" grep -qE '^0000  ([0-9a-f]{2} ){6}' "$out/$name.txt"
	check "$name: decode shown" grep -q '^###\[ Ethernet \]###' "$out/$name.txt"
	check "$name: traced to its injected frame" grep -q '^  injected at h[123] as frame #' "$out/$name.txt"
	[[ -z $(ip netns list | grep "^$TNA_NS-eq") ]] || fail "$name: namespaces left behind"
	echo "ok: $name: no namespace left behind"
}

# pcaps COUNT-CHECK: every per-port pcap holds what the report counted
pcaps_match() {
	/usr/bin/python3 - "$out/$1" "$out/$1.json" <<'PY'
import json, os, sys
from scapy.utils import rdpcap
d, r = sys.argv[1], json.load(open(sys.argv[2]))
for p, v in r["ports"].items():
    for k, label in (("a", "linux"), ("b", "tna")):
        f = os.path.join(d, "%s-%s.pcap" % (label, p))
        assert f in r["pcaps"], f
        n = len(rdpcap(f))
        assert n >= v[k], (f, n, v)          # masks may hide frames from the count
    assert os.path.exists(os.path.join(d, "injected-%s.pcap" % p))
print("ok: pcaps of both runs for every port, with the frames the report counted")
PY
}

run drop-nth '$TNA_BIN/tna-test-faulty --mode drop-nth --every 1000 $EQUIV_DUT_PORTS'
/usr/bin/python3 - "$out/drop-nth.json" <<'PY' || fail "drop-nth: JSON report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["result"] == "different"
lost = sum(v["only_a"] for v in r["ports"].values())
extra = sum(v["only_b"] for v in r["ports"].values())
# 10000 frames, every 1000th dropped: 10 ingress frames lost, each one
# flooded to at most 2 ports.  With seed 1 none of them is a frame the bridge
# learns from, so run B sends nothing Linux did not.
assert 1 <= lost <= 20 and extra == 0, (lost, extra)
fd = r["first_difference"]
assert fd["kind"] == "frame" and fd["present_in"] == "a" and fd["missing_in"] == "b", fd
assert fd["frame_injected_as"], fd
print("ok: drop-nth: %d frames missing in run B, none extra" % lost)
PY
check "drop-nth: the faulty program broke frames" grep -qE 'stopped: [0-9]+ frames seen, ([1-9][0-9]*) broken' "$out/drop-nth/tna-dut.log"
pcaps_match drop-nth || fail "drop-nth: pcaps"

for mode in native generic; do
	g=; [[ $mode == generic ]] && g=--generic
	run bcast-$mode "\$TNA_BIN/tna-test-faulty $g --mode bcast-one --to p3 \$EQUIV_DUT_PORTS"
	/usr/bin/python3 - "$out/bcast-$mode.json" <<'PY' || fail "bcast-$mode: JSON report"
import json, sys
r = json.load(open(sys.argv[1]))
P = r["ports"]
assert r["result"] == "different"
# broadcasts from h1/h2 reach h3 only: h1 and h2 miss them (and see nothing
# Linux did not send them); the first missing frame is a broadcast.
assert P["h1"]["only_a"] > 0 and P["h2"]["only_a"] > 0, P
assert P["h1"]["only_b"] == 0 and P["h2"]["only_b"] == 0, P
fd = r["first_difference"]
assert fd["kind"] == "frame" and fd["missing_in"] == "b" and fd["port"] in ("h1", "h2"), fd
assert fd["frame_hex"].startswith("ff" * 6), fd["frame_hex"][:12]
print("ok: broadcast to one port caught: first missing frame is a broadcast on", fd["port"])
PY
	pcaps_match bcast-$mode || fail "bcast-$mode: pcaps"
done
