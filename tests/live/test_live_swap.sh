#!/bin/bash
# Atomic pipeline swaps under traffic: arptables called for bridged ARP
# needs the brnf_arp module (a new pipeline, loaded while Linux holds the
# ports, then swapped in); undoing it swaps the kept pipeline back at once, after
# a port was added in between (the kept pipeline must take over the new
# port slots) that gave the bridge a new MAC (a table write, not a new
# pipeline).  No ping may be lost, and the fast path must forward to the
# new port afterwards.  Then more than the last pipeline is kept: base ->
# br_netfilter for IPv4 (loaded) -> base (kept) -> brnf_arp (kept since the
# first swap: not loaded again).
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
source "$TNA_ROOT/tests/datapath/lib.sh"
source "$TNA_ROOT/tests/live/lib.sh"

bridge_topo
no_br_nf
start_ctl
in_ns h1 ping -c 2 -i 0.1 -W 1 10.0.0.2 >/dev/null || fail "no forwarding"

in_ns h1 ping -i 0.02 -w 6 10.0.0.2 >"$LIVE_DIR/ping" 2>&1 &
ping_pid=$!
sleep 0.5
# Waited for by what each change must log: another burst (a recheck, the
# ping's first events) can be applied meanwhile and count as "applied".
swapped() { grep -c 'pipeline replaced atomically (modules changed; loaded and verified' "$LIVE_DIR/ctl.out"; }
kept() { grep -c 'kept loaded, slots synced' "$LIVE_DIR/ctl.out"; }
s0=$(swapped)
in_ns br sysctl -qw net.bridge.bridge-nf-call-arptables=1
wait_for "[[ \$(swapped) -gt $s0 ]]" 100 ||
	fail "no swap to a pipeline with brnf_arp: $(tail -3 "$LIVE_DIR/ctl.out")"
grep -q 'ports held on Linux' "$LIVE_DIR/ctl.out" || fail "ports not held while loading"
wait_for '[ "$(status '"'"'"brnf_arp" in br("br0")["fpms"]'"'"')" = True ]' 50 ||
	fail "brnf_arp in the pipeline: no (status: $(status 'br("br0")["fpms"]'))"
echo "ok: brnf_arp in the pipeline"
echo "ok: arptables on: new pipeline loaded, then swapped"

# a port added between the two swaps
ns h4 >/dev/null
veth br v4 h4 eth0
# The lowest MAC: a bridge without an assigned address takes its lowest
# port MAC (veth MACs are locally administered, 02 or above): the bridge's
# MAC changes, which is a table value, so the kept pipeline stays usable.
in_ns br ip link set v4 address 02:00:00:00:00:00
in_ns h4 ip addr add 10.0.0.4/24 dev eth0
in_ns h4 ip link set eth0 address 02:00:00:00:00:04
n=$(applied_count)
in_ns br ip link set v4 master br0
wait_for '[[ -n $(xdp_id v4) ]]' 50 || fail "v4 not attached"
in_ns br ip link show br0 | grep -q 'ether 02:00:00:00:00:00 ' ||
	fail "the bridge did not take v4's MAC: $(in_ns br ip link show br0)"
wait_applied "$n" || fail "v4 joining not applied"
! grep -q 'bridge MAC changed' "$LIVE_DIR/ctl.out" ||
	fail "a new bridge MAC loaded a new pipeline: $(grep 'bridge MAC' "$LIVE_DIR/ctl.out")"

k0=$(kept)
no_br_nf
wait_for "[[ \$(kept) -gt $k0 ]]" 100 ||
	fail "swap back did not reuse the kept pipeline: $(tail -3 "$LIVE_DIR/ctl.out")"
wait_for '[ "$(status '"'"'"brnf_arp" in br("br0")["fpms"]'"'"')" = False ]' 50 ||
	fail "brnf_arp gone from the pipeline: no (status: $(status 'br("br0")["fpms"]'))"
echo "ok: brnf_arp gone from the pipeline"
echo "ok: arptables off: the kept pipeline swapped back at once"

wait $ping_pid
read -r tx rx < <(awk '/transmitted/ {print $1, $4}' "$LIVE_DIR/ping")
echo "pings across the swaps: $tx sent, $rx received"
(( tx > 100 && tx == rx )) || fail "pings lost across the swaps ($tx sent, $rx received)"

# The new port, added while the other pipeline ran, is forwarded to by the
# pipeline swapped back (its slot is known to it).
in_ns h1 ping -c 3 -i 0.1 -W 1 10.0.0.4 >/dev/null || fail "h1 cannot reach h4"
f0=$(tna_counter br v1 forwarded); g0=$(tna_counter br v4 forwarded)
in_ns h1 ping -c 20 -i 0.02 -W 1 -q 10.0.0.4 >/dev/null || fail "h1 -> h4 pings lost"
f1=$(tna_counter br v1 forwarded); g1=$(tna_counter br v4 forwarded)
(( f1 - f0 >= 20 && g1 - g0 >= 20 )) ||
	fail "fast path did not forward h1 <-> h4 (v1 +$((f1 - f0)), v4 +$((g1 - g0)))"
echo "ok: fast path forwards to and from the port added between the swaps"

# Kept pipelines: not only the last one swapped out.
loads() { grep -c 'loaded and verified' "$LIVE_DIR/ctl.out"; }
l0=$(loads) k0=$(kept)
n=$(applied_count)
in_ns br sysctl -qw net.bridge.bridge-nf-call-iptables=1
wait_for "[[ \$(loads) -gt $l0 ]]" 50 || fail "br_netfilter on: no pipeline loaded"
wait_applied "$n" || fail "br_netfilter on not applied"
n=$(applied_count)
no_br_nf
wait_for "[[ \$(kept) -gt $k0 ]]" 50 || fail "br_netfilter off: the kept pipeline not swapped back"
wait_applied "$n" || fail "br_netfilter off not applied"
l1=$(loads) k1=$(kept)
n=$(applied_count)
in_ns br sysctl -qw net.bridge.bridge-nf-call-arptables=1
wait_for "[[ \$(kept) -gt $k1 ]]" 50 || fail "arptables on (again): no kept pipeline swapped in"
wait_applied "$n" || fail "arptables on (again) not applied"
wait_for '[ "$(status '"'"'"brnf_arp" in br("br0")["fpms"]'"'"')" = True ]' 50 ||
	fail "arptables on (again): no brnf_arp in the pipeline"
(( $(loads) == l1 && $(kept) == k1 + 1 )) ||
	fail "arptables on again loaded a pipeline ($(loads) loads, were $l1; $(kept) kept swaps, were $k1): $(tail -3 "$LIVE_DIR/ctl.out")"
echo "ok: a pipeline kept since two swaps ago swapped back without a load"
in_ns h1 ping -c 5 -i 0.05 -W 1 -q 10.0.0.4 >/dev/null || fail "h1 -> h4 after the last swap"
kill -TERM "$CTL_PID"; wait "$CTL_PID" || fail "tna-deploy exit status $?"
