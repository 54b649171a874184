#!/bin/bash
# Router changes under traffic are applied to the running router, never
# by taking it down: h1 -- r1 [r] r2 -- h2, and r3 -- hx on the side.
# While h1 pings h2 (IPv4 and IPv6, 500/s each), r's configuration
# changes over and over:
#  - a secondary address on r1 comes and goes (the martian set: tables in place);
#  - r3 gets an address (a routed port: attached) and loses it (detached);
#  - a route via h2 comes and goes, h2's neighbour entry is made
#    permanent and removed (the FIB and neighbours: no plan change);
#  - a local /24 route comes and goes (IPv4 sources looked up in the FIB:
#    a table value, tables in place; a frame from a source in that /24 is
#    left to Linux as martian_src while the route is there, not after);
#  - an IPsec policy for other networks comes and goes (IPv4 routed
#    traffic to Linux: other code, swapped).
# Asserts, after each change (tna-deploy --sync): it took effect (r3
# attached or not, the pipeline in the slot replaced or not, the status's
# plan), and r1/r2 kept the SAME XDP program (the root: never a moment with
# no program, never a second attach); at the end: every ping answered
# (sent == received exactly: the path stays valid all along, Linux
# forwards every one of them), and the fast path routes again.
# TOPO=bridge: the router runs in the pipeline of br0 (10.3.0.1, ports b3
# b4 to h3 h4): h1 also pings h3 (routed into the bridge) and h3 pings h4
# (bridged), b3/b4 keep their program too, the swaps are br0's.
# generic; MODE=native for native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/router/lib.sh
need_root
MODE=${MODE:-generic}
CYCLES=${CYCLES:-4}
# on failure, what the controller said last
fail() {
	[[ -f $RT_TMP/dep.out ]] && grep -v ' fdb: ' "$RT_TMP/dep.out" | tail -25 >&2
	echo "FAIL: $*" >&2; exit 1
}

TOPO=${TOPO:-own}
router_topo
HOSTS="h1 h2 hx" PORTS="r1 r2"
if [[ $TOPO == bridge ]]; then
	bridge_ip_topo
	HOSTS+=" h3 h4" PORTS+=" b3 b4"
	in_ns r sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
		net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0 2>/dev/null
fi
_ns hx
veth r r3 hx eth0
in_ns hx ip addr add 10.9.0.2/24 dev eth0
in_ns hx ip route add default via 10.9.0.1
if [[ $MODE == native ]]; then	# a veth takes redirected frames with GRO on its peer
	for h in $HOSTS; do in_ns $h ethtool -K eth0 gro on >/dev/null || fail "GRO on $h"; done
fi
in_ns h2 ip addr add 10.50.0.2/24 dev eth0	# behind the route that comes and goes
start_deploy_r --target "$MODE"
slot() { in_ns r "$TNA_BIN/tna-stat" -i "$1" --json | /usr/bin/python3 -c '
import json,sys; print(json.load(sys.stdin)["interfaces"][0].get("prog_id",""))'; }
plan_has() {	# plan_has PY-EXPR: the status's router plan (r: its JSON)
	"${D[@]}" --status --json | /usr/bin/python3 -c '
import json,sys; d=json.load(sys.stdin); r=d["router"]; sys.exit(0 if eval(sys.argv[1]) else 1)' "$1"
}
sync_
declare -A ROOT
for p in $PORTS; do
	ROOT[$p]=$(xdp_id $p)
	[[ -n ${ROOT[$p]} ]] || fail "nothing attached to $p"
done
[[ -z $(xdp_id r3) ]] || fail "r3 attached with no address"
in_ns h1 ping -c3 -i0.05 -W1 -q 10.2.0.2 >/dev/null || fail "warm-up v4"
in_ns h1 ping -6 -c3 -i0.05 -W1 -q 2001:db8:2::2 >/dev/null || fail "warm-up v6"

same_roots() {	# the ports of the flows never lost their program
	local p
	for p in $PORTS; do
		[[ $(xdp_id $p) == "${ROOT[$p]}" ]] ||
			fail "$1: $p's XDP program changed (${ROOT[$p]} -> $(xdp_id $p)): the pipeline was taken down"
	done
}
# change NAME EXPECT CMD...: apply, sync, check the roots and EXPECT
# (swap: another pipeline in r1's slot; same: the same one)
change() {
	local name=$1 expect=$2 before; shift 2
	before=$(slot r1)
	"$@" || fail "$name: command failed: $*"
	sync_
	same_roots "$name"
	case $expect in
	swap) [[ $(slot r1) != "$before" ]] || fail "$name: the pipeline was not replaced" ;;
	same) [[ $(slot r1) == "$before" ]] || fail "$name: pipeline replaced for a table change" ;;
	esac
	N_CHANGES=$((N_CHANGES + 1))
}

