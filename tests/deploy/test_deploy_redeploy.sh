#!/bin/bash
# tna-deploy follows configuration changes while it runs: a port added to
# the bridge is attached, a removed one detached, another module (arptables
# called for bridged ARP: brnf_arp) makes it swap in a new pipeline (atomic link update: the program id changes, the
# port never loses its program), a deleted bridge releases everything and a
# bridge created later is accelerated.  Traffic keeps flowing throughout.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/deploy/lib.sh
need_root

deploy_topo
in_ns dut ip link set p3 nomaster
start_deploy -v
[[ -n $(xdp_id p1) && -n $(xdp_id p2) ]] || fail "p1/p2 not attached"
[[ -z $(xdp_id p3) ]] || fail "p3 is no bridge port but got a program"

# wait_for "what" cmd...: up to 5 s for an asynchronous reaction
wait_for() {
	local what=$1; shift
	for _ in $(seq 50); do "$@" && { echo "ok: $what"; return 0; }; sleep 0.1; done
	fail "$what (waited 5 s)"
}
has_prog() { [[ -n $(xdp_id "$1") ]]; }
no_prog() { [[ -z $(xdp_id "$1") ]]; }

# p3 with the lowest MAC: adding it changes the bridge's MAC (a table
# value, written in place: see below)
in_ns dut ip link set p3 address 02:00:00:00:00:00
in_ns dut ip link set p3 master br0
wait_for "a port added to br0 is attached" has_prog p3
check "h1 -> h3 through the new port" in_ns h1 ping -c 2 -i 0.2 -W 1 -q 10.0.0.3

in_ns dut ip link set p2 nomaster
wait_for "a port removed from br0 is detached" no_prog p2
in_ns dut ip link set p2 master br0
wait_for "and attached again when it comes back" has_prog p2

root0=$(xdp_id p1)
id0=$(pipeline_id p1)
in_ns dut sysctl -qw net.bridge.bridge-nf-call-arptables=1
wait_for "brnf_arp: pipeline replaced" grep -q "pipeline replaced atomically (modules changed" "$DEPLOY_TMP/deploy.out"
id1=$(pipeline_id p1)
[[ -n $id1 && $id1 != "$id0" ]] || fail "p1 pipeline id $id0 -> '$id1': no new pipeline"
[[ $(xdp_id p1) == "$root0" ]] || fail "p1 root program $root0 -> $(xdp_id p1): the swap should be a slot update"
check "h1 -> h2 still bridged" in_ns h1 ping -c 2 -i 0.2 -W 1 -q 10.0.0.2
in_ns dut sysctl -qw net.bridge.bridge-nf-call-arptables=0
# swapped back before the next change: one burst would name only one reason
wait_for "brnf_arp off: pipeline swapped back" bash -c "(( \$(grep -c 'pipeline replaced atomically (modules changed' $DEPLOY_TMP/deploy.out) >= 2 ))"

# The bridge's MAC is a table value (tna_clock), not code: a new one is
# written in place, the pipeline stays, and frames to the new MAC go to
# Linux (to_local_mac).
to_local() { in_ns dut "$TNA_BIN/tna-stat" -i p1 --json | /usr/bin/python3 -c '
import json, sys; print(json.load(sys.stdin)["interfaces"][0]["passed"].get("to_local_mac", 0))'; }
id2=$(pipeline_id p1)
loads=$(grep -c 'loaded and verified' "$DEPLOY_TMP/deploy.out")
bursts=$(grep -c 'applied .* event' "$DEPLOY_TMP/deploy.out")
in_ns dut ip link set br0 address 02:00:00:00:be:ef
wait_for "bridge MAC change applied" bash -c "(( \$(grep -c 'applied .* event' $DEPLOY_TMP/deploy.out) > $bursts ))"
id3=$(pipeline_id p1)
[[ -n $id3 && $id3 == "$id2" ]] || fail "p1 pipeline id $id2 -> '$id3' after a bridge MAC change (a table write)"
(( $(grep -c 'loaded and verified' "$DEPLOY_TMP/deploy.out") == loads )) ||
	fail "a pipeline was loaded for the new bridge MAC: $(tail -3 "$DEPLOY_TMP/deploy.out")"
check "h1 -> h2 still bridged after the MAC change" in_ns h1 ping -c 2 -i 0.2 -W 1 -q 10.0.0.2
# a frame to the new MAC: IPv4 to an address h1 believes is the bridge's
l0=$(to_local)
in_ns h1 ip neigh replace 10.0.0.254 lladdr 02:00:00:00:be:ef dev eth0 nud permanent
in_ns h1 ping -c 3 -i 0.1 -W 1 -q 10.0.0.254 >/dev/null	# no one answers
l1=$(to_local)
(( l1 - l0 >= 3 )) || fail "frames to the new bridge MAC not passed to Linux (to_local_mac +$((l1 - l0)))"
echo "ok: frames to the new bridge MAC go to Linux (to_local_mac +$((l1 - l0)))"

in_ns dut ip link del br0
wait_for "deleted bridge: every program released" bash -c "[[ -z \$(ip -n $TNA_NS-dut -j link show | grep -o '\"xdp\"') ]]"
kill -0 "$DEPLOY_PID" || fail "the controller died with the bridge"
in_ns dut ip link add br0 type bridge
for p in p1 p2 p3; do in_ns dut ip link set $p master br0; done
in_ns dut ip link set br0 up
wait_for "a bridge created later is accelerated" bash -c "[[ -n \$(ip -n $TNA_NS-dut -j link show p1 | grep -o '\"xdp\"') ]]"
for _ in $(seq 50); do in_ns dut bridge link show | grep -c 'state forwarding' | grep -qx 3 && break; sleep 0.1; done
check "h1 -> h2 on the new bridge" in_ns h1 ping -c 2 -i 0.2 -W 1 -q 10.0.0.2
