#!/bin/bash
# disable_ipv6 on the ingress interface: Linux drops every IPv6 packet that
# arrives there (ip6_rcv), so the fast path must not route it:
#  - r1 (with IPv6 addresses, which the kernel removes: an event) turned off
#    while h1 -> h2 IPv6 flows;
#  - r3 (IPv4 address only, no link-local: nothing is removed, no event; the
#    controller polls, POLL_BOUND_MS) turned off while h3 -> h2 IPv6 flows;
#  - r1 off before tna-deploy starts (IPv6 is still routed: r2 has an
#    address and a route via a gateway exists).
# The rebuild is delayed on purpose (--debounce 1000,2000): only holding
# at once meets the bound.  Plain Linux and tna-deploy, generic and native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/transparency/lib.sh
need_root

router_topo
_ns h3
veth r r3 h3 eth0
in_ns r ip link set r3 addrgenmode none
in_ns r ip -6 addr flush dev r3
in_ns r ip addr add 10.9.0.1/24 dev r3
in_ns h3 ip addr add 10.9.0.3/24 dev eth0
in_ns r ip -6 route add 2001:db8:99::/64 via 2001:db8:2::2
SLOW=(--debounce 1000,2000)
gro_on h1 h2 h3
in_ns h2 ping -6 -c1 -W1 -q 2001:db8:1::2 >/dev/null 2>&1
in_ns h1 ping -6 -c1 -W1 -q 2001:db8:2::2 >/dev/null || fail "routing h1 -> h2 (IPv6)"
V6_R1=(h1 eth0 "$(mac_of r r1)" 2001:db8:1::2 2001:db8:2::2)
V6_R3=(h3 eth0 "$(mac_of r r3)" 2001:db8:9::3 2001:db8:2::2)
dis() { in_ns r sysctl -qw net.ipv6.conf."$1".disable_ipv6="$2"; }
r1_back() {
	dis r1 0
	in_ns r ip addr add 2001:db8:1::1/64 dev r1 nodad 2>/dev/null
	in_ns h2 ping -6 -c1 -W1 -q 2001:db8:1::2 >/dev/null 2>&1
}

cases() {	# RUN
	local run=$1

	STREAM=("${V6_R3[@]}") RX=h2 FWD=(r r3)
	[[ $run == tna ]] && ctl_start r "${SLOW[@]}"
	change_case "r3 (no IPv6 address) disable_ipv6 0 -> 1" "$run" "$POLL_BOUND_MS" r \
		sysctl -qw net.ipv6.conf.r3.disable_ipv6=1
	[[ $run == tna ]] && ctl_stop
	dis r3 0

	STREAM=("${V6_R1[@]}") FWD=(r r1)
	[[ $run == tna ]] && ctl_start r "${SLOW[@]}"
	change_case "r1 disable_ipv6 0 -> 1" "$run" "$BOUND_MS" r \
		sysctl -qw net.ipv6.conf.r1.disable_ipv6=1
	[[ $run == tna ]] && ctl_stop

	[[ $run == tna ]] && ctl_start r "${SLOW[@]}"
	static_case "r1 disable_ipv6 on before start" "$run"
	[[ $run == tna ]] && ctl_stop
	r1_back
}

cases linux
for MODE in $MODES; do cases tna; done
tp_done
