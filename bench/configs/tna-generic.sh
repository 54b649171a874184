# TNA on the Linux bridge, generic target: the bridge of linux-bridge-nf0
# (br_netfilter's IP checks are not in the fast path yet, so with
# bridge-nf-call-iptables=1 the planner leaves the bridge to Linux), then
# `tna-deploy --target generic` as the controller.
CONFIG_DESC="TNA bridge fast path, generic XDP (tna-deploy)"
CONFIG_MODE=l2
TNA_TARGET=generic

config_setup() {
	local out=/tmp/tna-bench-deploy.$$.log i
	ip -n "$DUT" link add br0 type bridge || return
	for p in "${IN_PORTS[@]}" "${OUT_PORTS[@]}"; do
		ip -n "$DUT" link set "$p" master br0 || return
	done
	ip netns exec "$DUT" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
		net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0 || return
	ip -n "$DUT" link set br0 up || return
	ip netns exec "$DUT" "$TNA_BIN/tna-deploy" --target "$TNA_TARGET" </dev/null >"$out" 2>&1 &
	TNA_DEPLOY_PID=$!
	for i in $(seq 100); do
		grep -q '^tna-deploy: ready' "$out" && { rm -f "$out"; return 0; }
		kill -0 "$TNA_DEPLOY_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -1 "$out"; rm -f "$out"
	return 1
}

config_teardown() {
	if [[ -n ${TNA_DEPLOY_PID:-} ]]; then
		kill -TERM "$TNA_DEPLOY_PID" 2>/dev/null
		wait "$TNA_DEPLOY_PID" 2>/dev/null
		TNA_DEPLOY_PID=
	fi
	ip -n "$DUT" link del br0 2>/dev/null
	ip netns exec "$DUT" sysctl -qw net.bridge.bridge-nf-call-iptables=1 \
		net.bridge.bridge-nf-call-ip6tables=1 net.bridge.bridge-nf-call-arptables=1 2>/dev/null
	return 0
}
