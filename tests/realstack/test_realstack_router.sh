#!/bin/bash
# Real TCP and UDP from sockets in h1 routed by the DUT to h2 (IPv4 and
# IPv6, no netfilter rules).
# Plain Linux, then tna-deploy generic, native and auto with each set of
# host features (tests/realstack/lib.sh: rs_matrix): every transfer must
# arrive byte for byte, no checksum error may be counted at either host,
# every captured TCP/UDP checksum must be right, and the fast path must
# have done its part.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
need_root
source tests/realstack/lib.sh
rs_matrix router
