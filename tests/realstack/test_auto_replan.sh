#!/bin/bash
# tna-deploy --target auto follows the veth peers it rests on (TSO: no
# event in the DUT's namespace tells it, it looks every second; GRO: the
# kernel's XDP-features notification of our end, and every second too).
#  Router (h1 -- p1 [dut] p2 -- h2), hosts with TSO off and GRO off:
#  - --dry-run and --status (text and JSON) show the router's target:
#    generic, naming the port that cannot be a native redirect egress;
#  - deployed, it routes in XDP (tna-stat forwarded grows, generic);
#  - GRO on at the hosts: within 3 s the router is native and routes in
#    XDP; GRO off again: generic again;
#  Bridge (h1 h2 on br0), same hosts:
#  - generic; TSO on at h1's veth: within 3 s p1 has no program (auto
#    leaves a peer that sends TSO superpackets to Linux: with two ports,
#    nothing is left), TSO off again: generic again (a peer can change
#    TSO only while our end has no native XDP: the kernel takes it away);
#  - GRO on at the hosts: native within 3 s.
#  Both: an MTU change of a port reaches its port-table entry (tna-stat
#  "mtu", what egress_mtu compares with) from the link event.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
need_root
source tests/realstack/lib.sh
[[ -x $RS_BIN/tna-deploy ]] || skip "build first (make)"

status_json() { in_ns dut "$RS_BIN/tna-deploy" --status --json; }
router_target() { status_json | "$RS_PY" -c 'import json,sys; r=json.load(sys.stdin)["router"]; print(r["target"] if r.get("running") else "not-running")'; }
bridge_target() { status_json | "$RS_PY" -c 'import json,sys; b=json.load(sys.stdin)["bridges"][0]; print(b["target"] if b.get("running") else "not-running")'; }
port_acc() { status_json | "$RS_PY" -c 'import json,sys; b=json.load(sys.stdin)["bridges"][0]; print([p["accelerated"] for p in b["ports"] if p["name"]==sys.argv[1]][0] and b.get("running", False))' "$1"; }
fwd() { in_ns dut "$RS_BIN/tna-stat" -i "$1" --json 2>/dev/null | "$RS_PY" -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["forwarded"])' 2>/dev/null || echo 0; }
mtu() { in_ns dut "$RS_BIN/tna-stat" -i "$1" --json 2>/dev/null | "$RS_PY" -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["mtu"])' 2>/dev/null; }
mtu_follows() {	# PORT: the port table follows an MTU change (and back)
	[[ $(mtu "$1") == 1500 ]] || fail "$1: port table MTU $(mtu "$1"), expected 1500"
	in_ns dut ip link set "$1" mtu 1400
	wait_for 2 1400 mtu "$1" || fail "$1: MTU 1400 not in the port table after 2 s ($(mtu "$1"))"
	in_ns dut ip link set "$1" mtu 1500
	wait_for 2 1500 mtu "$1" || fail "$1: MTU 1500 not back in the port table"
	echo "ok: $1's MTU change reached its port-table entry"
}
mode() { in_ns dut "$RS_BIN/tna-stat" -i "$1" --json 2>/dev/null | "$RS_PY" -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["mode"])' 2>/dev/null; }
wait_for() {	# wait_for SECONDS WHAT CMD... (CMD's output must be WHAT)
	local t=$1 want=$2 i
	shift 2
	for ((i = 0; i < t * 10; i++)); do
		[[ $("$@") == "$want" ]] && return 0
		sleep 0.1
	done
	return 1
}
in_xdp_now() {	# PORT DST: one ping forwarded by XDP on PORT
	local f0=$(fwd "$1")
	in_ns h1 ping -c 1 -W 1 -q "$2" >/dev/null && (( $(fwd "$1") > f0 )) && echo yes
}
routes_in_xdp() {	# PORT DST: 20 pings, forwarded by XDP on PORT
	local f0 f1
	# A replan holds the ports on Linux until its rebuild and the events
	# that came meanwhile are applied: the status may show the new target
	# a moment before.  Wait (3 s at most) until XDP forwards, then count.
	wait_for 3 yes in_xdp_now "$1" "$2" || fail "$1: XDP does not forward within 3 s"
	f0=$(fwd "$1")
	in_ns h1 ping -c 20 -i 0.02 -W 1 -q "$2" >/dev/null || fail "ping $2"
	f1=$(fwd "$1")
	(( f1 - f0 >= 20 )) || fail "$1 forwarded $((f1 - f0)) of 20 pings in XDP"
	echo "ok: $1 ($(mode "$1")) forwarded $((f1 - f0)) frames of 20 pings"
}

# --- router -----------------------------------------------------------
rs_topo router
rs_features tso off gro off
out=$(in_ns dut "$RS_BIN/tna-deploy" --dry-run 2>&1) || fail "dry-run: $out"
grep -qE "^  target: generic \(auto: generic because p[12] cannot be a native redirect egress" <<<"$out" ||
	fail "dry-run does not show the router's target: $out"
in_ns dut "$RS_BIN/tna-deploy" --dry-run --json | "$RS_PY" -c '
import json, sys
r = [e["router"] for e in json.load(sys.stdin) if "router" in e][0]
assert r["ok"] and r["target"] == "generic" and "redirect egress" in r["target_reason"], r
' || fail "dry-run --json: router target"
echo "ok: dry-run shows the router's target (generic: no ndo-xmit)"
rs_deploy auto
[[ $(router_target) == generic ]] || fail "router target $(router_target), expected generic"
in_ns dut "$RS_BIN/tna-deploy" --status | grep -q "^  target: generic" || fail "--status: no router target"
routes_in_xdp p1 10.2.0.1
rs_features gro on
wait_for 3 native router_target || fail "GRO on at the hosts: router still $(router_target) after 3 s"
echo "ok: GRO on at the peers: router native"
routes_in_xdp p1 10.2.0.1
[[ $(mode p1) == native ]] || fail "p1 runs $(mode p1)"
rs_features gro off
wait_for 3 generic router_target || fail "GRO off again: router still $(router_target) after 3 s"
routes_in_xdp p1 10.2.0.1
echo "ok: GRO off again: generic"
mtu_follows p2
rs_undeploy
for n in "${_tna_ns_list[@]}"; do ip netns del "$n"; done
_tna_ns_list=()

# --- bridge -----------------------------------------------------------
rs_topo bridge
rs_features tso off gro off
rs_deploy auto
[[ $(bridge_target) == generic ]] || fail "bridge target $(bridge_target), expected generic"
routes_in_xdp p1 10.0.0.2
in_ns h1 ethtool -K e0 tso on >/dev/null || fail "TSO on at h1"
wait_for 3 False port_acc p1 || fail "TSO on at h1: p1 still accelerated after 3 s"
[[ -z $(in_ns dut ip -j link show p1 | grep -o '"xdp"') ]] || fail "an XDP program stayed on p1"
echo "ok: TSO on at h1's veth: p1 left to Linux"
in_ns h1 ethtool -K e0 tso off >/dev/null || fail "TSO off at h1"
wait_for 3 True port_acc p1 || fail "TSO off again: p1 not accelerated after 3 s"
routes_in_xdp p1 10.0.0.2
rs_features gro on
wait_for 3 native bridge_target || fail "GRO on at the hosts: bridge still $(bridge_target) after 3 s"
routes_in_xdp p1 10.0.0.2
echo "ok: GRO on at the peers: bridge native"
mtu_follows p2
rs_undeploy
echo "PASS"
