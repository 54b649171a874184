#!/bin/bash
# Equivalence harness self-test: bad input, failing recipes and DUT commands,
# interruption, seed determinism and kernel-state differences.  Every error
# is one clear line with exit 2 and leaves no namespace behind.
source "$(dirname "$0")/../lib/netns.sh"
need_root
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"

EQ=$TNA_ROOT/tests/equiv
R=$EQ/recipes/bridge3.topo
t=$(mktemp -d)
on_exit "rm -rf $t"
P=$TNA_NS-eq
eq() { /usr/bin/python3 "$EQ/equiv.py" --prefix "$P" "$@"; }
no_ns_left() {
	[[ -z $(ip netns list | grep "^$P") ]] || fail "$1: namespaces left behind: $(ip netns list | grep "^$P")"
	echo "ok: $1: no namespace left behind"
}
# want_error WHAT PATTERN args...: exit 2, one stderr line matching PATTERN
want_error() {
	local what=$1 pat=$2 rc; shift 2
	eq "$@" >"$t/out" 2>"$t/err"; rc=$?
	grep -v '^equiv: ' "$t/err" >"$t/err1"
	[[ $rc -eq 2 ]] || { cat "$t/err"; fail "$what: exit $rc, want 2"; }
	[[ $(wc -l <"$t/err1") -ge 1 ]] && head -1 "$t/err1" | grep -q "^equiv.py: error: .*$pat" ||
		{ cat "$t/err"; fail "$what: no 'equiv.py: error: ...$pat' line"; }
	echo "ok: $what: exit 2: $(head -1 "$t/err1")"
	no_ns_left "$what"
}

printf 'gen learn\ngen nosuch count=5\n' >"$t/badgen.traffic"
want_error "unknown generator" "unknown generator 'nosuch'" --recipe "$R" --script "$t/badgen.traffic"
printf 'gen learn\n' >"$t/learn.traffic"
want_error "unknown mask" "unknown mask 'nosuch'" --recipe "$R" --script "$t/learn.traffic" --mask nosuch
printf 'host h1\nlink h1 p1\ndut ip link set nosuch up\n' >"$t/bad.topo"
want_error "failing recipe line" 'bad.topo:3: ip link set nosuch up: .*nosuch' --recipe "$t/bad.topo" --script "$t/learn.traffic"
# a ready line it never prints: without one its first line would make it
# ready, and whether it exits before or after that check is a race
want_error "DUT command that dies" "exited with status 3 before it was ready" \
	--recipe "$R" --script "$t/learn.traffic" --dut-ready-line '^ready' \
	--dut-cmd 'echo starting; exit 3'
# ... and one that ignores SIGTERM too: it must be killed (SIGKILL after 5 s)
marker=tnaeqmark$$
want_error "DUT command never ready" "not ready after 1 s" \
	--recipe "$R" --script "$t/learn.traffic" --dut-ready false --dut-timeout 1 \
	--dut-cmd "trap '' TERM; exec -a $marker sleep 60"
pgrep -f "^$marker" >/dev/null && fail "the DUT command outlived the harness"
echo "ok: a DUT command that ignores SIGTERM is killed"

# Interrupted mid-run: SIGTERM ends it with 130 and removes everything.
printf 'gen learn\nsleep 60\n' >"$t/long.traffic"
/usr/bin/python3 "$EQ/equiv.py" --prefix "$P" --recipe "$R" --script "$t/long.traffic" >/dev/null 2>"$t/err" &
pid=$!
for _ in $(seq 100); do grep -q 'run a (linux)' "$t/err" && break; sleep 0.1; done
for _ in $(seq 100); do [[ $(ip netns list | grep -c "^$P") -eq 4 ]] && break; sleep 0.1; done
sleep 1
kill -TERM $pid
wait $pid; rc=$?
[[ $rc -eq 130 ]] || fail "SIGTERM: exit $rc, want 130"
echo "ok: SIGTERM mid-run: exit 130"
no_ns_left "SIGTERM"

# Seeds: the same seed injects the same bytes, another seed other bytes.
printf 'gen mix count=300\n' >"$t/mix.traffic"
for s in 7 7b 8; do
	eq --recipe "$R" --script "$t/mix.traffic" --seed ${s%b} --save-pcaps --out "$t/s$s" >/dev/null 2>&1 ||
		fail "seed $s: not equivalent"
done
for p in h1 h2 h3; do
	cmp -s "$t/s7/injected-$p.pcap" "$t/s7b/injected-$p.pcap" || fail "seed 7 twice: $p injected different bytes"
done
echo "ok: seed 7 twice: identical injected frames on every port"
cmp -s "$t/s7/injected-h1.pcap" "$t/s8/injected-h1.pcap" && fail "seeds 7 and 8 injected the same frames"
echo "ok: seed 8 injects other frames than seed 7"

# Kernel state is compared: a DUT command that adds a static FDB entry (and
# forwards nothing differently) is reported as a state difference.
eq --recipe "$R" --script "$t/learn.traffic" --json-out "$t/st.json" --out "$t/st" \
	--dut-cmd 'bridge fdb add 02:00:00:00:99:99 dev p1 master static && echo ready && exec sleep 60' \
	>"$t/st.txt" 2>&1
rc=$?
cat "$t/st.txt"
[[ $rc -eq 1 ]] || fail "state difference: exit $rc, want 1"
check "state difference named" grep -q '^first difference: kernel state, table fdb' "$t/st.txt"
check "the extra entry shown" grep -q "only in B: .*02:00:00:00:99:99" "$t/st.txt"
/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["state"]["fdb"]["equal"] is False and r["state"]["fdb"]["b"] == r["state"]["fdb"]["a"] + 1
assert all(v["only_a"] == v["only_b"] == 0 for v in r["ports"].values())
' "$t/st.json" || fail "state difference: JSON"
echo "ok: state difference: frames equal, fdb differs by the one entry"
no_ns_left "state difference"

check "--list-gens lists the generators" test "$(eq --list-gens | wc -l)" -ge 20
check "--list-masks lists the masks" test "$(eq --list-masks | wc -l)" -ge 4
