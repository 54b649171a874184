#!/bin/bash
# bpf_xdp_fdb_lookup() in a real XDP fast path against the plain Linux
# bridge.  Two namespaces are built alike: "lin" (Linux alone) and "kf",
# whose ports run the test program as a minimal fast path on the kfunc
# alone (tna-fdb-kfunc attach: forward what the answer says the bridge
# forwards unchanged, drop what it drops, pass the rest to Linux; no maps,
# no mirror, no keep-alive).  The same frames enter both; after every step
# the frames each peer received and the whole FDB (ports, VLANs, flags)
# must be equal.  Covers learning, moves, flooding, local delivery, the
# learning flag, STP learning state, hairpin, isolation, locked ports with
# MAB, static and sticky entries, ageing with and without traffic, and
# VLAN filtering.  MODE=generic (default) or native.  Runs in the test VM.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/vm/lib.sh
kf_need
MODE=${MODE:-generic}
steps=0 fast=0

for side in lin kf; do
	ns $side
	kf_bridge $side br0 1 p1 p2 p3
	kf_bridge $side br1 2 q1 q2 q3
	ip -n "$TNA_NS-$side" link set br1 type bridge vlan_filtering 1
	for p in q1 q2 q3; do bridge -n "$TNA_NS-$side" vlan add dev $p vid 10; done
	# native redirect into a veth needs its peer to take frames: GRO on
	for h in h1 h2 h3 g1 g2 g3; do in_ns $side ethtool -K $h gro on >/dev/null; done
done
bg_ready "/tmp/kf-attach.$$" '^ready' \
	"$KF" attach -N "$TNA_NS-kf" $([[ $MODE == generic ]] && echo --generic) p1 p2 p3 q1 q2 q3
attach_pid=$BG_PID
echo "ok: kfunc fast path attached ($MODE) on p1-p3, q1-q3 in kf"

# What a namespace shows: frames each peer received and the FDB of both
# bridges (not the ports' own "self" address lists).  Text and awk, not
# JSON and jq: every process costs under TCG.
snap() {
	ip -n "$TNA_NS-$1" -s -o link show | awk -F'\\\\' '
		$1 ~ /^[0-9]+: [hg][0-9]@/ { split($1, n, "[:@]"); split($4, v, " ");
					     print n[2] " rx " v[2] }'
	bridge -n "$TNA_NS-$1" fdb show | grep -v ' self ' | sort
}

# Frames are handled asynchronously: after a send, wait until Linux's side
# shows its effect (up to 1 s: a dropped frame shows none), then compare,
# again a few times before calling a difference a difference.
compare() {	# what [lin's snapshot before the step]
	local a b i s
	steps=$((steps + 1))
	for i in 1 2 3 4 5 6 7 8 9 10; do
		a=$(snap lin)
		[[ -z ${2:-} || $a != "$2" ]] && break
		sleep 0.1
	done
	for i in 1 2 3 4 5 6 7 8 9 10; do
		b=$(snap kf)
		[[ $a == "$b" ]] && break
		sleep 0.1
		a=$(snap lin)
	done
	if [[ $a != "$b" ]]; then
		diff <(echo "$a") <(echo "$b") | sed 's/^/    /'
		for s in lin kf; do	# the ports' STP states, to tell a reverted state
			bridge -n "$TNA_NS-$s" link show | sed "s/^/    $s: /"
		done
		fail "step $steps ($1): the kfunc fast path differs from Linux (< Linux, > kfunc)"
	fi
	echo "ok: step $steps: $1"
}

both() { local s; for s in lin kf; do "$@" "$s" || fail "$* on $s"; done; }
cmd() { local c=$1; shift; both _cmd "$c" "$@"; }
_kf() { local s=${*: -1}; kf "$s" "${@:1:$#-1}"; }
_cmd() { local c=$1 s=${*: -1}; set -- "${@:2:$#-2}"; "$c" -n "$TNA_NS-$s" "$@"; }
send() {	# host src dst [vlan]
	local h=$1 src=$2 dst=$3 s before; shift 3
	before=$(snap lin)
	for s in lin kf; do
		kf $s send --dev "$h" --src "$src" --dst "$dst" "$@" || fail "send from $h"
	done
	compare "$h: $src -> $dst $*" "$before"
}

# STP state of PORT on both sides.  The bridges have forward_delay 0
# (kf_bridge): with the default, the forward-delay timer the kernel arms
# even without STP would move a learning port back to forwarding.  The
# state must still hold 0.5 s later on both sides, or the comparison would
# be of a configuration nobody set.
port_state() { bridge -n "$TNA_NS-$1" -j link show dev "$2" | jq -r '.[0].state'; }
set_state() {	# PORT STATE(number) NAME
	local s
	for s in lin kf; do bridge -n "$TNA_NS-$s" link set dev "$1" state "$2"; done
	sleep 0.5
	for s in lin kf; do
		[[ $(port_state $s "$1") == "$3" ]] ||
			fail "$s: the kernel moved $1 from $3 to $(port_state $s "$1")"
	done
}

