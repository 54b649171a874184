#!/bin/bash
# L3 and filtering state followed by events: addresses, routes (also the
# IPv4 routes the kernel flushes without a notification when a link goes
# down, IPv6 multipath hops, routes of a deleted nexthop object), rules, neighbours, forwarding sysctls (netconf), nftables
# (nfnetlink events) and legacy xtables (no events: re-read by the watch).
# Each change is in the model within 100 ms; the model equals a fresh dump.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
source "$TNA_ROOT/tests/introspect/lib.sh"

ns r; ns ha; ns hb
R=$TNA_NS-r
veth r r1 ha e0
veth r r2 hb e0
ip -n "$TNA_NS-ha" addr add 10.1.0.2/24 dev e0
ip -n "$TNA_NS-hb" addr add 10.2.0.2/24 dev e0
ip -n "$TNA_NS-ha" route add default via 10.1.0.1
ip -n "$TNA_NS-hb" route add default via 10.2.0.1

steps=(compare
	run "ip -n $R addr add 10.1.0.1/24 dev r1" expect "addr 10.1.0.1" expect "route 10.1.0.0/24"
	run "ip -n $R addr add 10.2.0.1/24 dev r2" expect "addr 10.2.0.1"
	run "ip -n $R addr add fd01::1/64 dev r1 nodad" expect "addr fd01::1" expect "route fd01::/64" compare
	run "ip -n $R route add 10.9.0.0/24 via 10.1.0.2" expect "route 10.9.0.0/24"
	run "ip -n $R route add 10.8.0.0/24 via 10.2.0.2 table 100" expect "route 10.8.0.0/24" compare
	run "ip -n $R link set r1 down" expect "noroute 10.9.0.0/24" expect "noroute 10.1.0.0/24" compare
	run "ip -n $R link set r1 up" expect "route 10.1.0.0/24" compare
	run "ip -n $R addr del 10.2.0.1/24 dev r2" expect "noaddr 10.2.0.1" expect "noroute 10.8.0.0/24" compare
	run "ip -n $R addr add 10.2.0.1/24 dev r2" expect "addr 10.2.0.1"
	run "ip -n $R addr add fd02::1/64 dev r2 nodad && ip -n $R addr replace fd01::1/64 dev r1 nodad" expect "addr fd02::1" expect "addr fd01::1"
	run "ip -n $R route add 10.6.0.0/24 nexthop via 10.1.0.2 nexthop via 10.2.0.2" expect "route 10.6.0.0/24" compare
	run "ip -n $R -6 route add fd09::/64 nexthop via fd01::2 nexthop via fd02::2" expect "route fd09::/64" compare
	run "ip -n $R -6 route append fd09::/64 via fd02::3" compare
	run "ip -n $R -6 route del fd09::/64 via fd01::2" compare
	run "ip -n $R -6 route del fd09::/64" expect "noroute fd09::/64" compare
	run "ip -n $R nexthop add id 5 via 10.1.0.3 dev r1 && ip -n $R route add 10.7.0.0/24 nhid 5" expect "route 10.7.0.0/24"
	run "ip -n $R nexthop replace id 5 via 10.2.0.3 dev r2" compare
	run "ip -n $R nexthop del id 5" expect "noroute 10.7.0.0/24" compare
	run "ip -n $R rule add pref 100 from 10.5.0.0/16 table 100" expect "rule 100" compare
	run "ip -n $R rule del pref 100" expect "norule 100" compare
	run "ip netns exec $R sysctl -qw net.ipv4.ip_forward=1" expect "sysctl ip_forward 1" expect "fwd r2 1" compare
	run "ip netns exec $R sysctl -qw net.ipv4.conf.r2.forwarding=0" expect "fwd r2 0" compare
	run "ip netns exec $R sysctl -qw net.ipv4.conf.r2.forwarding=1" expect "fwd r2 1"
	run "ip netns exec $TNA_NS-ha ping -c1 -W2 10.2.0.2 >/dev/null" expect "neigh 10.1.0.2" expect "neigh 10.2.0.2" compare
	run "ip -n $R neigh flush dev r2" expect "noneigh 10.2.0.2" compare
	run "ip netns exec $R nft add table inet f"
	run "ip netns exec $R nft add chain inet f fw1 '{ type filter hook forward priority 0; }'"
	run "ip netns exec $R nft add rule inet f fw1 ip saddr 10.9.9.9 drop" expect "nf inet forward 1"
	run "ip netns exec $R nft add rule inet f fw1 ip saddr 10.9.9.8 drop" expect "nf inet forward 2" compare
	run "ip netns exec $R nft delete table inet f" expect "nf inet forward 0" compare)
if command -v iptables-legacy >/dev/null; then
	steps+=(run "ip netns exec $R iptables-legacy -A FORWARD -s 10.9.9.9 -j DROP" expect "nf ip forward 1"
		run "ip netns exec $R iptables-legacy -A INPUT -s 10.9.9.9 -j DROP" expect "nf ip input 1" compare
		run "ip netns exec $R iptables-legacy -F" expect "nf ip forward 0" compare)
fi
if command -v ip6tables-legacy >/dev/null; then
	steps+=(run "ip netns exec $R ip6tables-legacy -A FORWARD -s fd09::9 -j DROP" expect "nf ip6 forward 1"
		run "ip netns exec $R ip6tables-legacy -P FORWARD DROP" compare
		run "ip netns exec $R ip6tables-legacy -F" expect "nf ip6 forward 0" compare)
fi
mcheck r "${steps[@]}"
