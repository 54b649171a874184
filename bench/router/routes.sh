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
#                       xdp-forward -F direct, TNA --fib-direct; the TNA
#                       router uses no DIRECT for IPv6, which would miss the
#                       local table); full: one policy rule more (never
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

router_bench_setup() {
	case $BENCH_FIB in direct|full) ;; *) echo "BENCH_FIB=$BENCH_FIB: direct or full"; return 1 ;; esac
	if [[ -n ${IPV6:-} ]]; then router_bench_setup6; else router_bench_setup4; fi || return
	if [[ $BENCH_FIB == full ]]; then
		ip -n "$DUT" ${IPV6:+-6} rule add from "$([[ -n ${IPV6:-} ]] && echo 2001:db8:ffff::/48 || echo 192.0.2.0/24)" \
			lookup 100 pref 1000 proto 99 || return
	fi
}

router_bench_setup4() {
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
	((BENCH_NEIGH > 0)) || return 0
	ip -n "$DUT" addr add 10.64.255.254/16 dev "${OUT_PORTS[0]}" || return
	awk -v n="$BENCH_NEIGH" -v dev="${OUT_PORTS[0]}" -v mac="${SINK_MACS[0]}" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "neigh replace 10.64.%d.%d lladdr %s dev %s nud permanent\n",
			       int(i / 256), i % 256, mac, dev }' |
		ip -n "$DUT" -batch -
}

# The same for IPv6 (nodad: a tentative address would not route yet)
router_bench_setup6() {
	local i
	ip netns exec "$DUT" sysctl -qw net.ipv6.conf.all.forwarding=1 || return
	for i in "${!IN_PORTS[@]}"; do
		ip -n "$DUT" addr add "2001:db8:a$i::1/64" dev "${IN_PORTS[$i]}" nodad || return
	done
	for i in "${!OUT_PORTS[@]}"; do
		ip -n "$DUT" addr add "2001:db8:b$i::1/64" dev "${OUT_PORTS[$i]}" nodad || return
		ip -n "$DUT" neigh replace "2001:db8:b$i::2" lladdr "${SINK_MACS[$i]}" \
			dev "${OUT_PORTS[$i]}" nud permanent || return
	done
	ip -n "$DUT" route add 2001:db8:2::/48 via 2001:db8:b0::2 dev "${OUT_PORTS[0]}" proto 99 || return
	# other routes: 2001:db8:1000::/64, 2001:db8:1000:1::/64, ...
	awk -v n=$((BENCH_ROUTES - 1)) -v dev="${OUT_PORTS[0]}" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "route add 2001:db8:%x:%x::/64 via 2001:db8:b0::2 dev %s proto 99\n",
			       4096 + int(i / 65536), i % 65536, dev }' |
		ip -n "$DUT" -batch - || return
	((BENCH_NEIGH > 0)) || return 0
	ip -n "$DUT" addr add 2001:db8:64::ffff:ffff/64 dev "${OUT_PORTS[0]}" nodad || return
	awk -v n="$BENCH_NEIGH" -v dev="${OUT_PORTS[0]}" -v mac="${SINK_MACS[0]}" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "neigh replace 2001:db8:64::%x:%x lladdr %s dev %s nud permanent\n",
			       int(i / 65536), i % 65536, mac, dev }' |
		ip -n "$DUT" -batch -
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
