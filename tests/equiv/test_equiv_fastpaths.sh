#!/bin/bash
# The harness plugged into the real fast paths through --dut-cmd:
#   router: tna-rt-test on router3.topo + routed.traffic;
#   bridge: tna-dp-test with a static FDB of every generated MAC on
#           bridge3-nobrnf.topo + bridge-static.traffic (no MAC moves);
# generic and native, each must be "equivalent" with frames really forwarded
# by XDP.  Each part skips when its tool is not built (they come from the
# router and datapath work).
source "$(dirname "$0")/../lib/netns.sh"
need_root
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
EQ=$TNA_ROOT/tests/equiv
out=$(mktemp -d)
on_exit "rm -rf $out"
ran=0

# eq NAME RECIPE SCRIPT DUT-CMD [equiv.py options]: must be equivalent
eq() {
	local name=$1 recipe=$2 script=$3 cmd=$4 rc
	shift 4
	/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" --recipe "$EQ/recipes/$recipe" \
		--script "$EQ/scripts/$script" --out "$out/$name" --json-out "$out/$name.json" \
		--dut-cmd "$cmd" --dut-ready-line '^ready' "$@" >"$out/$name.txt"
	rc=$?
	cat "$out/$name.txt"
	[[ $rc -eq 0 ]] || fail "$name: exit $rc, want 0 (equivalent)"
	echo "ok: $name: equivalent"
	[[ -z $(ip netns list | grep "^$TNA_NS-eq") ]] || fail "$name: namespaces left behind"
}

if [[ -x $TNA_BIN/tna-rt-test ]]; then
	for t in generic native; do
		eq router-$t router3.topo routed.traffic "$TNA_BIN/tna-rt-test -i p1 -i p2 -i p3 --target $t"
		/usr/bin/python3 - "$out/router-$t.json" <<'PY' || fail "router-$t: XDP forwarded nothing"
import json, re, sys
tail = json.load(open(sys.argv[1]))["runs"]["b"]["dut_output_tail"]
fwd = sum(int(m.group(1)) for l in tail for m in [re.search(r"forwarded=(\d+)", l)] if m)
print("\n".join(tail))
assert fwd >= 1000, fwd
print("ok: the router fast path forwarded %d frames itself" % fwd)
PY
	done
	ran=1
else
	echo "router part skipped: $TNA_BIN/tna-rt-test not built"
fi

if [[ -x $TNA_BIN/tna-dp-test && -x $TNA_BIN/tna-stat ]]; then
	fdb=
	for n in 1 2 3; do
		fdb+=" --fdb 02:10:00:00:00:0$n=p$n"
		for k in 1 2 3; do fdb+=" --fdb 02:a0:00:0$n:00:0$k=p$n"; done
	done
	for t in generic native; do
		eq bridge-$t bridge3-nobrnf.topo bridge-static.traffic "$TNA_BIN/tna-dp-test -b br0 --target $t$fdb" \
			--dut-stats "$TNA_BIN/tna-stat -i br0"
		/usr/bin/python3 - "$out/bridge-$t.json" <<'PY' || fail "bridge-$t: XDP forwarded too little"
import json, re, sys
stats = json.load(open(sys.argv[1]))["runs"]["b"]["dut_stats"] or []
fwd = sum(int(m.group(1)) for l in stats for m in [re.search(r"forwarded (\d+)", l)] if m)
assert fwd >= 1000, stats
print("ok: the bridge fast path forwarded %d frames itself" % fwd)
PY
	done
	ran=1
else
	echo "bridge part skipped: $TNA_BIN/tna-dp-test or tna-stat not built"
fi
[[ $ran -eq 1 ]] || skip "no fast path built here (tna-rt-test; tna-dp-test + tna-stat)"
