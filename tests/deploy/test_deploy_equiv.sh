#!/bin/bash
# Equivalence of the TNA bridge with plain Linux (tests/equiv harness) on a
# 3-host bridge: the harness's corner script (every generator, FDB flush,
# port down/up, STP states, aging) and ours (static FDB entry, port
# blocking then removed, malformed frames, random mix) with br_netfilter
# off, and the corner script with br_netfilter on (no rules), with
# `tna-deploy --target $MODE` (generic; MODE=native for native) as the DUT
# command.  Also checks that the fast path really forwarded in run B.
# After each configuration command of a script the harness waits for
# `tna-deploy --sync`: TNA follows a change Linux makes on its own (FDB
# flush, port down, STP state) with the event latency, a bound the README
# states; what these scripts check is that it then follows it exactly.
# Traffic-driven changes (MAC moves, learning) are not waited for.  Any
# difference is a failure, the first time.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/lib/tna_equiv.sh
need_root
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
MODE=${MODE:-generic}
EQ=$TNA_ROOT/tests/equiv
out=$(mktemp -d)
on_exit "rm -rf $out"

tna_dut_script "$out/dut.sh" "$MODE"

run_eq() {	# script name [recipe]
	/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" \
		--recipe "${3:-$TNA_ROOT/tests/deploy/bridge3-nf0.topo}" --script "$1" \
		--dut-cmd "bash $out/dut.sh $out/$2.stat.json" \
		--dut-sync "$TNA_BIN/tna-deploy --sync" \
		--dut-ready-line 'tna-deploy: ready' --out "$out/$2" \
		--json-out "$out/$2.json" > "$out/$2.txt"
}

# corners and ours with br_netfilter off; corners again on the harness's
# own recipe, and its 10k random mix (malformed IP and ARP included), where
# br_netfilter is on (kernel default, no rules): the fast
# path then checks and trims IP headers as br_netfilter does (brnf modules).
for run in corners:"$EQ/scripts/corners.traffic" bridge-tna:"$TNA_ROOT/tests/deploy/bridge-tna.traffic" \
	   corners-brnf:"$EQ/scripts/corners.traffic":"$EQ/recipes/bridge3.topo" \
	   mix10k-brnf:"$EQ/scripts/mix10k.traffic":"$EQ/recipes/bridge3.topo"; do
	IFS=: read -r name script recipe <<<"$run"
	run_eq "$script" "$name" $recipe
	rc=$?
	cat "$out/$name.txt"
	if [[ $rc -ne 0 ]]; then
		for f in "$out/$name"/*.log; do [[ -f $f ]] && { echo "== $f"; tail -30 "$f"; }; done
		fail "$name: TNA $MODE is not equivalent to Linux (exit $rc)"
	fi
	# not vacuous: XDP forwarded part of it (after a MAC move or a new MAC
	# it waits for the controller's confirmation: a few hundred frames)
	tna_fast_path_did "$out/$name.stat.json" "$MODE" 200 ||
		fail "$name: the fast path did not forward in run B"
	echo "ok: $name: TNA $MODE equivalent to plain Linux"
done
[[ $(ip netns list | grep -c "^$TNA_NS-eq") -eq 0 ]] || fail "namespaces left behind"
