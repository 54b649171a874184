#!/bin/bash
# Native bridge over veths: a port's veth peer turns tx checksumming on
# and off while TNA runs.  With it on, the peer's TCP/UDP leave with
# partial checksums (the pseudo-header sum), which a native redirect
# forwards as they are unless the port entry says "complete them in XDP"
# (csum_completed); with it off they are complete.  Nothing in our
# namespace announces the change: the controller hears the peer's
# RTM_NEWLINK in the peer's namespace (NETLINK_LISTEN_ALL_NSID) and
# rewrites the port entry at once.  The once-a-second recheck is
# stretched to 10 minutes (TNA_TEST_RECHECK_MS), so only that can make
# this pass.  Last the peer moves to another namespace (h4), where it
# has another nsid: the controller must hear it leave (RTM_DELLINK in
# h1), learn where it went and hear its tx checksumming there.  Real UDP
# and TCP sockets from the peer's namespace to h2 through the bridge
# must deliver every datagram and every byte, as Linux alone does.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/deploy/lib.sh
source tests/lib/peer_gro.sh
need_root

N=300
deploy_topo
gro_on h1 h2 h3
in_ns h1 ethtool -K eth0 tx off >/dev/null || skip "cannot turn tx checksumming off on a veth"
for i in 2 3; do check "ping h1->h$i" in_ns h1 ping -c2 -i0.2 -W1 -q 10.0.0.$i >/dev/null; done


# the peer's namespace
SRC=h1

# 256 KiB over TCP $SRC -> h2:5002; prints the bytes received intact
tcp_through() {
	local out rx
	out=$(mktemp)
	in_ns h2 timeout 10 /usr/bin/python3 -c '
import socket,hashlib
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(("10.0.0.2",5002)); s.listen(1); print("ready",flush=True)
c,_=s.accept(); d=b""
while True:
    b=c.recv(65536)
    if not b: break
    d+=b
print(len(d) if d==bytes(i%251 for i in range(262144)) else -len(d),flush=True)' >"$out" &
	rx=$!
	for _ in $(seq 50); do grep -q ready "$out" && break; sleep 0.1; done
	in_ns "$SRC" timeout 8 /usr/bin/python3 -c '
import socket
s=socket.create_connection(("10.0.0.2",5002),timeout=6)
s.sendall(bytes(i%251 for i in range(262144))); s.close()' 2>/dev/null
	wait $rx
	tail -1 "$out"
	rm -f "$out"
}

# PHASE: UDP and TCP must arrive whole; the fast path forwards the UDP
# datagrams and completes their checksums (fix) or leaves them (none)
through() {
	local what=$1 how=$2 f0 c0 f1 c1 got
	read -r f0 c0 < <(csum_counters p1)
	got=$(udp_through "$SRC" h2 10.0.0.2 $N)
	read -r f1 c1 < <(csum_counters p1)
	(( got == N )) || fail "$what: $got of $N datagrams arrived (Linux: $N)"
	(( f1 - f0 >= N )) || fail "$what: the fast path forwarded only +$((f1 - f0)) of $N"
	if [[ $how == fix ]]; then
		(( c1 - c0 >= N )) || fail "$what: only +$((c1 - c0)) of $N checksums completed"
	else
		(( c1 == c0 )) || fail "$what: +$((c1 - c0)) checksums completed"
	fi
	echo "ok: $what: UDP $got of $N datagrams (forwarded +$((f1 - f0)), csum_completed +$((c1 - c0)))"
	got=$(tcp_through)
	[[ $got == 262144 ]] || fail "$what: TCP delivered '$got' of 262144 bytes intact"
	echo "ok: $what: TCP 262144 bytes intact"
}

# Linux alone
n=$(udp_through h1 h2 10.0.0.2 $N)
(( n == N )) || fail "without TNA h2 received $n of $N datagrams"
[[ $(tcp_through) == 262144 ]] || fail "without TNA TCP did not deliver 262144 bytes"
echo "ok: Linux alone: $n of $N datagrams, TCP intact"

LOG=$DEPLOY_TMP/deploy.out
TNA_TEST_RECHECK_MS=600000 start_deploy --target native -v
grep -q "^bridge br0 (ifindex [0-9]*): native" "$LOG" || fail "plan target is not native"
through "tx checksumming off at h1" none

in_ns h1 ethtool -K eth0 tx on >/dev/null || fail "cannot turn tx checksumming on at h1"
wait_log "$LOG" "br0: p1: veth peer changed: checksums partial: completed in XDP"
grep -F "br0: p1: veth peer changed" "$LOG"
through "tx checksumming on at h1" fix

in_ns h1 ethtool -K eth0 tx off >/dev/null || fail "cannot turn tx checksumming off at h1"
wait_log "$LOG" "br0: p1: veth peer changed: checksums complete"
through "tx checksumming off again at h1" none

# The peer goes to h4 (a move takes its address and brings it down).
ns h4 >/dev/null
in_ns h4 sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
in_ns h1 ip link set eth0 netns "$TNA_NS-h4" || fail "cannot move h1's eth0 to h4"
in_ns h4 ip addr add 10.0.0.1/24 dev eth0
in_ns h4 ip link set eth0 up
SRC=h4
check "ping h4->h2" in_ns h4 ping -c2 -i0.2 -W1 -q 10.0.0.2 >/dev/null
in_ns h4 ethtool -K eth0 tx on >/dev/null || fail "cannot turn tx checksumming on at h4"
wait_log "$LOG" "br0: p1: veth peer changed: checksums partial: completed in XDP" 2
through "peer moved to h4, tx checksumming on there" fix
echo "PASS"
