# Sourced by the netfilter bench configurations (bench/run.sh --config-dir
# bench/filter): the router of bench/router/routes.sh plus a ruleset, and
# the bench flow made an established, assured conntrack entry (the
# generator only sends one way; `conntrack -I` plays the replies Linux
# would have seen).
#
#   FILTER_RULES (100)     rules that never match the bench flow
#   FILTER_ORDER (first)   `last`: the rules come before the established
#                          accept, so every packet walks all of them
#   filter_bench_setup typical|ct
#     typical: inet forward, policy drop: `ct state established,related
#              accept` first, `ct state invalid drop`, the FILTER_RULES rules
#              (ip saddr 10.100.N.0/24 udp dport 1000+N accept), and
#              masquerade out of OUT_PORTS[0]; the entry is masqueraded
#     ct:      `ct state established accept`, policy accept, no NAT: what a
#              conntrack lookup costs
#   filter_tna_start TARGET   tna-rt-test --filter on every port
#   filter_deploy_start TARGET   tna-deploy: the router planned from the
#                          configuration (its rules compiled: nf_filter)
source "$TNA_ROOT/bench/router/routes.sh"
FILTER_RULES=${FILTER_RULES:-100}
FILTER_ORDER=${FILTER_ORDER:-first}

filter_bench_setup() {
	local kind=$1 nat=()
	router_bench_setup || return
	{
		echo "table inet fw {"
		echo " chain forward {"
		if [[ $kind == typical ]]; then
			echo "  type filter hook forward priority filter; policy drop;"
			[[ $FILTER_ORDER == last ]] || echo "  ct state established,related accept"
			echo "  ct state invalid drop"
			awk -v n="$FILTER_RULES" 'BEGIN { for (i = 0; i < n; i++)
				printf "  ip saddr 10.100.%d.0/24 udp dport %d accept\n", i % 256, 1000 + i }'
			[[ $FILTER_ORDER == last ]] && echo "  ct state established,related accept"
		else
			echo "  type filter hook forward priority filter; policy accept;"
			echo "  ct state established accept"
		fi
		echo " }"
		echo "}"
		if [[ $kind == typical ]]; then
			echo "table ip nat {"
			echo " chain post { type nat hook postrouting priority srcnat; oifname \"${OUT_PORTS[0]}\" masquerade; }"
			echo "}"
		fi
	} | ip netns exec "$DUT" nft -f - || return
	[[ $kind == typical ]] && nat=(--src-nat 10.2.0.1)
	ip netns exec "$DUT" conntrack -I -p udp -s 198.18.0.1 -d 198.19.0.1 --sport 9 --dport 9 \
		--timeout 600 --status ASSURED,SEEN_REPLY "${nat[@]}" >/dev/null 2>&1
}

filter_bench_teardown() {
	ip netns exec "$DUT" nft flush ruleset 2>/dev/null
	ip netns exec "$DUT" conntrack -F >/dev/null 2>&1
	router_bench_teardown
}

filter_tna_start() {	# TARGET
	local p args=() ready=/tmp/tna-bench-nf.$$.ready
	for p in "${IN_PORTS[@]}" "${OUT_PORTS[@]}"; do args+=(-i "$p"); done
	rm -f "$ready"
	ip netns exec "$DUT" "$TNA_BIN/tna-rt-test" --target "$1" --no-ipv6 --filter \
		--ready "$ready" "${args[@]}" >/dev/null 2>/tmp/tna-bench-nf.$$.err &
	NF_BENCH_PID=$!
	for _ in $(seq 100); do
		[[ -e $ready ]] && { rm -f "$ready"; return 0; }
		kill -0 "$NF_BENCH_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat /tmp/tna-bench-nf.$$.err >&2
	return 1
}

filter_deploy_start() {	# TARGET
	local out=/tmp/tna-bench-nf.$$.err
	ip netns exec "$DUT" "$TNA_BIN/tna-deploy" --target "$1" >"$out" 2>&1 &
	NF_BENCH_PID=$!
	for _ in $(seq 100); do
		grep -q "^tna-deploy: ready.*router on" "$out" &&
			grep -q "compiled for IPv4" "$out" && return 0
		kill -0 "$NF_BENCH_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$out" >&2
	return 1
}

filter_tna_stop() {
	[[ -n ${NF_BENCH_PID:-} ]] && { kill "$NF_BENCH_PID"; wait "$NF_BENCH_PID"; } 2>/dev/null
	NF_BENCH_PID=
	rm -f /tmp/tna-bench-nf.$$.err
}
