#!/bin/bash
# Hooks on the routed path (h1 -- r1 [r] r2 -- h2, tna-deploy's router):
# the classified hook drops UDP to 9999 before the FIB lookup, the egress
# hook's no-verdict sends UDP to 7777 to Linux (which routes it), UDP to
# 5000 is routed by XDP; counted per slot and verdict on r1.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/router/lib.sh
need_root
HOOKS=$PWD/${BUILD:-build}/bpf
[[ -f $HOOKS/hook_drop_udp.bpf.o && -f $HOOKS/hook_invalid.bpf.o ]] || fail "hooks not built (make)"

router_topo
out=$RT_TMP/dep.out
ip netns exec "$TNA_NS-r" "$TNA_BIN/tna-deploy" -t generic --hooks-dir '' \
	--hook "classified=$HOOKS/hook_drop_udp.bpf.o" --hook "egress=$HOOKS/hook_invalid.bpf.o" >"$out" 2>&1 &
on_exit_kill $!
for _ in $(seq 100); do grep -q '^tna-deploy: ready.*router on' "$out" && break; sleep 0.1; done
grep -q '^tna-deploy: ready.*router on' "$out" || fail "tna-deploy did not route: $(cat "$out")"
check "h1 -> h2 ping (neighbours resolved)" in_ns h1 ping -c 2 -i 0.2 -W 1 -q 10.2.0.2

r1_mac=$(in_ns r cat /sys/class/net/r1/address)
stat() {	# IF: forwarded passed_total dropped hooks... of IF in r
	in_ns r "$TNA_BIN/tna-stat" -i "$1" --json | /usr/bin/python3 -c '
import json,sys; i=json.load(sys.stdin)["interfaces"][0]; print(i["forwarded"]+i["passed_total"]+i["dropped"])'
}
hook() {	# SLOT VERDICT on r1
	in_ns r "$TNA_BIN/tna-stat" -i r1 --json | /usr/bin/python3 -c '
import json,sys; print(json.load(sys.stdin)["interfaces"][0]["hooks"][sys.argv[1]][sys.argv[2]])' "$1" "$2"
}
h2_rx() { in_ns h2 cat /sys/class/net/eth0/statistics/rx_packets; }
send() {	# "what" DPORT COUNT WANT_ON_H2
	local pcap=$RT_TMP/h2-$2.pcap seen0 rx0 got
	seen0=$(stat r1) rx0=$(h2_rx)
	capture_start --in h2 eth0 "$pcap"
	FRAMES_SMAC=02:00:00:00:01:02 FRAMES_DMAC=$r1_mac FRAMES_SRC=10.1.0.2 FRAMES_DST=10.2.0.2 \
		in_ns h1 /usr/bin/python3 tests/hooks/frames.py send eth0 "$2" "$3" || fail "cannot send"
	# every frame decided on r1, and what goes to h2 arrived (what Linux
	# routes crosses its backlog first)
	for _ in $(seq 100); do (( $(stat r1) >= seen0 + $3 )) && break; sleep 0.05; done
	for _ in $(seq 100); do (( $(h2_rx) >= rx0 + $4 )) && break; sleep 0.05; done
	capture_stop
	got=$(capture_count "$pcap" udp dst port "$2")
	[[ $got == "$4" ]] || fail "$1: $got of $3 on h2, want $4"
	echo "ok: $1 ($got of $3 on h2)"
}
source tests/lib/capture.sh
send "routed UDP to 9999: dropped by the classified hook" 9999 10 0
send "routed UDP to 7777: egress hook without verdict, Linux routes it" 7777 10 10
f=$(rt_counter r1 forwarded)
send "routed UDP to 5000: routed by XDP" 5000 10 10
(( $(rt_counter r1 forwarded) - f == 10 )) || fail "r1 forwarded $(( $(rt_counter r1 forwarded) - f )) of the 10 by XDP"
[[ $(hook classified drop) == 10 ]] || fail "classified drop: $(hook classified drop)"
[[ $(hook egress invalid) == 10 ]] || fail "egress invalid: $(hook egress invalid)"
[[ $(rt_counter r1 passed.hook_invalid) == 10 ]] || fail "r1 hook_invalid: $(rt_counter r1 passed.hook_invalid)"
echo "ok: counted per slot and verdict on r1"
echo PASS
