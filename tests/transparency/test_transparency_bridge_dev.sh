#!/bin/bash
# Hooks on the bridge device itself when the router is composed with a
# bridge that has an address (br0 on r: ports b3, b4 to h3, h4; r1 to h1).
# Routed traffic enters and leaves through br0, where these see it; TNA
# must not route around them (the graph blocks br0's L3 node, the router
# then leaves routing through br0 to Linux):
#  - nft bridge-family input chain that drops (h3 -> h1, delivered up by br0);
#  - nft bridge-family output chain that drops (h1 -> h3, sent by br0);
#  - a tc filter on br0's ingress that drops (h3 -> h1);
#  - a tc filter on br0's egress that drops (h1 -> h3).
# Bridged traffic between h3 and h4 stays accelerated meanwhile.
# Plain Linux and tna-deploy, generic and native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/transparency/lib.sh
need_root
command -v nft >/dev/null || skip "nft not installed"

router_topo
bridge_ip_topo
in_ns r sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0
gro_on h1 h2 h3 h4
for h in h1 h3 h4; do in_ns $h ping -c1 -W1 -q 10.3.0.1 >/dev/null 2>&1; done
in_ns h1 ping -c1 -W1 -q 10.3.0.3 >/dev/null || fail "routing h1 -> h3"
in_ns h3 ping -c1 -W1 -q 10.1.0.2 >/dev/null || fail "routing h3 -> h1"
BR=$(mac_of r br0)
DROP=build/bpf/tc_drop.bpf.o
IN=(h3 eth0 "$BR" 10.3.0.3 10.1.0.2) OUT=(h1 eth0 "$(mac_of r r1)" 10.1.0.2 10.3.0.3)

cases() {	# RUN
	local run=$1

	STREAM=("${IN[@]}") RX=h1 FWD=(r b3)
	in_ns r nft add table bridge tp
	[[ $run == tna ]] && ctl_start r
	change_case "nft bridge input drop on br0 (routed in)" "$run" "$BOUND_MS" r \
		nft add chain bridge tp i '{ type filter hook input priority 0; policy drop; }'
	[[ $run == tna ]] && ctl_stop
	in_ns r nft delete table bridge tp

	STREAM=("${OUT[@]}") RX=h3 FWD=(r r1)
	in_ns r nft add table bridge tp
	[[ $run == tna ]] && ctl_start r
	change_case "nft bridge output drop on br0 (routed out)" "$run" "$BOUND_MS" r \
		nft add chain bridge tp o '{ type filter hook output priority 0; policy drop; }'
	[[ $run == tna ]] && ctl_stop
	in_ns r nft delete table bridge tp

	STREAM=("${IN[@]}") RX=h1 FWD=(r b3)
	in_ns r tc qdisc add dev br0 clsact
	[[ $run == tna ]] && ctl_start r
	change_case "tc drop filter on br0 ingress (routed in)" "$run" "$BOUND_MS" r \
		tc filter add dev br0 ingress bpf da obj "$DROP" sec tc
	[[ $run == tna ]] && ctl_stop
	in_ns r tc qdisc del dev br0 clsact

	STREAM=("${OUT[@]}") RX=h3 FWD=(r r1)
	in_ns r tc qdisc add dev br0 clsact
	[[ $run == tna ]] && ctl_start r
	change_case "tc drop filter on br0 egress (routed out)" "$run" "$BOUND_MS" r \
		tc filter add dev br0 egress bpf da obj "$DROP" sec tc
	[[ $run == tna ]] && ctl_stop
	in_ns r tc qdisc del dev br0 clsact
}

cases linux
for MODE in $MODES; do
	cases tna
	# bridged traffic is not affected by br0's own hooks: still accelerated
	in_ns r nft add table bridge tp
	in_ns r nft add chain bridge tp i '{ type filter hook input priority 0; policy drop; }'
	ctl_start r
	f0=$(fwd_count r b4)
	in_ns h4 ping -c20 -i0.01 -W1 -q 10.3.0.3 >/dev/null || tp_fail "[$MODE] h4 -> h3 bridged"
	f1=$(fwd_count r b4)
	ctl_stop
	in_ns r nft delete table bridge tp
	(( f1 - f0 >= 20 )) || tp_fail "[$MODE] bridged h4 -> h3 not accelerated (+$((f1 - f0)))"
	echo "ok: [$MODE] bridged traffic stays on the fast path (b4 +$((f1 - f0)))"
done
tp_done
