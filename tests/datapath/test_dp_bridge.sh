#!/bin/bash
# The bridge fast path on a 3-host Linux bridge, attached by tna-dp-test
# (the targets/ library), in generic mode (MODE=native for native; the
# native test sets it).  Asserts: known unicast arrives and is forwarded by
# XDP (tna-stat counters grow) while the Linux bridge's forward hook does
# not see it; broadcast goes to Linux with its reason; a foreign XDP
# program is refused without --force; SIGTERM detaches; kill -9 leaves no
# program and plain Linux still forwards.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/datapath/lib.sh
need_root
MODE=${MODE:-generic}
DP_ARGS=(--target "$MODE")
[[ $MODE == native ]] && DP_ARGS+=(--peer-gro)

bridge_topo
# Linux learns every host; the mirror is filled from what it learnt.
for i in 2 3; do check "ping h1->h$i" in_ns h1 ping -c2 -i0.2 -W1 -q 10.0.0.$i >/dev/null; done
check "ping h2->h3" in_ns h2 ping -c2 -i0.2 -W1 -q 10.0.0.3 >/dev/null

# The bridge's forward hook counts what Linux bridges (veth RX counters
# count at the sender's xmit, before XDP, so they cannot tell).
in_ns br nft add table bridge tnatest || fail "nft bridge table"
in_ns br nft add chain bridge tnatest fw '{ type filter hook forward priority 0; }' || fail "nft chain"
# count ICMP only: hosts' IPv6 autoconf multicast goes through Linux anyway
in_ns br nft add rule bridge tnatest fw ip protocol icmp counter || fail "nft counter"
linux_fwd() { in_ns br nft list chain bridge tnatest fw | awk '/counter/ { for (i=1;i<=NF;i++) if ($i=="packets") print $(i+1) }'; }

n0=$(linux_fwd)
in_ns h1 ping -c 20 -i 0.01 -q 10.0.0.2 >/dev/null || fail "baseline ping"
n1=$(linux_fwd)
(( n1 - n0 >= 40 )) || fail "without TNA Linux must bridge the 40 ICMP frames (forward hook +$((n1 - n0)))"
echo "ok: without TNA the Linux bridge forwarded $((n1 - n0)) frames"

# shellcheck disable=SC2046
start_dp "${DP_ARGS[@]}" $(fdb_args)
cat "$TMPDIR_DP/dp.out"
for p in v1 v2 v3; do [[ -n $(xdp_id $p) ]] || fail "no XDP program on $p"; done
if [[ $MODE == native ]]; then
	grep -q "changed: GRO on" "$TMPDIR_DP/dp.out" || fail "native: peers' GRO not turned on"
	check "native: GRO on at h2's eth0" bash -c "ip netns exec $TNA_NS-h2 ethtool -k eth0 | grep -q 'generic-receive-offload: on'"
fi
check "tna-stat knows v1" in_ns br "$TNA_BIN/tna-stat" -i v1 >/dev/null
mode=$(in_ns br "$TNA_BIN/tna-stat" -i v1 --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["mode"])')
[[ $mode == "$MODE" ]] || fail "tna-stat mode '$mode', expected $MODE"

f1=$(tna_counter br v1 forwarded); f2=$(tna_counter br v2 forwarded)
# h3 counts the ICMP frames reaching its eth0 at the netdev ingress hook,
# which sees frames for other MACs too (a flood), and nothing else: the
# hosts' own IPv6 and ARP traffic is not h1<->h2's unicast.
in_ns h3 nft add table netdev tnatest || fail "nft netdev table"
in_ns h3 nft add chain netdev tnatest in "{ type filter hook ingress device eth0 priority 0; }" || fail "nft ingress chain"
in_ns h3 nft add rule netdev tnatest in ip protocol icmp counter || fail "nft ingress counter"
rx3() { in_ns h3 nft list chain netdev tnatest in | awk '/counter/ { for (i=1;i<=NF;i++) if ($i=="packets") print $(i+1) }'; }
n0=$(linux_fwd); r0=$(rx3)
check "known unicast h1->h2 through the fast path" in_ns h1 ping -c 100 -i 0.005 -W1 -q 10.0.0.2 >/dev/null
n1=$(linux_fwd); r1=$(rx3)
(( r1 - r0 == 0 )) || fail "h3 received $((r1 - r0)) ICMP frames: unicast h1<->h2 was flooded"
g1=$(tna_counter br v1 forwarded); g2=$(tna_counter br v2 forwarded)
echo "fast path: v1 +$((g1 - f1)) v2 +$((g2 - f2)); Linux bridge forward hook +$((n1 - n0))"
(( g1 - f1 >= 100 )) || fail "v1 forwarded only +$((g1 - f1)) of 100 echo requests"
(( g2 - f2 >= 100 )) || fail "v2 forwarded only +$((g2 - f2)) of 100 echo replies"
(( n1 - n0 == 0 )) || fail "the Linux bridge still forwarded $((n1 - n0)) frames"
echo "ok: forwarded by XDP, not by the Linux bridge"

