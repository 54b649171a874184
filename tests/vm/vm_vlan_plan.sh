#!/bin/bash
# What tna-deploy plans and keeps for a bridge with VLAN filtering (the
# frames themselves: vm_vlan_equiv.sh).  --dry-run: the VLAN module
# without the flow cache and its "vlan:" line; a port whose veth peer puts
# VLAN tags in skb metadata (tx-vlan offload, veth's default) stays with
# Linux, named; 802.1ad and MST bridges stay with Linux (vlan-802.1ad,
# vlan-mst).  Deployed: --status counts the VLAN table's reads; a
# `bridge vlan` change re-reads that port; a peer that turns tx-vlan
# offload on takes its port out within a few seconds.  The host's kernel
# has no VLAN filtering: test VM only.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/vm/lib.sh
need_root
zcat /proc/config.gz 2>/dev/null | grep -q '^CONFIG_BRIDGE_VLAN_FILTERING=y' ||
	skip "kernel without bridge VLAN filtering (runs in the test VM: make check-vm)"
D=(ip -n "$TNA_NS-d")
DEPLOY=("$TNA_BIN/tna-deploy" --netns "$TNA_NS-d")
ns d; ns h
for i in 1 2 3; do veth d "p$i" h "h$i"; done
"${D[@]}" link add br0 type bridge vlan_filtering 1 || fail "cannot create a VLAN bridge"
for i in 1 2 3; do "${D[@]}" link set "p$i" master br0; done
"${D[@]}" link set br0 up
for i in 1 2; do in_ns h ethtool -K "h$i" txvlan off tx-vlan-stag-hw-insert off; done
# h3 keeps veth's default: its tags travel as metadata

dry=$("${DEPLOY[@]}" --target generic --dry-run) || fail "--dry-run failed: $dry"
echo "$dry"
grep -Eq '^  pipeline: .*vlan' <<<"$dry" || fail "no vlan module in the plan"
grep -q 'flow_cache' <<<"$dry" && fail "flow cache planned with VLAN filtering"
grep -q '^  vlan: ' <<<"$dry" || fail "--dry-run has no vlan line"
grep -Eq '^  port p3 +linux +VLAN filtering: its veth peer puts VLAN tags in metadata' <<<"$dry" ||
	fail "p3 (peer with tx-vlan offload) is not left to Linux with its reason"
echo "ok: --dry-run: vlan module, no flow cache, p3 left to Linux"

"${D[@]}" link set br0 type bridge vlan_protocol 802.1ad
dry=$("${DEPLOY[@]}" --target generic --dry-run)
grep -q 'not accelerated' <<<"$dry" && grep -q 'vlan-802.1ad' <<<"$dry" ||
	fail "802.1ad bridge not left to Linux: $dry"
echo "ok: 802.1ad: Linux (vlan-802.1ad)"
"${D[@]}" link set br0 type bridge vlan_protocol 802.1Q
# MST can only be switched on while the bridge has no VLANs: a bridge of its own
if "${D[@]}" link add br9 type bridge mst_enabled 1 2>/dev/null &&
   "${D[@]}" link set br9 type bridge vlan_filtering 1 2>/dev/null; then
	dry=$("${DEPLOY[@]}" --target generic --dry-run)
	grep -A1 '^bridge br9' <<<"$dry" | grep -q 'vlan-mst' || fail "MST bridge not left to Linux: $dry"
	echo "ok: MST: Linux (vlan-mst)"
else
	echo "note: this kernel or iproute2 cannot make an MST bridge; not checked here"
fi
"${D[@]}" link del br9 2>/dev/null

log=/tmp/vlan-plan.$$
bg_ready "$log" 'tna-deploy: ready' "${DEPLOY[@]}" --target generic -v
for i in $(seq 50); do
	st=$("${DEPLOY[@]}" --status) && grep -q 'vlan table: read [1-9]' <<<"$st" && break
	sleep 0.1
done
echo "$st"
grep -q 'vlan table: read [1-9]' <<<"$st" || fail "--status: the VLAN table was never read"
p1=$("${D[@]}" -o link show p1 | cut -d: -f1)
check "bridge vlan add" bridge -n "$TNA_NS-d" vlan add dev p1 vid 10
check "--sync" "${DEPLOY[@]}" --sync
grep -q "VLANs of port $p1 read again" "$log" || fail "a VLAN change did not re-read port p1: $(tail -5 "$log")"
echo "ok: a bridge vlan change re-reads that port"
in_ns h ethtool -K h1 txvlan on
for i in $(seq 50); do
	grep -q "port p1: its veth peer now puts VLAN tags in metadata" "$log" && break
	sleep 0.1
done
grep -q "port p1: its veth peer now puts VLAN tags in metadata" "$log" ||
	fail "tx-vlan offload turned on at p1's peer was not noticed: $(tail -5 "$log")"
for i in $(seq 50); do
	st=$("${DEPLOY[@]}" --status)
	grep -Eq '^  port p1 +linux' <<<"$st" && break
	sleep 0.1
done
grep -Eq '^  port p1 +linux' <<<"$st" || fail "p1 still accelerated: $st"
echo "ok: a peer that turns tx-vlan offload on takes its port out"
echo "PASS"
