#!/bin/bash
# tna-br-cost runs and reports sane rows: every program it times returned
# XDP_REDIRECT for every frame (else it exits 1 naming the pass reason, as
# a pipeline without fdb_dst shows), one row per program with a value per
# round, the instruction counts of what it loaded, its namespace private
# (nothing left in ours), --dump writes the xlated code.  No timing asserts:
# the numbers are the benchmark's.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
command -v ethtool >/dev/null || skip "needs ethtool (the veth peers' offloads)"
command -v bpftool >/dev/null || skip "needs bpftool (--dump)"
cost=$TNA_BIN/tna-br-cost
[[ -x $cost ]] || fail "no $cost (make)"
tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"

check "--help exits 0" "$cost" --help
"$cost" --rounds 0 >/dev/null 2>&1; rc=$?
[[ $rc == 2 ]] || fail "--rounds 0: exit $rc, expected 2 (bad usage)"
"$cost" --macs x >/dev/null 2>&1; rc=$?
[[ $rc == 2 ]] || fail "--macs x: exit $rc, expected 2 (bad usage)"

links_before=$(ip -o link show | wc -l)

# rows FILE ROUNDS NAME...: each NAME a row of numbers with ROUNDS round values
rows() {
	local f=$1 rounds=$2; shift 2
	/usr/bin/python3 - "$f" "$rounds" "$@" <<'PY' || fail "bad rows in $f: $(cat "$f")"
import math, sys
f, rounds, want = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
rows = {}
for line in open(f):
    if line.startswith("#") or line.startswith("program"):
        continue
    w = line.split()
    rows[w[0]] = [float(x) for x in w[1:]]
assert sorted(rows) == sorted(want), (sorted(rows), want)
for name, v in rows.items():
    # median, mid, -bare, -2look, -tna, insns, then one value per round
    assert len(v) == 6 + rounds, (name, v)
    assert all(math.isfinite(x) for x in v), (name, v)
    assert v[0] > 0 and v[1] > 0 and v[5] > 0, (name, v)
assert rows["bare"][2] == 0 and rows["two-lookup"][3] == 0 and rows["tna"][4] == 0, rows
assert rows["empty"][5] == 2 and rows["bare"][5] < rows["two-lookup"][5] < rows["tna"][5], rows
if "tna-root" in rows:
    # the root program's few instructions on top of the pipeline's
    assert rows["tna"][5] < rows["tna-root"][5] < rows["tna"][5] + 20, rows
for name, v in rows.items():
    if name.startswith("w/o:"):	# fewer modules, fewer instructions
        assert v[5] < rows["tna"][5], rows
PY
}

check "one MAC pair, through the root too" \
	sh -c "'$cost' --runs 200 --rounds 3 --root --dump '$tmp/dump' > '$tmp/one.txt'"
rows "$tmp/one.txt" 3 empty bare two-lookup tna tna-complete tna-root
grep -q "^# 1 MAC pairs.* modules .*fdb_src.*fdb_dst.*csum$" "$tmp/one.txt" ||
	fail "header: $(head -1 "$tmp/one.txt")"
for p in tna tna-root bare two-lookup; do
	grep -q "exit" "$tmp/dump/$p.xlated.txt" || fail "--dump: no xlated code of $p"
done

check "300 MAC pairs, every frame forwarded" \
	sh -c "'$cost' --macs 300 --runs 600 --rounds 2 > '$tmp/many.txt'"
rows "$tmp/many.txt" 2 empty bare two-lookup tna tna-complete

# modules left out, each a row in the same rounds: still forwarded
check "without stats and flow cache" \
	sh -c "'$cost' --without 0x300,0x1f5b --runs 100 --rounds 1 > '$tmp/without.txt'"
rows "$tmp/without.txt" 1 empty bare two-lookup tna tna-complete w/o:stats+flow_cache w/o:0x1f5b

# a frame TNA gives to Linux is not timed as forwarded: exit 1, the reason
"$cost" --without 0x100,0x20 --runs 100 --rounds 1 >"$tmp/pass.txt" 2>&1; rc=$?
[[ $rc == 1 ]] || fail "without fdb_dst: exit $rc, expected 1: $(cat "$tmp/pass.txt")"
grep -q "w/o:fdb_dst: frame 0 not redirected (to Linux: fpm_off)" "$tmp/pass.txt" ||
	fail "without fdb_dst: $(cat "$tmp/pass.txt")"
! grep -q "^tna " "$tmp/pass.txt" || fail "without fdb_dst: rows were printed"

[[ $(ip -o link show | wc -l) == "$links_before" ]] || fail "our namespace's links changed"
echo "PASS: tna-br-cost"
