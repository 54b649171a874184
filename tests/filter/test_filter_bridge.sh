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
source "$TNA_ROOT/tests/filter/lib.sh"
MODE=${MODE:-generic}
F=$TNA_ROOT/tests/filter
# the sources the prerouting rule drops: Linux never learns them
quiet="02:a0:00:01:00:02 02:a0:00:03:00:01"
filter_equiv br "$F/bridge_fw.topo" "$TNA_ROOT/tests/equiv/scripts/bridge-static.traffic" \
	"$F/equiv-dut-bridge.sh $MODE $quiet"
grep -q 'nft-counters equal (1/1)' "$FILTER_OUT/br.txt" || fail "the rule counter was not compared"
grep -q '^filter: to Linux: bridge fw forward, rule handle [0-9]*: counter' "$FILTER_OUT/br/tna-dut.log" ||
	fail "the counted rule not reported as staying on Linux"
drops=0
for p in p1 p2 p3; do
	n=$(filter_stat br "$p" forwarded)
	(( ${n:-0} >= 500 )) || fail "$p forwarded only ${n:-0} frames by XDP"
	drops=$((drops + $(filter_stat br "$p" dropped || echo 0) + 0))
done
(( drops >= 100 )) || fail "the fast path dropped only $drops frames itself"
echo "ok: bridge firewall ($MODE): equivalent to Linux, XDP forwarded >= 500 per port and dropped $drops"
