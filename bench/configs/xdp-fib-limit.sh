# The router limit: a bare bpf_fib_lookup + TTL + MAC rewrite + redirect
# (bench/router/bench_fib.bpf.c, native), same routing table as the other
# router rows (bench/router/routes.sh).
source "$TNA_ROOT/bench/router/routes.sh"
CONFIG_DESC="bare XDP bpf_fib_lookup+redirect (router limit), $BENCH_ROUTES routes"
CONFIG_MODE=l3
config_setup() {
	router_bench_setup || return
	ip netns exec "$DUT" "$TNA_BIN/tna-bench-fib" "${IN_PORTS[@]}" -- "${OUT_PORTS[@]}"
}
config_teardown() {
	local p
	for p in "${IN_PORTS[@]}"; do ip -n "$DUT" link set dev "$p" xdp off 2>/dev/null; done
	router_bench_teardown
}
