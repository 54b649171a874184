#!/bin/bash
# Dead-man switch: a stopped controller must not leave the fast path
# forwarding on tables nobody keeps current.  A bridge with two ports,
# tna-deploy running; the controller is stopped (SIGSTOP) and port v2 set
# to STP learning: plain Linux answers none of the pings (it drops data on
# a learning port); TNA may answer only while the fast path still trusts
# its tables, at most 0.5 s after the controller stopped.  Resumed, the
# controller applies the change (still no answer), and once v2 forwards
# again the fast path forwards again.  MODE=native for native.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
MODE=${MODE:-generic}
RATE_MS=20		# one ping every 20 ms
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"

ns br >/dev/null; ns h1 >/dev/null; ns h2 >/dev/null
# forward_delay 0: without STP the kernel still arms the forward-delay timer
# of a port that starts forwarding; its expiry would undo the learning state.
in_ns br ip link add br0 type bridge forward_delay 0 || fail "cannot create bridge"
in_ns br sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 \
	net.bridge.bridge-nf-call-arptables=0 2>/dev/null
for i in 1 2; do
	veth br v$i h$i eth0
	in_ns br ip link set v$i master br0
	in_ns h$i ip addr add 10.0.0.$i/24 dev eth0
	in_ns h$i ethtool -K eth0 gro on >/dev/null	# native redirect into the veth
done
in_ns br ip link set br0 up
for _ in $(seq 50); do
	in_ns br bridge link show | grep -c 'state forwarding' | grep -qx 2 && break
	sleep 0.1
done
in_ns h1 ping -c 2 -i 0.2 -W 1 10.0.0.2 >/dev/null || fail "plain bridge does not forward"

# pings answered while v2 is in STP learning state, plain Linux
in_ns br bridge link set dev v2 state 2
n=$(in_ns h1 ping -c 25 -i 0.02 -W 1 10.0.0.2 | awk '/transmitted/ {print $4}')
in_ns br bridge link set dev v2 state 3
echo "plain Linux, v2 learning: $n of 25 pings answered"
[[ $n == 0 ]] || fail "plain Linux answered $n pings through a learning port"

ip netns exec "$TNA_NS-br" "$TNA_BIN/tna-deploy" --target "$MODE" -v >"$tmp/ctl.out" 2>&1 &
ctl=$!
on_exit "kill -CONT $ctl; kill -9 $ctl"
for _ in $(seq 100); do
	grep -q 'tna-deploy: ready' "$tmp/ctl.out" && break
	kill -0 $ctl 2>/dev/null || break
	sleep 0.1
done
grep -q 'tna-deploy: ready: 1 of 1' "$tmp/ctl.out" || { cat "$tmp/ctl.out"; fail "tna-deploy not ready"; }
fwd() { in_ns br "$TNA_BIN/tna-stat" -i v1 --json | /usr/bin/python3 -c '
import json,sys; print(json.load(sys.stdin)["interfaces"][0]["forwarded"])'; }
in_ns h1 ping -c 10 -i 0.05 -W 1 10.0.0.2 >/dev/null || fail "no forwarding through TNA"
f0=$(fwd)
[[ $f0 -gt 0 ]] || fail "the fast path did not forward the pings"

# Pings every RATE_MS; stop the controller, then v2 to learning.
in_ns h1 ping -D -i 0.$(printf %03d $RATE_MS) -w 3 -W 1 10.0.0.2 >"$tmp/ping" 2>&1 &
pp=$!
sleep 0.5
kill -STOP $ctl
t_stop=$(date +%s.%N)
in_ns br bridge link set dev v2 state 2
t_state=$(date +%s.%N)
wait $pp
# replies (timestamps) after the state change
late=$(awk -v t="$t_state" -F'[][]' '/bytes from/ && $2 > t {n++; last=$2} END {print n+0, (n ? last - t : 0)}' "$tmp/ping")
read -r n_late last_late <<<"$late"
echo "controller stopped at $t_stop; v2 learning at $t_state"
echo "pings answered after v2 went learning: $n_late, the last $last_late s after"
max=$((500 / RATE_MS))
(( n_late <= max )) || fail "$n_late pings answered through a learning port with the controller stopped (more than 0.5 s: $max)"
/usr/bin/python3 -c "import sys; sys.exit(0 if float('$last_late') <= 0.5 else 1)" ||
	fail "a ping was answered $last_late s after the state change (bound 0.5 s)"
stale=$(in_ns br "$TNA_BIN/tna-stat" -i v1 --json | /usr/bin/python3 -c '
import json,sys; print(json.load(sys.stdin)["interfaces"][0]["passed"]["controller_stale"])')
[[ $stale -gt 0 ]] || fail "no frame passed to Linux as controller_stale"
echo "ok: at most 0.5 s of pings through a stopped controller ($n_late), then plain Linux ($stale frames passed as controller_stale)"

# Resumed: it applies the learning state; still nothing answered.
kill -CONT $ctl
sleep 0.5
n=$(in_ns h1 ping -c 25 -i 0.02 -W 1 10.0.0.2 | awk '/transmitted/ {print $4}')
[[ $n == 0 ]] || fail "$n pings answered through a learning port after the controller resumed"
echo "ok: resumed controller keeps v2 learning (0 of 25 answered)"
in_ns br bridge link set dev v2 state 3
sleep 0.3
f1=$(fwd)
in_ns h1 ping -c 10 -i 0.05 -W 1 10.0.0.2 >/dev/null || fail "no forwarding once v2 forwards again"
f2=$(fwd)
(( f2 > f1 )) || fail "the fast path does not forward again after the controller resumed ($f1 -> $f2)"
echo "ok: the fast path forwards again after the controller resumed"
kill -TERM $ctl; wait $ctl
