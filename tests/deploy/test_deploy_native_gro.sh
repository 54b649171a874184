#!/bin/bash
# Native bridge over veths: a port's veth peer loses GRO while TNA runs.
# A frame redirected into a veth is received only while its peer has GRO
# on or an XDP program; after `ethtool -K eth0 gro off` in the peer's
# netns the kernel would drop every frame the fast path redirects there.
# The controller hears the kernel's xdp-features notification for the
# port and marks it at once (egress_no_xmit: Linux forwards to it); GRO
# back on brings the port back to the fast path.  The once-a-second
# recheck is stretched to 10 minutes (TNA_TEST_RECHECK_MS), so only the
# notification can make this pass.  Real UDP sockets h1 -> h2 through the
# bridge count what arrives, against Linux alone.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/deploy/lib.sh
source tests/lib/peer_gro.sh
need_root

N=300
deploy_topo
gro_on h1 h2 h3
for i in 2 3; do check "ping h1->h$i" in_ns h1 ping -c2 -i0.2 -W1 -q 10.0.0.$i >/dev/null; done

# p1's forwarded and egress_no_xmit counters (tna-stat)
p1_counters() { in_ns dut "$TNA_BIN/tna-stat" -i p1 --json | /usr/bin/python3 -c '
import json,sys; i=json.load(sys.stdin)["interfaces"][0]; print(i["forwarded"], i["passed"]["egress_no_xmit"])'; }
through() { udp_phase "$1" "$2" h1 h2 10.0.0.2 $N p1_counters; }

# Linux alone: every datagram arrives.
n=$(udp_through h1 h2 10.0.0.2 $N)
(( n == N )) || fail "without TNA h2 received $n of $N datagrams"
echo "ok: Linux alone: $n of $N datagrams"

TNA_TEST_RECHECK_MS=600000 start_deploy --target native -v
grep -q "^bridge br0 (ifindex [0-9]*): native" "$DEPLOY_TMP/deploy.out" || fail "plan target is not native"
peer_gro_off_on h2 "$DEPLOY_TMP/deploy.out" "br0: p2"
