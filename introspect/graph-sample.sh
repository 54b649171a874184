#!/bin/bash
# Build a sample topology in private network namespaces, print its service
# graph as DOT and render it (make graph-png).  Usage: graph-sample.sh OUT.png
#
#   hosts h1..h3 --- p1 p2 p3 --- br0 (192.0.2.1/24) ... router ... up0 (198.51.100.1/24) --- peer
#   p3 has a tc filter; an nftables rule filters forwarded traffic.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/graph.png}
BIN=${BUILD:-build}/bin
[[ $(id -u) -eq 0 ]] || { echo "graph-sample: needs root (network namespaces)" >&2; exit 1; }
command -v dot >/dev/null || { echo "graph-sample: needs graphviz (dot)" >&2; exit 1; }
export TNA_ROOT=$PWD
source tests/lib/netns.sh

ns s; ns h; ns peer
S=$TNA_NS-s
ip -n "$S" link add br0 type bridge
ip -n "$S" link set br0 up
for i in 1 2 3; do
	veth s p$i h e$i
	ip -n "$S" link set p$i master br0
done
veth s up0 peer e0
ip -n "$S" addr add 192.0.2.1/24 dev br0
ip -n "$S" addr add 198.51.100.1/24 dev up0
in_ns s sysctl -qw net.ipv4.ip_forward=1
# br_netfilter off: bridged frames do not meet the forward rule
in_ns s sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0
in_ns s tc qdisc add dev p3 clsact
in_ns s tc filter add dev p3 ingress u32 match u32 0 0
in_ns s nft add table inet filter
in_ns s nft add chain inet filter forward '{ type filter hook forward priority 0; }'
in_ns s nft add rule inet filter forward ct state invalid drop
mkdir -p "$(dirname "$out")"
"$BIN/tna-introspect" --netns "$S" --graph=dot >"${out%.png}.dot"
dot -Tpng -o "$out" "${out%.png}.dot"
echo "graph-sample: wrote $out (DOT in ${out%.png}.dot)"
