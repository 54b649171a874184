# The two-lookup limit: per frame the source and the destination MAC looked
# up in one FDB-like hash holding the run's MACS sources and MACS
# destinations (the size of the bridge's mirror), then a devmap redirect
# IN_PORTS[i] -> the destination's OUT port (native mode).  What a bridge
# costs at scale when it does nothing but its two FDB lookups.
CONFIG_DESC="two FDB hash lookups + devmap redirect (the limit with lookups)"
CONFIG_MODE=l2
FDB_FILL=()	# xdp-fdb-limit-scattered.sh: (--scatter)

config_setup() {
	local i pairs=()
	for i in "${!IN_PORTS[@]}"; do pairs+=("${IN_PORTS[$i]}:${OUT_PORTS[$i]}"); done
	ip netns exec "$DUT" "$TNA_BIN/tna-bench-redirect" "${FDB_FILL[@]}" --fdb "$MACS" "${pairs[@]}"
}

config_teardown() {
	local p
	for p in "${IN_PORTS[@]}"; do ip -n "$DUT" link set dev "$p" xdp off 2>/dev/null; done
	return 0
}
