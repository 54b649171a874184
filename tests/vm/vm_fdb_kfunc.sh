#!/bin/bash
# bpf_xdp_fdb_lookup(), case by case (BPF_PROG_TEST_RUN of
# kernel/selftest/fdb_kfunc_test.bpf.c on a crafted frame received on a
# port): the answer (egress port, VLAN, STP states, flags) and the kernel
# FDB afterwards, for learning, refresh, moves, ageing, the port learning
# flag, STP learning state, hairpin, isolation, locked ports with and
# without MAB, static, sticky and local entries, ageing_time 0, backup
# ports, promiscuous bridge, VLAN filtering (PVID, membership, tags of
# another protocol, priority tags, per-VLAN state, egress tagging) and bad
# arguments.  Runs in the test VM (make check-vm).
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/vm/lib.sh
kf_need

A=02:aa:00:00:00:0a B=02:aa:00:00:00:0b C=02:aa:00:00:00:0c D=02:aa:00:00:00:0d
E=02:aa:00:00:00:0e F=02:aa:00:00:00:0f G=02:aa:00:00:00:10 H=02:aa:00:00:00:11
I=02:aa:00:00:00:12 J=02:aa:00:00:00:13 K=02:aa:00:00:00:14 L=02:aa:00:00:00:15
M=02:aa:00:00:00:16 N=02:aa:00:00:00:17 O=02:aa:00:00:00:18 P=02:aa:00:00:00:19
R=02:aa:00:00:00:1a
BR0=$(kf_mac 1 1 0) P1=$(kf_mac 1 2 1)

ns u
kf_bridge u br0 1 p1 p2 p3
br() { ip -n "$TNA_NS-u" "$@"; }
brc() { bridge -n "$TNA_NS-u" "$@"; }

echo "== learning, lookup, refresh, move"
expect u "ret=0 egress=- vid=0 in=forwarding out=disabled flags=dst_unknown,src_learned" \
	--dev p1 --src $A --dst $B
has_fdb u br0 "^$A 0 p1 "
expect u "ret=0 egress=p1 vid=0 in=forwarding out=forwarding flags=src_learned" \
	--dev p2 --src $B --dst $A
expect u "egress=p2 flags=-" --dev p1 --src $A --dst $B
expect u "egress=p2 flags=src_moved" --dev p3 --src $A --dst $B
has_fdb u br0 "^$A 0 p3 "
expect u "egress=p2 flags=-" --dev p1 --src $A --dst $B --no-learn
has_fdb u br0 "^$A 0 p3 "
no_fdb u br0 "^$A 0 p1 "

echo "== bad arguments, not a port"
expect u "ret=-22" --dev p1 --src $A --dst $B --size 24
expect u "ret=-22" --dev p1 --src $A --dst $B --flags 2
expect u "ret=-19" --dev h1 --src $A --dst $B
expect u "ret=-19" --dev br0 --src $A --dst $B

echo "== group, link-local, invalid source, local addresses"
expect u "egress=- flags=dst_multicast,src_moved" --dev p1 --src $A --dst ff:ff:ff:ff:ff:ff
has_fdb u br0 "^$A 0 p1 "
expect u "flags=dst_multicast" --dev p1 --src $A --dst 01:00:5e:00:00:01
expect u "flags=link_local" --dev p1 --src $C --dst 01:80:c2:00:00:00
no_fdb u br0 "^$C "
expect u "flags=drop" --dev p1 --src 01:aa:00:00:00:01 --dst $B
expect u "flags=drop" --dev p1 --src 00:00:00:00:00:00 --dst $B
no_fdb u br0 "^01:aa:00:00:00:01 "
expect u "egress=- flags=dst_local" --dev p2 --src $B --dst $BR0
expect u "egress=- flags=dst_local" --dev p2 --src $B --dst $P1
expect u "egress=p1 flags=src_local" --dev p2 --src $BR0 --dst $A
has_fdb u br0 "^$BR0 0 br0 permanent"

echo "== port learning flag"
check "learning off on p2" brc link set dev p2 learning off
expect u "egress=p1 flags=-" --dev p2 --src $D --dst $A
no_fdb u br0 "^$D "
check "learning on on p2" brc link set dev p2 learning on

echo "== STP learning state"
check "p2 to learning" brc link set dev p2 state 2
expect u "egress=- in=learning flags=drop,src_learned" --dev p2 --src $F --dst $A
has_fdb u br0 "^$F 0 p2 "
expect u "egress=p2 in=forwarding out=learning flags=egress_denied" --dev p1 --src $A --dst $F
check "p2 to forwarding" brc link set dev p2 state 3
expect u "egress=p2 out=forwarding flags=-" --dev p1 --src $A --dst $F

echo "== hairpin, isolation"
expect u "egress=p1 flags=src_learned,egress_denied" --dev p1 --src $E --dst $A
check "hairpin on p1" brc link set dev p1 hairpin on
expect u "egress=p1 flags=-" --dev p1 --src $E --dst $A
check "hairpin off p1" brc link set dev p1 hairpin off
check "p1, p2 isolated" brc link set dev p1 isolated on
check "p2 isolated" brc link set dev p2 isolated on
expect u "egress=p2 flags=egress_denied" --dev p1 --src $A --dst $F
expect u "egress=p1 flags=src_learned" --dev p3 --src $G --dst $A
check "isolation off" brc link set dev p1 isolated off
check "isolation off" brc link set dev p2 isolated off

