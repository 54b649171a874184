#!/bin/bash
# Martian IPv4 sources (h1 -> r1 [r] r2 -> h2).  Linux drops, TNA must not
# forward:
#  - the router's own addresses as the source (10.2.0.1 of r2, 10.1.0.1 of r1);
#  - an address added to r1 while a stream uses it as the source;
#  - a subnet broadcast (10.1.0.255) as the source once any custom ip rule
#    exists, and also after the rule is removed (the kernel keeps checking
#    sources fully for good, and says nothing).
# Linux forwards, TNA must deliver too (it may pass them to Linux):
#  - the broadcast source before any rule was ever added (fresh namespace).
# Plain Linux and tna-deploy, generic and native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/transparency/lib.sh
need_root

routed_up
R1=$(mac_of r r1)
RX=h2 FWD=(r r1) PASSED=(r r1 martian_src)
as() { STREAM=(h1 eth0 "$R1" "$1" 10.2.0.2); }

# the fresh namespace first: no ip rule was ever added
as 10.1.0.255
delivered_case "broadcast source, default rules" linux
for MODE in $MODES; do
	ctl_start r
	delivered_case "broadcast source, default rules" tna
	ctl_stop
done

cases() {	# RUN
	local run=$1
	as 10.2.0.1
	[[ $run == tna ]] && ctl_start r
	static_case "source = r2's address" "$run"
	as 10.1.0.1
	static_case "source = r1's address" "$run"
	[[ $run == tna ]] && ctl_stop

	as 10.1.0.77
	[[ $run == tna ]] && ctl_start r
	change_case "address added: it is the source" "$run" "$BOUND_MS" r \
		ip addr add 10.1.0.77/24 dev r1
	[[ $run == tna ]] && ctl_stop
	in_ns r ip addr del 10.1.0.77/24 dev r1
	in_ns h2 ping -c1 -W1 -q 10.1.0.2 >/dev/null 2>&1
}

in_ns r ip rule add from 192.0.2.0/24 table 100 pref 100
rule_cases() {	# RUN
	local run=$1
	as 10.1.0.255
	[[ $run == tna ]] && ctl_start r
	static_case "broadcast source, a custom ip rule" "$run"
	[[ $run == tna ]] && ctl_stop
}
rule_cases linux
for MODE in $MODES; do rule_cases tna; done
in_ns r ip rule del from 192.0.2.0/24 table 100 pref 100
gone_cases() {	# RUN
	local run=$1
	as 10.1.0.255
	[[ $run == tna ]] && ctl_start r
	static_case "broadcast source, the custom rule removed" "$run"
	[[ $run == tna ]] && ctl_stop
}
gone_cases linux
for MODE in $MODES; do gone_cases tna; done

cases linux
for MODE in $MODES; do cases tna; done
tp_done
