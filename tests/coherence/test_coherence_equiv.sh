#!/bin/bash
# The FDB mirror and port table against Linux when the controller is late
# or stopped (tests/equiv harness, TNA run B with tna-deploy):
#   stale-replay        a MAC moves twice within the controller's latency
#   hidden-move         the host returns to the port a stale entry names
#   port-state-stopped  the controller is stopped (SIGSTOP) while a port
#                       goes to STP learning, then resumes
# Each runs with the controller's test latency switch: every FDB and port
# event is acted on DELAY ms (default 300) after it was read, so the races
# these scripts provoke happen every time.  MODE=native for native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/lib/tna_equiv.sh
need_root
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
MODE=${MODE:-generic}
DELAY=${DELAY:-300}
EQ=$TNA_ROOT/tests/equiv
out=$(mktemp -d)
on_exit "rm -rf $out"

tna_dut_script "$out/dut.sh" "$MODE" TNA_EVENT_DELAY_MS="$DELAY"

for name in stale-replay hidden-move port-state-stopped; do
	/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" \
		--recipe "$TNA_ROOT/tests/coherence/bridge3.topo" \
		--script "$TNA_ROOT/tests/coherence/$name.traffic" \
		--dut-cmd "bash $out/dut.sh $out/$name.stat.json" \
		--dut-ready-line 'tna-deploy: ready' --out "$out/$name" \
		--json-out "$out/$name.json" > "$out/$name.txt"
	rc=$?
	cat "$out/$name.txt"
	if [[ $rc -ne 0 ]]; then
		for f in "$out/$name"/*-dut.log; do [[ -f $f ]] && { echo "== $f"; tail -40 "$f"; }; done
		fail "$name: TNA $MODE (events ${DELAY} ms late) is not equivalent to Linux (exit $rc)"
	fi
	# not vacuous: the fast path forwarded part of the traffic itself
	tna_fast_path_did "$out/$name.stat.json" "$MODE" 4 ||
		fail "$name: the fast path did not forward in run B"
	echo "ok: $name: TNA $MODE with events ${DELAY} ms late equivalent to plain Linux"
done
[[ $(ip netns list | grep -c "^$TNA_NS-eq") -eq 0 ]] || fail "namespaces left behind"
