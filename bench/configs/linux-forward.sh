# Linux IPv4 forwarding: 198.19.0.0/16 routed to the sink, one next hop per
# output port (ECMP over them when there are several, L3+L4 hash), static
# neighbour entries so that no ARP is needed while measuring.
CONFIG_DESC="Linux IPv4 forwarding"
CONFIG_MODE=l3

config_setup() {
	local i nh=()
	ip netns exec "$DUT" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.fib_multipath_hash_policy=1 || return
	for i in "${!IN_PORTS[@]}"; do
		ip -n "$DUT" addr add "10.1.$i.1/24" dev "${IN_PORTS[$i]}" || return
	done
	for i in "${!OUT_PORTS[@]}"; do
		ip -n "$DUT" addr add "10.2.$i.1/24" dev "${OUT_PORTS[$i]}" || return
		ip -n "$DUT" neigh replace "10.2.$i.2" lladdr "${SINK_MACS[$i]}" \
			dev "${OUT_PORTS[$i]}" nud permanent || return
		nh+=(nexthop via "10.2.$i.2" dev "${OUT_PORTS[$i]}")
	done
	if [[ ${#OUT_PORTS[@]} -eq 1 ]]; then
		ip -n "$DUT" route add 198.19.0.0/16 via 10.2.0.2 dev "${OUT_PORTS[0]}"
	else
		ip -n "$DUT" route add 198.19.0.0/16 "${nh[@]}"
	fi
}

config_teardown() {
	local p
	ip -n "$DUT" route del 198.19.0.0/16 2>/dev/null
	for p in "${IN_PORTS[@]}" "${OUT_PORTS[@]}"; do
		ip -n "$DUT" neigh flush dev "$p" 2>/dev/null
		ip -n "$DUT" addr flush dev "$p" 2>/dev/null
	done
	ip netns exec "$DUT" sysctl -qw net.ipv4.ip_forward=0 2>/dev/null
	return 0
}