echo "== static and sticky entries"
check "static H on p1" brc fdb add $H dev p1 master static
expect u "flags=src_moved" --dev p2 --src $H --dst $A
has_fdb u br0 "^$H 0 p2 static"
check "sticky I on p1" brc fdb add $I dev p1 master static sticky
expect u "egress=p1 flags=-" --dev p2 --src $I --dst $A
has_fdb u br0 "^$I 0 p1 static sticky"

echo "== ageing_time 0: no learning (and dynamic entries flushed)"
check "ageing_time 0" br link set br0 type bridge ageing_time 0
expect u "flags=dst_unknown" --dev p1 --src $J --dst $A
no_fdb u br0 "^$J "
no_fdb u br0 "^$A "
check "ageing_time 300 s" br link set br0 type bridge ageing_time 30000
expect u "flags=dst_local,src_learned" --dev p1 --src $A --dst $BR0

echo "== locked port, MAB"
check "p3 locked" brc link set dev p3 locked on
expect u "flags=drop,src_denied" --dev p3 --src $K --dst $A
no_fdb u br0 "^$K "
check "p3 mab" kf u mab --dev p3 on
expect u "flags=drop,src_learned,src_denied" --dev p3 --src $K --dst $A
has_fdb u br0 "^$K 0 p3 "
expect u "flags=drop,src_denied" --dev p3 --src $K --dst $A	# a locked entry
check "authorize K on p3" brc fdb replace $K dev p3 master static
expect u "egress=p1 flags=-" --dev p3 --src $K --dst $A
expect u "flags=drop,src_denied" --dev p3 --src $H --dst $A
has_fdb u br0 "^$H 0 p2 static"
check "p3 no mab" kf u mab --dev p3 off
check "p3 unlocked" brc link set dev p3 locked off

echo "== refresh keeps entries alive; without it they age out"
check "ageing_time 5 s" br link set br0 type bridge ageing_time 500
expect u "flags=dst_local,src_learned" --dev p1 --src $L --dst $BR0
expect u "flags=dst_local,src_learned" --dev p1 --src $M --dst $BR0
end=$((SECONDS + 8))	# ageing time + the bridge's garbage collection
while ((SECONDS < end)); do
	sleep 0.5
	kf_run u --dev p1 --src $L --dst $BR0 >/dev/null || fail "refresh"
	kf_run u --dev p1 --src $M --dst $BR0 --no-learn >/dev/null || fail "no-learn"
done
has_fdb u br0 "^$L 0 p1 "
no_fdb u br0 "^$M "
no_fdb u br0 "^$A "
check "ageing_time 300 s" br link set br0 type bridge ageing_time 30000
expect u "flags=dst_local,src_learned" --dev p1 --src $A --dst $BR0

echo "== promiscuous bridge, backup port"
check "br0 promisc" br link set br0 promisc on
expect u "egress=p1 flags=src_learned,br_promisc" --dev p3 --src $G --dst $A
check "br0 not promisc" br link set br0 promisc off
check "static N on p1" brc fdb add $N dev p1 master static
check "p1 backup p2" brc link set dev p1 backup_port p2
check "p1 carrier down" br link set h1 down
for i in $(seq 50); do
	brc link show dev p1 | grep -q "state disabled" && break
	sleep 0.1
done
expect u "egress=p1 out=disabled flags=egress_denied,egress_backup" --dev p3 --src $G --dst $N
check "p1 carrier up" br link set h1 up
check "no backup" brc link set dev p1 nobackup_port

echo "== VLAN filtering"
kf_bridge u br1 2 q1 q2 q3
check "vlan_filtering" br link set br1 type bridge vlan_filtering 1
check "q1 vid 10 tagged" brc vlan add dev q1 vid 10
check "q2 vid 10 pvid untagged" brc vlan add dev q2 vid 10 pvid untagged
check "q3 vid 20 only" brc vlan del dev q3 vid 1
check "q3 vid 20" brc vlan add dev q3 vid 20 pvid untagged
expect u "egress=- vid=10 flags=dst_unknown,src_learned" --dev q1 --src $N --dst $O --vlan 10
has_fdb u br1 "^$N 10 q1 "
expect u "egress=q1 vid=10 flags=src_learned" --dev q2 --src $O --dst $N
expect u "egress=q2 vid=10 flags=egress_untagged" --dev q1 --src $N --dst $O --vlan 10
expect u "egress=- vid=1 flags=dst_unknown,src_learned" --dev q1 --src $N --dst $O
has_fdb u br1 "^$N 1 q1 "
expect u "vid=1 flags=dst_unknown" --dev q1 --src $N --dst $O --vlan 10:ad
expect u "vid=1 flags=dst_unknown" --dev q1 --src $N --dst $O --vlan 0
expect u "vid=10 flags=drop" --dev q3 --src $P --dst $N --vlan 10
no_fdb u br1 "^$P "
check "q3: vid 20 tagged, no pvid" brc vlan add dev q3 vid 20
expect u "vid=0 flags=drop" --dev q3 --src $P --dst $N
check "q2 vid 10 learning" brc vlan set dev q2 vid 10 state learning
expect u "vid=10 in=learning flags=drop,src_learned" --dev q2 --src $P --dst $N
expect u "egress=q2 vid=10 out=learning flags=egress_denied,egress_untagged" --dev q1 --src $N --dst $P --vlan 10
check "q2 vid 10 forwarding" brc vlan set dev q2 vid 10 state forwarding
check "static R on q1 vid 10" brc fdb add $R dev q1 vlan 10 master static
check "q1 leaves vid 10 (static entries stay)" brc vlan del dev q1 vid 10
has_fdb u br1 "^$R 10 q1 static"
expect u "egress=q1 vid=10 flags=egress_denied" --dev q2 --src $O --dst $R
echo "PASS"
