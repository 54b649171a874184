#!/bin/bash
# IPsec (xfrm) policies: the fast path does no IPsec, so while a policy or
# SA of a family exists that family's routed traffic stays on Linux
# (reason xfrm).  Linux drops each of these; TNA must not forward them:
#  - a policy added while running: dir fwd action block (IPv4, IPv6);
#  - an ESP template with no SA (dir out): Linux drops while it resolves;
#  - a block policy that exists before tna-deploy starts.
# Plain Linux and tna-deploy, generic and native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/transparency/lib.sh
need_root

routed_up
R1=$(mac_of r r1)
V4=(h1 eth0 "$R1" 10.1.0.2 10.2.0.2) V6=(h1 eth0 "$R1" 2001:db8:1::2 2001:db8:2::2)
RX=h2 FWD=(r r1)

cases() {	# RUN
	local run=$1
	STREAM=("${V4[@]}")
	[[ $run == tna ]] && ctl_start r
	change_case "IPv4 policy fwd block" "$run" "$BOUND_MS" r \
		ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir fwd action block
	[[ $run == tna ]] && ctl_stop
	in_ns r ip xfrm policy flush

	STREAM=("${V6[@]}")
	[[ $run == tna ]] && ctl_start r
	change_case "IPv6 policy fwd block" "$run" "$BOUND_MS" r \
		ip -6 xfrm policy add src 2001:db8:1::/64 dst 2001:db8:2::/64 dir fwd action block
	[[ $run == tna ]] && ctl_stop
	in_ns r ip xfrm policy flush

	STREAM=("${V4[@]}")
	[[ $run == tna ]] && ctl_start r
	change_case "IPv4 ESP template without an SA" "$run" "$BOUND_MS" r \
		ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir out \
		tmpl src 10.1.0.1 dst 10.2.0.2 proto esp mode tunnel
	[[ $run == tna ]] && ctl_stop
	in_ns r ip xfrm policy flush
	in_ns r ip xfrm state flush

	in_ns r ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir fwd action block
	[[ $run == tna ]] && ctl_start r
	static_case "IPv4 policy present before start" "$run"
	[[ $run == tna ]] && { ctl_stop; grep -q "xfrm" "$TP_DIR/ctl.out" || fail "no xfrm reason logged"; }
	in_ns r ip xfrm policy flush
}

cases linux
for MODE in $MODES; do
	cases tna
	# the reason shows per packet while a policy exists
	in_ns r ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir fwd action block
	ctl_start r
	n0=$(passed_count r r1 xfrm)
	in_ns h1 ping -c5 -i0.01 -W0.2 -q 10.2.0.2 >/dev/null 2>&1
	n1=$(passed_count r r1 xfrm)
	ctl_stop
	in_ns r ip xfrm policy flush
	(( n1 - n0 >= 5 )) || tp_fail "[$MODE] tna-stat: xfrm reason +$((n1 - n0)), expected >= 5"
	echo "ok: [$MODE] tna-stat counts the xfrm reason (+$((n1 - n0)))"
done
tp_done
