#!/bin/bash
# The bridge's own entry program (tna_l2 in bpf/tna_bridge.bpf.c): the
# loader (targets/load.c) runs it exactly for a pipeline of bridge modules
# (with csum on native, with br_netfilter's rule-less checks when the
# bridge-nf calls are on), and tna_bridge for anything more (here:
# iptables rules that see bridged traffic, so every frame goes to Linux
# with reason br_netfilter).  Through tna_l2, with the flow cache warm for
# h1 -> h2, each check it compiles as a constant still sends a frame to
# Linux with its reason once a table change makes it apply: bridge MAC
# (to_local_mac), ingress and egress STP state, isolation, locked port.
# The program's name is read with bpftool from the pipeline the root
# program runs.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/deploy/lib.sh
need_root
command -v bpftool >/dev/null || skip "no bpftool"

wait_for() {	# "what" cmd...: up to 5 s
	local what=$1 i; shift
	for i in $(seq 50); do "$@" && return 0; sleep 0.1; done
	fail "$what: not within 5 s"
}
prog_name() { bpftool prog show id "$1" --json | /usr/bin/python3 -c '
import json, sys; print(json.load(sys.stdin)["name"])'; }
entry() { prog_name "$(pipeline_id p1)"; }
passed() {	# port reason: frames of port passed with reason
	in_ns dut "$TNA_BIN/tna-stat" -i "$1" --json | /usr/bin/python3 -c '
import json, sys; print(json.load(sys.stdin)["interfaces"][0]["passed"].get(sys.argv[1], 0))' "$2"; }
sync_deploy() { ip netns exec "$TNA_NS-dut" "$TNA_BIN/tna-deploy" --sync >/dev/null; }
stop_deploy() { kill -TERM "$DEPLOY_PID"; wait "$DEPLOY_PID" 2>/dev/null; }
# ping h1 -> h2 (COUNT frames), its frames bridged by XDP: p1 forwarded grows
warm() {
	local f0 f1
	f0=$(stat_of p1 forwarded)
	in_ns h1 ping -c 20 -i 0.02 -W 1 -q 10.0.0.2 >/dev/null || fail "h1 -> h2: $1"
	f1=$(stat_of p1 forwarded)
	(( f1 - f0 >= 20 )) || fail "h1 -> h2 not bridged by XDP ($1): +$((f1 - f0)) forwarded"
}
# reason_after "what" REASON cmd...: after cmd (a table change) and the
# controller's sync, 10 pings h1 -> h2 (or to $DST) go to Linux with REASON
reason_after() {
	local what=$1 reason=$2 n0 n1; shift 2
	n0=$(passed p1 "$reason")
	"$@"
	sync_deploy
	in_ns h1 ping -c 10 -i 0.02 -W 0.2 -q "${DST:-10.0.0.2}" >/dev/null
	n1=$(passed p1 "$reason")
	(( n1 - n0 >= 10 )) || fail "$what: $((n1 - n0)) of 10 frames passed with $reason"
	echo "ok: $what: 10 frames to Linux with reason $reason"
}

deploy_topo
for i in 1 2 3; do in_ns h$i ethtool -K eth0 gro on >/dev/null || skip "no GRO on veth"; done
for i in 2 3; do check "ping h1->h$i" in_ns h1 ping -c2 -i0.2 -W1 -q 10.0.0.$i >/dev/null; done

# Which entry: bridge modules only (generic; native, with csum; br_netfilter's
# checks) -> tna_l2; iptables rules on bridged traffic -> tna_bridge.
for mode in generic native; do
	start_deploy --target $mode >/dev/null
	[[ $(entry) == tna_l2 ]] || fail "$mode bridge: pipeline runs $(entry), expected tna_l2"
	warm "$mode"
	echo "ok: $mode bridge runs tna_l2 and bridges h1 -> h2"
	stop_deploy
done
in_ns dut sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1 \
	net.bridge.bridge-nf-call-arptables=1
start_deploy --target native >/dev/null
grep -q "brnf_ipv4" "$DEPLOY_TMP/deploy.out" || in_ns dut "$TNA_BIN/tna-deploy" --status | grep -q brnf_ipv4 ||
	fail "bridge-nf calls on: no brnf_ipv4 in the plan"
[[ $(entry) == tna_l2 ]] || fail "with br_netfilter's checks: pipeline runs $(entry), expected tna_l2"
warm "brnf"
echo "ok: native bridge with br_netfilter's checks runs tna_l2"
stop_deploy
if command -v iptables >/dev/null && in_ns dut iptables -A FORWARD -j ACCEPT 2>/dev/null; then
	start_deploy --target native >/dev/null
	[[ $(entry) == tna_bridge ]] || fail "iptables rules on bridged traffic: pipeline runs $(entry), expected tna_bridge"
	n0=$(passed p1 br_netfilter)
	in_ns h1 ping -c 5 -i 0.02 -W 1 -q 10.0.0.2 >/dev/null || fail "h1 -> h2 with br_netfilter rules"
	(( $(passed p1 br_netfilter) - n0 >= 5 )) || fail "br_netfilter: frames not passed with br_netfilter"
	echo "ok: iptables rules on bridged traffic run tna_bridge (br_netfilter)"
	stop_deploy
	in_ns dut iptables -F FORWARD
else
	echo "note: no iptables here: the tna_bridge case is covered by the unit tests' pipelines"
fi
in_ns dut sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 \
	net.bridge.bridge-nf-call-arptables=0

# Each check of tna_l2, after a change its flow-cache entry would hide.
start_deploy --target native >/dev/null
[[ $(entry) == tna_l2 ]] || fail "pipeline runs $(entry), expected tna_l2"
warm "before the changes"
in_ns dut ip addr add 10.0.0.254/24 dev br0
DST=10.0.0.254 reason_after "frames to the bridge's MAC" to_local_mac true
warm "after to_local_mac"
reason_after "egress port learning" egress_not_forwarding in_ns dut bridge link set dev p2 state 2
in_ns dut bridge link set dev p2 state 3
sync_deploy; warm "p2 forwarding again"
reason_after "ingress port learning" port_not_forwarding in_ns dut bridge link set dev p1 state 2
in_ns dut bridge link set dev p1 state 3
sync_deploy; warm "p1 forwarding again"
reason_after "both ports isolated" port_isolated \
	bash -c "ip netns exec $TNA_NS-dut bridge link set dev p1 isolated on &&
		 ip netns exec $TNA_NS-dut bridge link set dev p2 isolated on"
in_ns dut bridge link set dev p1 isolated off; in_ns dut bridge link set dev p2 isolated off
sync_deploy; warm "isolation off"
reason_after "ingress port locked" port_locked in_ns dut bridge link set dev p1 locked on
in_ns dut bridge link set dev p1 locked off
[[ $(entry) == tna_l2 ]] || fail "after the table changes the pipeline runs $(entry), expected tna_l2"
echo "PASS"