# Pings (skbs), not tna-gen: its XDP-sent frames need GRO on the
# router's ports, whose 256-frame NAPI ring overflows in any stall of a
# loaded 2-core host (drops before any program runs, with Linux alone too).
N=5000
in_ns h1 ping -c $N -i 0.002 -W 2 -q 10.2.0.2 >"$RT_TMP/ping4" 2>&1 &
P4=$!
in_ns h1 ping -6 -c $N -i 0.002 -W 2 -q 2001:db8:2::2 >"$RT_TMP/ping6" 2>&1 &
P6=$!
on_exit_kill "$P4"; on_exit_kill "$P6"
PINGS="ping4 ping6" PIDS="$P4 $P6"
if [[ $TOPO == bridge ]]; then
	in_ns h1 ping -c $N -i 0.002 -W 2 -q 10.3.0.3 >"$RT_TMP/ping_h3" 2>&1 &
	PIDS+=" $!"; on_exit_kill $!
	in_ns h3 ping -c $N -i 0.002 -W 2 -q 10.3.0.4 >"$RT_TMP/ping_h4" 2>&1 &
	PIDS+=" $!"; on_exit_kill $!
	PINGS+=" ping_h3 ping_h4"
fi
# src_checked 1|0: five echoes from h1 with a source in 10.77.0.0/24 are
# (1) or are not (0) all left to Linux as martian_src on r1
in_ns h1 ip addr add 10.77.0.5/32 dev eth0
src_checked() {
	local a=$(rt_counter r1 passed.martian_src) d
	in_ns h1 ping -c 5 -i 0.01 -W 0.1 -q -I 10.77.0.5 10.2.0.2 >/dev/null 2>&1
	d=$(( $(rt_counter r1 passed.martian_src) - a ))
	if (($1)); then ((d == 5)) || fail "local /24 route: $d of 5 frames from 10.77.0.5 counted martian_src"
	else ((d == 0)) || fail "local /24 route gone: $d frames from 10.77.0.5 still counted martian_src"; fi
}
N_CHANGES=0
for ((k = 0; k < CYCLES; k++)); do
	change "r1 secondary address added" same in_ns r ip addr add 10.1.0.100/24 dev r1
	plan_has '"interfaces" in r' || fail "status has no router plan"
	change "r1 secondary address removed" same in_ns r ip addr del 10.1.0.100/24 dev r1
	change "r3 address added" same in_ns r ip addr add 10.9.0.1/24 dev r3
	[[ -n $(xdp_id r3) ]] || fail "r3 not attached once routed"
	in_ns hx ping -c2 -i0.05 -W1 -q 10.2.0.2 >/dev/null || fail "hx -> h2 through r3"
	change "r3 address removed" same in_ns r ip addr del 10.9.0.1/24 dev r3
	[[ -z $(xdp_id r3) ]] || fail "r3 still attached with no address"
	change "route added" same in_ns r ip route add 10.50.0.0/24 via 10.2.0.2
	in_ns h1 ping -c2 -i0.05 -W1 -q 10.50.0.2 >/dev/null || fail "h1 -> 10.50.0.2 over the new route"
	change "route removed" same in_ns r ip route del 10.50.0.0/24 via 10.2.0.2
	change "neighbour made permanent" same \
		in_ns r ip neigh replace 10.2.0.2 lladdr 02:00:00:00:02:02 dev r2 nud permanent
	change "neighbour removed" same in_ns r ip neigh del 10.2.0.2 dev r2
	change "local /24 route added" same in_ns r ip route add local 10.77.0.0/24 dev lo
	((k == 0)) && src_checked 1
	change "local /24 route removed" same in_ns r ip route del local 10.77.0.0/24 dev lo
	((k == 0)) && src_checked 0
	change "IPsec policy added" swap in_ns r ip xfrm policy add src 10.88.0.0/24 dst 10.89.0.0/24 dir fwd
	plan_has 'r["xfrm_routed_ipv4"]' || fail "IPsec policy not in the plan"
	change "IPsec policy removed" swap in_ns r ip xfrm policy del src 10.88.0.0/24 dst 10.89.0.0/24 dir fwd
	plan_has 'not r["xfrm_routed_ipv4"]' || fail "IPsec policy still in the plan"
	kill -0 $P4 2>/dev/null || break	# the pings are over
done
((N_CHANGES >= 20)) || fail "only $N_CHANGES changes while the pings ran: too slow"
for p in $PIDS; do wait $p; done
pings_answered "$N" "$N_CHANGES router changes" $PINGS
same_roots "the end"
# the neighbour removed last is resolved again by Linux's first packets
xdp_routes() {
	local a=$(rt_counter r1 forwarded)
	in_ns h1 ping -c1 -W1 -q 10.2.0.2 >/dev/null && (( $(rt_counter r1 forwarded) > a ))
}
for _ in $(seq 20); do xdp_routes && break; sleep 0.1; done
a=$(rt_counter r1 forwarded)
check "v4 after the changes" in_ns h1 ping -c20 -i0.005 -W1 -q 10.2.0.2 >/dev/null
(( $(rt_counter r1 forwarded) >= a + 20 )) || fail "the fast path does not route after the changes"
echo "controller: $(grep -c 'router: tables updated' "$RT_TMP/dep.out") table updates, $(grep -c 'router: pipeline replaced' "$RT_TMP/dep.out") own-pipeline swaps, $(grep -c 'replaced atomically (router changed' "$RT_TMP/dep.out") bridge-pipeline swaps"
kill -TERM "$DEP_PID"; wait "$DEP_PID" || fail "tna-deploy exited $?"
for p in $PORTS r3; do [[ -z $(xdp_id $p) ]] || fail "XDP left on $p"; done
echo "PASS"
