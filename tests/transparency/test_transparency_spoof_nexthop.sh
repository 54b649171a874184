#!/bin/bash
# A spoofed frame must not hijack routed traffic.  Two bridges with
# addresses on r: br0 (b3, b4 to h3, h4) and br1 (b5, b6 to h5, h6,
# 10.5.0.0/24); the router is composed with one of them (the "host").  A
# host on it sends one frame whose source is the MAC of a host on the other
# bridge: the host bridge learns that MAC on the spoofer's port.  Routes to
# the victim leave through the other bridge, whose own FDB knows the victim,
# so Linux delivers to it; the fast path must not send them to the spoofer
# (FDB entries belong to one bridge).  h1 -> victim must arrive whole,
# plain Linux and tna-deploy, generic and native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/transparency/lib.sh
need_root

router_topo
bridge_ip_topo
_ns h5; _ns h6
in_ns r ip link add br1 type bridge || fail "br1"
in_ns r ip link set br1 address 02:bb:00:00:00:05
for i in 5 6; do
	veth r b$i h$i eth0
	in_ns r ip link set b$i master br1
	in_ns h$i ip link set eth0 address 02:00:00:00:0$i:02
	in_ns h$i ip addr add 10.5.0.$i/24 dev eth0
	in_ns h$i ip route add default via 10.5.0.1
done
in_ns r ip link set br1 up
in_ns r ip addr add 10.5.0.1/24 dev br1
in_ns r sysctl -qw net.bridge.bridge-nf-call-iptables=0
for _ in $(seq 50); do
	in_ns r bridge link show | grep -c 'state forwarding' | grep -qx 4 && break; sleep 0.1
done
gro_on h1 h2 h3 h4 h5 h6
for h in h3 h4; do in_ns $h ping -c1 -W1 -q 10.1.0.2 >/dev/null; done
for h in h5 h6; do in_ns $h ping -c1 -W1 -q 10.1.0.2 >/dev/null || fail "routing $h -> h1"; done
# roles: the spoofer is on the host bridge, the victim on the other one
roles() {	# HOST bridge
	if [[ $1 == br0 ]]; then
		SPOOFER=h3 SPORT=b3 VICTIM=h5 VIP=10.5.0.5 SIP=10.3.0.3 OWN=10.3.0.3
	else
		SPOOFER=h5 SPORT=b5 VICTIM=h3 VIP=10.3.0.3 SIP=10.5.0.5 OWN=10.5.0.5
	fi
	HOSTBR=$1
	STREAM=(h1 eth0 "$(mac_of r r1)" 10.1.0.2 "$VIP") RX=$VICTIM
}
spoof() {	# one broadcast frame from the spoofer with the victim's MAC as source
	local vmac
	vmac=$(mac_of "$VICTIM" eth0)
	in_ns "$SPOOFER" "$STAMP" send -i eth0 --smac "$vmac" --dmac ff:ff:ff:ff:ff:ff \
		--src "$SIP" --dst "$SIP" -n 1 >/dev/null || fail "spoof frame"
	sleep 0.3
	in_ns r bridge fdb show br "$HOSTBR" | grep -q "^$vmac dev $SPORT" ||
		fail "$HOSTBR did not learn $VICTIM's MAC on $SPORT"
}
forget() {
	in_ns r bridge fdb del "$(mac_of "$VICTIM" eth0)" dev "$SPORT" master 2>/dev/null
	in_ns "$VICTIM" ping -c1 -W1 -q 10.1.0.2 >/dev/null
}

roles br0
spoof
delivered_case "h1 -> $VICTIM after $SPOOFER spoofed its MAC on $HOSTBR" linux
forget
for MODE in $MODES; do
	ctl_start r
	host=$(sed -n 's/.*router: deployed.*pipeline \(br[01]\).*/\1/p' "$TP_DIR/ctl.out" | tail -1)
	[[ -n $host ]] || fail "[$MODE] the router is not composed with a bridge"
	roles "$host"
	f0=$(fwd_count r r1)
	in_ns h1 ping -c20 -i0.01 -W1 -q "$OWN" >/dev/null || fail "h1 -> $OWN"
	f1=$(fwd_count r r1)
	(( f1 - f0 >= 20 )) || fail "[$MODE] routing into $host not accelerated (+$((f1 - f0)))"
	spoof
	delivered_case "h1 -> $VICTIM after $SPOOFER spoofed its MAC on $HOSTBR" tna
	ctl_stop
	forget
done
tp_done
