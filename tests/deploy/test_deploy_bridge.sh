#!/bin/bash
# tna-deploy end to end on a 3-host Linux bridge (generic; MODE=native runs
# it native with GRO on the host-side peers).  Asserts: the plan's target;
# known unicast is redirected by XDP (tna-stat forwarded grows, the DUT's
# stack does not see the frames) while Linux saw them before; broadcast ARP
# and unknown unicast still work through Linux; the kernel FDB keeps entries
# alive under fast-path traffic and ages them out once it stops; a second
# controller is refused; --status and --detach; kill -9 leaves no XDP
# program and plain Linux forwards.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/deploy/lib.sh
need_root
MODE=${MODE:-generic}

deploy_topo 500		# ageing_time 5 s
if [[ $MODE == native ]]; then
	for i in 1 2 3; do in_ns h$i ethtool -K eth0 gro on >/dev/null || skip "no GRO on veth"; done
fi
for i in 2 3; do check "ping h1->h$i" in_ns h1 ping -c2 -i0.2 -W1 -q 10.0.0.$i >/dev/null; done

# Baseline: without TNA the DUT's stack sees every echo request on p1.
n=$(linux_rx_icmp p1 in_ns h1 ping -c 20 -i 0.02 -q 10.0.0.2)
(( n >= 20 )) || fail "without TNA the stack should see 20 requests on p1, saw $n"
echo "ok: without TNA Linux received $n ICMP frames on p1"

if [[ $MODE == native ]]; then
	start_deploy --target native -v
else
	start_deploy --target auto -v
fi
grep -q "^bridge br0 (ifindex [0-9]*): $MODE" "$DEPLOY_TMP/deploy.out" ||
	fail "plan target is not $MODE"
for p in p1 p2 p3; do [[ -n $(xdp_id $p) ]] || fail "no XDP program on $p"; done
[[ $(stat_of p1 mode) == "$MODE" ]] || fail "tna-stat mode is not $MODE"

# Second controller in the same netns: refused, one clear line.
out=$(ip netns exec "$TNA_NS-dut" "$TNA_BIN/tna-deploy" 2>&1); rc=$?
[[ $rc -ne 0 && $out == *"another controller (pid $DEPLOY_PID)"* ]] ||
	fail "second controller not refused (rc $rc): $out"
echo "ok: second controller refused: $out"

# --status (human and JSON) of the running controller.
check "--status names the pid" bash -c "ip netns exec $TNA_NS-dut $TNA_BIN/tna-deploy --status | grep -q 'controller pid $DEPLOY_PID'"
ip netns exec "$TNA_NS-dut" "$TNA_BIN/tna-deploy" --status --json > "$DEPLOY_TMP/status.json"
/usr/bin/python3 - "$DEPLOY_TMP/status.json" "$MODE" <<'PY' || fail "--status --json"
import json,sys
s=json.load(open(sys.argv[1])); b=s["bridges"][0]
assert s["running"] and b["running"] and b["target"]==sys.argv[2], s
assert sorted(p["name"] for p in b["ports"] if p["accelerated"])==["p1","p2","p3"], b
assert b["fdb_mirror"]["sets"]>=3, b["fdb_mirror"]
PY
echo "ok: --status --json"

# Known unicast: forwarded by XDP, not seen by the stack.
f0=$(stat_of p1 forwarded)
n=$(linux_rx_icmp p1 in_ns h1 ping -c 50 -i 0.02 -q 10.0.0.2)
f1=$(stat_of p1 forwarded)
echo "fast path: p1 forwarded +$((f1 - f0)), stack saw $n ICMP frames on p1"
(( f1 - f0 >= 50 )) || fail "p1 forwarded only +$((f1 - f0)) of 50 requests (passed: $(stat_of p1 passed))"
(( n == 0 )) || fail "the stack still received $n accelerated frames on p1"
echo "ok: known unicast goes through the fast path"

# Broadcast ARP + unknown unicast still work through Linux.
p0=$(stat_of p1 passed_total)
in_ns h1 ip neigh flush dev eth0
in_ns dut bridge fdb del 02:00:00:00:00:03 dev p3 master 2>/dev/null
check "ARP + unknown unicast h1->h3" in_ns h1 ping -c 2 -i 0.2 -W 1 -q 10.0.0.3
p1=$(stat_of p1 passed_total)
(( p1 > p0 )) || fail "nothing passed to Linux for ARP/unknown unicast"
echo "ok: broadcast/unknown went to Linux (+$((p1 - p0)) passed on p1)"

# FDB keep-alive: 12 s (> 2x ageing_time) of fast-path traffic, the
# kernel entries of h1 and h2 must stay; then they must age out.
in_ns h1 ping -c 2 -W 1 -q 10.0.0.2 >/dev/null	# (re)learn after the flush
in_ns h1 ping -c 60 -i 0.2 -q 10.0.0.2 >/dev/null &
ping_pid=$!
f0=$(stat_of p1 forwarded)
for s in $(seq 12); do
	sleep 1
	fdb_has 02:00:00:00:00:01 || fail "h1's FDB entry aged out under fast-path traffic (after ${s}s)"
	fdb_has 02:00:00:00:00:02 || fail "h2's FDB entry aged out under fast-path traffic (after ${s}s)"
done
wait $ping_pid
f1=$(stat_of p1 forwarded)
(( f1 - f0 >= 40 )) || fail "the keep-alive phase was not fast-path traffic (+$((f1 - f0)))"
echo "ok: FDB entries alive for 12 s (ageing 5 s) under fast-path traffic (+$((f1 - f0)) forwarded)"
for s in $(seq 20); do
	fdb_has 02:00:00:00:00:01 || fdb_has 02:00:00:00:00:02 || break
	sleep 1
done
fdb_has 02:00:00:00:00:01 && fail "h1's entry did not age out after traffic stopped"
fdb_has 02:00:00:00:00:02 && fail "h2's entry did not age out after traffic stopped"
echo "ok: entries aged out ${s}s after the traffic stopped"
grep -q "keep-alive refreshed" "$DEPLOY_TMP/deploy.out" || fail "no keep-alive round logged"

# --detach stops the controller cleanly (SIGTERM path).
check "--detach" ip netns exec "$TNA_NS-dut" "$TNA_BIN/tna-deploy" --detach
kill -0 "$DEPLOY_PID" 2>/dev/null && fail "controller still running after --detach"
for p in p1 p2 p3; do [[ -z $(xdp_id $p) ]] || fail "XDP program left on $p after --detach"; done
grep -q "detached: plain Linux" "$DEPLOY_TMP/deploy.out" || fail "no clean detach message"
echo "ok: --detach removed every program"

# kill -9: the kernel drops the unpinned links, Linux forwards alone.
start_deploy
in_ns h1 ping -c 3 -i 0.1 -q 10.0.0.2 >/dev/null
kill -9 "$DEPLOY_PID"; wait "$DEPLOY_PID" 2>/dev/null
for _ in $(seq 20); do [[ -z $(xdp_id p1)$(xdp_id p2)$(xdp_id p3) ]] && break; sleep 0.1; done
for p in p1 p2 p3; do [[ -z $(xdp_id $p) ]] || fail "XDP program left on $p after kill -9"; done
check "plain Linux forwards after kill -9" in_ns h1 ping -c 3 -i 0.2 -W 1 -q 10.0.0.2
n=$(linux_rx_icmp p1 in_ns h1 ping -c 10 -i 0.02 -q 10.0.0.2)
(( n >= 10 )) || fail "after kill -9 the stack should see the frames again ($n)"
echo "ok: kill -9 leaves plain Linux"
