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
need_root

N=300
deploy_topo
for i in 1 2 3; do in_ns h$i ethtool -K eth0 gro on >/dev/null || skip "no GRO on veth"; done
for i in 2 3; do check "ping h1->h$i" in_ns h1 ping -c2 -i0.2 -W1 -q 10.0.0.$i >/dev/null; done

# udp_through N: N datagrams from h1 to h2:5001 over real sockets (paced,
# a large receive buffer); prints how many h2's socket received.
udp_through() {
	local out=$DEPLOY_TMP/udp.rx
	in_ns h2 /usr/bin/python3 - "$1" >"$out" <<'PY' &
import socket, sys
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind(("10.0.0.2", 5001))
s.settimeout(2.0)
print("ready", flush=True)
seen = set()
try:
    while len(seen) < n:
        d = s.recv(2048)
        seen.add(int(d.split(b" ")[0]))
except socket.timeout:
    pass
print(len(seen), flush=True)
PY
	local rx=$!
	for _ in $(seq 50); do grep -q ready "$out" && break; sleep 0.1; done
	in_ns h1 /usr/bin/python3 - "$1" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"%d tna-gro" % i + b"." * 64, ("10.0.0.2", 5001))
    time.sleep(0.0005)
PY
	wait $rx
	tail -1 "$out"
}

# tna-stat of p1: forwarded, and frames passed to Linux as egress_no_xmit
p1_fwd() { stat_of p1 forwarded; }
p1_noxmit() { in_ns dut "$TNA_BIN/tna-stat" -i p1 --json | /usr/bin/python3 -c '
import json,sys; print(json.load(sys.stdin)["interfaces"][0]["passed"]["egress_no_xmit"])'; }

# wait_log TEXT: the controller logged a line containing TEXT (5 s)
wait_log() {
	for _ in $(seq 50); do
		grep -qF -- "$1" "$DEPLOY_TMP/deploy.out" && return 0
		sleep 0.1
	done
	cat "$DEPLOY_TMP/deploy.out" >&2
	fail "no controller log line with '$1' within 5 s"
}

# Linux alone: every datagram arrives.
n=$(udp_through $N)
(( n == N )) || fail "without TNA h2 received $n of $N datagrams"
echo "ok: Linux alone: $n of $N datagrams"

TNA_TEST_RECHECK_MS=600000 start_deploy --target native -v
export -n TNA_TEST_RECHECK_MS
grep -q "^bridge br0 (ifindex [0-9]*): native" "$DEPLOY_TMP/deploy.out" || fail "plan target is not native"

# GRO on at h2: redirected by the fast path, all arrive.
f0=$(p1_fwd); x0=$(p1_noxmit)
n=$(udp_through $N)
f1=$(p1_fwd); x1=$(p1_noxmit)
(( n == N )) || fail "fast path, GRO on: h2 received $n of $N datagrams"
(( f1 - f0 >= N )) || fail "fast path, GRO on: p1 forwarded only +$((f1 - f0)) of $N"
(( x1 == x0 )) || fail "fast path, GRO on: +$((x1 - x0)) egress_no_xmit"
echo "ok: GRO on at h2: $n of $N datagrams, p1 forwarded +$((f1 - f0))"

# GRO off at h2: the controller hears it and marks p2 at once.
in_ns h2 ethtool -K eth0 gro off >/dev/null || fail "cannot turn GRO off at h2"
wait_log "br0: p2: xdp-features 0x23: cannot transmit redirected frames"
grep -F "br0: p2: xdp-features" "$DEPLOY_TMP/deploy.out"
f0=$(p1_fwd); x0=$(p1_noxmit)
n=$(udp_through $N)
f1=$(p1_fwd); x1=$(p1_noxmit)
(( n == N )) || fail "GRO off at h2: h2 received $n of $N datagrams (Linux: $N)"
(( x1 - x0 >= N )) || fail "GRO off at h2: egress_no_xmit on p1 only +$((x1 - x0)) of $N"
(( f1 == f0 )) || fail "GRO off at h2: p1 still forwarded +$((f1 - f0)) into p2"
echo "ok: GRO off at h2: $n of $N datagrams, through Linux (egress_no_xmit +$((x1 - x0)) on p1)"

# GRO back on: the port returns to the fast path.
in_ns h2 ethtool -K eth0 gro on >/dev/null || fail "cannot turn GRO on at h2"
wait_log "br0: p2: xdp-features 0x67: transmits redirected frames again"
f0=$(p1_fwd); x0=$(p1_noxmit)
n=$(udp_through $N)
f1=$(p1_fwd); x1=$(p1_noxmit)
(( n == N )) || fail "GRO on again at h2: h2 received $n of $N datagrams"
(( f1 - f0 >= N )) || fail "GRO on again at h2: p1 forwarded only +$((f1 - f0)) of $N"
(( x1 == x0 )) || fail "GRO on again at h2: +$((x1 - x0)) egress_no_xmit"
echo "ok: GRO on again at h2: $n of $N datagrams, p1 forwarded +$((f1 - f0))"
