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
need_root
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"
MODE=${MODE:-generic}
DELAY=${DELAY:-300}
EQ=$TNA_ROOT/tests/equiv
out=$(mktemp -d)
on_exit "rm -rf $out"

# tna-deploy with the latency switch; on SIGTERM its counters (tna-stat)
# are saved to $1 before it detaches.
cat > "$out/dut.sh" <<EOS
TNA_EVENT_DELAY_MS=$DELAY setsid $TNA_BIN/tna-deploy --target $MODE -v & pid=\$!
trap '$TNA_BIN/tna-stat --json > "\$1"; kill -CONT \$pid; kill -TERM \$pid; wait \$pid; exit 0' TERM
wait \$pid
EOS

for name in stale-replay hidden-move port-state-stopped; do
	/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" \
		--recipe "$TNA_ROOT/tests/deploy/bridge3-nf0.topo" \
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
	/usr/bin/python3 - "$out/$name.stat.json" "$MODE" <<'PY' || fail "$name: the fast path did not forward in run B"
import json, sys
s = json.load(open(sys.argv[1]))
ports = [i for i in s["interfaces"] if i.get("kind") == "port"]
assert ports and all(i["mode"] == sys.argv[2] for i in ports), ports
fwd = sum(i["forwarded"] for i in ports)
print("run B: fast path forwarded %d frames, passed %d to Linux" %
      (fwd, sum(i["passed_total"] for i in ports)))
assert fwd >= 4, fwd
PY
	echo "ok: $name: TNA $MODE with events ${DELAY} ms late equivalent to plain Linux"
done
[[ $(ip netns list | grep -c "^$TNA_NS-eq") -eq 0 ]] || fail "namespaces left behind"
