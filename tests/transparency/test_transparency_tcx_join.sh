#!/bin/bash
# The controller polls tcx programs and disable_ipv6 only on the links the
# rules read (bridge ports, routed interfaces: introspect/poll.c); a link
# that becomes one has both read at the event that makes it one.  With the
# poll slowed to 10 minutes (TNA_TEST_POLL_MS) only that read can tell:
#  - bridge: p1 leaves br0, gets a tcx drop program on its ingress and
#    joins again: a1 -> a2 must be dropped, as Linux does;
#  - routed: r1 loses its addresses, gets a tcx drop program on its
#    ingress, then 10.1.0.1/24 back: h1 -> h2 must be dropped;
#  - routed: r1 loses its addresses and IPv6 routes, disable_ipv6 goes on
#    (nothing left to remove: no event), then 10.1.0.1/24 back: IPv6
#    h1 -> h2 must be dropped (ip6_rcv).  The first two fail when the
#    read at the event is removed; this one does not (other events of
#    that sequence make the model read r1's sysctls too), it keeps the
#    guarantee covered.
# Before each change the fast path must be forwarding that stream (else
# the case could not fail).  Plain Linux and tna-deploy, generic and native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/transparency/lib.sh
need_root

bridge_topo
routed_up
in_ns br sysctl -qw net.bridge.bridge-nf-call-iptables=0
in_ns h2 ping -6 -c1 -W1 -q 2001:db8:1::2 >/dev/null 2>&1
in_ns h1 ping -6 -c1 -W1 -q 2001:db8:2::2 >/dev/null || fail "routing h1 -> h2 (IPv6)"
TCX=$TNA_BIN/tna-tcx
BRIDGED=(a1 eth0 "$(mac_of a2 eth0)" 10.0.0.1 10.0.0.2)
ROUTED=(h1 eth0 "$(mac_of r r1)" 10.1.0.2 10.2.0.2)
V6=(h1 eth0 "$(mac_of r r1)" 2001:db8:1::2 2001:db8:2::2)
export TNA_TEST_POLL_MS=600000

# fast_first RUN: under TNA the fast path forwards the stream now
fast_first() {
	local f0 f1
	[[ $1 == tna ]] || return 0
	f0=$(fwd_count "${FWD[@]}")
	recv_start "$RX"
	send_start "${STREAM[@]}" -r 1000 -d 0.5
	stream_stop
	f1=$(fwd_count "${FWD[@]}")
	(( f1 - f0 >= 200 )) || fail "[$MODE] ${FWD[1]}: the fast path forwarded $((f1 - f0)) before the change"
}

joined() {
	for _ in $(seq 50); do
		in_ns br bridge link show | grep -c 'state forwarding' | grep -qx 2 && return 0
		sleep 0.1
	done
	fail "p1 did not come back to forwarding"
}

r1_addrs() {	# the addresses (and routes) router_topo gave r1
	in_ns r ip link set r1 down
	in_ns r ip link set r1 up
	in_ns r ip addr add 10.1.0.1/24 dev r1
	in_ns r ip addr add 2001:db8:1::1/64 dev r1 nodad
	in_ns h1 ping -c1 -W1 -q 10.2.0.2 >/dev/null 2>&1
	in_ns h1 ping -6 -c1 -W1 -q 2001:db8:2::2 >/dev/null 2>&1
}

cases() {	# RUN
	local run=$1

	STREAM=("${BRIDGED[@]}") RX=a2 FWD=(br p1)
	learn
	[[ $run == tna ]] && ctl_start br --no-router
	fast_first "$run"
	in_ns br ip link set p1 nomaster
	in_ns br "$TCX" attach p1 ingress >/dev/null || fail "tcx attach p1"
	in_ns br ip link set p1 master br0
	joined
	# a1 is known behind p1 (Linux cannot learn it now: tcx drops its
	# frames first), so that the fast path would forward a1 -> a2
	in_ns br bridge fdb replace "$(mac_of a1 eth0)" dev p1 master static
	static_case "tcx on p1 ingress, attached while p1 was not a port" "$run"
	[[ $run == tna ]] && ctl_stop
	in_ns br "$TCX" detach p1 ingress
	in_ns br bridge fdb del "$(mac_of a1 eth0)" dev p1 master

	STREAM=("${ROUTED[@]}") RX=h2 FWD=(r r1)
	[[ $run == tna ]] && ctl_start r
	fast_first "$run"
	in_ns r ip addr flush dev r1
	in_ns r "$TCX" attach r1 ingress >/dev/null || fail "tcx attach r1"
	in_ns r ip addr add 10.1.0.1/24 dev r1
	static_case "routed: tcx on r1 ingress, attached while r1 had no address" "$run"
	[[ $run == tna ]] && ctl_stop
	in_ns r "$TCX" detach r1 ingress
	in_ns r ip addr flush dev r1
	r1_addrs

	STREAM=("${V6[@]}") RX=h2 FWD=(r r1)
	[[ $run == tna ]] && ctl_start r
	fast_first "$run"
	# no address and no IPv6 route left on r1: turning IPv6 off removes
	# nothing
	in_ns r ip addr flush dev r1
	in_ns r ip -6 route flush dev r1 table all
	in_ns r sysctl -qw net.ipv6.conf.r1.disable_ipv6=1
	in_ns r ip addr add 10.1.0.1/24 dev r1
	static_case "routed: disable_ipv6 on r1, set while r1 had no address" "$run"
	[[ $run == tna ]] && ctl_stop
	in_ns r sysctl -qw net.ipv6.conf.r1.disable_ipv6=0
	in_ns r ip addr flush dev r1
	r1_addrs
}

cases linux
for MODE in $MODES; do cases tna; done
tp_done
