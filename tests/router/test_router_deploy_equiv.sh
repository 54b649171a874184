#!/bin/bash
# tna-deploy as the router, through the equivalence harness (tests/equiv):
# `tna-deploy --target generic` (MODE=native: native) is the DUT command on
# router3.topo with scripts/routed.traffic (3 plain routed ports: TTL 0/1,
# no route, options, fragments, bad checksums, DF over the MTU, a route
# change, a neighbour flush), on router_bridge.topo (a plain port and a
# bridge with an address, one pipeline) with routed_bridge.traffic, and
# IPv6 on router6.topo with gen_routed6.py's seeded script.  The
# DUT's output must be the same as plain Linux's, and the fast path must
# have done the work: in run B, tna-stat (saved on SIGTERM) shows >= 1000
# frames (IPv6: >= 500) forwarded by XDP on each routed port named.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
need_root
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
MODE=${MODE:-generic}
EQ=$TNA_ROOT/tests/equiv
out=$(mktemp -d)
on_exit "rm -rf $out"

# The DUT command: tna-deploy; on SIGTERM the counters (tna-stat --json)
# are saved to $1 before it detaches (setsid: the harness may signal our
# whole process group, and the programs must still be there to be read).
cat > "$out/dut.sh" <<EOF2
setsid $TNA_BIN/tna-deploy --target $MODE & pid=\$!
trap '$TNA_BIN/tna-stat --json > "\$1"; kill -TERM \$pid; wait \$pid; exit 0' TERM
wait \$pid
EOF2

run() {	# run NAME RECIPE SCRIPT PORT...
	local name=$1 recipe=$2 script=$3 rc; shift 3
	/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" --recipe "$recipe" \
		--script "$script" --out "$out/$name" --json-out "$out/$name.json" \
		--dut-cmd "bash $out/dut.sh $out/$name.stat.json" \
		--dut-ready-line 'tna-deploy: ready: .* router on' >"$out/$name.txt"
	rc=$?
	cat "$out/$name.txt"
	if [[ $rc -ne 0 ]]; then
		for f in "$out/$name"/*.log; do [[ -f $f ]] && { echo "== $f"; tail -30 "$f"; }; done
		fail "$name: tna-deploy ($MODE) is not equivalent to Linux (exit $rc)"
	fi
	/usr/bin/python3 - "$out/$name.stat.json" "$MODE" "$@" <<'PY' || fail "$name: the fast path did not route in run B"
import json, os, sys
s = json.load(open(sys.argv[1]))
by = {i["ifname"]: i for i in s["interfaces"]}
for p in sys.argv[3:]:
    i = by[p]
    print("run B: %s (%s) forwarded %d, passed %d %s" % (p, i["mode"], i["forwarded"],
          i["passed_total"], {k: v for k, v in i["passed"].items() if v}))
    assert i["mode"] == sys.argv[2], i
    assert i["forwarded"] >= int(os.environ.get("MIN_FWD", "1000")), i
PY
	[[ -z $(ip netns list | grep "^$TNA_NS-eq") ]] || fail "$name: namespaces left behind"
	echo "ok: $name: tna-deploy ($MODE) equivalent to plain Linux, XDP routed on $*"
}

run router3 "$EQ/recipes/router3.topo" "$EQ/scripts/routed.traffic" p1 p2 p3
run router_bridge "$TNA_ROOT/tests/router/router_bridge.topo" \
	"$TNA_ROOT/tests/router/routed_bridge.traffic" p1 p2
# IPv6: the seeded script of tests/router/gen_routed6.py (literal frames)
/usr/bin/python3 "$TNA_ROOT/tests/router/gen_routed6.py" 1 1500 >"$out/routed6.traffic" ||
	fail "cannot generate the IPv6 traffic"
MIN_FWD=500 run router6 "$TNA_ROOT/tests/router/router6.topo" "$out/routed6.traffic" p1 p2 p3
