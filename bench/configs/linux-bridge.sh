# The Linux bridge over every DUT port, bridge-nf-call-iptables=1 (the
# kernel's default: frames pass br_netfilter; no iptables rules are loaded).
CONFIG_DESC="Linux bridge, bridge-nf-call-iptables=1"
CONFIG_MODE=l2
BRIDGE_NF=1

config_setup() {
	ip -n "$DUT" link add br0 type bridge || return
	for p in "${IN_PORTS[@]}" "${OUT_PORTS[@]}"; do
		ip -n "$DUT" link set "$p" master br0 || return
	done
	ip -n "$DUT" link set br0 up &&
	ip netns exec "$DUT" sysctl -qw net.bridge.bridge-nf-call-iptables=$BRIDGE_NF \
		net.bridge.bridge-nf-call-ip6tables=$BRIDGE_NF
}

config_teardown() {
	ip -n "$DUT" link del br0 2>/dev/null
	ip netns exec "$DUT" sysctl -qw net.bridge.bridge-nf-call-iptables=1 \
		net.bridge.bridge-nf-call-ip6tables=1 2>/dev/null
	return 0
}
