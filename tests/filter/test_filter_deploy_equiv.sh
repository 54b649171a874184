#!/bin/bash
# tna-deploy with a firewall through the equivalence harness (tests/equiv):
# the home/edge router of home_router.topo (stateful forward chain with a
# drop policy, masquerade, a port forward, a counted rule) with the
# stateful traffic of gen_stateful.py (UDP flows assured and then fast,
# related ICMP errors, TCP handshakes and teardown, invalid packets, rule
# changes mid-stream followed by the running controller), with TCP window
# tracking and with nf_conntrack_tcp_be_liberal=1 set mid-script.  The DUT
# is `tna-deploy --target generic` (MODE=native: native), planned from the
# configuration like any deployment.  Frames out of every port, the
# conntrack table and the rule counters must equal plain Linux's; the
# plan must have compiled the rules (the counted rule named as left to
# Linux) and XDP must have forwarded >= 40 frames on each port (tna-stat,
# saved on SIGTERM).
source "$(dirname "$0")/../lib/netns.sh"
need_root
source "$TNA_ROOT/tests/filter/lib.sh"
command -v conntrack >/dev/null || skip "needs conntrack (package conntrack)"
MODE=${MODE:-generic}
F=$TNA_ROOT/tests/filter

# The DUT command: tna-deploy; on SIGTERM the counters are saved to $1
# before it detaches (setsid: the harness may signal the whole group).
cat >"$FILTER_OUT/dut.sh" <<EOF2
setsid $TNA_BIN/tna-deploy --target $MODE & pid=\$!
trap '$TNA_BIN/tna-stat --json > "\$1"; kill -TERM \$pid; wait \$pid; exit 0' TERM
wait \$pid
EOF2

run() {	# run NAME GEN-ARGS...
	local name=$1; shift
	/usr/bin/python3 "$F/gen_stateful.py" "$@" >"$FILTER_OUT/$name.traffic" ||
		fail "$name: cannot generate the traffic"
	filter_equiv "$name" "$F/home_router.topo" "$FILTER_OUT/$name.traffic" \
		"bash $FILTER_OUT/dut.sh $FILTER_OUT/$name.stat.json" 'tna-deploy: ready: .* router on'
	grep -q '^state: conntrack equal' "$FILTER_OUT/$name.txt" || fail "$name: conntrack not compared"
	grep -q 'netfilter sees routed traffic, compiled for IPv4' "$FILTER_OUT/$name/tna-dut.log" ||
		fail "$name: the plan did not compile the rules"
	grep -q 'to Linux where reached: inet forward: counter: inet fw forward, rule handle' \
		"$FILTER_OUT/$name/tna-dut.log" || fail "$name: the counted rule was not named"
	/usr/bin/python3 - "$FILTER_OUT/$name.stat.json" "$MODE" p1 p2 <<'PY' ||
import json, sys
by = {i["ifname"]: i for i in json.load(open(sys.argv[1]))["interfaces"]}
for p in sys.argv[3:]:
    i = by[p]
    print("run B: %s (%s) forwarded %d, dropped %d, passed %d %s" % (p, i["mode"], i["forwarded"],
          i.get("dropped", 0), i["passed_total"], {k: v for k, v in i["passed"].items() if v}))
    assert i["mode"] == sys.argv[2] and i["forwarded"] >= 40, i
PY
		fail "$name: XDP did not forward on p1 and p2"
	echo "ok: $name: tna-deploy ($MODE) equivalent to Linux (frames, conntrack, counters), XDP forwarded on p1 p2"
}

run stateful
run stateful_liberal --liberal
