#!/bin/bash
# The netfilter fast path through the equivalence harness (tests/equiv):
# a home/edge router (tests/filter/home_router.topo: stateful forward chain
# with a drop policy, masquerade, a port forward, a counted rule) with the
# stateful traffic of gen_stateful.py (UDP flows assured and then fast,
# related ICMP errors, TCP handshakes and teardown, invalid packets, a
# rule change mid-stream), once with TCP window tracking (TCP stays on
# Linux) and once with nf_conntrack_tcp_be_liberal=1 set mid-script (TCP
# established packets fast too).  Frames out of every port, the conntrack
# table and the rule counters must equal plain Linux's, and the fast path
# must have done part of the work: >= 40 frames forwarded by XDP per port.
# Generic; MODE=native in the native test.
source "$(dirname "$0")/../lib/netns.sh"
need_root
source "$TNA_ROOT/tests/filter/lib.sh"
command -v conntrack >/dev/null || skip "needs conntrack (package conntrack)"
MODE=${MODE:-generic}
F=$TNA_ROOT/tests/filter

run() {	# run NAME GEN-ARGS...
	local name=$1 n; shift
	/usr/bin/python3 "$F/gen_stateful.py" "$@" >"$FILTER_OUT/$name.traffic" ||
		fail "$name: cannot generate the traffic"
	filter_equiv "$name" "$F/home_router.topo" "$FILTER_OUT/$name.traffic" "$F/equiv-dut.sh $MODE"
	grep -q '^state: conntrack equal' "$FILTER_OUT/$name.txt" || fail "$name: conntrack not compared"
	grep -q 'to Linux: inet fw forward, rule handle [0-9]*: counter' "$FILTER_OUT/$name/tna-dut.log" ||
		fail "$name: the counted rule was not reported as staying on Linux"
	for p in p1 p2; do
		n=$(filter_stat "$name" "$p" forwarded)
		(( ${n:-0} >= 40 )) || fail "$name: $p forwarded only ${n:-0} frames by XDP"
	done
	echo "ok: $name ($MODE): equivalent to Linux (frames, conntrack, counters), XDP forwarded on p1 p2"
}

run stateful
run stateful_liberal --liberal
