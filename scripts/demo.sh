#!/bin/bash
# The main job: build a namespaced veth + bridge topology (never touching the
# host's interfaces), show what TNA sees on it, and clean up on any exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
[[ $(id -u) -eq 0 ]] || { echo "demo: needs root (network namespaces, XDP)" >&2; exit 1; }
source tests/lib/netns.sh

echo "== topology: 3 hosts on a Linux bridge in namespace $TNA_NS-dut"
ns dut
for h in h1 h2 h3; do
	ns "$h"
	veth "$h" eth0 dut "p-$h"
done
in_ns dut ip link add br0 type bridge
for h in h1 h2 h3; do in_ns dut ip link set "p-$h" master br0; done
in_ns dut ip link set br0 up
i=1
for h in h1 h2 h3; do in_ns "$h" ip addr add "10.0.0.$i/24" dev eth0; i=$((i + 1)); done
in_ns h1 ping -c 2 -W 1 10.0.0.2 >/dev/null && echo "h1 -> h2 ping ok through plain Linux"

if [[ -x $BUILD/bin/tna-probe ]]; then
	echo; echo "== tna-probe in the DUT namespace"
	"$BUILD/bin/tna-probe" --netns "$TNA_NS-dut"
fi
