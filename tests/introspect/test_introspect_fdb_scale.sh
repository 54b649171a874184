#!/bin/bash
# 100k FDB entries: the watched model follows every one of them (no
# overflow with a large buffer) and equals a fresh dump afterwards.
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
source "$TNA_ROOT/tests/introspect/lib.sh"

ns b; ns h
B=$TNA_NS-b
ip -n "$B" link add br0 type bridge
ip -n "$B" link set br0 up
veth b v1 h e1
ip -n "$B" link set v1 master br0
F=$(mktemp); on_exit rm -f "$F"
/usr/bin/python3 -c '
import sys
with open(sys.argv[1], "w") as a:
    for i in range(100000):
        a.write("fdb add 02:00:00:%02x:%02x:%02x dev v1 master static\n" % (i >> 16, (i >> 8) & 255, i & 255))
' "$F"
mcheck b --rcvbuf 67108864 run "bridge -n $B -batch $F" wait 20000 "fdbstatic br0 100000" \
	maxresyncs 0 compare
start=$(date +%s%N)
"$TNA_BIN/tna-introspect" --netns "$B" --graph >/dev/null || fail "graph with 100k FDB entries"
echo "info: dump + graph with 100k FDB entries: $((($(date +%s%N) - start) / 1000000)) ms"
