#!/bin/bash
# Incremental updates: each change made with ip/bridge/sysctl is in the
# watched model within 100 ms of the command's end (the bound the controller relies on),
# and after each sequence the watched model equals a fresh dump.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
source "$TNA_ROOT/tests/introspect/lib.sh"

ns b
B=$TNA_NS-b
ip -n "$B" link add br0 type bridge
ip -n "$B" link set br0 up
for i in 1 2 3; do
	ns h$i
	# IPv6 off on the hosts: no periodic ND/MLD frames that keep FDB
	# entries fresh while the ageing step waits for them to expire.
	in_ns h$i sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	veth b v$i h$i e$i
	ip -n "$TNA_NS-h$i" addr add 10.0.0.$i/24 dev e$i
done
ip -n "$B" link set v1 master br0
ip -n "$B" link set v2 master br0
mac1=$(ip -n "$TNA_NS-h1" -br link show e1 | awk '{print $3}')
mac2=$(ip -n "$TNA_NS-h2" -br link show e2 | awk '{print $3}')
[[ $mac1 =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]] || fail "cannot read the MAC of h1 ($mac1)"

# add/remove a port, port STP state, bridge STP, learn, age out
mcheck b compare \
	run "ip -n $B link set v3 master br0" expect "port v3 br0" compare \
	run "ip -n $B link set v3 nomaster" expect "noport v3" compare \
	run "bridge -n $B link set dev v2 state 0" expect "portstate v2 0" \
	run "bridge -n $B link set dev v2 state 3" expect "portstate v2 3" \
	run "ip -n $B link set br0 type bridge forward_delay 200 stp_state 1" \
		expect "stp br0 1" \
	run "ip -n $B link set v1 down && ip -n $B link set v1 up" expect "portstate v1 1" compare \
	wait 7000 "portstate v1 3" compare \
	run "ip netns exec $TNA_NS-h1 ping -c1 -W1 10.0.0.2 >/dev/null" \
		expect "fdb $mac1 v1" expect "fdb $mac2 v2" compare \
	run "ip -n $B link set br0 type bridge ageing_time 100" expect "ageing br0 100" \
	wait 6000 "nofdb $mac1" compare

# XDP attach/detach sends no notification: the watch re-reads it (1 s).
X=$(mktemp); on_exit rm -f "$X" "$X.c"
xdp_pass_obj "$X"

# rename a port, XDP on a port, delete the bridge
mcheck b \
	run "ip -n $B link set dev v1 xdpgeneric obj $X sec xdp" wait 1500 "xdp v1 1" compare \
	run "ip -n $B link set dev v1 xdpgeneric off" wait 1500 "xdp v1 0" compare \
	run "ip netns exec $TNA_NS-h1 ping -c1 -W1 10.0.0.2 >/dev/null" expect "fdb $mac2 v2" \
	run "ip -n $B link set v2 down && ip -n $B link set v2 name p2 && ip -n $B link set p2 up" \
		expect "port p2 br0" expect "nolink v2" compare \
	run "ip -n $B link del br0" \
		expect "nolink br0" expect "noport v1" expect "noport p2" expect "nofdb $mac2" compare
