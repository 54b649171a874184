#!/bin/bash
# The FDB keep-alive of tna-deploy (mirror mode) on a kernel built with
# bridge VLAN filtering (Debian's is), on a bridge with VLAN filtering off:
# the fast path forwards between two ports, the keep-alive refreshes the
# entries it used (RTM_NEWNEIGH NTF_USE), and afterwards the FDB must hold
# what Linux alone would hold: the two MACs in VLAN 0 and nothing else.
# (br_fdb_add() repeats an NTF_USE without NDA_VLAN for every VLAN of the
# port, and every port has its default PVID 1 even with filtering off, so
# such a refresh also creates entries in VLAN 1.)  The host's kernel has no
# VLAN filtering: this only shows in the test VM.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/vm/lib.sh
need_root
[[ ${TNA_VM:-} == 1 ]] || skip "runs in the test VM (make check-vm)"
zcat /proc/config.gz 2>/dev/null | grep -q '^CONFIG_BRIDGE_VLAN_FILTERING=y' ||
	skip "kernel without bridge VLAN filtering"

A=02:aa:00:00:00:0a B=02:aa:00:00:00:0b
ns d
kf_bridge d br0 1 p1 p2
# keep-alive interval: a quarter of the ageing time, at least 1 s
check "ageing_time 4 s" ip -n "$TNA_NS-d" link set br0 type bridge ageing_time 400
# the mirror and its keep-alive, although this kernel has the FDB kfunc
export TNA_FDB_MODE=mirror
bg_ready "/tmp/ka-deploy.$$" 'tna-deploy: ready' \
	"$TNA_BIN/tna-deploy" --netns "$TNA_NS-d" --target generic -v

# Learn both (Linux learns, the mirror follows), then traffic both ways that
# the fast path forwards, for 4 s (several keep-alive rounds) and on while
# the FDB is read once: all checks are on that one snapshot.
kf d send --dev h1 --src $A --dst $B
kf d send --dev h2 --src $B --dst $A
sleep 1
( while :; do
	kf d send --dev h1 --src $A --dst $B
	kf d send --dev h2 --src $B --dst $A
	sleep 0.2
  done ) &
traffic=$!
on_exit "kill $traffic"
sleep 4
snap=$(fdb d br0)
kill $traffic
grep -q 'keep-alive refreshed' "/tmp/ka-deploy.$$" ||
	fail "no keep-alive round ran: the test did not test anything"
echo "ok: keep-alive rounds ran: $(grep -c 'keep-alive refreshed' /tmp/ka-deploy.$$)"
grep -E "^($A|$B) " <<<"$snap"
has_fdb d br0 "^$A 0 p1 " "$snap"
has_fdb d br0 "^$B 0 p2 " "$snap"
no_fdb d br0 "^($A|$B) [1-9]" "$snap"
echo "PASS"