A=02:aa:00:00:00:0a B=02:aa:00:00:00:0b C=02:aa:00:00:00:0c D=02:aa:00:00:00:0d
E=02:aa:00:00:00:0e F=02:aa:00:00:00:0f G=02:aa:00:00:00:10 H=02:aa:00:00:00:11
I=02:aa:00:00:00:12 K=02:aa:00:00:00:14 L=02:aa:00:00:00:15 N=02:aa:00:00:00:17
O=02:aa:00:00:00:18
BR0=$(kf_mac 1 1 0)

compare "built alike"
send h1 $A $B				# flood, learn A
send h2 $B $A				# fast path: to p1, learn B
send h1 $A $B				# fast path both ways
send h3 $A $B				# A moves to p3
send h1 $A $B				# and back
send h2 $B ff:ff:ff:ff:ff:ff		# broadcast
send h2 $B 01:00:5e:00:00:05		# multicast
send h1 $A $BR0				# to the bridge itself
send h3 $C 01:80:c2:00:00:0e		# link-local (LLDP group)
cmd bridge link set dev p2 learning off
send h2 $D $A				# not learned
cmd bridge link set dev p2 learning on
set_state p2 2 learning
send h2 $F $A				# learned, dropped
send h1 $A $F				# egress in learning state
set_state p2 3 forwarding
send h1 $A $F
send h1 $E $A				# same port: dropped
cmd bridge link set dev p1 hairpin on
send h1 $E $A				# hairpin: back out of p1
cmd bridge link set dev p1 hairpin off
cmd bridge link set dev p1 isolated on
cmd bridge link set dev p2 isolated on
send h1 $A $F				# isolated to isolated
send h3 $G $A				# not isolated to isolated
cmd bridge link set dev p1 isolated off
cmd bridge link set dev p2 isolated off
cmd bridge fdb add $H dev p1 master static
send h2 $H $A				# a static entry moves
cmd bridge fdb add $I dev p1 master static sticky
send h2 $I $A				# a sticky one does not
cmd bridge link set dev p3 locked on
send h3 $K $A				# locked: dropped, not learned
both _kf mab --dev p3 on
send h3 $K $A				# MAB: locked entry
cmd bridge fdb replace $K dev p3 master static
send h3 $K $A				# authorised
both _kf mab --dev p3 off
cmd bridge link set dev p3 locked off

# Ageing: a source that keeps sending stays, a silent one goes.  Without
# the kfunc's refresh the fast-path side would lose L here.
cmd ip link set br0 type bridge ageing_time 400
send h1 $L $A
send h2 $N $A
end=$((SECONDS + 7))	# ageing time + the bridge's garbage collection
while ((SECONDS < end)); do
	for s in lin kf; do kf $s send --dev h1 --src $L --dst $A; done
	sleep 0.5
done
for s in lin kf; do
	bridge -n "$TNA_NS-$s" fdb show br br0 | grep -q "^$L " || fail "$s lost L while it sent"
	! bridge -n "$TNA_NS-$s" fdb show br br0 | grep -q "^$N " || fail "$s kept N (silent)"
done
echo "ok: after 7 s of traffic from L only (ageing 4 s), both have L, neither has N"
sleep 6
compare "after 6 s of silence"
cmd ip link set br0 type bridge ageing_time 30000

# VLAN filtering: tagged in, tagged out through the fast path; PVID and
# untagged egress through Linux
cmd bridge vlan add dev q2 vid 10 pvid untagged
send g1 $N $O --vlan 10			# flood in VLAN 10
send g3 $O $N --vlan 10			# fast path, tagged to tagged
send g1 $N $O --vlan 10
send g2 $B $N				# PVID 10, to a tagged port
send g1 $N $B --vlan 10			# to an untagged port
send g1 $N $O --vlan 20			# VLAN 20 is nowhere: dropped
send g1 $N $O				# PVID 1 on g1's port

# The fast path must really have forwarded: tna-fdb-kfunc prints its
# program's action counts when stopped.
kill $attach_pid; wait $attach_pid
counts=$(cat "/tmp/kf-attach.$$")
echo "kf fast path: $counts"
[[ $counts =~ redirected\ ([0-9]+) ]] && (( BASH_REMATCH[1] >= 8 )) ||
	fail "the kfunc fast path redirected too few frames: $counts"
echo "ok: $steps steps equal in $MODE mode"
echo "PASS"
