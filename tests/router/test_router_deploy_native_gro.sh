#!/bin/bash
# The router under tna-deploy --target native (h1 -- r1 [r] r2 -- h2): a
# routed port's veth peer loses GRO while TNA runs.  A frame redirected
# into a veth is received only while its peer has GRO on or an XDP
# program: the controller hears the kernel's xdp-features notification
# for r2 and marks it at once (egress_no_xmit: Linux routes to it), and
# GRO back on brings r2 back to the fast path.  The once-a-second recheck
# is stretched to 10 minutes (TNA_TEST_RECHECK_MS), so only the
# notification can make this pass.  Real UDP sockets h1 -> h2 count what
# arrives, against Linux alone.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/router/lib.sh
source tests/lib/peer_gro.sh
need_root

N=300
router_topo
gro_on h1 h2
for _ in $(seq 20); do in_ns h1 ping -c1 -W1 -q 10.2.0.2 >/dev/null && break; done
check "ping h1 -> h2 through r" in_ns h1 ping -c2 -i0.2 -W1 -q 10.2.0.2

r1_counters() { echo "$(rt_counter r1 forwarded) $(rt_counter r1 passed.egress_no_xmit)"; }
through() { udp_phase "$1" "$2" h1 h2 10.2.0.2 $N r1_counters; }

n=$(udp_through h1 h2 10.2.0.2 $N)
(( n == N )) || fail "without TNA h2 received $n of $N datagrams"
echo "ok: Linux alone: $n of $N datagrams"

TNA_TEST_RECHECK_MS=600000 start_deploy_r --target native
[[ -n $(xdp_id r1) && -n $(xdp_id r2) ]] || fail "r1/r2 not attached: $(cat "$RT_TMP/dep.out")"
peer_gro_off_on h2 "$RT_TMP/dep.out" "router: r2"
