# The TNA router fast path (generic), tna-rt-test on every DUT port, with
# the table of bench/router/routes.sh: the run's family only, lookups
# with BPF_FIB_LOOKUP_DIRECT under BENCH_FIB=direct (IPv6 with the local
# table's destinations sent to Linux, as the planner chooses it with the
# default policy rules).
source "$TNA_ROOT/bench/router/routes.sh"
CONFIG_DESC="TNA router generic, $ROUTES_DESC"
CONFIG_MODE=l3
CONFIG_IPV6=yes
RT_TARGET=generic
config_setup() {
	local p args=() ready=/tmp/tna-bench-rt.$$.ready
	router_bench_setup || return
	for p in "${IN_PORTS[@]}" "${OUT_PORTS[@]}"; do args+=(-i "$p"); done
	if [[ -n ${IPV6:-} ]]; then
		args+=(--no-ipv4)
	else
		args+=(--no-ipv6)
	fi
	[[ $BENCH_FIB == direct ]] && args+=(--fib-direct)
	rm -f "$ready"
	ip netns exec "$DUT" "$TNA_BIN/tna-rt-test" --target "$RT_TARGET" --ready "$ready" \
		"${args[@]}" >/dev/null 2>/tmp/tna-bench-rt.$$.err &
	RT_BENCH_PID=$!
	for _ in $(seq 100); do
		[[ -e $ready ]] && { rm -f "$ready"; return 0; }
		kill -0 "$RT_BENCH_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat /tmp/tna-bench-rt.$$.err >&2
	return 1
}
config_teardown() {
	[[ -n ${RT_BENCH_PID:-} ]] && { kill "$RT_BENCH_PID"; wait "$RT_BENCH_PID"; } 2>/dev/null
	RT_BENCH_PID=
	rm -f /tmp/tna-bench-rt.$$.err
	router_bench_teardown
}
