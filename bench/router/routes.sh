# Sourced by the router bench configurations: the routing table they all
# share.  198.19.0.0/16 goes to the sink through OUT_PORTS[0]'s neighbour
# (static), plus BENCH_ROUTES-1 other /24 routes (default 10 in all) so the
# FIB lookup works on a table of that size.  All routes carry proto 99 so
# that teardown removes exactly them.
BENCH_ROUTES=${BENCH_ROUTES:-10}

router_bench_setup() {
	local i
	ip netns exec "$DUT" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || return
	for i in "${!IN_PORTS[@]}"; do
		ip -n "$DUT" addr add "10.1.$i.1/24" dev "${IN_PORTS[$i]}" || return
	done
	for i in "${!OUT_PORTS[@]}"; do
		ip -n "$DUT" addr add "10.2.$i.1/24" dev "${OUT_PORTS[$i]}" || return
		ip -n "$DUT" neigh replace "10.2.$i.2" lladdr "${SINK_MACS[$i]}" \
			dev "${OUT_PORTS[$i]}" nud permanent || return
	done
	ip -n "$DUT" route add 198.19.0.0/16 via 10.2.0.2 dev "${OUT_PORTS[0]}" proto 99 || return
	# other routes: 20.0.0.0/24, 20.0.1.0/24, ... (in 20.0.0.0/8 .. 23.0.0.0/8)
	awk -v n=$((BENCH_ROUTES - 1)) -v dev="${OUT_PORTS[0]}" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "route add %d.%d.%d.0/24 via 10.2.0.2 dev %s proto 99\n",
			       20 + int(i / 65536), int(i / 256) % 256, i % 256, dev }' |
		ip -n "$DUT" -batch - || return
}

router_bench_teardown() {
	local p
	ip -n "$DUT" route flush proto 99 2>/dev/null
	for p in "${IN_PORTS[@]}" "${OUT_PORTS[@]}"; do
		ip -n "$DUT" neigh flush dev "$p" 2>/dev/null
		ip -n "$DUT" addr flush dev "$p" 2>/dev/null
	done
	ip netns exec "$DUT" sysctl -qw net.ipv4.ip_forward=0 2>/dev/null
	return 0
}
