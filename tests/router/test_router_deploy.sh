#!/bin/bash
# tna-deploy drives the router: on h1 -- r -- h2 (v4
# and v6) and then with a bridge with an address on r (br0: b3, b4 to h3,
# h4).  Asserts:
#  - --dry-run (human and --json) shows the router, its modules, and, once
#    br0 has an address, ONE pipeline shared with br0 holding the bridge
#    and router modules with each module (parse_eth included) once;
#  - forwarding off: nothing attached to r1/r2 (no router);
#  - tna-deploy routes h1 <-> h2 in XDP, both families: tna-stat counters
#    grow by >= the pings, Linux's forwarding counters do not grow;
#  - --status (human and JSON) lists the routed ports and their reasons;
#  - an nft forward rule added while running is never bypassed (the rule
#    counts every packet, XDP routes none, they go to Linux), and once it
#    is gone XDP routes again; rp_filter on r1 sends r1's routed traffic
#    to Linux while r2's stays fast;
#  - a sysctl change (forwarding off) and address changes (r2 loses its
#    addresses: nothing to route) are followed: the router is removed;
#    back: XDP routes again;
#  - bridge with an address: h1 -> h3 is routed by XDP into the bridge
#    (r1 forwarded grows, Linux forwarding does not), h3's replies to the
#    bridge MAC routed by XDP on b3, h3 <-> h4 bridged by XDP;
#  - SIGTERM leaves no XDP program.
# generic; MODE=native for native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/router/lib.sh
need_root
MODE=${MODE:-generic}
D=(ip netns exec "$TNA_NS-r" "$TNA_BIN/tna-deploy")

start_dep() {
	local out=$RT_TMP/dep.out
	: >"$out"
	"${D[@]}" --target "$MODE" "$@" >"$out" 2>&1 &
	DEP_PID=$!
	on_exit_kill "$DEP_PID"
	for _ in $(seq 100); do
		grep -q '^tna-deploy: ready' "$out" && { cat "$out"; return 0; }
		kill -0 "$DEP_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$out" >&2
	fail "tna-deploy did not become ready"
}
stop_dep() { kill -TERM "$DEP_PID"; wait "$DEP_PID"; }
# dry OUTVAR ARGS...: tna-deploy --dry-run ARGS, stdout into OUTVAR; on a
# non-zero exit the test fails with the exit status and what it said on
# stderr (the reason: planning, loading, refusal)
dry() {
	local -n _o=$1; shift
	local rc
	_o=$("${D[@]}" --dry-run "$@" 2>"$RT_TMP/dry.err"); rc=$?
	[[ $rc -eq 0 ]] || fail "tna-deploy --dry-run $* exited $rc: $(cat "$RT_TMP/dry.err") | stdout: $_o"
}
test_gt() { (( $("$1") > $2 )); }
has_xdp() { [[ -n $(xdp_id "$1") ]]; }
no_xdp() { [[ -z $(xdp_id "$1") ]]; }
# why frames went to Linux: the reasons counted on IFACES and the
# controller's last lines (printed before a failure on a count)
why_linux() {
	local i
	for i in "$@"; do in_ns r "$TNA_BIN/tna-stat" -i "$i" >&2; done
	tail -n 30 "$RT_TMP/dep.out" >&2
}
wait_for() {	# wait_for CMD... : up to 5 s
	for _ in $(seq 50); do "$@" && return 0; sleep 0.1; done
	return 1
}

router_topo
# native: a veth takes redirected frames while its peer has XDP or GRO on
gro_on() { [[ $MODE == native ]] || return 0; for h in "$@"; do in_ns $h ethtool -K eth0 gro on >/dev/null || fail "GRO on $h"; done; }
gro_on h1 h2

# forwarding off: no router
in_ns r sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
out=$("${D[@]}" --dry-run 2>&1) || fail "dry-run (forwarding off) exited $?: $out"
[[ $out == *"router: nothing to route: forwarding is off"* ]] || fail "dry-run forwarding off: $out"
start_dep
grep -q "router off" "$RT_TMP/dep.out" || fail "ready line should say router off"
for p in r1 r2; do [[ -z $(xdp_id $p) ]] || fail "attached to $p with forwarding off"; done
echo "ok: forwarding off -> no router, nothing attached"

# on: the controller follows the sysctl
in_ns r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
wait_for has_xdp r1 || fail "router not deployed after forwarding on"
[[ -n $(xdp_id r2) ]] || fail "r2 not attached"
stop_dep || fail "tna-deploy exit status on SIGTERM"
for p in r1 r2; do [[ -z $(xdp_id $p) ]] || fail "XDP left on $p after SIGTERM"; done
echo "ok: forwarding on -> router deployed by the running controller; SIGTERM detaches"

