#!/bin/bash
# Native bridge over veths: a port's veth peer moves to another network
# namespace while TNA runs, then turns tx checksumming on there.  The
# controller hears a peer's link messages by (nsid, ifindex); the move
# gives the peer another nsid.  It must hear the peer leave (RTM_DELLINK
# in the old namespace), read where it went, and hear the change in the
# new namespace: the port entry then completes the partial checksums in
# XDP.  The once-a-second recheck is stretched to 10 minutes
# (TNA_TEST_RECHECK_MS), so only that can make this pass.  UDP h1 -> h2
# through the bridge must deliver every datagram, as Linux alone does.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/deploy/lib.sh
source tests/lib/peer_gro.sh
need_root

N=300
deploy_topo
for i in 1 2 3; do in_ns h$i ethtool -K eth0 gro on >/dev/null || skip "no GRO on veth"; done
in_ns h1 ethtool -K eth0 tx off >/dev/null || skip "cannot turn tx checksumming off on a veth"
check "ping h1->h2" in_ns h1 ping -c2 -i0.2 -W1 -q 10.0.0.2 >/dev/null

# p1's forwarded and csum_completed counters (tna-stat)
p1_counters() { in_ns dut "$TNA_BIN/tna-stat" -i p1 --json | /usr/bin/python3 -c '
import json,sys; i=json.load(sys.stdin)["interfaces"][0]; print(i["forwarded"], i["csum_completed"])'; }

LOG=$DEPLOY_TMP/deploy.out
TNA_TEST_RECHECK_MS=600000 start_deploy --target native -v
grep -q "^bridge br0 (ifindex [0-9]*): native" "$LOG" || fail "plan target is not native"

# The peer goes to namespace h4 (a move takes its address and brings it down).
ns h4 >/dev/null
in_ns h4 sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
in_ns h1 ip link set eth0 netns "$TNA_NS-h4" || fail "cannot move h1's eth0 to h4"
in_ns h4 ip addr add 10.0.0.1/24 dev eth0
in_ns h4 ip link set eth0 up
check "ping h4->h2" in_ns h4 ping -c2 -i0.2 -W1 -q 10.0.0.2 >/dev/null
in_ns h4 ethtool -K eth0 gro on tx off >/dev/null || fail "cannot set h4's eth0 features"

in_ns h4 ethtool -K eth0 tx on >/dev/null || fail "cannot turn tx checksumming on at h4"
wait_log "$LOG" "br0: p1: veth peer changed: checksums partial: completed in XDP"
grep -F "br0: p1: veth peer changed" "$LOG"

read -r f0 c0 < <(p1_counters)
got=$(udp_through h4 h2 10.0.0.2 $N)
read -r f1 c1 < <(p1_counters)
(( got == N )) || fail "$got of $N datagrams arrived (Linux: $N)"
(( f1 - f0 >= N )) || fail "the fast path forwarded only +$((f1 - f0)) of $N"
(( c1 - c0 >= N )) || fail "only +$((c1 - c0)) of $N checksums completed"
echo "ok: tx checksumming on at h4: $got of $N datagrams (forwarded +$((f1 - f0)), csum_completed +$((c1 - c0)))"
echo "PASS"
