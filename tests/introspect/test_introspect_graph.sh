#!/bin/bash
# The service graph of the four reference topologies, built with ip,
# bridge, sysctl, tc, nft and iptables only: nodes, edges and the named
# reasons why a node cannot be accelerated.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
source "$TNA_ROOT/tests/introspect/lib.sh"
command -v nft >/dev/null || skip "nft not installed"
G=$(mktemp); on_exit rm -f "$G"

# 1. Plain bridge with three ports.
ns b1; ns h1
ip -n "$TNA_NS-b1" link add br0 type bridge
ip -n "$TNA_NS-b1" link set br0 up
for i in 1 2 3; do
	veth b1 v$i h1 e$i
	ip -n "$TNA_NS-b1" link set v$i master br0
done
graph b1 "$G"
gcheck "plain bridge: bridge node, accelerable" "$G" 'n["bridge:br0"]["accelerable"] and reasons("bridge:br0") == []'
gcheck "plain bridge: three accelerable ports" "$G" \
	'all(n["port:v%d" % i]["accelerable"] and ("port:v%d" % i, "bridge:br0", "port-of") in e for i in (1, 2, 3))'
gcheck "plain bridge: no router, no L3 node, no netfilter" "$G" \
	'not any(x["kind"] in ("router", "l3", "netfilter") for x in n.values())'
gcheck "plain bridge: exactly 4 nodes, 3 edges" "$G" 'len(n) == 4 and len(e) == 3'

# Reasons on the same topology: tc filter, locked port, foreign bridge setting.
ip netns exec "$TNA_NS-b1" tc qdisc add dev v3 clsact
ip netns exec "$TNA_NS-b1" tc filter add dev v3 ingress u32 match u32 0 0
bridge -n "$TNA_NS-b1" link set dev v2 locked on
graph b1 "$G"
gcheck "tc filter on v3: tc-filter" "$G" 'reasons("port:v3") == ["tc-filter"] and not n["port:v3"]["accelerable"]'
gcheck "locked v2: port-locked" "$G" 'reasons("port:v2") == ["port-locked"]'
gcheck "v1 still accelerable" "$G" 'n["port:v1"]["accelerable"]'
X=$(mktemp); on_exit rm -f "$X" "$X.c"
xdp_pass_obj "$X"
ip -n "$TNA_NS-b1" link set dev v1 xdpgeneric obj "$X" sec xdp || fail "cannot attach XDP"
graph b1 "$G"
gcheck "XDP program on v1: foreign-xdp" "$G" 'reasons("port:v1") == ["foreign-xdp"]'
ip -n "$TNA_NS-b1" link set dev v1 xdpgeneric off
# an nftables netdev ingress chain bound to v1 only
in_ns b1 nft add table netdev t
in_ns b1 nft add chain netdev t in1 "{ type filter hook ingress device v1 priority 0; }"
in_ns b1 nft add rule netdev t in1 ether saddr 02:00:00:00:00:99 drop
graph b1 "$G"
gcheck "netdev ingress chain on v1: netfilter-ingress" "$G" \
	'reasons("port:v1") == ["netfilter-ingress"] and ("port:v1", "netfilter:netdev ingress", "filtered-by") in e'
gcheck "the chain is bound to v1 only" "$G" '"netfilter-ingress" not in reasons("port:v2") + reasons("port:v3")'
in_ns b1 nft delete table netdev t
if ip -n "$TNA_NS-b1" link set br0 type bridge vlan_filtering 1 2>/dev/null; then
	graph b1 "$G"
	gcheck "vlan_filtering (802.1Q): bridge accelerable" "$G" 'reasons("bridge:br0") == []'
	ip -n "$TNA_NS-b1" link set br0 type bridge vlan_protocol 802.1ad
	graph b1 "$G"
	gcheck "vlan_filtering 802.1ad: bridge blocked" "$G" 'reasons("bridge:br0") == ["vlan-802.1ad"]'
	gcheck "vlan_filtering 802.1ad: ports follow their bridge" "$G" '"bridge-not-accelerable" in reasons("port:v1")'
	ip -n "$TNA_NS-b1" link set br0 type bridge vlan_protocol 802.1Q vlan_filtering 0
else	# CONFIG_BRIDGE_VLAN_FILTERING=n; tests/unit/test_introspect_rules.c covers the rule
	echo "note: this kernel has no bridge vlan_filtering; not checked here"
fi

# 2. Bridge with an IP address: a routing node behind the bridge.
ns b2; ns h2
ip -n "$TNA_NS-b2" link add br0 type bridge
ip -n "$TNA_NS-b2" link set br0 up
for i in 1 2 3; do
	veth b2 v$i h2 e$i
	ip -n "$TNA_NS-b2" link set v$i master br0