# dry-run
out=$("${D[@]}" --dry-run 2>&1) || fail "dry-run exited $?: $out"
echo "$out"
[[ $out == *"router: route IPv4+IPv6"* ]] || fail "dry-run: no router"
grep -q "^  modules: parse_eth stats ipv4 ipv6 route$" <<<"$out" || fail "dry-run: router modules"
grep -q "^  pipeline: own" <<<"$out" || fail "dry-run: own pipeline expected"
grep -qE "xlated instructions: [1-9][0-9]* \(all modules: [1-9]" <<<"$out" || fail "dry-run: no xlated counts"
grep -qE "^  r1 +routed port" <<<"$out" || fail "dry-run: r1 not routed"
dry json --json
/usr/bin/python3 -c '
import json,sys; a=json.loads(sys.argv[1]); r=[e["router"] for e in a if "router" in e]
assert len(r)==1, a; r=r[0]
assert r["ok"] and r["ipv4"] and r["ipv6"] and r["pipeline"]=="own", r
assert r["modules"]==["parse_eth","stats","ipv4","ipv6","route"], r["modules"]
roles={i["name"]: i["role"] for i in r["interfaces"]}
assert roles.get("r1")=="routed" and roles.get("r2")=="routed", roles
assert r["xlated_insns"] > 0 and r["xlated_insns_all"] > r["xlated_insns"], r
' "$json" || fail "dry-run --json: $json"
echo "ok: dry-run shows the router, its modules and instruction counts (human and JSON)"

start_dep
grep -q "router on" "$RT_TMP/dep.out" || fail "ready line should say router on"
for fam in 4 6; do
	if [[ $fam == 4 ]]; then dst=10.2.0.2; fwd=linux_fwd4; else dst=2001:db8:2::2; fwd=linux_fwd6; fi
	check "v$fam: warm up" in_ns h1 ping -$fam -c2 -i0.1 -W1 -q $dst >/dev/null
	f0=$(rt_counter r1 forwarded); g0=$(rt_counter r2 forwarded); l0=$($fwd)
	check "v$fam: h1 -> h2 100 pings" in_ns h1 ping -$fam -c100 -i0.005 -W1 -q $dst >/dev/null
	f1=$(rt_counter r1 forwarded); g1=$(rt_counter r2 forwarded); l1=$($fwd)
	echo "v$fam: XDP r1 +$((f1 - f0)) r2 +$((g1 - g0)), Linux forwarded +$((l1 - l0))"
	(( f1 - f0 >= 100 && g1 - g0 >= 100 )) || fail "v$fam: XDP routed r1 +$((f1 - f0)) r2 +$((g1 - g0))"
	(( l1 - l0 == 0 )) || fail "v$fam: Linux forwarded $((l1 - l0))"
done
for p in r1 r2; do [[ $(rt_counter $p mode) == "$MODE" ]] || fail "$p runs $(rt_counter $p mode), not $MODE"; done
echo "ok: tna-deploy routes v4 and v6 in XDP, Linux forwards none"

st=$("${D[@]}" --status) || fail "--status"
echo "$st"
grep -q "^router: running (route IPv4+IPv6), pipeline own" <<<"$st" || fail "--status: router line"
grep -qE "^  routed +r1 +routed port" <<<"$st" || fail "--status: r1"
"${D[@]}" --status --json | /usr/bin/python3 -c '
import json,sys; d=json.load(sys.stdin); r=d["router"]
assert r["running"] and len(r["attached_ifindexes"])==2, r' || fail "--status --json: router"
"$TNA_BIN/tna-stat" --netns "$TNA_NS-r" 2>/dev/null | grep -q "r1" ||
	in_ns r "$TNA_BIN/tna-stat" | grep -q "r1" || fail "tna-stat does not show r1"
echo "ok: --status and tna-stat show the routed ports"

