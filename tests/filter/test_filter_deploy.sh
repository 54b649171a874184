#!/bin/bash
# tna-deploy with a firewall: a home/edge router h1 -- r -- h2 (r1 inside,
# r2 outside) with a typical ruleset (ct state established,related accept,
# a few accepts, a counted rule, policy drop, masquerade) is routed in XDP
# with the rules compiled, not sent to Linux as a whole.  Asserts:
#  - the plan (--dry-run text and JSON, tna-probe --graph) says the rules
#    are compiled for IPv4+IPv6 and names the rule left to Linux (counter);
#    --no-filter keeps today's plan: both families to Linux (netfilter);
#  - tna-deploy loads filter, ct and nat; --status shows the program;
#  - an established UDP flow through masquerade is forwarded by XDP
#    (tna-stat) once conntrack has assured it, every datagram answered;
#  - what Linux drops is dropped: new connections from outside; a drop
#    rule inserted while the flow is established drops its next packets in
#    XDP (tna-stat dropped), and deleting it lets them through again (the
#    rule changes followed by the running controller);
#  - a change that makes the ruleset uncompilable (an iptables-nft rule:
#    xt expressions) sends IPv4 to Linux at once (its drop holds 0.1 s
#    after iptables returned), the plan becomes nf_routed; removed:
#    compiled again;
#  - a real TCP transfer (tna-xfer) through the NAT'd router completes
#    with every byte unchanged, with window tracking (on Linux:
#    ct_tcp_window) and with nf_conntrack_tcp_be_liberal=1 (in XDP);
#  - SIGTERM leaves no XDP program.
# Generic; MODE=native in the native test.  Equivalence against Linux:
# test_filter_deploy_equiv.sh.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/router/lib.sh
need_root
command -v conntrack >/dev/null || skip "needs conntrack (package conntrack)"
MODE=${MODE:-generic}
PY=/usr/bin/python3
F=tests/filter
D=(ip netns exec "$TNA_NS-r" "$TNA_BIN/tna-deploy")

router_topo
# whole checksums from the hosts (a redirected veth frame keeps no
# CHECKSUM_PARTIAL state); native: GRO on the host ends takes redirects
for h in h1 h2; do
	in_ns $h ethtool -K eth0 tx off >/dev/null 2>&1
	[[ $MODE == native ]] && { in_ns $h ethtool -K eth0 gro on >/dev/null || fail "GRO on $h"; }
done
in_ns r nft -f - <<'NFT' || fail "ruleset"
table inet fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		ct state invalid drop
		iifname "r1" oifname "r2" accept
		iifname "r2" tcp dport 22 accept
		iifname "r2" udp dport 53 accept
		udp dport 6000 counter accept
	}
}
table ip nat {
	chain post { type nat hook postrouting priority srcnat; oifname "r2" masquerade; }
}
NFT

# --- the plan
out=$("${D[@]}" --dry-run --target "$MODE") || fail "--dry-run"
echo "$out"
grep -q "netfilter sees routed traffic, compiled for IPv4+IPv6" <<<"$out" || fail "--dry-run: rules not compiled"
grep -q "nf_filter IPv4+IPv6, nf_routed no" <<<"$out" || fail "--dry-run: nf_filter line"
grep -q "to Linux where reached: inet forward: counter: inet fw forward, rule handle" <<<"$out" ||
	fail "--dry-run: the counted rule is not named"
