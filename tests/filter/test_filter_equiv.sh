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
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
command -v conntrack >/dev/null || skip "needs conntrack (package conntrack)"
MODE=${MODE:-generic}
export TNA_BIN TNA_ROOT
EQ=$TNA_ROOT/tests/equiv
F=$TNA_ROOT/tests/filter
out=$(mktemp -d)
on_exit "rm -rf $out"

run() {	# run NAME GEN-ARGS...
	local name=$1 rc; shift
	/usr/bin/python3 "$F/gen_stateful.py" "$@" >"$out/$name.traffic" ||
		fail "$name: cannot generate the traffic"
	/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" --recipe "$F/home_router.topo" \
		--script "$out/$name.traffic" --out "$out/$name" --save-pcaps \
		--json-out "$out/$name.json" --dut-ready-line '^ready' \
		--dut-cmd "$F/equiv-dut.sh $MODE" >"$out/$name.txt"
	rc=$?
	cat "$out/$name.txt"
	echo "--- DUT output"
	cat "$out/$name/tna-dut.log"
	[[ $rc -eq 0 ]] || fail "$name: not equivalent to Linux (exit $rc)"
	grep -q '^state: conntrack equal' "$out/$name.txt" || fail "$name: conntrack not compared"
	grep -q 'to Linux: inet fw forward, rule handle [0-9]*: counter' "$out/$name/tna-dut.log" ||
		fail "$name: the counted rule was not reported as staying on Linux"
	for p in p1 p2; do
		n=$(awk -v p="$p" '$1=="stats" && $2==p { sub("forwarded=","",$3); print $3 }' "$out/$name/tna-dut.log")
		(( ${n:-0} >= 40 )) || fail "$name: $p forwarded only ${n:-0} frames by XDP"
	done
	[[ -z $(ip netns list | grep "^$TNA_NS-eq") ]] || fail "$name: namespaces left behind"
	echo "ok: $name ($MODE): equivalent to Linux (frames, conntrack, counters), XDP forwarded on p1 p2"
}

run stateful
run stateful_liberal --liberal
