# Sourced by the router bench configurations: the routing table they all
# share, IPv4, or IPv6 under `run.sh --ipv6` (for a configuration that
# sets CONFIG_IPV6=yes).  All routes carry proto 99 so that teardown
# removes exactly them.
#
#   BENCH_ROUTES (10)   routes: the generator's destination (198.19.0.0/16,
#                       2001:db8:2::/48) to the sink through OUT_PORTS[0]'s
#                       neighbour (static), plus N-1 others (/24s from
#                       20.0.0.0, /64s from 2001:db8:1000::), so the FIB
#                       lookup works on a table of that size
#   BENCH_NEIGH (0)     N > 0: the traffic goes to N destinations, each a
#                       static neighbour on OUT_PORTS[0] (10.64.0.1 + j,
#                       2001:db8:64::1 + j, connected: 10.64.0.0/16 and
#                       2001:db8:64::/64), the generator's flows
#                       (--dst-flows) running over them in turn
#   BENCH_FIB (direct)  direct: the default policy rules, so IPv4 lookups
#                       may skip them (BPF_FIB_LOOKUP_DIRECT: the limit,
#                       xdp-forward -F direct, TNA --fib-direct; TNA's
#                       IPv6 DIRECT lookups send the local table's
#                       destinations to Linux); full: one policy rule more (never
#                       matching), so every lookup walks the rules, Linux's
#                       too, and nobody uses DIRECT
BENCH_ROUTES=${BENCH_ROUTES:-10}
BENCH_NEIGH=${BENCH_NEIGH:-0}
BENCH_FIB=${BENCH_FIB:-direct}
# run.sh appends these to the generator's options
CONFIG_GEN_ARGS=()
if ((BENCH_NEIGH > 0)); then
	CONFIG_GEN_ARGS=(--dst-flows --flows "$BENCH_NEIGH"
			 --dst-ip "$([[ -n ${IPV6:-} ]] && echo 2001:db8:64::1 || echo 10.64.0.1)")
fi
# the words of the table in CONFIG_DESC
ROUTES_DESC="$BENCH_ROUTES routes"
((BENCH_NEIGH > 0)) && ROUTES_DESC+=", $BENCH_NEIGH neighbours"
ROUTES_DESC+=", $BENCH_FIB lookups"

# The addresses of each family: printf formats of the port index for the
# ports' addresses and the sink's neighbours, the generator's destination
# route, the network of the BENCH_NEIGH neighbours (the router's address in
# it) and its first host.
router_family() {
	if [[ -n ${IPV6:-} ]]; then
		RT_IN=2001:db8:a%x::1/64 RT_OUT=2001:db8:b%x::1/64 RT_NH=2001:db8:b%x::2
		RT_DST=2001:db8:2::/48 RT_NET=2001:db8:64::ffff:ffff/64 RT_HOST=2001:db8:64::
		RT_NODAD=nodad	# a tentative address would not route yet
		RT_SYSCTL=(net.ipv6.conf.all.forwarding=1)
	else
		RT_IN=10.1.%d.1/24 RT_OUT=10.2.%d.1/24 RT_NH=10.2.%d.2
		RT_DST=198.19.0.0/16 RT_NET=10.64.255.254/16 RT_HOST=10.64.
		RT_NODAD=
		RT_SYSCTL=(net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0
			   net.ipv4.conf.default.rp_filter=0)
	fi
}

# `ip -batch` lines: the N-1 other routes (/24s 20.0.0.0, 20.0.1.0, ...;
# /64s 2001:db8:1000::, 2001:db8:1000:1::, ...) and the N neighbours
# (10.64.0.1, ...; 2001:db8:64::1, ...), host j written as the family does.
router_batch() {
	awk -v v6="${IPV6:-}" -v routes=$((BENCH_ROUTES - 1)) -v neigh="$BENCH_NEIGH" \
	    -v dev="${OUT_PORTS[0]}" -v mac="${SINK_MACS[0]}" -v nh="$(printf "$RT_NH" 0)" \
	    -v host="$RT_HOST" 'BEGIN {
		for (i = 0; i < routes; i++) {
			if (v6) printf "route add 2001:db8:%x:%x::/64", 4096 + int(i / 65536), i % 65536
			else printf "route add %d.%d.%d.0/24", 20 + int(i / 65536), int(i / 256) % 256, i % 256
			printf " via %s dev %s proto 99\n", nh, dev
		}
		for (i = 1; i <= neigh; i++) {
			if (v6) printf "neigh replace %s%x:%x", host, int(i / 65536), i % 65536
			else printf "neigh replace %s%d.%d", host, int(i / 256), i % 256
			printf " lladdr %s dev %s nud permanent\n", mac, dev
		}
	}'
}

router_bench_setup() {
	local i
	case $BENCH_FIB in direct|full) ;; *) echo "BENCH_FIB=$BENCH_FIB: direct or full"; return 1 ;; esac
	router_family
	ip netns exec "$DUT" sysctl -qw "${RT_SYSCTL[@]}" || return
	for i in "${!IN_PORTS[@]}"; do
		ip -n "$DUT" addr add "$(printf "$RT_IN" "$i")" dev "${IN_PORTS[$i]}" $RT_NODAD || return
	done
	for i in "${!OUT_PORTS[@]}"; do
		ip -n "$DUT" addr add "$(printf "$RT_OUT" "$i")" dev "${OUT_PORTS[$i]}" $RT_NODAD &&
		ip -n "$DUT" neigh replace "$(printf "$RT_NH" "$i")" lladdr "${SINK_MACS[$i]}" \
			dev "${OUT_PORTS[$i]}" nud permanent || return
	done
	ip -n "$DUT" route add "$RT_DST" via "$(printf "$RT_NH" 0)" dev "${OUT_PORTS[0]}" proto 99 || return
	if ((BENCH_NEIGH > 0)); then
		ip -n "$DUT" addr add "$RT_NET" dev "${OUT_PORTS[0]}" $RT_NODAD || return
	fi
	router_batch | ip -n "$DUT" -batch - || return
	if [[ $BENCH_FIB == full ]]; then
		ip -n "$DUT" ${IPV6:+-6} rule add from "$([[ -n ${IPV6:-} ]] && echo 2001:db8:ffff::/48 || echo 192.0.2.0/24)" \
			lookup 100 pref 1000 proto 99 || return
	fi
}

router_bench_teardown() {
	local p
	ip -n "$DUT" route flush proto 99 2>/dev/null
	ip -n "$DUT" -6 route flush proto 99 2>/dev/null
	while ip -n "$DUT" rule del pref 1000 2>/dev/null; do :; done
	while ip -n "$DUT" -6 rule del pref 1000 2>/dev/null; do :; done
	for p in "${IN_PORTS[@]}" "${OUT_PORTS[@]}"; do
		ip -n "$DUT" neigh flush dev "$p" nud all 2>/dev/null
		ip -n "$DUT" -6 neigh flush dev "$p" nud all 2>/dev/null
		ip -n "$DUT" addr flush dev "$p" 2>/dev/null
	done
	ip netns exec "$DUT" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 2>/dev/null
	return 0
}