grep -q "modules: .*route filter ct nat" <<<"$out" || fail "--dry-run: no filter/ct/nat modules"
"${D[@]}" --dry-run --target "$MODE" --json | $PY -c '
import json, sys
r = [e["router"] for e in json.load(sys.stdin) if "router" in e][0]
assert r["nf_filter_ipv4"] and r["nf_filter_ipv6"] and not r["nf_routed_ipv4"], r
assert any("counter" in n for n in r["filter_notes"]), r
assert {"filter", "ct", "nat"} <= set(r["modules"]), r' || fail "--dry-run --json"
out=$("${D[@]}" --dry-run --target "$MODE" --no-filter) || fail "--dry-run --no-filter"
grep -q "nf_filter no, nf_routed IPv4+IPv6" <<<"$out" || fail "--no-filter: $out"
grep -q "modules: parse_eth stats ipv4 ipv6 route$" <<<"$out" || fail "--no-filter: modules"
in_ns r "$TNA_BIN/tna-probe" --graph | $PY -c '
import json, sys
g = json.load(sys.stdin)
r = [n for n in g["nodes"] if n["id"] == "router:router"][0]
assert r["netfilter_fast_path"]["ipv4"]["compiled"] and r["netfilter_fast_path"]["ipv6"]["compiled"], r
assert r["accelerable"], r
f = [n for n in g["nodes"] if n["id"] == "netfilter:inet forward"][0]
assert any(t.startswith("counter: inet fw forward") for t in f["fast_path_to_linux"]), f' ||
	fail "tna-probe --graph: no compiler verdict"
echo "ok: plan: rules compiled for IPv4+IPv6 (counted rule named), --no-filter: both to Linux, graph agrees"

# --- deployed
: >"$RT_TMP/dep.out"
"${D[@]}" --target "$MODE" >"$RT_TMP/dep.out" 2>&1 &
DEP=$!
on_exit "kill -9 $DEP"
fail() { echo "--- tna-deploy log"; cat "$RT_TMP/dep.out"; echo "FAIL: $*" >&2; exit 1; }
for _ in $(seq 100); do grep -q '^tna-deploy: ready' "$RT_TMP/dep.out" && break; sleep 0.1; done
cat "$RT_TMP/dep.out"
grep -q '^tna-deploy: ready.* router on' "$RT_TMP/dep.out" || fail "tna-deploy did not become ready"
grep -q "modules: .*filter ct nat" "$RT_TMP/dep.out" || fail "filter, ct and nat not loaded"
st=$("${D[@]}" --status) || fail "--status"
grep -q "netfilter program: gen 1 " <<<"$st" || fail "--status: $st"

bg() {	# bg NS CMD...: a server in NS, killed on exit
	ip netns exec "$TNA_NS-$1" "${@:2}" >/dev/null 2>&1 &
	on_exit "kill $!"
}
bg h2 $PY $F/udp_flow.py echo 5000
sleep 0.3

# --- established UDP through masquerade: fast
f1=$(rt_counter r1 forwarded); f2=$(rt_counter r2 forwarded); l0=$(linux_fwd4)
out=$(in_ns h1 $PY $F/udp_flow.py send 10.2.0.2 5000 4000 400 0.01)
[[ $out == "sent 400 received 400" ]] || fail "udp flow: $out"
g1=$(rt_counter r1 forwarded); g2=$(rt_counter r2 forwarded); l1=$(linux_fwd4)
echo "udp: XDP r1 +$((g1 - f1)) r2 +$((g2 - f2)), Linux forwarded +$((l1 - l0))"
(( g1 - f1 >= 100 && g2 - f2 >= 100 )) || fail "udp: too little through XDP"
ct=$(in_ns r conntrack -L -p udp --dport 5000 2>/dev/null)
[[ $ct == *"dst=10.2.0.1 sport=5000 dport=4000 [ASSURED]"* ]] || fail "udp: no masqueraded entry: $ct"
echo "ok: established UDP through masquerade forwarded by XDP"