# an nft forward rule appears while running: never bypassed (replanned,
# that traffic goes to Linux as "netfilter", the rule sees every packet);
# removed: XDP again
changes() { grep -cE "router: (deployed|tables updated|pipeline replaced)" "$RT_TMP/dep.out"; }	# logged once applied
n=$(changes)
in_ns r nft add table inet tnafw || fail "nft table"
in_ns r nft add chain inet tnafw fw '{ type filter hook forward priority 0; }' || fail "nft chain"
in_ns r nft add rule inet tnafw fw meta l4proto '{ icmp, ipv6-icmp }' counter || fail "nft rule"
wait_for test_gt changes "$n" || fail "no replan after the nft forward rule"
nft_pkts() { in_ns r nft list chain inet tnafw fw | awk '/counter/ { for (i=1;i<=NF;i++) if ($i=="packets") print $(i+1) }'; }
# Passed to Linux: the rule is compiled and its counter sends what it
# counts (nf_rule), or config_change while the replan's hold is not yet
# released (restrictive changes are held on Linux first).
n0=$(nft_pkts); r0=$(rt_counter r1 passed_total); f0=$(rt_counter r1 forwarded)
check "v4 with an nft forward rule" in_ns h1 ping -c20 -i0.01 -W1 -q 10.2.0.2 >/dev/null
n1=$(nft_pkts); r1c=$(rt_counter r1 passed_total); f1=$(rt_counter r1 forwarded)
echo "nft rule +$((n1 - n0)), to Linux +$((r1c - r0)), XDP forwarded +$((f1 - f0))"
(( n1 - n0 == 40 && r1c - r0 >= 20 && f1 == f0 )) || fail "nft forward rule bypassed or not seen"
"${D[@]}" --status | grep -q "netfilter sees routed traffic" || fail "--status: no netfilter reason"
n=$(changes)
in_ns r nft delete table inet tnafw
wait_for test_gt changes "$n" || fail "no replan after the rule went"
f0=$(rt_counter r1 forwarded)
check "v4 after the rule went" in_ns h1 ping -c20 -i0.01 -W1 -q 10.2.0.2 >/dev/null
f1=$(rt_counter r1 forwarded)
(( f1 - f0 >= 20 )) || { why_linux r1 r2; fail "XDP not back after the rule went (+$((f1 - f0)))"; }
echo "ok: nft forward rule added while running: all 40 packets seen by it, none by XDP; removed: XDP again"

# rp_filter on r1 while running: r1's routed traffic to Linux, r2's fast
n=$(changes)
in_ns r sysctl -qw net.ipv4.conf.r1.rp_filter=1
wait_for test_gt changes "$n" || fail "no replan after rp_filter"
# rp_filter on restricts: the controller holds the pipeline's ports on
# Linux (reason config_change) until the replan is applied, after the log
# line waited for; frames in that window count with the reason they get.
p0=$(rt_counter r1 passed.rp_filter); g0=$(rt_counter r2 forwarded)
h0=$(rt_counter r1 passed.config_change); k0=$(rt_counter r2 passed.config_change)
check "v4 with rp_filter on r1" in_ns h1 ping -c10 -i0.01 -W1 -q 10.2.0.2 >/dev/null
p1=$(rt_counter r1 passed.rp_filter); g1=$(rt_counter r2 forwarded)
h1c=$(rt_counter r1 passed.config_change); k1=$(rt_counter r2 passed.config_change)
(( p1 - p0 + h1c - h0 >= 10 && g1 - g0 + k1 - k0 >= 10 )) ||
	fail "rp_filter: r1 passed +$((p1 - p0)) (held +$((h1c - h0))), r2 forwarded +$((g1 - g0)) (held +$((k1 - k0)))"
in_ns r sysctl -qw net.ipv4.conf.r1.rp_filter=0
echo "ok: rp_filter on r1 while running: r1 -> Linux (+$((p1 - p0)), held +$((h1c - h0))), r2 fast (+$((g1 - g0)), held +$((k1 - k0)))"

# forwarding off while running: Linux alone (it forwards nothing then)
in_ns r sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
wait_for no_xdp r1 || fail "router still attached with forwarding off"
in_ns r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
wait_for has_xdp r1 || fail "router not back"
# r2 loses its addresses: one interface left, nothing to route; back: routed
in_ns r ip addr flush dev r2 scope global
wait_for no_xdp r1 || fail "router still attached with nothing to route"
in_ns r ip addr add 10.2.0.1/24 dev r2
in_ns r ip addr add 2001:db8:2::1/64 dev r2 nodad
wait_for has_xdp r2 || fail "router not back after the addresses returned"
check "v4 after the redeploy" in_ns h1 ping -c3 -i0.05 -W1 -q 10.2.0.2 >/dev/null
# The new addresses bring local and broadcast routes (martian sources) and
# a neighbour to resolve: the events may replan and hold the routed ports
# on Linux for a moment.  Wait until XDP routes a ping, then count.
xdp_routes() {
	local a=$(rt_counter r1 forwarded)
	in_ns h1 ping -c1 -W1 -q 10.2.0.2 >/dev/null && (( $(rt_counter r1 forwarded) > a ))
}
wait_for xdp_routes || fail "XDP does not route within 5 s of the redeploy"
f0=$(rt_counter r1 forwarded)
check "v4 again" in_ns h1 ping -c20 -i0.005 -W1 -q 10.2.0.2 >/dev/null
f1=$(rt_counter r1 forwarded)
(( f1 - f0 >= 20 )) || fail "after the redeploy XDP routed only +$((f1 - f0))"
stop_dep || fail "tna-deploy exit status"
echo "ok: forwarding off/on followed (router removed, then back: +$((f1 - f0)))"

