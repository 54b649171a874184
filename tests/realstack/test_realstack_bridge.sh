#!/bin/bash
# Real TCP and UDP from sockets in h1 through a Linux bridge to h2, on plain
# Linux and with tna-deploy generic, native and auto, each with the hosts'
# veth defaults with GRO on (TSO superpackets, partial checksums), the
# plain defaults (GRO off) and offloads off.  Every transfer must arrive
# byte for byte, no checksum error may be counted at either host, every
# captured TCP/UDP checksum must be right, and the fast path must have done
# its part (tests/realstack/lib.sh: rs_case, rs_expect).
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
need_root
source tests/realstack/lib.sh
[[ -x $RS_BIN/tna-xfer && -x $RS_BIN/tna-deploy ]] || skip "build first (make)"
rs_topo bridge
rs_case gro linux
for feat in gro defaults txoff; do
	for target in generic native auto; do
		rs_case "$feat" "$target"
	done
done
echo "PASS"
