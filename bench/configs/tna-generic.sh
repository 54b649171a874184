# TNA on the Linux bridge, generic target: the bridge of linux-bridge
# (bridge-nf-call-*=1, the kernel default, no rules: the plan adds the
# brnf_* modules that do br_netfilter's checks), then
# `tna-deploy --target generic` as the controller.  BRIDGE_NF=0 gives the
# bridge of linux-bridge-nf0 instead.
CONFIG_DESC="TNA bridge fast path, generic XDP (tna-deploy)"
CONFIG_MODE=l2
TNA_TARGET=generic
BRIDGE_NF=${BRIDGE_NF:-1}

config_setup() {
	ip -n "$DUT" link add br0 type bridge || return
	for p in "${IN_PORTS[@]}" "${OUT_PORTS[@]}"; do
		ip -n "$DUT" link set "$p" master br0 || return
	done
	ip netns exec "$DUT" sysctl -qw net.bridge.bridge-nf-call-iptables=$BRIDGE_NF \
		net.bridge.bridge-nf-call-ip6tables=$BRIDGE_NF \
		net.bridge.bridge-nf-call-arptables=$BRIDGE_NF || return
	ip -n "$DUT" link set br0 up || return
	bench_deploy_start "$TNA_TARGET"
}

# measured once the mirror holds what pre-learning taught the bridge
config_ready() {
	bench_deploy_ready
}

config_teardown() {
	bench_deploy_stop
	ip -n "$DUT" link del br0 2>/dev/null
	ip netns exec "$DUT" sysctl -qw net.bridge.bridge-nf-call-iptables=1 \
		net.bridge.bridge-nf-call-ip6tables=1 net.bridge.bridge-nf-call-arptables=1 2>/dev/null
	return 0
}
