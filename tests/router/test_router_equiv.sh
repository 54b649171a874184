#!/bin/bash
# The router fast path through the equivalence harness (tests/equiv):
# routed IPv4 traffic with its corner cases (TTL 0/1, no route, options,
# fragments, bad checksums, DF packets over the MTU, a route change, a
# neighbour flush) must leave the DUT exactly as with plain Linux, on
# router3.topo (3 plain ports) and router_bridge.topo (a plain port and a
# bridge with an address; ICMP redirects off there, as the kernel limits
# them by timing), ICMP redirects on the same topology with paced frames
# (redirect.traffic: 6 must leave in both runs); and IPv6 on router6.topo with the seeded script
# of gen_routed6.py (hop limit 0/1, hop-by-hop, fragments, no route,
# blackhole, too big, multicast, to the DUT, a route change).  And the fast
# path must have done the work: the DUT's counters show >= 1000 frames
# (IPv6: >= 500) forwarded by XDP on each routed port.
# Generic; MODE=native in the native test.
source "$(dirname "$0")/../lib/netns.sh"
need_root
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
MODE=${MODE:-generic}
export TNA_BIN
EQ=$TNA_ROOT/tests/equiv
out=$(mktemp -d)
on_exit "rm -rf $out"

run() {	# run NAME RECIPE SCRIPT PORTS-ARGS MIN-PORTS...
	local name=$1 recipe=$2 script=$3 ifs=$4 rc; shift 4
	/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" --recipe "$recipe" \
		--script "$script" --out "$out/$name" --save-pcaps \
		--json-out "$out/$name.json" --dut-ready-line '^ready' \
		--dut-cmd "$TNA_ROOT/tests/router/equiv-dut.sh $MODE $ifs" >"$out/$name.txt"
	rc=$?
	cat "$out/$name.txt"
	echo "--- DUT output"
	cat "$out/$name/tna-dut.log"
	[[ $rc -eq 0 ]] || fail "$name: not equivalent to Linux (exit $rc)"
	for p in "$@"; do
		n=$(awk -v p="$p" '$1=="stats" && $2==p { sub("forwarded=","",$3); print $3 }' "$out/$name/tna-dut.log")
		(( ${n:-0} >= ${MIN_FWD:-1000} )) || fail "$name: $p forwarded only ${n:-0} by XDP"
	done
	[[ -z $(ip netns list | grep "^$TNA_NS-eq") ]] || fail "$name: namespaces left behind"
	echo "ok: $name ($MODE): equivalent to Linux, XDP forwarded on $*"
}

# redirects_sent DIR N LABEL...: each run's pcaps (DIR/LABEL-h*.pcap)
# hold exactly N ICMP redirects, so the redirect step tested something
redirects_sent() {
	local dir=$1 want=$2 label n f; shift 2
	for label in "$@"; do
		n=0
		for f in "$dir/$label"-h*.pcap; do
			n=$((n + $(tcpdump -r "$f" -nn 'icmp[0] == 5' 2>/dev/null | wc -l)))
		done
		[[ $n -eq $want ]] || fail "$label: $n ICMP redirects left the DUT, want $want"
	done
	echo "ok: $want ICMP redirects in each run"
}

run router3 "$EQ/recipes/router3.topo" "$EQ/scripts/routed.traffic" "-i p1 -i p2 -i p3" p1 p2 p3
run router_bridge "$TNA_ROOT/tests/router/router_bridge.topo" \
	"$TNA_ROOT/tests/router/routed_bridge.traffic" "-i p1" p1 p2
# ICMP redirects (off in router_bridge.topo: the kernel limits them by
# timing), paced so that all 6 leave in both runs; the fast path must pass
# h2's frames, routed back out br0, for Linux to send them.
run redirect "$TNA_ROOT/tests/router/router_bridge.topo" \
	"$TNA_ROOT/tests/router/redirect.traffic" "-i p1"
redirects_sent "$out/redirect" 6 linux tna
# IPv6: a seeded script from tests/router/gen_routed6.py (literal frames)
/usr/bin/python3 "$TNA_ROOT/tests/router/gen_routed6.py" 1 1500 >"$out/routed6.traffic" ||
	fail "cannot generate the IPv6 traffic"
MIN_FWD=500 run router6 "$TNA_ROOT/tests/router/router6.topo" "$out/routed6.traffic" \
	"-i p1 -i p2 -i p3" p1 p2 p3
