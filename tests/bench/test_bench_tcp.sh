#!/bin/bash
# Smoke test of bench/tcp.sh (the bulk TCP rows of make bench): one short
# round through a bridge, Linux and TNA generic; every transfer must arrive
# whole, the table must have a row per mode and stream count, the JSON the
# same results, and the script must remove its namespaces.  No timing
# asserts.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
cd "$TNA_ROOT"
tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
BUILD=$BUILD bench/tcp.sh --topos bridge --modes linux,tna-generic --streams 1,2 --runs 1 \
	--duration 0.5 --json "$tmp/t.json" >"$tmp/out" 2>&1 &
pid=$!
wait $pid
rc=$?
cat "$tmp/out"
[[ $rc -eq 0 ]] || fail "bench/tcp.sh exited $rc"
! ip netns list | grep -q "^tnat$pid-" || fail "bench/tcp.sh left namespaces tnat$pid-*"
for m in linux tna-generic direct; do
	for n in 1 2; do
		check "table row $m, $n stream(s)" grep -Eq "^bridge +$m +$n " "$tmp/out"
	done
done
check "JSON: every mode delivered" /usr/bin/python3 - "$tmp/t.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["tcp"]
got = {(r["mode"], r["streams"]) for r in t["results"]}
assert got == {(m, n) for m in ("linux", "tna-generic", "direct") for n in (1, 2)}, got
for r in t["results"]:
    assert not r["errors"] and r["gbps"][0] > 0, r
PY
echo "PASS"
