#!/bin/bash
# Equivalence harness self-test: plain Linux against plain Linux must be
# reported "equivalent", on the 10k-frame seeded mix and on the script that
# exercises every generator with configuration changes in between.  Frames
# must really flow (the captures are not empty), and the harness must leave
# no namespace behind.
source "$(dirname "$0")/../lib/netns.sh"
need_root
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-scapy"

EQ=$TNA_ROOT/tests/equiv
out=$(mktemp -d)
on_exit "rm -rf $out"

in_ns_left() { ip netns list | grep -c "^$TNA_NS-eq" || true; }

# 1. the 10k mix, JSON report
/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" --recipe "$EQ/recipes/bridge3.topo" \
	--script "$EQ/scripts/mix10k.traffic" --out "$out/mix" --json-out "$out/mix.json" \
	>"$out/mix.txt"
rc=$?
cat "$out/mix.txt"
[[ $rc -eq 0 ]] || fail "Linux vs Linux on the 10k mix: exit $rc, want 0 (equivalent)"
check "text report says equivalent" grep -qx 'RESULT: equivalent' "$out/mix.txt"
[[ $(in_ns_left) -eq 0 ]] || fail "namespaces left behind: $(ip netns list | grep "^$TNA_NS-eq")"
echo "ok: no namespace left behind"

/usr/bin/python3 - "$out/mix.json" <<'PY' || fail "JSON report of the 10k mix"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["result"] == "equivalent", r["result"]
for k in ("a", "b"):
    run = r["runs"][k]
    assert run["injected"] == 10000, run
    # the issue's bound: a 10k-frame run finishes in under a minute
    assert run["seconds"] < 60, run
for p, v in r["ports"].items():
    assert v["a"] == v["b"] and v["only_a"] == v["only_b"] == 0, (p, v)
    assert v["a"] >= 3000, ("too few frames left the DUT on", p, v)   # frames really flowed
    assert v["order"] == "same", (p, v)
for t in ("fdb", "mdb", "neigh", "route", "link"):
    assert r["state"][t]["equal"], t
assert r["state"]["fdb"]["a"] > 12, r["state"]["fdb"]   # the mix was learned
assert r["first_difference"] is None
print("ok: JSON: 10000 frames per run, every port equal and in order, state equal")
PY

# 2. every generator + FDB flush, port down/up, STP states, aging
/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" --recipe "$EQ/recipes/bridge3.topo" \
	--script "$EQ/scripts/corners.traffic" --out "$out/corners" >"$out/corners.txt"
rc=$?
cat "$out/corners.txt"
[[ $rc -eq 0 ]] || fail "Linux vs Linux on corners.traffic: exit $rc, want 0"
check "corners: equivalent" grep -qx 'RESULT: equivalent' "$out/corners.txt"
[[ $(in_ns_left) -eq 0 ]] || fail "namespaces left behind"
echo "ok: no namespace left behind"

# 3. a router: routed IPv4 with TTL expiry, frag-needed, options, fragments,
#    replies from the hosts' stacks, a route change and a neighbour flush
/usr/bin/python3 "$EQ/equiv.py" --prefix "$TNA_NS-eq" --recipe "$EQ/recipes/router3.topo" \
	--script "$EQ/scripts/routed.traffic" --out "$out/routed" --json-out "$out/routed.json" \
	>"$out/routed.txt"
rc=$?
cat "$out/routed.txt"
[[ $rc -eq 0 ]] || fail "Linux vs Linux on routed.traffic: exit $rc, want 0"
/usr/bin/python3 - "$out/routed.json" <<'PY' || fail "JSON report of the router run"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["result"] == "equivalent", r["result"]
for p, v in r["ports"].items():
    assert v["a"] >= 1000 and v["order"] == "same", (p, v)   # routed frames really flowed
assert r["state"]["neigh"]["a"] >= 3 and r["state"]["neigh"]["equal"], r["state"]["neigh"]
print("ok: router: equivalent, >= 1000 frames out of every port, neighbours equal")
PY
[[ -z $(ip netns list | grep "^$TNA_NS-eq") ]] || fail "namespaces left behind"
echo "ok: no namespace left behind"
