#!/bin/bash
# Legacy xtables rules and the net.bridge.bridge-nf-call-* sysctls send no
# event: the controller polls them on a timer of its own.  On a quiet
# network (nothing else changes), each of these must stop the fast path
# within the poll bound, as it stops plain Linux at once:
#  - bridged: iptables-legacy -A FORWARD -j DROP with bridge-nf-call-iptables on;
#  - bridged: a legacy FORWARD DROP rule exists, bridge-nf-call-iptables 0 -> 1;
#  - routed:  iptables-legacy -A FORWARD -j DROP on the router.
# Each case runs on plain Linux (which must drop everything sent after the
# command) and with tna-deploy, generic and native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/transparency/lib.sh
need_root
command -v iptables-legacy >/dev/null || skip "iptables-legacy not installed"

bridge_topo
routed_up

brnf() { in_ns br sysctl -qw net.bridge.bridge-nf-call-iptables="$1"; }

bridged() {	# RUN
	STREAM=(a1 eth0 "$(mac_of a2 eth0)" 10.0.0.1 10.0.0.2) RX=a2 FWD=(br p1)
	brnf 1
	[[ $1 == tna ]] && ctl_start br --no-router
	change_case "bridged, legacy FORWARD drop added" "$1" "$POLL_BOUND_MS" \
		br iptables-legacy -A FORWARD -j DROP
	[[ $1 == tna ]] && ctl_stop
	in_ns br iptables-legacy -F FORWARD
	learn

	in_ns br iptables-legacy -A FORWARD -j DROP
	brnf 0
	[[ $1 == tna ]] && ctl_start br --no-router
	change_case "bridged, bridge-nf-call-iptables 0 -> 1 with a legacy FORWARD drop" "$1" \
		"$POLL_BOUND_MS" br sysctl -qw net.bridge.bridge-nf-call-iptables=1
	[[ $1 == tna ]] && ctl_stop
	in_ns br iptables-legacy -F FORWARD
	learn
}

routed() {	# RUN
	STREAM=(h1 eth0 "$(mac_of r r1)" 10.1.0.2 10.2.0.2) RX=h2 FWD=(r r1)
	[[ $1 == tna ]] && ctl_start r
	change_case "routed, legacy FORWARD drop added" "$1" "$POLL_BOUND_MS" \
		r iptables-legacy -A FORWARD -j DROP
	[[ $1 == tna ]] && ctl_stop
	in_ns r iptables-legacy -F FORWARD
}

bridged linux
routed linux
for MODE in $MODES; do
	bridged tna
	routed tna
done
tp_done
