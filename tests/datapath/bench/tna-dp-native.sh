# The bridge fast path through tna-dp-test (the targets/ library alone, no
# controller), for datapath work:
#   bench/run.sh --config-dir tests/datapath/bench \
#       --configs linux-bridge,tna-dp-generic,tna-dp-native,xdp-limit --warmup 2
# The FDB mirror is filled once from what the bridge learnt in pre-learning;
# input ports do not learn (so the fast path skips the source check exactly
# as Linux skips learning).  `make bench` rows with tna-deploy are the
# controller's.
CONFIG_DESC="TNA bridge fast path via tna-dp-test"
CONFIG_MODE=l2
# wrappers set _DP_TARGET/_DP_FPMS before sourcing this file
DP_TARGET=${_DP_TARGET:-native} DP_FPMS=${_DP_FPMS:-}
unset _DP_TARGET _DP_FPMS

config_setup() {
	ip -n "$DUT" link add br0 type bridge || return
	for p in "${IN_PORTS[@]}" "${OUT_PORTS[@]}"; do
		ip -n "$DUT" link set "$p" master br0 || return
	done
	for p in "${IN_PORTS[@]}"; do bridge -n "$DUT" link set dev "$p" learning off || return; done
	ip -n "$DUT" link set br0 up || return
	ip netns exec "$DUT" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
		net.bridge.bridge-nf-call-ip6tables=0
	# after pre-learning (run.sh does it after setup) and once the sink's XDP
	# program lets the output ports transmit redirected frames (read once)
	(
		for _ in $(seq 500); do
			(( $(bridge -n "$DUT" fdb show | grep -c '^02:de:') >= M )) && break
			sleep 0.01
		done
		for _ in $(seq 300); do
			ip -n "$SINK" link show "${SINK_PORTS[0]}" | grep -q "prog/xdp" && break
			sleep 0.01
		done
		bridge -n "$DUT" fdb show br br0 |
			awk '/ self/ { next } /^02:de:/ && !/permanent/ { print $1, $3 }' > "$WORK/dp.fdb"
		echo $BASHPID > "$WORK/dp.pid"
		exec ip netns exec "$DUT" "$TNA_BIN/tna-dp-test" -b br0 --target "$DP_TARGET" \
			${DP_FPMS:+--fpms "$DP_FPMS"} --fdb-file "$WORK/dp.fdb"
	) > "$WORK/dp.log" 2>&1 &
}

config_teardown() {
	local pid
	pid=$(cat "$WORK/dp.pid" 2>/dev/null)
	if [[ -n $pid ]]; then
		kill "$pid" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	fi
	rm -f "$WORK/dp.pid"
	ip -n "$DUT" link del br0 2>/dev/null
	ip netns exec "$DUT" sysctl -qw net.bridge.bridge-nf-call-iptables=1 \
		net.bridge.bridge-nf-call-ip6tables=1 2>/dev/null
	return 0
}
