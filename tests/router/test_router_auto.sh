#!/bin/bash
# The router planned from the introspection model (tna-rt-test --auto) on
# h1 -- r -- h2.  Asserts: forwarding off => nothing to route (exit 1,
# nothing attached); with it on, r1 and r2 are routed by XDP; a netfilter
# rule in the forward hook (nftables, and iptables) is never bypassed: the
# plan says so, routed traffic goes to Linux as "netfilter" and the rule's
# counter sees every packet; rp_filter on r1 keeps r1's routed traffic on
# Linux (reason rp_filter) while r2's stays fast; a rule that sees only
# IPv4 holds back only IPv4.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/router/lib.sh
need_root
router_topo

in_ns r sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
out=$(in_ns r "$TNA_BIN/tna-rt-test" --auto 2>&1); rc=$?
[[ $rc -eq 1 && $out == *"nothing to route: forwarding is off"* ]] || fail "forwarding off: rc $rc: $out"
for p in r1 r2; do [[ -z $(xdp_id $p) ]] || fail "attached with nothing to route"; done
echo "ok: forwarding off -> nothing to route, nothing attached"
in_ns r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

start_rt --auto
grep -q "router: route IPv4+IPv6$" "$RT_TMP/rt.out" || fail "plan does not route both families"
grep -q "nf_routed no" "$RT_TMP/rt.out" || fail "plan: netfilter should not matter here"
f0=$(rt_counter r1 forwarded)
check "v4 through the planned router" in_ns h1 ping -c20 -i0.01 -W1 -q 10.2.0.2 >/dev/null
check "v6 through the planned router" in_ns h1 ping -6 -c20 -i0.01 -W1 -q 2001:db8:2::2 >/dev/null
f1=$(rt_counter r1 forwarded)
(( f1 - f0 >= 38 )) || fail "planned router forwarded only +$((f1 - f0))"
stop_rt
echo "ok: planned router forwards in XDP (+$((f1 - f0)))"

# nftables forward rule: not bypassed
in_ns r nft add table inet tnafw || fail "nft table"
in_ns r nft add chain inet tnafw fw '{ type filter hook forward priority 0; }' || fail "nft chain"
in_ns r nft add rule inet tnafw fw meta l4proto '{ icmp, ipv6-icmp }' counter || fail "nft rule"
nft_pkts() { in_ns r nft list chain inet tnafw fw | awk '/counter/ { for (i=1;i<=NF;i++) if ($i=="packets") print $(i+1) }'; }
start_rt --auto
grep -q "netfilter sees routed traffic" "$RT_TMP/rt.out" || fail "plan ignores the nft forward rule"
n0=$(nft_pkts); r0=$(rt_counter r1 passed.netfilter); f0=$(rt_counter r1 forwarded); l0=$(linux_fwd4)
check "v4 with an nft forward rule" in_ns h1 ping -c20 -i0.01 -W1 -q 10.2.0.2 >/dev/null
n1=$(nft_pkts); r1c=$(rt_counter r1 passed.netfilter); f1=$(rt_counter r1 forwarded); l1=$(linux_fwd4)
echo "nft rule +$((n1 - n0)), netfilter reason +$((r1c - r0)), XDP forwarded +$((f1 - f0)), Linux forwarded +$((l1 - l0))"
(( n1 - n0 == 40 )) || fail "the nft forward rule saw $((n1 - n0)) of 40 packets"
(( r1c - r0 >= 20 && f1 == f0 )) || fail "routed traffic not left to Linux as netfilter"
stop_rt
in_ns r nft delete table inet tnafw
echo "ok: nft forward rule sees all 40 packets, XDP routed none (reason netfilter)"

# an IPv4-only (ip family) forward rule: IPv4 stays on Linux, IPv6 fast
in_ns r nft add table ip tnafw4 || fail "nft table ip"
in_ns r nft add chain ip tnafw4 fw '{ type filter hook forward priority 0; }' || fail "nft chain ip"
in_ns r nft add rule ip tnafw4 fw counter || fail "nft rule ip"
start_rt --auto
grep -q "nf_routed IPv4," "$RT_TMP/rt.out" || fail "plan: an ip-family rule must hold back IPv4 only"
r0=$(rt_counter r1 passed.netfilter); f0=$(rt_counter r1 forwarded)
check "v4 with an ip forward rule" in_ns h1 ping -c10 -i0.01 -W1 -q 10.2.0.2 >/dev/null
r1c=$(rt_counter r1 passed.netfilter); f1=$(rt_counter r1 forwarded)
check "v6 meanwhile" in_ns h1 ping -6 -c10 -i0.01 -W1 -q 2001:db8:2::2 >/dev/null
f2=$(rt_counter r1 forwarded)
(( r1c - r0 >= 10 && f1 == f0 && f2 - f1 >= 10 )) ||
	fail "ip rule: netfilter +$((r1c - r0)), v4 forwarded +$((f1 - f0)), v6 forwarded +$((f2 - f1))"
stop_rt
in_ns r nft delete table ip tnafw4
echo "ok: ip-family rule: IPv4 to Linux (netfilter +$((r1c - r0))), IPv6 by XDP (+$((f2 - f1)))"

# iptables (whatever backend this machine's iptables uses) FORWARD rule
if command -v iptables >/dev/null; then
	in_ns r iptables -A FORWARD -p icmp -j ACCEPT || fail "iptables rule"
	start_rt --auto
	grep -q "netfilter sees routed traffic" "$RT_TMP/rt.out" || fail "plan ignores the iptables FORWARD rule"
	r0=$(rt_counter r1 passed.netfilter)
	check "v4 with an iptables FORWARD rule" in_ns h1 ping -c10 -i0.01 -W1 -q 10.2.0.2 >/dev/null
	r1c=$(rt_counter r1 passed.netfilter)
	ipt=$(in_ns r iptables -nvxL FORWARD | awk '$3=="ACCEPT" { print $1 }')
	(( ipt == 20 && r1c - r0 >= 10 )) || fail "iptables rule saw $ipt of 20, netfilter +$((r1c - r0))"
	stop_rt
	in_ns r iptables -D FORWARD -p icmp -j ACCEPT
	echo "ok: iptables FORWARD rule sees all 20 packets (reason netfilter +$((r1c - r0)))"
fi

# rp_filter on r1 only
in_ns r sysctl -qw net.ipv4.conf.r1.rp_filter=1
start_rt --auto
grep -qE "r1 +routed port; rp_filter on" "$RT_TMP/rt.out" || fail "plan: r1 rp_filter not seen"
p0=$(rt_counter r1 passed.rp_filter); g0=$(rt_counter r2 forwarded)
check "v4 with rp_filter on r1" in_ns h1 ping -c10 -i0.01 -W1 -q 10.2.0.2 >/dev/null
p1=$(rt_counter r1 passed.rp_filter); g1=$(rt_counter r2 forwarded)
(( p1 - p0 >= 10 && g1 - g0 >= 10 )) || fail "rp_filter: r1 passed +$((p1 - p0)), r2 forwarded +$((g1 - g0))"
stop_rt
echo "ok: rp_filter on r1 -> r1's routed traffic to Linux (+$((p1 - p0))), r2's replies fast (+$((g1 - g0)))"
