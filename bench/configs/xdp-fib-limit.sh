# The router limit: a bare bpf_fib_lookup + TTL + MAC rewrite + redirect
# (bench/router/bench_fib.bpf.c, native), same routing table as the other
# router rows (bench/router/routes.sh), with BPF_FIB_LOOKUP_DIRECT under
# BENCH_FIB=direct (both families, as xdp-forward -F direct).
source "$TNA_ROOT/bench/router/routes.sh"
CONFIG_DESC="bare XDP bpf_fib_lookup+redirect (router limit), $ROUTES_DESC"
CONFIG_MODE=l3
CONFIG_IPV6=yes
config_setup() {
	router_bench_setup || return
	ip netns exec "$DUT" "$TNA_BIN/tna-bench-fib" $([[ $BENCH_FIB == direct ]] && echo --direct) "${IN_PORTS[@]}" -- "${OUT_PORTS[@]}"
}
config_teardown() {
	local p
	for p in "${IN_PORTS[@]}"; do ip -n "$DUT" link set dev "$p" xdp off 2>/dev/null; done
	router_bench_teardown
}
