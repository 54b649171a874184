#!/bin/bash
# Equivalence of the TNA bridge with plain Linux (tests/equiv harness) on a
# 3-host bridge: the harness's corner script (every generator, FDB flush,
# port down/up, STP states, aging) and ours (static FDB entry, port
# blocking then removed, malformed frames, random mix) with br_netfilter
# off, and the corner script with br_netfilter on (no rules), with
# `tna-deploy --target $MODE` (generic; MODE=native for native) as the DUT
# command.  Also checks that the fast path really forwarded in run B.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
need_root
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
MODE=${MODE:-generic}
EQ=$TNA_ROOT/tests/equiv
out=$(mktemp -d)
on_exit "rm -rf $out"

# The DUT command: tna-deploy; on SIGTERM the fast-path counters (tna-stat)
# are saved to $1 before it detaches (setsid: the harness may signal our
# whole process group, and the programs must still be there).
cat > "$out/dut.sh" <<EOF
setsid $TNA_BIN/tna-deploy --target $MODE -v & pid=\$!
trap '$TNA_BIN/tna-stat --json > "\$1"; kill -TERM \$pid; wait \$pid; exit 0' TERM
wait \$pid
EOF

run_eq() {	# script name [recipe]
	/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" \
		--recipe "${3:-$TNA_ROOT/tests/deploy/bridge3-nf0.topo}" --script "$1" \
		--dut-cmd "bash $out/dut.sh $out/$2.stat.json" \
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
	# Known flake under load (seen once in ~10 runs, native, corners'
	# mac-move step): a frame that moves a MAC on one port and the next
	# frame to that MAC on another port are handled by two veth NAPI
	# contexts, and their order can differ between the runs.  One rerun;
	# a real difference shows up again with the same seeded frames.
	if [[ $rc -eq 1 ]]; then
		echo "NOTE: $name differed; rerunning once (cross-port ordering, see the comment)"
		run_eq "$script" "$name" $recipe
		rc=$?
		cat "$out/$name.txt"
	fi
	if [[ $rc -ne 0 ]]; then
		for f in "$out/$name"/*.log; do [[ -f $f ]] && { echo "== $f"; tail -30 "$f"; }; done
		fail "$name: TNA $MODE is not equivalent to Linux (exit $rc)"
	fi
	/usr/bin/python3 - "$out/$name.stat.json" "$MODE" <<'PY' || fail "$name: the fast path did not forward in run B"
import json, sys
s = json.load(open(sys.argv[1]))
ports = [i for i in s["interfaces"] if i.get("kind") == "port"]
assert ports and all(i["mode"] == sys.argv[2] for i in ports), ports
fwd = sum(i["forwarded"] for i in ports)
print("run B: fast path forwarded %d frames, passed %d to Linux" %
      (fwd, sum(i["passed_total"] for i in ports)))
assert fwd >= 500, fwd
PY
	echo "ok: $name: TNA $MODE equivalent to plain Linux"
done
[[ $(ip netns list | grep -c "^$TNA_NS-eq") -eq 0 ]] || fail "namespaces left behind"
