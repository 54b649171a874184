#!/bin/bash
# Fail-safe of the controller: kill -9 leaves plain Linux that
# forwards within 1 s; a restart re-adopts the bridge without losing
# traffic; a second controller refuses; --status --json tells the truth.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
source "$TNA_ROOT/tests/datapath/lib.sh"
source "$TNA_ROOT/tests/live/lib.sh"

bridge_topo
no_br_nf
in_ns h1 ping -c 2 -i 0.2 -W 1 10.0.0.2 >/dev/null || fail "plain bridge does not forward"

start_ctl
for p in v1 v2 v3; do [[ -n $(xdp_id $p) ]] || fail "no XDP program on $p after deploy"; done
echo "ok: tna-deploy attached to v1 v2 v3"
check "status says running" [ "$(status 'd["running"] and br("br0")["running"]')" = True ]
check "status has the controller pid" [ "$(status 'd["pid"]')" = "$CTL_PID" ]
# Its event socket holds a learning burst of 200k MACs (up to 66 MB of
# queued events): an overflow would hold every bridge on Linux for a
# full resync.  rb is the kernel's limit: twice what was asked.
rb=$(in_ns br ss -f netlink -m -p 2>/dev/null | grep "rtnl:tna-deploy/$CTL_PID " |
	grep -o 'rb[0-9]*' | tr -d rb | sort -n | tail -1)
check "event socket buffer ${rb:-?} >= 256 MiB" [ "${rb:-0}" -ge $((256 << 20)) ]

# The fast path really forwards: its counter grows, Linux's port does not see it.
in_ns h1 ping -c 5 -i 0.1 -W 1 10.0.0.2 >/dev/null || fail "no forwarding through TNA"
check "fast path forwarded the pings" [ "$(tna_counter br v1 forwarded)" -gt 0 ]

# Two controllers: the second refuses with a clear message, the first stays.
out=$(in_ns br "$TNA_BIN/tna-deploy" --target generic 2>&1); rc=$?
[[ $rc -ne 0 && $out == *"another controller (pid $CTL_PID)"* ]] ||
	fail "second controller did not refuse (rc $rc): $out"
echo "ok: second controller refused: $out"
kill -0 "$CTL_PID" || fail "first controller died"
[[ -n $(xdp_id v1) ]] || fail "second controller disturbed the first"

# kill -9 under traffic: pings every 20 ms, at most 1 s of them lost.  A
# count, not a deadline: a loaded machine sends fewer pings in 4 s, and
# ping keeps sending until 200 replies came, so tx - rx is what was lost.
in_ns h1 ping -c 200 -i 0.02 -w 60 10.0.0.2 >"$LIVE_DIR/ping1" 2>&1 &
ping_pid=$!
sleep 1
rx0=$(in_ns br cat /sys/class/net/v1/statistics/rx_packets)
kill -9 "$CTL_PID"; wait "$CTL_PID" 2>/dev/null
wait_for '[[ -z $(xdp_id v1)$(xdp_id v2)$(xdp_id v3) ]]' 10 ||
	fail "an XDP program is left after kill -9"
echo "ok: no XDP program left 1 s after kill -9"
wait $ping_pid
read -r tx rx < <(awk '/transmitted/ {print $1, $4}' "$LIVE_DIR/ping1")
echo "pings across kill -9: $tx sent, $rx received"
(( rx == 200 && tx - rx <= 50 )) || fail "more than 1 s of pings lost across kill -9 ($tx sent, $rx received)"
echo "ok: at most 1 s of traffic lost across kill -9 ($((tx - rx)) pings)"
rx1=$(in_ns br cat /sys/class/net/v1/statistics/rx_packets)
(( rx1 - rx0 > 50 )) || fail "Linux bridge port v1 did not receive the pings after the kill ($rx0 -> $rx1)"
echo "ok: plain Linux forwards after kill -9 (v1 rx $rx0 -> $rx1)"
check "status: nothing running" [ "$(status 'd["running"]')" = False ]

# Restart under traffic: re-adopts, no ping lost.
in_ns h1 ping -c 200 -i 0.02 -w 60 10.0.0.2 >"$LIVE_DIR/ping2" 2>&1 &
ping_pid=$!
sleep 0.5
start_ctl
for p in v1 v2 v3; do [[ -n $(xdp_id $p) ]] || fail "restart did not attach $p"; done
f0=$(tna_counter br v1 forwarded)
wait $ping_pid
read -r tx rx < <(awk '/transmitted/ {print $1, $4}' "$LIVE_DIR/ping2")
echo "pings across the restart: $tx sent, $rx received"
(( tx == 200 && rx == 200 )) || fail "pings lost across the restart ($tx sent, $rx received)"
check "fast path forwards after the restart" [ "$(tna_counter br v1 forwarded)" -gt "$f0" ]

# Clean stop: SIGTERM detaches.
kill -TERM "$CTL_PID"; wait "$CTL_PID"; rc=$?
[[ $rc -eq 0 ]] || fail "tna-deploy exited $rc on SIGTERM"
[[ -z $(xdp_id v1)$(xdp_id v2)$(xdp_id v3) ]] || fail "XDP left after SIGTERM"
echo "ok: SIGTERM detached everything"