# --- what Linux drops
in_ns h2 ping -c2 -i0.2 -W1 -q 10.1.0.2 >/dev/null && fail "new inbound connection got through"
nsync() { in_ns r env TNA_BIN="$TNA_BIN" $F/nft-sync.sh "$@" || fail "nft $*"; }
nsync insert rule inet fw forward udp dport 5000 drop
d0=$(rt_counter r1 dropped)
out=$(in_ns h1 $PY $F/udp_flow.py send 10.2.0.2 5000 4000 200 0.005)
d1=$(rt_counter r1 dropped)
echo "drop rule: $out, XDP dropped +$((d1 - d0))"
[[ $out == "sent 200 received 0" ]] || fail "the inserted drop rule let packets through: $out"
(( d1 - d0 >= 150 )) || fail "established packets not dropped in XDP (+$((d1 - d0)))"
h=$(in_ns r nft -a list chain inet fw forward | awk '/udp dport 5000 drop/ { print $NF }')
nsync delete rule inet fw forward handle "$h"
f1=$(rt_counter r1 forwarded)
out=$(in_ns h1 $PY $F/udp_flow.py send 10.2.0.2 5000 4000 200 0.005)
g1=$(rt_counter r1 forwarded)
[[ $out == "sent 200 received 200" ]] || fail "after deleting the drop rule: $out"
(( g1 - f1 >= 150 )) || fail "not fast again after the rule went (+$((g1 - f1)))"
echo "ok: new inbound dropped; a drop rule added while running drops in XDP (+$((d1 - d0))), removed: fast again"

# --- uncompilable: iptables-nft (xt) rule: IPv4 to Linux at once
if command -v iptables-nft >/dev/null; then
	in_ns r iptables-nft -A FORWARD -p udp --dport 5000 -m comment --comment tna -j DROP ||
		fail "iptables-nft rule"
	sleep 0.1
	out=$(in_ns h1 $PY $F/udp_flow.py send 10.2.0.2 5000 4000 100 0.005)
	echo "xt rule: $out"
	[[ $out == "sent 100 received 0" ]] || fail "the xt drop rule was bypassed: $out"
	grep -q "netfilter program gen .* in effect (.*; IPv4 to Linux: iptables-nft rules (xt expressions)" \
		"$RT_TMP/dep.out" || fail "the follower did not send IPv4 to Linux naming iptables-nft"
	for _ in $(seq 50); do
		"${D[@]}" --status | grep -q "nf_routed IPv4\|stays on Linux" && break; sleep 0.1
	done
	st=$("${D[@]}" --status)
	grep -q "IPv4 to Linux: iptables-nft rules (xt expressions)" <<<"$st" ||
		fail "the plan does not keep IPv4 on Linux naming iptables-nft: $st"
	in_ns r iptables-nft -F FORWARD
	for _ in $(seq 50); do
		"${D[@]}" --status | grep -q "compiled for IPv4+IPv6" && break; sleep 0.1
	done
	"${D[@]}" --status | grep -q "compiled for IPv4+IPv6" || fail "not compiled again"
	echo "ok: an iptables-nft rule sends IPv4 to Linux at once (named), removed: compiled again"
fi

# --- real TCP through masquerade: every byte
source tests/realstack/lib.sh
w0=$(rt_counter r1 passed.ct_tcp_window)
rs_tcp h1 h2 10.2.0.2 1 4000000
w1=$(rt_counter r1 passed.ct_tcp_window)
(( w1 - w0 >= 50 )) || fail "tcp: window-tracked packets not left to Linux (+$((w1 - w0)))"
in_ns r sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=1
sleep 0.7	# no events for sysctls: followed every 0.5 s
f1=$(rt_counter r1 forwarded); f2=$(rt_counter r2 forwarded)
rs_tcp h1 h2 10.2.0.2 2 20000000
g1=$(rt_counter r1 forwarded); g2=$(rt_counter r2 forwarded)
echo "tcp be_liberal: XDP r1 +$((g1 - f1)) r2 +$((g2 - f2))"
# (the ACKs on r2 are few with GRO on h2: one per aggregate)
(( g1 - f1 >= 1000 && g2 - f2 >= 100 )) || fail "tcp liberal: established packets not fast"
in_ns r sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=0
echo "ok: real TCP through masquerade complete and unchanged (window tracking: Linux; be_liberal: XDP)"

kill -TERM $DEP; wait $DEP || fail "tna-deploy exit status"
for p in r1 r2; do [[ -z $(xdp_id $p) ]] || fail "$p keeps an XDP program"; done
echo "ok: detached"