# a bridge with an address: one pipeline for br0 and the router
bridge_ip_topo
gro_on h3 h4
dry out
echo "$out"
grep -q "^  pipeline: one, shared with bridge br0" <<<"$out" || fail "dry-run: not composed with br0"
mods=$(grep "^  modules:" <<<"$out")
for m in parse_eth fdb_dst forward ipv4 ipv6 route; do
	[[ $(grep -ow "$m" <<<"$mods" | wc -l) == 1 ]] || fail "module $m not exactly once: $mods"
done
dry json --json
/usr/bin/python3 -c '
import json,sys; a=json.loads(sys.argv[1]); r=[e["router"] for e in a if "router" in e][0]
assert r["pipeline"]=="br0", r
m=r["modules"]; assert len(m)==len(set(m)) and "parse_eth" in m and "fdb_dst" in m and "route" in m, m
roles={i["name"]: i["role"] for i in r["interfaces"]}
assert roles.get("br0")=="bridge" and roles.get("r1")=="routed" and roles.get("b3")=="bridge-port", roles
assert [b for b in a if b.get("bridge")=="br0"], a' "$json" || fail "dry-run --json with br0: $json"
echo "ok: dry-run: one pipeline for br0 and the router, no module twice"

start_dep
for p in r1 r2 b3 b4; do [[ -n $(xdp_id $p) ]] || fail "no XDP on $p"; done
[[ $(xdp_id r1) == $(xdp_id b3) ]] || fail "r1 and b3 run different programs: not one pipeline"
for fam in 4 6; do
	if [[ $fam == 4 ]]; then dst=10.3.0.3; fwd=linux_fwd4; else dst=2001:db8:3::3; fwd=linux_fwd6; fi
	check "v$fam: warm up h1 -> h3" in_ns h1 ping -$fam -c3 -i0.1 -W1 -q $dst >/dev/null
	f0=$(rt_counter r1 forwarded); g0=$(rt_counter b3 forwarded); l0=$($fwd)
	check "v$fam: h1 -> h3 100 pings" in_ns h1 ping -$fam -c100 -i0.005 -W1 -q $dst >/dev/null
	f1=$(rt_counter r1 forwarded); g1=$(rt_counter b3 forwarded); l1=$($fwd)
	echo "v$fam: r1 +$((f1 - f0)) (into br0), b3 +$((g1 - g0)) (to the bridge MAC, routed); Linux forwarded +$((l1 - l0))"
	(( f1 - f0 >= 100 && g1 - g0 >= 100 )) || { why_linux r1 b3; fail "v$fam: not routed by XDP through br0"; }
	(( l1 - l0 == 0 )) || fail "v$fam: Linux forwarded $((l1 - l0))"
done
check "h3 -> h4 warm up" in_ns h3 ping -c2 -i0.1 -W1 -q 10.3.0.4 >/dev/null
g0=$(rt_counter b3 forwarded)
check "h3 -> h4 bridged" in_ns h3 ping -c50 -i0.005 -W1 -q 10.3.0.4 >/dev/null
g1=$(rt_counter b3 forwarded)
(( g1 - g0 >= 50 )) || fail "h3 -> h4 not bridged by XDP (+$((g1 - g0)))"
for p in r1 b3; do [[ $(rt_counter $p mode) == "$MODE" ]] || fail "$p runs $(rt_counter $p mode), not $MODE"; done
st=$("${D[@]}" --status)
grep -q "pipeline br0" <<<"$st" || fail "--status: router not in br0's pipeline: $st"
stop_dep || fail "tna-deploy exit status"
for p in r1 r2 b3 b4; do [[ -z $(xdp_id $p) ]] || fail "XDP left on $p"; done
echo "ok: bridge with an address: routed into/out of br0 and bridged by one XDP pipeline"
