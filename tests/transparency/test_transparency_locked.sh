#!/bin/bash
# Performance only: a frame from a locked (802.1X) port carrying a victim's
# MAC as its source.  Linux drops it without moving the victim's FDB entry
# (no roaming from a locked port), so nothing tells the controller anything.
# The fast path must not drop its own mirror entry for the victim either:
# traffic to the victim must stay on the fast path, not go to Linux
# (dst_unknown) for good.  a3 on the locked port p3 spoofs a2; then a1 -> a2.
# Plain Linux delivers it all; with tna-deploy (generic and native) it is
# all delivered too and the fast path forwards every frame of it.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/transparency/lib.sh
need_root

bridge_topo
_ns a3
veth br p3 a3 eth0
in_ns br ip link set p3 master br0
in_ns a3 ip link set eth0 address 02:00:00:00:00:03
in_ns br sysctl -qw net.bridge.bridge-nf-call-iptables=0
in_ns br bridge link set dev p3 locked on
gro_on a3
for _ in $(seq 50); do
	in_ns br bridge link show | grep -c 'state forwarding' | grep -qx 3 && break; sleep 0.1
done
learn
A2=$(mac_of a2 eth0)
STREAM=(a1 eth0 "$A2" 10.0.0.1 10.0.0.2) RX=a2

spoof() {
	in_ns a3 "$STAMP" send -i eth0 --smac "$A2" --dmac ff:ff:ff:ff:ff:ff \
		--src 10.0.0.2 --dst 10.0.0.1 -n 1 >/dev/null || fail "spoof frame"
	sleep 0.3
	in_ns br bridge fdb show br br0 | grep -q "^$A2 dev p2" ||
		fail "the kernel moved a2's entry off p2: not the case under test"
}

spoof
delivered_case "a1 -> a2 after a locked port spoofed a2" linux
for MODE in $MODES; do
	learn
	ctl_start br --no-router
	spoof
	f0=$(fwd_count br p1); u0=$(passed_count br p1 dst_unknown)
	delivered_case "a1 -> a2 after a locked port spoofed a2" tna
	f1=$(fwd_count br p1); u1=$(passed_count br p1 dst_unknown)
	ctl_stop
	sent=$(field "$(leaked 0)" sent_after)
	echo "[$MODE] fast path forwarded $((f1 - f0)) of $sent, dst_unknown +$((u1 - u0))"
	(( f1 - f0 >= sent && u1 == u0 )) ||
		tp_fail "[$MODE] the victim's traffic left the fast path: forwarded $((f1 - f0)) of $sent, dst_unknown +$((u1 - u0))"
done
tp_done
