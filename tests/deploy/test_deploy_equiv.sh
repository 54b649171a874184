#!/bin/bash
# Equivalence of the TNA bridge with plain Linux (tests/equiv harness) on a
# 3-host bridge: the harness's corner script (every generator, FDB flush,
# port down/up, STP states, aging) and ours (static FDB entry, port
# blocking then removed, malformed frames, random mix), with
# `tna-deploy --target $MODE` (generic; MODE=native for native) as the DUT
# command.  Also checks the fast path really carried frames in run B.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
need_root
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
MODE=${MODE:-generic}
EQ=$TNA_ROOT/tests/equiv
out=$(mktemp -d)
on_exit "rm -rf $out"


for script in "$EQ/scripts/corners.traffic" "$TNA_ROOT/tests/deploy/bridge-tna.traffic"; do
	name=$(basename "$script" .traffic)
	/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" --recipe "$TNA_ROOT/tests/deploy/bridge3-nf0.topo" \
		--script "$script" --dut-cmd "$TNA_BIN/tna-deploy --target $MODE -v" \
		--dut-ready-line 'tna-deploy: ready' --out "$out/$name" \
		--json-out "$out/$name.json" > "$out/$name.txt"
	rc=$?
	cat "$out/$name.txt"
	if [[ $rc -ne 0 ]]; then
		for f in "$out/$name"/*.log; do [[ -f $f ]] && { echo "== $f"; tail -30 "$f"; }; done
		fail "$name: TNA $MODE is not equivalent to Linux (exit $rc)"
	fi
	echo "ok: $name: TNA $MODE equivalent to plain Linux"
done
[[ $(ip netns list | grep -c "^$TNA_NS-eq") -eq 0 ]] || fail "namespaces left behind"
