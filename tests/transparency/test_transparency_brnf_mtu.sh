#!/bin/bash
# br_netfilter's egress MTU (the kernel default: bridge-nf-call-iptables=1,
# no rules).  A bridged datagram longer than the egress port's MTU is
# fragmented (IPv4 without DF) or dropped (DF, IPv6) by br_netfilter; the
# fast path must leave it to Linux.  a1 -> p1 [br0] p2 (MTU 1400) -> a2:
#  - IPv4 with DF, 1402 bytes: Linux drops, none may arrive;
#  - IPv6, 1402 bytes: Linux drops, none may arrive;
#  - IPv4 without DF, 1402 bytes: Linux fragments: all arrive, and no frame
#    on a2 is longer than p2's MTU allows (nothing forwarded whole);
#  - IPv4 without DF, 1500 bytes: Linux fragments: all arrive (a redirect
#    would have dropped them).
# Plain Linux and tna-deploy, generic and native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/transparency/lib.sh
source tests/lib/capture.sh
need_root
command -v tcpdump >/dev/null || skip "tcpdump not installed"

bridge_topo
in_ns br sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1
in_ns br ip link set p2 mtu 1400
A2=$(mac_of a2 eth0)
RX=a2 FWD=(br p1) PASSED=(br p1 brnf_mtu)
v4() { STREAM=(a1 eth0 "$A2" 10.0.0.1 10.0.0.2 -s "$1" "${@:2}"); }
v6() { STREAM=(a1 eth0 "$A2" 2001:db8::1 2001:db8::2 -s "$1"); }

# whole RUN LABEL: the stream arrives whole at a2 and no frame there is
# longer than p2's MTU + Ethernet header (no datagram forwarded whole)
whole() {
	local run=$1 label=$2 big
	capture_start a2 eth0 "$TP_DIR/a2.pcap"
	delivered_case "$label" "$run"
	capture_stop
	big=$(capture_count "$TP_DIR/a2.pcap" udp and greater 1415)
	(( big == 0 )) || { tcpdump -r "$TP_DIR/a2.pcap" -nn -e -v 'greater 1415' 2>/dev/null | head -4
		tp_fail "$label [$(tag "$run")]: $big frames longer than p2's MTU reached a2"; return; }
	echo "ok: $label [$(tag "$run")]: no frame over the MTU"
}

cases() {	# RUN
	local run=$1
	[[ $run == tna ]] && ctl_start br --no-router
	v4 1402 --df
	static_case "IPv4 DF, 2 bytes over p2's MTU" "$run"
	v6 1402
	static_case "IPv6, 2 bytes over p2's MTU" "$run"
	v4 1402
	PASSED=() whole "$run" "IPv4 without DF, 2 bytes over: fragmented"
	v4 1500
	PASSED=() whole "$run" "IPv4 without DF, 100 bytes over: fragmented"
	[[ $run == tna ]] && ctl_stop
	learn
}

cases linux
for MODE in $MODES; do
	cases tna
	# datagrams that fit still take the fast path
	ctl_start br --no-router
	f0=$(fwd_count br p1)
	v4 1400 --df
	PASSED=() delivered_case "IPv4 DF, exactly p2's MTU" tna
	f1=$(fwd_count br p1)
	ctl_stop
	sent=$(field "$(leaked 0)" sent_after)
	(( f1 - f0 >= sent )) ||
		tp_fail "[$MODE] datagrams that fit: the fast path forwarded $((f1 - f0)) of $sent"
	echo "ok: [$MODE] datagrams that fit: fast path forwarded $((f1 - f0)) of $sent"
	learn
done
tp_done
