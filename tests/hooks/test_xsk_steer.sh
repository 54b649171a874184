#!/bin/bash
# The AF_XDP steer: with --xsk 'udp dport 4789 queue 0', the UDP frames to
# port 4789 that h1 sends reach tna-xsk's socket on p1 (count, bytes, and
# byte for byte), none of them reaches h2 or Linux; every other frame is
# forwarded unchanged (UDP to 5000 byte for byte on h2).  Before a socket
# is registered the steered flow goes to Linux (xsk_no_socket), counted.
# A new pipeline (arptables called for bridged ARP: another module) keeps
# the socket registered.
# A stopped controller (its dead-man switch trips) leaves the flow to
# plain Linux like everything else, socket or not.
# Generic by default; XSK_TARGET=native for native XDP.
cd "$(dirname "$0")/../.." || exit 1
source tests/hooks/lib.sh
target=${XSK_TARGET:-generic}
[[ -x $TNA_BIN/tna-xsk ]] || fail "$TNA_BIN/tna-xsk not built (make)"

deploy_topo
native_peers "$target"
start_deploy -t "$target" --hooks-dir '' --xsk 'udp dport 4789 queue 0'
grep -q "^xsk: to AF_XDP sockets: udp dport 4789 queue 0" "$DEPLOY_TMP/deploy.out" ||
	fail "the plan does not show the rule"
learn

# no socket yet: to Linux (the bridge forwards it), counted
send_check "no socket: UDP to 4789 goes to Linux" 4789 5 5
expect_eq "p1 to Linux for xsk_no_socket" "$(passed_of p1 xsk_no_socket)" 5

xlog=$DEPLOY_TMP/xsk.out
# exits once it has the 20 frames; a bound for when they never come
timeout 30 ip netns exec "$TNA_NS-dut" "$TNA_BIN/tna-xsk" -q 0 -c 40 -w "$DEPLOY_TMP/xsk.pcap" p1 >"$xlog" 2>&1 &
XSK_PID=$!
on_exit_kill "$XSK_PID"
for _ in $(seq 100); do grep -q '^registered' "$xlog" && break; kill -0 $XSK_PID 2>/dev/null || break; sleep 0.05; done
grep -q '^registered: p1 queue 0' "$xlog" || fail "tna-xsk did not register: $(cat "$xlog")"

send_check "UDP to 4789: steered to the socket, not to h2" 4789 20 0
fwd0=$(stat_of p1 forwarded)
send_check "UDP to 5000: forwarded, unchanged" 5000 20 20
fwd=$(( $(stat_of p1 forwarded) - fwd0 ))
[[ $fwd == 20 ]] || fail "UDP to 5000 forwarded by XDP: $fwd, want 20: $(in_ns dut "$TNA_BIN/tna-stat" -i p1)"
echo "ok: UDP to 5000 forwarded by XDP"

id0=$(pipeline_id p1)
in_ns dut sysctl -qw net.bridge.bridge-nf-call-arptables=1	# another module: a new pipeline
for _ in $(seq 50); do grep -q "pipeline replaced atomically (modules changed" "$DEPLOY_TMP/deploy.out" && break; sleep 0.1; done
id1=$(pipeline_id p1)
[[ -n $id1 && $id1 != "$id0" ]] || fail "pipeline id $id0 -> '$id1': no new pipeline"
send_check "after a pipeline swap: UDP to 4789 still steered" 4789 40 0 20

wait $XSK_PID || fail "tna-xsk failed or timed out: $(cat "$xlog")"
cat "$xlog"
grep -q "^received 40 frames, $((40 * 106)) bytes" "$xlog" || fail "tna-xsk: $(tail -1 "$xlog")"
got=$(/usr/bin/python3 "$FRAMES" check "$DEPLOY_TMP/xsk.pcap" 4789 40) || fail "frames changed on the way to the socket"
expect_eq "frames to 4789 in the socket, unchanged" "$got" 40
expect_eq "steered frames (tna-stat)" "$(in_ns dut "$TNA_BIN/tna-stat" -i br0 --json | /usr/bin/python3 -c '
import json,sys; x=json.load(sys.stdin)["interfaces"][0]["xsk"][0]; print(x["frames"], x["bytes"])')" "40 $((40 * 106))"
expect_eq "p1 to Linux for xsk_no_socket (unchanged)" "$(passed_of p1 xsk_no_socket)" 5
in_ns dut "$TNA_BIN/tna-stat" -i br0 | grep -q "to AF_XDP sockets: rule 0 40 frames $((40 * 106)) bytes" ||
	fail "tna-stat text: $(in_ns dut "$TNA_BIN/tna-stat" -i br0)"

# the controller stopped: once the dead-man switch has tripped, plain Linux
timeout 30 ip netns exec "$TNA_NS-dut" "$TNA_BIN/tna-xsk" -q 0 p1 >"$xlog" 2>&1 &
XSK_PID=$!
on_exit_kill "$XSK_PID"
for _ in $(seq 100); do grep -q '^registered' "$xlog" && break; sleep 0.05; done
grep -q '^registered: p1 queue 0' "$xlog" || fail "tna-xsk did not register again: $(cat "$xlog")"
kill -STOP "$DEPLOY_PID"
on_exit "kill -CONT $DEPLOY_PID 2>/dev/null"
for _ in $(seq 100); do
	in_ns h1 ping -c 1 -W 1 -q 10.0.0.2 >/dev/null
	(( $(passed_of p1 controller_stale) > 0 )) && break
	sleep 0.05
done
(( $(passed_of p1 controller_stale) > 0 )) || fail "the dead-man switch did not trip within 5 s"
send_check "controller stopped: UDP to 4789 to Linux, not to the socket" 4789 50 10 40
expect_eq "steered frames (tna-stat), unchanged" "$(in_ns dut "$TNA_BIN/tna-stat" -i br0 --json | /usr/bin/python3 -c '
import json,sys; print(json.load(sys.stdin)["interfaces"][0]["xsk"][0]["frames"])')" 40
kill -CONT "$DEPLOY_PID"
kill -TERM "$XSK_PID"
echo PASS
