# The limit: a bare XDP devmap redirect IN_PORTS[i] -> OUT_PORTS[i] (native
# mode), no parsing, no lookup but the devmap's.  Nothing doing real work on
# the same frames can beat it.
CONFIG_DESC="bare XDP devmap redirect (the limit)"
CONFIG_MODE=l2

config_setup() {
	local i pairs=()
	for i in "${!IN_PORTS[@]}"; do pairs+=("${IN_PORTS[$i]}:${OUT_PORTS[$i]}"); done
	ip netns exec "$DUT" "$TNA_BIN/tna-bench-redirect" "${pairs[@]}"
}

config_teardown() {
	local p
	for p in "${IN_PORTS[@]}"; do ip -n "$DUT" link set dev "$p" xdp off 2>/dev/null; done
	return 0
}
