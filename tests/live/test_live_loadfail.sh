#!/bin/bash
# A datapath that cannot load (forced with the TNA_FAULT_LOAD test switch,
# as a verifier reject would): the bridge stays on plain Linux, the
# controller keeps running and --status shows the reason.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
source "$TNA_ROOT/tests/datapath/lib.sh"
source "$TNA_ROOT/tests/live/lib.sh"

bridge_topo
no_br_nf
start_ctl TNA_FAULT_LOAD=1 --
grep -q 'ready: 0 of 1 bridge(s) accelerated' "$LIVE_DIR/ctl.out" ||
	fail "ready line does not say 0 of 1: $(cat "$LIVE_DIR/ctl.out")"
grep -q 'error: br0: cannot load the generic pipeline: Permission denied: plain Linux' "$LIVE_DIR/ctl.out" ||
	fail "reason not logged: $(cat "$LIVE_DIR/ctl.out")"
echo "ok: load failure logged"
for p in v1 v2 v3; do [[ -z $(xdp_id $p) ]] || fail "XDP program on $p although the load failed"; done
check "controller still running" kill -0 "$CTL_PID"
check "status: br0 not running" [ "$(status 'br("br0")["running"]')" = False ]
check "status: reason" [ "$(status 'br("br0")["error"]')" = "cannot load the generic pipeline: Permission denied" ]
in_ns br "$TNA_BIN/tna-deploy" --status | grep -q '^bridge br0: plain Linux' || fail "text status"
in_ns br "$TNA_BIN/tna-deploy" --status | grep -q 'error: cannot load the generic pipeline' || fail "text status: no reason"
echo "ok: --status shows plain Linux and the reason"
rx0=$(in_ns br cat /sys/class/net/v1/statistics/rx_packets)
in_ns h1 ping -c 5 -i 0.1 -W 1 10.0.0.2 >/dev/null || fail "plain Linux does not forward"
rx1=$(in_ns br cat /sys/class/net/v1/statistics/rx_packets)
(( rx1 - rx0 >= 5 )) || fail "pings did not go through the Linux bridge"
echo "ok: plain Linux forwards"
kill -TERM "$CTL_PID"; wait "$CTL_PID" || fail "tna-deploy exit status $?"