# the per-bridge view sums the ports
in_ns br "$TNA_BIN/tna-stat" -i br0 --json > "$TMPDIR_DP/br.json" || fail "tna-stat -i br0"
/usr/bin/python3 - "$TMPDIR_DP/br.json" <<'PY' || fail "bridge sum"
import json,sys
b=json.load(open(sys.argv[1]))["interfaces"][0]
assert b["kind"]=="bridge" and sorted(b["ports"])==["v1","v2","v3"], b
assert b["forwarded"]>=200, b["forwarded"]
PY
echo "ok: tna-stat -i br0 sums v1 v2 v3"

# from the root namespace with --netns, live (-w) with rates, JSON lines
in_ns h1 ping -c 150 -i 0.01 -q 10.0.0.2 >/dev/null & ping_pid=$!
timeout 2.5 "$TNA_BIN/tna-stat" --netns "$TNA_NS-br" -i v1 -w 1 --json > "$TMPDIR_DP/w.json"
wait $ping_pid
/usr/bin/python3 - "$TMPDIR_DP/w.json" <<'PY' || fail "tna-stat -w --json"
import json,sys
lines=[json.loads(l) for l in open(sys.argv[1])]
assert len(lines)>=2, lines
assert "forwarded_pps" in lines[1]["interfaces"][0], lines[1]
assert lines[1]["interfaces"][0]["forwarded_pps"]>0, lines[1]
PY
echo "ok: tna-stat --netns -w --json gives rates"

b0=$(tna_counter br v1 passed.bcast_mcast)
in_ns h1 ping -c 3 -i 0.2 -b -q 10.0.0.255 >/dev/null 2>&1
b1=$(tna_counter br v1 passed.bcast_mcast)
(( b1 - b0 >= 3 )) || fail "broadcast not counted as bcast_mcast (+$((b1 - b0)))"
echo "ok: broadcast passed to Linux as bcast_mcast (+$((b1 - b0)))"

out=$(in_ns h1 "$TNA_BIN/tna-stat" -i eth0 2>&1); rc=$?
[[ $rc -eq 1 && $out == *"no TNA program attached"* ]] || fail "tna-stat on eth0: rc $rc '$out'"

# SIGHUP: tna-dp-test loads a new pipeline sharing the maps and swaps it
# in with one update of the root's prog-array slot; traffic and counters
# carry on, the ports keep their root program
root=$(xdp_id v1)
old=$(pipeline_id v1)
[[ -n $old && $old != "$root" ]] || fail "tna-stat gives pipeline '$old' on v1 (root $root)"
in_ns h1 ping -c 300 -i 0.005 -W1 -q 10.0.0.2 > "$TMPDIR_DP/ping.out" 2>&1 & ping_pid=$!
sleep 0.5
kill -HUP "$DP_PID"
for _ in $(seq 50); do grep -q "^replaced" "$TMPDIR_DP/dp.out" && break; sleep 0.1; done
grep "^replaced" "$TMPDIR_DP/dp.out" || fail "no redeploy on SIGHUP"
wait $ping_pid
grep -q " 0% packet loss" "$TMPDIR_DP/ping.out" || fail "frames lost across the replace: $(grep loss "$TMPDIR_DP/ping.out")"
echo "ok: no frame lost while the pipeline was replaced under traffic"
new=$(pipeline_id v1)
[[ -n $new && $new != "$old" ]] || fail "pipeline on v1 still $old after replace"
for p in v1 v2 v3; do [[ $(xdp_id $p) == "$root" ]] || fail "$p: root program changed ($(xdp_id $p), was $root)"; done
for p in v2 v3; do [[ $(pipeline_id $p) == "$new" ]] || fail "$p not on the new pipeline $new"; done
check "ping after replace" in_ns h1 ping -c 20 -i 0.01 -W1 -q 10.0.0.2 >/dev/null
h1=$(tna_counter br v1 forwarded)
(( h1 - g1 >= 20 )) || fail "counters did not carry over the replace (+$((h1 - g1)))"
echo "ok: replaced $old -> $new on v1 v2 v3, FDB and counters shared"

