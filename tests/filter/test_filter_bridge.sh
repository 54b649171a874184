#!/bin/bash
# A bridge firewall in the bridge family (tests/filter/bridge_fw.topo)
# through the equivalence harness with the bridge generators' traffic
# (tests/equiv/scripts/bridge-static.traffic: learning, known and unknown
# unicast, broadcast, multicast, link-local, malformed, fragments,
# options, VLAN tags, ...): the DUT is tna-rt-test -b br0 --filter.
# Frames out of every port and the rule counter must equal plain Linux's;
# the fast path must have forwarded >= 500 frames per port and dropped
# some itself (the prerouting, forward and postrouting rules).
# Generic; MODE=native in the native test.
source "$(dirname "$0")/../lib/netns.sh"
need_root
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
MODE=${MODE:-generic}
export TNA_BIN TNA_ROOT
F=$TNA_ROOT/tests/filter
out=$(mktemp -d)
on_exit "rm -rf $out"
# the sources the prerouting rule drops: Linux never learns them
quiet="02:a0:00:01:00:02 02:a0:00:03:00:01"
/usr/bin/python3 "$TNA_ROOT/tests/equiv/equiv.py" --prefix "$TNA_NS-eq" --recipe "$F/bridge_fw.topo" \
	--script "$TNA_ROOT/tests/equiv/scripts/bridge-static.traffic" --out "$out/br" --save-pcaps \
	--json-out "$out/br.json" --dut-ready-line '^ready' \
	--dut-cmd "$F/equiv-dut-bridge.sh $MODE $quiet" >"$out/br.txt"
rc=$?
cat "$out/br.txt"
echo "--- DUT output"
cat "$out/br/tna-dut.log"
[[ $rc -eq 0 ]] || fail "not equivalent to Linux (exit $rc)"
grep -q 'nft-counters equal (1/1)' "$out/br.txt" || fail "the rule counter was not compared"
grep -q '^filter: to Linux: bridge fw forward, rule handle [0-9]*: counter' "$out/br/tna-dut.log" ||
	fail "the counted rule not reported as staying on Linux"
drops=0
for p in p1 p2 p3; do
	n=$(awk -v p="$p" '$1=="stats" && $2==p { sub("forwarded=","",$3); print $3 }' "$out/br/tna-dut.log")
	d=$(awk -v p="$p" '$1=="stats" && $2==p { for (i = 1; i <= NF; i++) if ($i ~ /^dropped=/) { sub("dropped=","",$i); print $i } }' "$out/br/tna-dut.log")
	(( ${n:-0} >= 500 )) || fail "$p forwarded only ${n:-0} frames by XDP"
	drops=$((drops + ${d:-0}))
done
(( drops >= 100 )) || fail "the fast path dropped only $drops frames itself"
echo "ok: bridge firewall ($MODE): equivalent to Linux, XDP forwarded >= 500 per port and dropped $drops"
