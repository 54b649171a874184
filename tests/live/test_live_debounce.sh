#!/bin/bash
# One redeploy per burst: ten configuration changes in one `ip -batch`
# (port flaps, flags) are applied by a single replan, which ends in the
# state the last change left; a later change gets its own.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
source "$TNA_ROOT/tests/datapath/lib.sh"
source "$TNA_ROOT/tests/live/lib.sh"

bridge_topo
no_br_nf
# A wide quiet time so that the burst stays one burst on a busy machine.
start_ctl -- --debounce 100,1000
sleep 0.3
n0=$(applied_count)
{
	for _ in 1 2 3 4; do echo "link set v3 down"; echo "link set v3 up"; done
	echo "link set v3 type bridge_slave learning off"
	echo "link set v3 type bridge_slave learning on"
} | in_ns br ip -batch - || fail "ip -batch"
wait_applied "$n0" || fail "the burst was not applied"
sleep 0.5	# anything still pending would be applied by now
n1=$(applied_count)
# The first replan after the batch must cover all of its changes (the
# kernel may add events of its own later: linkwatch delays operstate
# changes by up to 1 s; those are a burst of their own).
line=$(grep 'applied .* event' "$LIVE_DIR/ctl.out" | sed -n "$((n0 + 1))p")
[[ $line =~ applied\ ([0-9]+)\ event ]] && (( BASH_REMATCH[1] >= 10 )) ||
	fail "the replan did not cover the burst's events: $line"
echo "ok: one replan for the burst ($((n1 - n0)) in all): $line"
v3=$(ifindex v3)
check "v3 still attached after the burst" [ "$(status "$v3 in br(\"br0\")[\"attached_ifindexes\"]")" = True ]
in_ns h1 ping -c 3 -i 0.1 -W 1 10.0.0.3 >/dev/null || fail "h1 cannot reach h3 after the burst"
f0=$(tna_counter br v3 forwarded)
in_ns h1 ping -c 10 -i 0.02 -W 1 -q 10.0.0.3 >/dev/null || fail "pings to h3 lost"
(( $(tna_counter br v3 forwarded) > f0 )) || fail "v3 not on the fast path after the burst"
echo "ok: end state is the last change's (v3 up, learning on, accelerated)"

in_ns br ip link set v2 down
wait_applied "$n1" || fail "a later change was not applied"
echo "ok: a later change gets its own replan"
in_ns br ip link set v2 up
kill -TERM "$CTL_PID"; wait "$CTL_PID" || fail "tna-deploy exit status $?"
