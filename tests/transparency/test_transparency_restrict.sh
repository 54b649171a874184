#!/bin/bash
# Restrictive changes first: a change that restricts traffic must stop the
# fast path when the controller reads its event, not when the rebuild is
# done.  The rebuild is delayed on purpose (--debounce 1000,2000: applied
# after 1 s of quiet), so only an immediate hold can meet the bound:
#  - a rule:      nft bridge-family forward chain with a drop rule (bridged);
#  - a policy:    ip xfrm policy ... dir fwd action block (routed);
#  - a port flag: both ports isolated (a table value the pipeline checks);
#  - a sysctl:    bridge-nf-call-iptables 0 -> 1 with an iptables (nft) forward
#                 drop rule present (no event: polled, POLL_BOUND_MS).
# Each runs on plain Linux (which drops what is sent after the command) and
# with tna-deploy, generic and native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/transparency/lib.sh
need_root

bridge_topo
routed_up
SLOW=(--debounce 1000,2000)

bridged() {	# RUN
	STREAM=(a1 eth0 "$(mac_of a2 eth0)" 10.0.0.1 10.0.0.2) RX=a2 FWD=(br p1)
	in_ns br sysctl -qw net.bridge.bridge-nf-call-iptables=0
	in_ns br nft add table bridge tp || fail "nft table"
	[[ $1 == tna ]] && ctl_start br --no-router "${SLOW[@]}"
	change_case "rule: nft bridge forward drop" "$1" "$BOUND_MS" br \
		nft add chain bridge tp f '{ type filter hook forward priority 0; policy drop; }'
	[[ $1 == tna ]] && ctl_stop
	in_ns br nft delete table bridge tp
	learn

	[[ $1 == tna ]] && ctl_start br --no-router "${SLOW[@]}"
	change_case "port flag: p1 and p2 isolated" "$1" "$BOUND_MS" br \
		sh -c 'bridge link set dev p1 isolated on && bridge link set dev p2 isolated on'
	[[ $1 == tna ]] && ctl_stop
	in_ns br bridge link set dev p1 isolated off
	in_ns br bridge link set dev p2 isolated off
	learn

	in_ns br nft add table ip tp
	in_ns br nft add chain ip tp f '{ type filter hook forward priority 0; policy drop; }'
	[[ $1 == tna ]] && ctl_start br --no-router "${SLOW[@]}"
	change_case "sysctl: bridge-nf-call-iptables 0 -> 1 with a forward drop" "$1" \
		"$POLL_BOUND_MS" br sysctl -qw net.bridge.bridge-nf-call-iptables=1
	[[ $1 == tna ]] && ctl_stop
	in_ns br nft delete table ip tp
	in_ns br sysctl -qw net.bridge.bridge-nf-call-iptables=0
	learn
}

routed() {	# RUN
	STREAM=(h1 eth0 "$(mac_of r r1)" 10.1.0.2 10.2.0.2) RX=h2 FWD=(r r1)
	[[ $1 == tna ]] && ctl_start r "${SLOW[@]}"
	change_case "policy: xfrm fwd block" "$1" "$BOUND_MS" r \
		ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir fwd action block
	[[ $1 == tna ]] && ctl_stop
	in_ns r ip xfrm policy flush
}

bridged linux
routed linux
for MODE in $MODES; do
	bridged tna
	routed tna
done
tp_done
