# Sourced by tests/deploy/test_*.sh (after tests/lib/netns.sh): a Linux
# bridge br0 in namespace "dut" with ports p1 p2 p3, each the veth peer of
# eth0 in host namespace h1 h2 h3 (10.0.0.1-3/24, MAC 02:00:00:00:00:0N).
# IPv6 is off everywhere so the hosts' own chatter (ND, MLD) does not
# refresh the FDB behind the keep-alive's back.

source "$(dirname "${BASH_SOURCE[0]}")/../lib/capture.sh"

deploy_topo() {	# [ageing_time in centiseconds]
	local age=${1:-30000} i
	ns dut >/dev/null; ns h1 >/dev/null; ns h2 >/dev/null; ns h3 >/dev/null
	for n in dut h1 h2 h3; do
		in_ns $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done
	# br_netfilter off by default here (NF_CALL=1 keeps the kernel default):
	# its checks in the fast path (brnf_*) are covered by test_deploy_plan
	# and test_deploy_equiv (corners-brnf).
	in_ns dut sysctl -qw net.bridge.bridge-nf-call-iptables=${NF_CALL:-0} \
		net.bridge.bridge-nf-call-ip6tables=${NF_CALL:-0} \
		net.bridge.bridge-nf-call-arptables=${NF_CALL:-0} 2>/dev/null
	in_ns dut ip link add br0 type bridge ageing_time "$age" || fail "cannot create bridge"
	for i in 1 2 3; do
		veth h$i eth0 dut p$i
		in_ns dut ip link set p$i master br0
		in_ns h$i ip link set eth0 address 02:00:00:00:00:0$i
		# the hosts ping and inject frames, no TSO superpackets: with
		# TSO on, auto would leave their ports to Linux
		in_ns h$i ethtool -K eth0 tso off >/dev/null
		in_ns h$i ip addr add 10.0.0.$i/24 dev eth0
	done
	in_ns dut ip link set br0 up
	for _ in $(seq 50); do
		in_ns dut bridge link show | grep -c 'state forwarding' | grep -qx 3 && return 0
		sleep 0.1
	done
	fail "bridge ports do not reach forwarding"
}

DEPLOY_TMP=$(mktemp -d)
on_exit "rm -rf $DEPLOY_TMP"

# start_deploy ARGS...: tna-deploy in namespace dut; DEPLOY_PID; waits for
# its "ready" line.
start_deploy() {
	local out=$DEPLOY_TMP/deploy.out
	: > "$out"
	ip netns exec "$TNA_NS-dut" "$TNA_BIN/tna-deploy" "$@" >"$out" 2>&1 &
	DEPLOY_PID=$!
	on_exit_kill "$DEPLOY_PID"
	wait_deploy_ready "$out" "$DEPLOY_PID"
	cat "$out"
}

# XDP program id on a port in dut (empty when none)
xdp_id() { in_ns dut ip -j link show "$1" | /usr/bin/python3 -c '
import json,sys; l=json.load(sys.stdin)[0]; x=l.get("xdp",{})
print(x.get("prog",{}).get("id","") or next((a["prog"]["id"] for a in x.get("attached",[]) if "prog" in a),""))'; }

# id of the pipeline the root program on a port runs (prog-array slot 0)
pipeline_id() { in_ns dut "$TNA_BIN/tna-stat" -i "$1" --json | /usr/bin/python3 -c '
import json,sys; print(json.load(sys.stdin)["interfaces"][0].get("prog_id",""))'; }

# tna-stat field of a port: forwarded | passed_total | mode
stat_of() { in_ns dut "$TNA_BIN/tna-stat" -i "$1" --json | /usr/bin/python3 -c '
import json,sys; print(json.load(sys.stdin)["interfaces"][0][sys.argv[1]])' "$2"; }

# ICMP frames the DUT's stack received on port $1 while running cmd...:
# packet taps run after XDP, so frames the fast path redirected are not
# seen, frames passed to Linux are.  The capture is bound before cmd runs
# and read to its end after (tests/lib/capture.sh): every frame cmd caused
# on the port before it returned is counted (ping returns after the
# replies, so its requests have crossed p1).
linux_rx_icmp() {
	local port=$1 pcap=$DEPLOY_TMP/$1.pcap; shift
	capture_start --in dut "$port" "$pcap"
	"$@" >/dev/null
	capture_stop
	capture_count "$pcap" icmp
}

# Is MAC in the kernel FDB of br0 (dynamic entry on a port)?
fdb_has() { in_ns dut bridge fdb show br br0 | grep -q "^$1 dev p"; }
