#!/bin/bash
# tc that XDP would bypass, on a bridge (a1 -> p1 [br0] p2 -> a2):
#  - a drop filter added to a shared block bound to p1 (the event names the
#    block, not p1);
#  - a tcx program on p1's ingress, and one on p2's egress (no event: the
#    controller polls tcx, POLL_BOUND_MS);
#  - a classful root qdisc on p2 with a drop filter;
#  - egress shaping on p2 (tbf): frames to p2 must go through its qdisc,
#    so what arrives after the change is bounded by the shaper, as on Linux.
# And routed (h1 -> r1 [r] r2 -> h2): a tcx drop program on r1's ingress.
# Plain Linux and tna-deploy, generic and native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/transparency/lib.sh
need_root

bridge_topo
routed_up
in_ns br sysctl -qw net.bridge.bridge-nf-call-iptables=0
DROP=build/bpf/tc_drop.bpf.o
TCX=$TNA_BIN/tna-tcx
BRIDGED=(a1 eth0 "$(mac_of a2 eth0)" 10.0.0.1 10.0.0.2)
ROUTED=(h1 eth0 "$(mac_of r r1)" 10.1.0.2 10.2.0.2)

# shaped RUN: tbf on p2 (16 kbit/s, 2000 B burst); frames are 66 B on the
# wire, so at most (2000 + 2000 B/s * time + queue) / 66 arrive after it.
shaped() {
	local run=$1 t lk late max
	recv_start a2
	send_start "${BRIDGED[@]}" -r 1000 -d 1.6
	sleep 0.6
	t=$(stamp br tc qdisc add dev p2 root tbf rate 16kbit burst 2000 latency 50ms) ||
		fail "tbf"
	stream_stop
	lk=$(leaked "$t"); late=$(leaked $((t + BOUND_MS * 1000000)))
	# sent after t+BOUND, arriving: bounded by the tokens of that time
	max=$(( (2000 + 2000 * 1100 / 1000 + 100 * 66) / 66 ))
	echo "shaped [$run $MODE]: after tbf: $lk; $(field "$late" recv_after) of $(field "$late" sent_after) sent ${BOUND_MS} ms later arrived (shaper allows <= $max)"
	(( $(field "$late" recv_after) <= max )) ||
		tp_fail "shaped [$run $MODE]: $(field "$late" recv_after) arrived, the shaper allows $max"
	in_ns br tc qdisc del dev p2 root
}

cases() {	# RUN
	local run=$1

	STREAM=("${BRIDGED[@]}") RX=a2 FWD=(br p1)
	in_ns br tc qdisc add dev p1 ingress_block 7 clsact
	[[ $run == tna ]] && ctl_start br --no-router
	change_case "shared block: drop filter added to block 7 (bound to p1)" "$run" "$BOUND_MS" br \
		tc filter add block 7 bpf da obj "$DROP" sec tc
	[[ $run == tna ]] && ctl_stop
	in_ns br tc qdisc del dev p1 clsact
	learn

	[[ $run == tna ]] && ctl_start br --no-router
	change_case "tcx drop program on p1 ingress" "$run" "$POLL_BOUND_MS" br "$TCX" attach p1 ingress
	[[ $run == tna ]] && ctl_stop
	in_ns br "$TCX" detach p1 ingress
	learn

	[[ $run == tna ]] && ctl_start br --no-router
	change_case "tcx drop program on p2 egress" "$run" "$POLL_BOUND_MS" br "$TCX" attach p2 egress
	[[ $run == tna ]] && ctl_stop
	in_ns br "$TCX" detach p2 egress
	learn

	[[ $run == tna ]] && ctl_start br --no-router
	change_case "classful root qdisc on p2 with a drop filter" "$run" "$BOUND_MS" br \
		sh -c "tc qdisc add dev p2 root handle 1: htb default 1 &&
		       tc class add dev p2 parent 1: classid 1:1 htb rate 1gbit &&
		       tc filter add dev p2 parent 1: bpf da obj $DROP sec tc"
	[[ $run == tna ]] && ctl_stop
	in_ns br tc qdisc del dev p2 root
	learn

	[[ $run == tna ]] && ctl_start br --no-router
	shaped "$run"
	[[ $run == tna ]] && ctl_stop
	learn

	STREAM=("${ROUTED[@]}") RX=h2 FWD=(r r1)
	[[ $run == tna ]] && ctl_start r
	change_case "routed: tcx drop program on r1 ingress" "$run" "$POLL_BOUND_MS" r "$TCX" attach r1 ingress
	[[ $run == tna ]] && ctl_stop
	in_ns r "$TCX" detach r1 ingress
}

cases linux
for MODE in $MODES; do cases tna; done
tp_done