# SIGTERM detaches every port (and undoes GRO in native mode)
kill -TERM "$DP_PID"; wait "$DP_PID"; rc=$?
[[ $rc -eq 0 ]] || fail "tna-dp-test exit $rc on SIGTERM"
for p in v1 v2 v3; do [[ -z $(xdp_id $p) ]] || fail "XDP program left on $p after SIGTERM"; done
echo "ok: SIGTERM detached v1 v2 v3"
if [[ $MODE == native ]]; then
	check "native: GRO back off at h2's eth0" bash -c "ip netns exec $TNA_NS-h2 ethtool -k eth0 | grep -q 'generic-receive-offload: off'"
fi

# a foreign program is refused without --force, replaced with it
xmode=xdpgeneric; [[ $MODE == native ]] && xmode=xdpdrv
in_ns br ip link set v2 $xmode obj "$BUILD/bpf/xdp_foreign.bpf.o" sec xdp || fail "cannot attach the foreign program"
fid=$(xdp_id v2)
out=$(in_ns br "$TNA_BIN/tna-stat" -i v2 2>&1); rc=$?
[[ $rc -eq 1 && $out == *"XDP program $fid (foreign_pass) is not TNA's"* ]] ||
	fail "tna-stat on a foreign program: rc $rc '$out'"
ip netns exec "$TNA_NS-br" "$TNA_BIN/tna-dp-test" -b br0 "${DP_ARGS[@]}" > "$TMPDIR_DP/refuse.out" 2>&1 & rpid=$!
wait $rpid; rc=$?
cat "$TMPDIR_DP/refuse.out"
[[ $rc -ne 0 ]] || fail "attach over a foreign program did not fail"
grep -q "program $fid (foreign_pass)" "$TMPDIR_DP/refuse.out" || fail "error does not name the foreign program"
[[ $(xdp_id v2) == "$fid" ]] || fail "the foreign program was touched"
for p in v1 v3; do [[ -z $(xdp_id $p) ]] || fail "refused attach left a program on $p"; done
if [[ $MODE == native ]]; then
	grep -q "changed:" "$TMPDIR_DP/refuse.out" && fail "a refused attach changed GRO first"
fi
echo "ok: foreign program $fid refused, left in place, nothing else attached"
# shellcheck disable=SC2046
start_dp "${DP_ARGS[@]}" --force $(fdb_args)
id=$(xdp_id v2)
[[ -n $id && $id != "$fid" ]] || fail "--force did not replace the foreign program"
echo "ok: --force replaced it (now prog $id)"

# another process's bpf_link is never taken away, even with --force
ip netns exec "$TNA_NS-br" "$TNA_BIN/tna-dp-test" -b br0 "${DP_ARGS[@]}" --force > "$TMPDIR_DP/second.out" 2>&1 & spid=$!
wait $spid; rc=$?
cat "$TMPDIR_DP/second.out"
[[ $rc -ne 0 ]] || fail "a second instance took over with --force"
grep -q "held by a bpf_link" "$TMPDIR_DP/second.out" || fail "no clear error for a link-held program"
for p in v1 v2 v3; do [[ $(xdp_id $p) == "$id" ]] || fail "$p lost the first instance's program"; done
kill -0 "$DP_PID" || fail "the first instance died"
echo "ok: a program held by another process's bpf_link is left alone"

# kill -9: the kernel drops the links with the process; plain Linux forwards
kill -9 "$DP_PID"; wait "$DP_PID" 2>/dev/null
for p in v1 v2 v3; do [[ -z $(xdp_id $p) ]] || fail "XDP program left on $p after kill -9"; done
echo "ok: kill -9 left no program attached"
n0=$(linux_fwd)
check "plain Linux forwards after kill -9" in_ns h1 ping -c 5 -i 0.05 -W1 -q 10.0.0.3 >/dev/null
n1=$(linux_fwd)
(( n1 - n0 >= 10 )) || fail "the Linux bridge did not forward after kill -9 (+$((n1 - n0)))"
echo "ok: the Linux bridge forwards again (+$((n1 - n0)))"
