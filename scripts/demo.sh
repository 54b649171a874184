#!/bin/bash
# The main job: build a namespaced veth + bridge topology (never touching the
# host's interfaces), show what TNA sees and plans on it, measure the Linux
# bridge, deploy TNA with `tna-deploy --target auto`, measure again, show
# tna-stat, stop TNA and show plain Linux forwarding again.  Cleans up on
# any exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BIN=$PWD/$BUILD/bin
[[ $(id -u) -eq 0 ]] || { echo "demo: needs root (network namespaces, XDP)" >&2; exit 1; }
source tests/lib/netns.sh
DEMO_TMP=$(mktemp -d)
on_exit "rm -rf $DEMO_TMP"

echo "== topology: 3 hosts on a Linux bridge in namespace $TNA_NS-dut"
ns dut
for h in h1 h2 h3; do
	ns "$h"
	veth "$h" eth0 dut "p-$h"
done
in_ns dut ip link add br0 type bridge
for h in h1 h2 h3; do in_ns dut ip link set "p-$h" master br0; done
in_ns dut ip link set br0 up
# h2 receives the load: the generator's first destination MAC.
in_ns h2 ip link set eth0 address 02:de:00:00:00:00
i=1
for h in h1 h2 h3; do
	in_ns "$h" ip addr add "10.0.0.$i/24" dev eth0
	# GRO on both ends: a veth receives XDP-sent or XDP-redirected frames
	# only with NAPI (GRO or an XDP program), and with it the DUT ports can
	# be native redirect egresses.  Same for the Linux and the TNA runs.
	in_ns "$h" ethtool -K eth0 gro on >/dev/null
	in_ns dut ethtool -K "p-$h" gro on >/dev/null
	# The hosts only run the packet generator: TSO off on their veths.
	# A peer that sends TSO superpackets (a TCP stack with the defaults)
	# makes --target auto leave its port to Linux: bulk TCP is faster there.
	in_ns "$h" ethtool -K eth0 tso off >/dev/null
	i=$((i + 1))
done
sleep 1
in_ns h1 ping -c 2 -W 1 10.0.0.2 >/dev/null && echo "h1 -> h2 ping ok through plain Linux"

if [[ -x $BIN/tna-probe ]]; then
	echo; echo "== tna-probe in the DUT namespace"
	"$BIN/tna-probe" --netns "$TNA_NS-dut"
fi

echo; echo "== tna-deploy --dry-run (kernel defaults: bridge-nf-call-iptables=1, no rules)"
"$BIN/tna-deploy" --netns "$TNA_NS-dut" --dry-run

# One 64 B UDP flow h1 -> h2 with live frames; the sink counts what arrives.
measure() {
	local json=$DEMO_TMP/sink.json
	ip netns exec "$TNA_NS-h2" "$BIN/tna-sink" -i eth0 -d 2 -w 0.5 --json >"$json" 2>/dev/null &
	local spid=$!
	sleep 1
	in_ns h1 "$BIN/tna-gen" -i eth0 -d 4 --dst-macs 1 >/dev/null 2>&1 || true
	wait "$spid" || { echo "demo: the sink received nothing" >&2; return 1; }
	/usr/bin/python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["mpps"])' "$json"
}

echo; echo "== traffic: one UDP flow h1 -> h2, 64 B frames, one generator thread"
linux=$(measure)
echo "Linux bridge:         $linux Mpps received"

echo; echo "== tna-deploy --target auto (the controller, in the background)"
# ip netns exec execs the tool, so $! is tna-deploy itself (a shell function
# in the background would be a subshell, and the signal would miss it).
ip netns exec "$TNA_NS-dut" "$BIN/tna-deploy" --target auto >"$DEMO_TMP/deploy.log" 2>&1 &
dpid=$!
on_exit "kill -9 $dpid"
for _ in $(seq 100); do grep -q '^tna-deploy: ready' "$DEMO_TMP/deploy.log" && break; sleep 0.1; done
cat "$DEMO_TMP/deploy.log"
grep -q '^tna-deploy: ready' "$DEMO_TMP/deploy.log" || { echo "demo: tna-deploy did not start" >&2; exit 1; }
sleep 1.5	# native egresses are rechecked every second once the sink is there

tna=$(measure)
echo "TNA ($(grep -o '^bridge br0 ([^)]*): [a-z]*' "$DEMO_TMP/deploy.log" | awk '{print $NF}')): $tna Mpps received"
/usr/bin/python3 -c 'import sys; l,t=map(float,sys.argv[1:]); print("speedup: %.2fx" % (t/l if l else 0))' "$linux" "$tna"

echo; echo "== tna-stat (fast-path counters per port and per bridge)"
"$BIN/tna-stat" --netns "$TNA_NS-dut"
echo; echo "== tna-deploy --status"
"$BIN/tna-deploy" --netns "$TNA_NS-dut" --status

echo; echo "== stop TNA (SIGTERM): plain Linux again"
kill -TERM "$dpid"; wait "$dpid" || true
tail -1 "$DEMO_TMP/deploy.log"
in_ns h1 ping -c 2 -W 1 10.0.0.2 >/dev/null && echo "h1 -> h2 ping ok through plain Linux"
