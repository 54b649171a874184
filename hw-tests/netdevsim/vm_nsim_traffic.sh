#!/bin/bash
# Traffic over netdevsim ports (test VM): hosts h1, h2 on netdevsim ports
# linked (/sys/bus/netdevsim/link_device) to the two netdevsim ports of br0.
# With tna-deploy --target auto each bridge port carries the NIC stage in
# HW mode (netdevsim keeps it but never runs it) and the generic host
# stage, which forwards: pings go through, tna-stat counts them as
# forwarded on the host stage, and the NIC stage's counters, read through
# the device, stay 0 (a simulator).  kill -9 leaves Linux bridging alone.
TNA_ROOT=${TNA_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TNA_BIN=${TNA_BIN:-$TNA_ROOT/build/bin}
source "$TNA_ROOT/hw-tests/lib.sh"
need_root
need_netdevsim
TMP=$(mktemp -d); on_exit "rm -rf $TMP"

ns dut >/dev/null; ns h1 >/dev/null; ns h2 >/dev/null
nsim_new dut "$(nsim_id 3)" 2 nsim
nsim_new h1 "$(nsim_id 4)" 1 eth
nsim_new h2 "$(nsim_id 5)" 1 eth
link() {	# NS1 DEV1 NS2 DEV2: a netdevsim cable
	local a b
	exec {a}<"/run/netns/$TNA_NS-$1" {b}<"/run/netns/$TNA_NS-$3"
	echo "$a:$(in_ns "$1" cat /sys/class/net/$2/ifindex) $b:$(in_ns "$3" cat /sys/class/net/$4/ifindex)" \
		>/sys/bus/netdevsim/link_device || fail "link $1/$2 - $3/$4"
	exec {a}<&- {b}<&-
}
link h1 eth0 dut nsim0
link h2 eth0 dut nsim1
in_ns dut sysctl -qw net.bridge.bridge-nf-call-iptables=0 2>/dev/null
in_ns dut ip link add br0 type bridge
in_ns dut ip link set nsim0 master br0 && in_ns dut ip link set nsim1 master br0 &&
	in_ns dut ip link set br0 up || fail "bridge"
for i in 1 2; do
	in_ns h$i sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	in_ns h$i ip addr add 10.0.0.$i/24 dev eth0
done
for _ in $(seq 50); do
	in_ns dut bridge link show | grep -c 'state forwarding' | grep -qx 2 && break; sleep 0.1
done
check "Linux bridges h1 -> h2" in_ns h1 ping -c 3 -i 0.2 -W 2 -q 10.0.0.2

bg dut "$TMP/deploy.out" "tna-deploy: ready" "$TNA_BIN/tna-deploy" --target auto
DEPLOY=$BG
for p in nsim0 nsim1; do
	check "$p: NIC stage and host stage" [ "$(xdp_id dut $p offload)" != 0 -a "$(xdp_id dut $p generic)" != 0 ]
done
check "h1 -> h2 with TNA" in_ns h1 ping -c 20 -i 0.05 -W 2 -q 10.0.0.2
sj=$(in_ns dut "$TNA_BIN/tna-stat" --json)
in_ns dut "$TNA_BIN/tna-stat"
jqc "the host stage forwarded on nsim0" '.interfaces[] | select(.ifname == "nsim0") | .forwarded >= 19' "$sj"
jqc "the NIC stage, never run by netdevsim, counted nothing" \
	'.interfaces[] | select(.ifname == "nsim0") | .nic.passed == 0 and .nic.dropped == 0' "$sj"
kill -9 $DEPLOY; wait $DEPLOY 2>/dev/null
for _ in $(seq 50); do [[ $(xdp_id dut nsim0 offload) == 0 ]] && break; sleep 0.1; done
check "kill -9: no program on nsim0" [ "$(xdp_id dut nsim0 offload)$(xdp_id dut nsim0 generic)" = 00 ]
check "Linux bridges again" in_ns h1 ping -c 3 -i 0.2 -W 2 -q 10.0.0.2
echo "PASS"
