#!/bin/bash
# Overflow: thousands of FDB changes in one burst into a watcher with a
# tiny socket buffer.  The kernel drops events (ENOBUFS); the watcher must
# notice, dump again, and end equal to a fresh dump.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
source "$TNA_ROOT/tests/introspect/lib.sh"

ns b; ns h
B=$TNA_NS-b
ip -n "$B" link add br0 type bridge
ip -n "$B" link set br0 up
veth b v1 h e1
ip -n "$B" link set v1 master br0
F=$(mktemp); on_exit rm -f "$F" "$F.del"
/usr/bin/python3 - "$F" <<'PY'
import sys
with open(sys.argv[1], "w") as a, open(sys.argv[1] + ".del", "w") as d:
    for i in range(5000):
        mac = "02:00:00:%02x:%02x:%02x" % (i >> 16, (i >> 8) & 255, i & 255)
        a.write("fdb add %s dev v1 master static\n" % mac)
        d.write("fdb del %s dev v1 master\n" % mac)
PY

mcheck b --rcvbuf 4096 \
	run "bridge -n $B -batch $F" wait 5000 "fdbstatic br0 5000" resyncs 1 compare \
	run "bridge -n $B -batch $F.del" wait 5000 "fdbstatic br0 0" resyncs 2 compare \
	run "bridge -n $B fdb add 02:aa:00:00:00:01 dev v1 master static" \
		expect "fdb 02:aa:00:00:00:01 v1" compare \
	run "bridge -n $B fdb del 02:aa:00:00:00:01 dev v1 master" \
		expect "nofdb 02:aa:00:00:00:01" compare

# Control: with a buffer large enough for the burst there is no overflow,
# and the 5000 events alone bring the model to the kernel's state.
mcheck b --rcvbuf 16777216 run "bridge -n $B -batch $F" wait 5000 "fdbstatic br0 5000" \
	maxresyncs 0 compare
