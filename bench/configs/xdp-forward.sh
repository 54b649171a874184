# xdp-forward of xdp-tools (1.4 and later): XDP forwarding by
# bpf_fib_lookup on every port, with the routing table of the other router
# rows (bench/router/routes.sh); -F BENCH_FIB (direct or full, as the
# limit).  It ignores netfilter; the row shows what the router gives up
# nothing against.  The xdp-forward on PATH, else the one
# bench/router/xdp-tools.sh built ($BUILD/xdp-tools/bin); skipped where
# there is neither.
source "$TNA_ROOT/bench/router/routes.sh"
XDP_FORWARD_FIB=${XDP_FORWARD_FIB:-$BENCH_FIB}
CONFIG_DESC="xdp-forward -F $XDP_FORWARD_FIB (xdp-tools), $ROUTES_DESC"
CONFIG_MODE=l3
CONFIG_IPV6=yes

XDP_FORWARD_BIN=$(command -v xdp-forward || echo "$TNA_BIN/../xdp-tools/bin/xdp-forward")

config_available() {
	[[ -x $XDP_FORWARD_BIN ]] && return 0
	echo "xdp-forward is not on PATH (xdp-tools 1.4 or later; Debian 12 ships 1.3.1 without it): bench/router/xdp-tools.sh builds it"
	return 1
}

# `ip netns exec` mounts a fresh /sys: libxdp wants bpffs there
xdp_forward() {
	ip netns exec "$DUT" sh -c 'mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
		exec "$0" "$@"' "$XDP_FORWARD_BIN" "$@"
}

config_setup() {
	router_bench_setup || return
	xdp_forward load -F "$XDP_FORWARD_FIB" "${IN_PORTS[@]}" "${OUT_PORTS[@]}"
}

config_teardown() {
	local p
	xdp_forward unload "${IN_PORTS[@]}" "${OUT_PORTS[@]}" 2>/dev/null
	for p in "${IN_PORTS[@]}" "${OUT_PORTS[@]}"; do
		ip -n "$DUT" link set dev "$p" xdp off 2>/dev/null
	done
	router_bench_teardown
}