done
ip -n "$TNA_NS-b2" addr add 192.0.2.1/24 dev br0
graph b2 "$G"
gcheck "bridge with IP: L3 node behind the bridge" "$G" \
	'("bridge:br0", "l3:br0", "routes-via") in e and n["l3:br0"]["accelerable"]'
gcheck "bridge with IP, forwarding off: no router" "$G" '"router:router" not in n'
gcheck "bridge with IP: ports are not L3 nodes" "$G" '"l3:v1" not in n'

# 3. Router between two veths, IPv4 and IPv6.
ns r; ns ha; ns hb
veth r r1 ha e0
veth r r2 hb e0
ip -n "$TNA_NS-r" addr add 10.1.0.1/24 dev r1
ip -n "$TNA_NS-r" addr add 10.2.0.1/24 dev r2
ip -n "$TNA_NS-r" addr add fd01::1/64 dev r1 nodad
ip -n "$TNA_NS-r" addr add fd02::1/64 dev r2 nodad
ip -n "$TNA_NS-ha" addr add 10.1.0.2/24 dev e0
ip -n "$TNA_NS-hb" addr add 10.2.0.2/24 dev e0
ip -n "$TNA_NS-ha" route add default via 10.1.0.1
ip -n "$TNA_NS-hb" route add default via 10.2.0.1
graph r "$G"
gcheck "forwarding off: L3 nodes but no router" "$G" '"l3:r1" in n and "l3:r2" in n and "router:router" not in n'
in_ns r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
check "the router forwards (ping through it)" in_ns ha ping -c1 -W2 10.2.0.2
graph r "$G"
gcheck "router node, accelerable" "$G" 'n["router:router"]["accelerable"]'
gcheck "router routes via r1 and r2" "$G" \
	'("router:router", "l3:r1", "routes-via") in e and ("router:router", "l3:r2", "routes-via") in e'
in_ns r sysctl -qw net.ipv4.ip_forward=0
graph r "$G"
gcheck "IPv6 forwarding alone still makes a router" "$G" '"router:router" in n'
in_ns r sysctl -qw net.ipv4.ip_forward=1
in_ns r nft add table inet f
in_ns r nft add chain inet f fw1 '{ type filter hook forward priority 0; }'
in_ns r nft add rule inet f fw1 ip saddr 10.9.9.9 drop
graph r "$G"
gcheck "nft forward rule: router blocked by netfilter-forward" "$G" \
	'reasons("router:router") == ["netfilter-forward"]'
gcheck "router filtered-by the inet forward hook" "$G" \
	'("router:router", "netfilter:inet forward", "filtered-by") in e and n["netfilter:inet forward"]["rules"] == 1'

# 4. Bridge with forward rules through br_netfilter.
ns b4; ns h4
ip -n "$TNA_NS-b4" link add br0 type bridge
ip -n "$TNA_NS-b4" link set br0 up
for i in 1 2; do
	veth b4 v$i h4 e$i
	ip -n "$TNA_NS-b4" link set v$i master br0
done
[[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] || skip "no br_netfilter in this kernel"
in_ns b4 sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0
in_ns b4 iptables -A FORWARD -p icmp -j ACCEPT
graph b4 "$G"
gcheck "FORWARD rule but br_netfilter calls off: bridge accelerable" "$G" \
	'n["bridge:br0"]["accelerable"] and not any(k == "filtered-by" for (_, _, k) in e)'
in_ns b4 sysctl -qw net.bridge.bridge-nf-call-iptables=1
graph b4 "$G"
gcheck "br_netfilter on + FORWARD rule: bridge blocked" "$G" 'reasons("bridge:br0") == ["netfilter-bridged"]'
gcheck "bridge filtered-by ip forward" "$G" '("bridge:br0", "netfilter:ip forward", "filtered-by") in e'
gcheck "ports follow the bridge" "$G" '"bridge-not-accelerable" in reasons("port:v1")'
in_ns b4 iptables -F FORWARD
graph b4 "$G"
gcheck "rule removed: bridge accelerable again" "$G" 'n["bridge:br0"]["accelerable"]'
# The same through legacy xtables (read with IPT_SO_GET_INFO/ENTRIES).
if command -v iptables-legacy >/dev/null; then
	in_ns b4 sysctl -qw net.bridge.bridge-nf-call-iptables=0
	ip -n "$TNA_NS-b4" link set br0 type bridge nf_call_iptables 1
	in_ns b4 iptables-legacy -A FORWARD -i br0 -j ACCEPT
	graph b4 "$G"
	gcheck "legacy FORWARD rule + per-bridge nf_call_iptables: bridge blocked" "$G" \
		'reasons("bridge:br0") == ["netfilter-bridged"] and n["netfilter:ip forward"]["rules"] == 1'
fi
