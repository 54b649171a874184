#!/bin/bash
# The offload target on a real Netronome NFP (Agilio, BPF firmware): the
# checks of hw-tests/netdevsim plus traffic through the NIC stage.
#
# Needs two NFP ports cabled to each other, named by the operator (the test
# moves them into its own namespaces and gives them back at the end):
#   TNA_NFP_PORTS="ens1np0 ens1np1" hw-tests/nfp/test_nfp.sh
# Port 1 is the bridge port under test (br0 in namespace dut, with a veth to
# a host namespace h1); port 2, in namespace tester, sends frames into it.
# Step by step and what each check means: hw-tests/nfp/README.md.
# Skips (exit 77, with the reason) without TNA_NFP_PORTS, without NFP ports,
# or without BPF firmware on them.
TNA_ROOT=${TNA_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TNA_BIN=${TNA_BIN:-$TNA_ROOT/build/bin}
source "$TNA_ROOT/hw-tests/lib.sh"
need_root
N=${TNA_NFP_FRAMES:-10000}

read -r A B <<<"${TNA_NFP_PORTS:-}"
[[ -n $A && -n $B ]] || skip "no NFP named: set TNA_NFP_PORTS=\"PORT1 PORT2\" (two NFP ports cabled to each other; see hw-tests/nfp/README.md)"
for p in $A $B; do
	pj=$("$TNA_BIN/tna-probe" --json -i "$p" 2>/dev/null) || skip "$p: no such interface"
	jq -e '.devices[0].pci.nfp == true' <<<"$pj" >/dev/null || skip "$p is not an NFP (by PCI id)"
	jq -e '.devices[0].verdict.target == "offload"' <<<"$pj" >/dev/null ||
		skip "$p: no hw-offload (BPF firmware not loaded? see hw-tests/nfp/README.md): $(jq -r '.devices[0].verdict.reason' <<<"$pj")"
done
for t in tna-deploy tna-stat tna-nic-test; do [[ -x $TNA_BIN/$t ]] || fail "$t not built"; done
TMP=$(mktemp -d); on_exit "rm -rf $TMP"

ns dut >/dev/null; ns tester >/dev/null; ns h1 >/dev/null
for p in $A:dut $B:tester; do
	dev=${p%%:*} n=${p##*:}
	ip link set "$dev" netns "$TNA_NS-$n" || fail "move $dev into $n"
	on_exit "ip -n $TNA_NS-$n link set $dev netns 1"
	in_ns "$n" ip link set "$dev" up
done
in_ns dut sysctl -qw net.bridge.bridge-nf-call-iptables=0 2>/dev/null
in_ns dut ip link add br0 type bridge
in_ns dut ip link set "$A" master br0
veth h1 eth0 dut v1
in_ns dut ip link set v1 master br0
in_ns h1 ip link set eth0 address 02:00:00:00:00:01
in_ns dut ip link set br0 up
for _ in $(seq 100); do
	in_ns dut bridge link show | grep -c 'state forwarding' | grep -qx 2 && break; sleep 0.1
done
for _ in $(seq 100); do in_ns tester ip link show "$B" | grep -q 'state UP' && break; sleep 0.1; done

send() {	# DST SRC ETHERTYPE: N frames from the tester into port 1
	in_ns tester /usr/bin/python3 -c '
import socket, sys
dst, src, proto, dev, n = sys.argv[1:6]
f = bytes.fromhex(dst.replace(":", "")) + bytes.fromhex(src.replace(":", "")) + \
    int(proto, 16).to_bytes(2, "big") + bytes(50)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind((dev, 0))
for _ in range(int(n)): s.send(f)' "$1" "$2" "$3" "$B" "$N"
	sleep 1
}
nic() { in_ns dut "$TNA_BIN/tna-stat" -i "$A" --json | jq -r ".interfaces[0].nic.$1"; }
host_rx() { in_ns h1 cat /sys/class/net/eth0/statistics/rx_packets 2>/dev/null ||
	    in_ns h1 ip -j -s link show eth0 | jq '.[0].stats64.rx.packets'; }

# 1. Probe: model and fit.
jqc "probe: nfp model, NIC stage fits" '.devices[0].offload.model == "nfp" and .devices[0].offload.nic_stage.fits' \
	"$(in_ns dut "$TNA_BIN/tna-probe" --json -i "$A")"
# 2. Deploy: NIC stage in HW mode on port 1, bound to it, next to the host stage.
in_ns dut "$TNA_BIN/tna-deploy" --dry-run | tee "$TMP/plan"
check "plan: NIC stage on $A" grep -Eq "port $A +[a-z]+\+nic" "$TMP/plan"
bg dut "$TMP/deploy.out" "tna-deploy: ready" "$TNA_BIN/tna-deploy"
DEPLOY=$BG
hw=$(xdp_id dut "$A" offload)
[[ $hw != 0 ]] || fail "no HW program on $A: $(cat "$TMP/deploy.out")"
check "ip link shows xdpoffload" bash -c "ip -n $TNA_NS-dut link show dev $A | grep -q xdpoffload"
jqc "bound to $A" ".dev.ifname == \"$A\"" "$(in_ns dut bpftool -j prog show id "$hw")"
check "host stage beside it" [ "$(xdp_id dut "$A" generic)$(xdp_id dut "$A" driver)" != 00 ]
# 3. Traffic: exact counts (also the counters' byte order on the device).
p0=$(nic passed); d0=$(nic drops.invalid_src); h0=$(host_rx)
send 02:00:00:00:00:01 00:00:00:00:00:00 88b5
check "invalid source: $N dropped on the NIC" [ "$(( $(nic drops.invalid_src) - d0 ))" -eq "$N" ]
check "invalid source: nothing reached the host" [ "$(( $(host_rx) - h0 ))" -eq 0 ]
send 02:00:00:00:00:01 02:00:00:00:00:aa 88b5
check "valid unicast: $N passed by the NIC" [ "$(( $(nic passed) - p0 ))" -eq "$N" ]
check "valid unicast: $N reached the host" [ "$(( $(host_rx) - h0 ))" -ge "$N" ]
d0=$(nic drops.pause); h0=$(host_rx)
send 01:80:c2:00:00:01 02:00:00:00:00:aa 8808
echo "pause frames dropped by the NIC stage: $(( $(nic drops.pause) - d0 )) of $N (the MAC may take them first)"
check "pause: nothing reached the host" [ "$(( $(host_rx) - h0 ))" -eq 0 ]
# listening (kernel STP, 30 s forward delay): dropped on the NIC, nothing learned
in_ns dut ip link set br0 type bridge forward_delay 3000 stp_state 1
in_ns dut ip link set "$A" down; in_ns dut ip link set "$A" up
for _ in $(seq 100); do in_ns dut bridge link show dev "$A" | grep -q 'state listening' && break; sleep 0.1; done
check "$A listening" bash -c "ip netns exec $TNA_NS-dut bridge link show dev $A | grep -q 'state listening'"
d0=$(nic drops.port_not_forwarding)
send 02:00:00:00:00:01 02:00:00:00:00:bb 88b5
check "listening: $N dropped on the NIC" [ "$(( $(nic drops.port_not_forwarding) - d0 ))" -eq "$N" ]
check "listening: nothing learned" bash -c "! ip netns exec $TNA_NS-dut bridge fdb show br br0 | grep -q 02:00:00:00:00:bb"
in_ns dut ip link set br0 type bridge stp_state 0
# 4. kill -9: nothing stays on the NIC.
kill -9 $DEPLOY; wait $DEPLOY 2>/dev/null; sleep 1
check "kill -9: no HW program" [ "$(xdp_id dut "$A" offload)" = 0 ]
check "kill -9: no TNA object" [ -z "$(tna_objs)" ]
# 5. The firmware refuses a map beyond its budget, in its words (dmesg).
out=$(in_ns dut "$TNA_BIN/tna-nic-test" attach "$A" --entries 100000000); rc=$?
echo "$out"; dmesg | grep 'NFP net bpf' | tail -2
check "over the firmware's budget: refused" [ "$rc" -eq 3 ]
check "nothing left after the refusal" [ "$(xdp_id dut "$A" offload)" = 0 ]
echo "PASS"
