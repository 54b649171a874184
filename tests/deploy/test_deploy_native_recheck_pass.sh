#!/bin/bash
# Native bridge, the once-a-second recheck of every port (here every
# 50 ms: TNA_TEST_RECHECK_MS) with ports whose veth peers live in two
# other namespaces and in ours.  One pass over the ports shares its
# sockets: per pass at most one AF_INET socket, one rtnetlink socket and
# one genl socket per namespace (ours, A, B) are opened, not several per
# port (counted under strace: socket() calls against the ports' MTU
# reads, one per port and pass).  Nothing is kept between passes: the
# controller's fd count stays flat over many passes and after ports come
# and go, and deleting a peer namespace deletes its veths (a socket kept
# in it would hold it and them alive).  A peer moved into a third
# namespace is still read: its tx checksumming decides the port entry.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/deploy/lib.sh
need_root
command -v strace >/dev/null || skip "needs strace"

ns dut >/dev/null; ns a >/dev/null; ns b >/dev/null; ns c >/dev/null
# no IPv6 chatter: addresses coming up would replan (and read) the ports
for n in dut a b c; do
	in_ns $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
in_ns dut ip link add br0 type bridge || fail "cannot create bridge"
# q0..q3: peers in a; q4..q6: in b; q7: in dut itself
for i in 0 1 2 3 4 5 6 7; do
	if ((i < 4)); then p=a; elif ((i < 7)); then p=b; else p=dut; fi
	in_ns dut ip link add q$i type veth peer name c$i netns "$TNA_NS-$p" ||
		fail "cannot create veth q$i"
	in_ns dut ip link set q$i master br0 up
	in_ns $p ip link set c$i up
done
in_ns dut ip link set br0 up
PORTS=8

LOG=$DEPLOY_TMP/strace.log
OUT=$DEPLOY_TMP/deploy.out
TNA_TEST_RECHECK_MS=50 ip netns exec "$TNA_NS-dut" strace -f -qq -e trace=socket,ioctl -o "$LOG" \
	"$TNA_BIN/tna-deploy" --target native >"$OUT" 2>&1 &
SPID=$!
on_exit_kill "$SPID"
wait_deploy_ready "$OUT" "$SPID" 200
PID=$(pgrep -P "$SPID" -x tna-deploy) || fail "no tna-deploy under strace"
on_exit_kill "$PID"
sleep 2		# what follows ready (the first events) settles

fds() { ls "/proc/$PID/fd" | wc -l; }
# the fd counts of N samples 0.1 s apart: "min max"
fd_range() {
	local n=$1 lo=999999 hi=0 k
	for ((; n > 0; n--)); do
		k=$(fds); ((k < lo)) && lo=$k; ((k > hi)) && hi=$k
		sleep 0.1
	done
	echo "$lo $hi"
}
# socket() calls and MTU reads in the strace log since line $1
counts() {
	tail -n +"$1" "$LOG" | awk '/ socket\(/ { s++ } /SIOCGIFMTU/ { m++ }
		END { print s + 0, m + 0 }'
}
# WHAT NS: over 3 s (some 60 passes, fewer under strace) at most 2 + NS
# sockets per pass (inet, rtnetlink, a genl socket per namespace).  The
# window starts and ends where it falls: the pass it cuts at its end may
# have opened its sockets with none or only some of its MTU reads in the
# window, so that pass's sockets are allowed on top (a socket per port
# would still be PORTS a pass, beyond the bound after two passes).
per_pass() {
	local what=$1 nns=$2 l0 s m passes
	l0=$(($(wc -l <"$LOG") + 1))
	sleep 3
	read -r s m < <(counts "$l0")
	passes=$((m / PORTS))
	((passes >= 2)) || fail "$what: only $passes passes over $PORTS ports in 3 s ($m MTU reads)"
	((s <= (passes + 1) * (2 + nns))) ||
		fail "$what: $s sockets opened in $passes passes over $PORTS ports in $nns namespaces (at most $((2 + nns)) a pass, and one pass cut by the window)"
	echo "ok: $what: $s sockets opened in $passes passes over $PORTS ports ($nns namespaces)"
}

per_pass "peers in 2 namespaces and ours" 3

read -r lo0 hi0 < <(fd_range 10)
read -r lo hi < <(fd_range 30)
# a pass holds at most 2 + 3 sockets open, and while it makes a socket in
# a peer's namespace two namespace fds more (the peer's, from
# RTM_GETNSID, and its own to return to): 7 above the idle count at most,
# where a leak of one fd a pass would grow by some 60
HELD=7
((hi <= lo0 + HELD)) || fail "fd count grew from $lo0 to $hi over some 60 passes"
echo "ok: fd count $lo0..$hi0, then $lo..$hi (a pass holds at most $HELD)"

# namespace b goes: its veths (and our q4..q6) must go with it
ip netns del "$TNA_NS-b"
for _ in $(seq 100); do
	in_ns dut ip link show q4 >/dev/null 2>&1 || break
	sleep 0.1
done
in_ns dut ip link show q4 >/dev/null 2>&1 && fail "q4 still there 10 s after its peer's namespace was deleted"
echo "ok: namespace b deleted, its veths with it"
PORTS=5
sleep 2		# the replan that follows
per_pass "after b went" 2

# new ports with peers in c
for i in 8 9 10; do
	in_ns dut ip link add q$i type veth peer name c$i netns "$TNA_NS-c" || fail "cannot create veth q$i"
	in_ns dut ip link set q$i master br0 up
	in_ns c ip link set c$i up
done
PORTS=8
sleep 2
per_pass "with new ports in c" 3
read -r lo hi < <(fd_range 30)
((hi <= lo0 + HELD)) || fail "fd count $lo..$hi after ports came and went (first $lo0)"
echo "ok: fd count $lo..$hi after ports came and went"

# c0 moves from a to c: its tx checksumming is still what decides q0's entry
checksums() { in_ns dut "$TNA_BIN/tna-stat" -i "$1" --json | /usr/bin/python3 -c '
import json,sys; print(json.load(sys.stdin)["interfaces"][0]["checksums"])'; }
wait_checksums() {
	local port=$1 want=$2 got
	for _ in $(seq 50); do
		got=$(checksums "$port"); [[ $got == "$want" ]] && return 0
		sleep 0.1
	done
	fail "$port: checksums '$got', want '$want'"
}
in_ns a ethtool -K c0 tx off >/dev/null || skip "cannot turn tx checksumming off on a veth"
wait_checksums q0 "complete"
echo "ok: q0's peer in a, tx checksumming off: complete"
in_ns a ip link set c0 netns "$TNA_NS-c" || fail "cannot move c0"
in_ns c ip link set c0 up
in_ns c ethtool -K c0 tx on >/dev/null || fail "cannot turn tx checksumming on"
wait_checksums q0 "completed in XDP"
echo "ok: q0's peer moved to c, tx checksumming on: completed in XDP"
in_ns c ethtool -K c0 tx off >/dev/null || fail "cannot turn tx checksumming off"
wait_checksums q0 "complete"
echo "ok: q0's peer in c, tx checksumming off: complete"
exit 0
