#!/bin/bash
# nftables inet-family ingress chains (bound to a device, like netdev
# ingress): XDP runs before them, so a port or routed interface with such a
# chain must not be accelerated.  Each drops; TNA must too:
#  - bridged: an inet ingress chain on bridge port p1 (a1 -> a2);
#  - routed:  an inet ingress chain on r1 (h1 -> h2);
#  - either chain present before tna-deploy starts.
# Plain Linux and tna-deploy, generic and native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/transparency/lib.sh
need_root
command -v nft >/dev/null || skip "nft not installed"

bridge_topo
routed_up
in_ns br sysctl -qw net.bridge.bridge-nf-call-iptables=0
BRIDGED=(a1 eth0 "$(mac_of a2 eth0)" 10.0.0.1 10.0.0.2)
ROUTED=(h1 eth0 "$(mac_of r r1)" 10.1.0.2 10.2.0.2)
chain() { echo "{ type filter hook ingress device $1 priority 0; policy drop; }"; }

cases() {	# RUN
	local run=$1

	STREAM=("${BRIDGED[@]}") RX=a2 FWD=(br p1)
	in_ns br nft add table inet tp
	[[ $run == tna ]] && ctl_start br --no-router
	change_case "bridged: inet ingress drop on p1" "$run" "$BOUND_MS" br \
		nft add chain inet tp i "$(chain p1)"
	[[ $run == tna ]] && ctl_stop
	[[ $run == tna ]] && ctl_start br --no-router
	static_case "bridged: inet ingress drop on p1 before start" "$run"
	[[ $run == tna ]] && ctl_stop
	in_ns br nft delete table inet tp
	learn

	STREAM=("${ROUTED[@]}") RX=h2 FWD=(r r1)
	in_ns r nft add table inet tp
	[[ $run == tna ]] && ctl_start r
	change_case "routed: inet ingress drop on r1" "$run" "$BOUND_MS" r \
		nft add chain inet tp i "$(chain r1)"
	[[ $run == tna ]] && ctl_stop
	[[ $run == tna ]] && ctl_start r
	static_case "routed: inet ingress drop on r1 before start" "$run"
	[[ $run == tna ]] && ctl_stop
	in_ns r nft delete table inet tp
}

cases linux
for MODE in $MODES; do cases tna; done
tp_done
