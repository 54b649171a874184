#!/bin/bash
# rp_filter: packets with a source that routes back through another
# interface (spoofed) are dropped by Linux once rp_filter is on.  The fast
# path does not emulate it: that interface's routed IPv4 goes to Linux, from
# the netconf event on, before the rebuild (which is delayed on purpose:
# --debounce 1000,2000).
#  - net.ipv4.conf.r1.rp_filter=1 (h1 -> h2, source 10.2.0.99 of r2's subnet);
#  - net.ipv4.conf.all.rp_filter=1 (the same stream);
#  - net.ipv4.conf.br0.rp_filter=1, a bridge with an address composed with the
#    router (h3 on br0 -> h1, source 10.1.0.99).
# Plain Linux and tna-deploy, generic and native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/transparency/lib.sh
need_root

router_topo
bridge_ip_topo
in_ns r sysctl -qw net.bridge.bridge-nf-call-iptables=0
gro_on h1 h2 h3 h4
for h in h1 h2 h3 h4; do in_ns $h ping -c1 -W1 -q 10.3.0.1 >/dev/null 2>&1; done
in_ns h1 ping -c1 -W1 -q 10.2.0.2 >/dev/null || fail "routing h1 -> h2"
in_ns h3 ping -c1 -W1 -q 10.1.0.2 >/dev/null || fail "routing h3 -> h1"
SPOOF_R1=(h1 eth0 "$(mac_of r r1)" 10.2.0.99 10.2.0.2)
SPOOF_BR=(h3 eth0 "$(mac_of r br0)" 10.1.0.99 10.1.0.2)
rpf() { in_ns r sysctl -qw net.ipv4.conf."$1".rp_filter="$2"; }
SLOW=(--debounce 1000,2000)

cases() {	# RUN
	local run=$1

	STREAM=("${SPOOF_R1[@]}") RX=h2 FWD=(r r1)
	[[ $run == tna ]] && ctl_start r "${SLOW[@]}"
	change_case "r1 rp_filter 0 -> 1 (spoofed source)" "$run" "$BOUND_MS" r \
		sysctl -qw net.ipv4.conf.r1.rp_filter=1
	[[ $run == tna ]] && ctl_stop
	rpf r1 0

	[[ $run == tna ]] && ctl_start r "${SLOW[@]}"
	change_case "all rp_filter 0 -> 1 (spoofed source)" "$run" "$BOUND_MS" r \
		sysctl -qw net.ipv4.conf.all.rp_filter=1
	[[ $run == tna ]] && ctl_stop
	rpf all 0

	STREAM=("${SPOOF_BR[@]}") RX=h1 FWD=(r b3)
	[[ $run == tna ]] && ctl_start r "${SLOW[@]}"
	change_case "br0 rp_filter 0 -> 1 (spoofed source, composed bridge)" "$run" "$BOUND_MS" r \
		sysctl -qw net.ipv4.conf.br0.rp_filter=1
	[[ $run == tna ]] && ctl_stop
	rpf br0 0
}

cases linux
for MODE in $MODES; do cases tna; done
tp_done
