#!/bin/bash
# The router's own pipeline changes XDP mode (generic <-> native) under
# traffic: h1 -- r1 [r] r2 -- h2 under tna-deploy --target auto, GRO on
# at both hosts (r1 and r2 can take native redirects: native), and r3 --
# hx on the side, GRO off at hx (r3 cannot).  r3 gets an address: it is
# routed, auto replans generic; it loses it: native again.  The kernel
# runs one XDP mode per device (docs/kernel-facts.md §7), so r1 and r2 are
# detached and attached again in the other mode, everything loaded
# before: Linux routes the frames in between.  Asserts: the mode follows
# each change (tna-deploy --sync), r1/r2 carry a program in that mode,
# every ping answered (IPv4 and IPv6, 500/s each: sent == received), and
# the gap stays short: a sampler reads the ports' XDP state every
# millisecond (each dump waits for the RTNL the attach holds), and a port
# found without a program in more than GAP_MAX samples in a row fails (a
# pipeline load in the gap, as when the router was stopped and started,
# takes tens to hundreds of ms: hundreds of samples here).
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/router/lib.sh
need_root
CYCLES=${CYCLES:-3}
GAP_MAX=${GAP_MAX:-10}
fail() {
	[[ -f $RT_TMP/dep.out ]] && tail -30 "$RT_TMP/dep.out" >&2
	echo "FAIL: $*" >&2; exit 1
}

router_topo
for h in h1 h2; do in_ns $h ethtool -K eth0 gro on >/dev/null || fail "GRO on $h"; done
_ns hx
veth r r3 hx eth0
in_ns hx ethtool -K eth0 tso off gro off >/dev/null
in_ns hx ip addr add 10.9.0.2/24 dev eth0
start_deploy_r --target auto
target() { "${D[@]}" --status --json | /usr/bin/python3 -c '
import json,sys; r=json.load(sys.stdin)["router"]; print(r["target"] if r["running"] else "none")'; }
mode_of() { in_ns r ip -j link show "$1" | /usr/bin/python3 -c '
import json,sys; x=json.load(sys.stdin)[0].get("xdp",{}); print({1:"native",2:"generic"}.get(x.get("mode"),"none"))'; }
sync_
[[ $(target) == native ]] || fail "the router does not start native: $(target)"
in_ns h1 ping -c3 -i0.05 -W1 -q 10.2.0.2 >/dev/null || fail "warm-up v4"
in_ns h1 ping -6 -c3 -i0.05 -W1 -q 2001:db8:2::2 >/dev/null || fail "warm-up v6"

xdp_sampler_start r1 r2
N=6000
in_ns h1 ping -c $N -i 0.002 -W 2 -q 10.2.0.2 >"$RT_TMP/ping4" 2>&1 &
PIDS="$!"; on_exit_kill $!
in_ns h1 ping -6 -c $N -i 0.002 -W 2 -q 2001:db8:2::2 >"$RT_TMP/ping6" 2>&1 &
PIDS+=" $!"; on_exit_kill $!
P4=${PIDS%% *}

# change NAME MODE CMD...: apply, sync, check the router runs in MODE
change() {
	local name=$1 mode=$2 p; shift 2
	"$@" || fail "$name: command failed: $*"
	sync_
	[[ $(target) == "$mode" ]] || fail "$name: the router is not $mode: $(target)"
	for p in r1 r2; do
		[[ $(mode_of $p) == "$mode" ]] || fail "$name: $p runs $(mode_of $p), not $mode"
	done
	N_CHANGES=$((N_CHANGES + 1))
}
N_CHANGES=0
for ((k = 0; k < CYCLES; k++)); do
	change "r3 address added" generic in_ns r ip addr add 10.9.0.1/24 dev r3
	change "r3 address removed" native in_ns r ip addr del 10.9.0.1/24 dev r3
	kill -0 "$P4" 2>/dev/null || break	# the pings are over
done
((N_CHANGES >= 4)) || fail "only $N_CHANGES changes while the pings ran: too slow"
for p in $PIDS; do wait $p; done
xdp_sampler_stop; samples=$XDP_SAMPLES
pings_answered "$N" "$N_CHANGES mode changes" ping4 ping6
((samples >= 1000)) || fail "only $samples samples of the ports' XDP state"
for p in r1 r2; do
	g=$(grep -c "^$p:" "$RT_TMP/gaps")
	max=$(awk -v p="$p:" '$1 == p && $6 > m { m = $6 } END { print m + 0 }' "$RT_TMP/gaps")
	maxn=$(awk -v p="$p:" '$1 == p && substr($8, 2) + 0 > m { m = substr($8, 2) + 0 } END { print m + 0 }' "$RT_TMP/gaps")
	echo "ok: $p without a program $g time(s) over $N_CHANGES mode changes, at most $maxn sample(s) in a row, $max ms ($samples samples)"
	((maxn <= GAP_MAX)) ||
		fail "$p without a program in $maxn samples in a row (at most $GAP_MAX): not a short gap: $(grep "^$p:" "$RT_TMP/gaps")"
done
grep 'router: moved to' "$RT_TMP/dep.out" | sed 's/.*router: /  /' | head -2
kill -TERM "$DEP_PID"; wait "$DEP_PID" || fail "tna-deploy exited $?"
for p in r1 r2; do [[ -z $(xdp_id $p) ]] || fail "XDP left on $p"; done
echo "PASS"
