#!/bin/bash
# The router moves between its own pipeline and a bridge's, and its
# ruleset follower starts and stops, under traffic, without being taken
# down: h1 -- r1 [r] r2 -- h2 routed, br0 on r with ports b3 b4 to h3 h4
# bridged.  While h1 pings h2 (IPv4 and IPv6) and h3 pings h4 (bridged),
# 500/s each, over and over:
#  - br0 loses its addresses: the router moves out of br0's pipeline into
#    its own (r1, r2 switch family by one bpf_link_update each), br0's
#    pipeline is swapped for one without the router's code;
#  - br1 gets an address (no port: nothing to deploy); r6 joins it (one
#    port: still nothing), r5 (a routed port) joins: br1 is deployed with
#    the router's code, r5's link moves from the router's pipeline to
#    br1's, the router moves into it; r5 leaves (routed again): br1's
#    pipeline goes, the router moves out to its own first, with r5; r6
#    leaves, br1 loses its address;
#  - an nftables forward rule appears: the follower starts (own pipeline
#    swapped for one with the netfilter modules, rules loaded first);
#  - br0 gets its addresses back: the router moves into br0's pipeline
#    (swapped first for one with the router's code), with its follower;
#  - the rule goes: the follower stops (br0's pipeline swapped);
#  - and the same again with the rule appearing in br0's pipeline and the
#    router moving out and in with and without the follower.
# Asserts after each change (tna-deploy --sync): where the router runs
# (status: its pipeline, the follower), r1/r2 (and r5 when routed) run
# the root program of the bridge whose pipeline it is in, another one when
# own, b3/b4 keep the SAME program
# all along (br0's pipeline never taken down); a sampler reads every
# port's XDP state all along and must never find one without a program;
# at the end every ping answered (sent == received per flow) and the
# fast path routes and bridges again.  generic; MODE=native for native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/router/lib.sh
need_root
command -v nft >/dev/null || skip "needs nft (package nftables)"
MODE=${MODE:-generic}
CYCLES=${CYCLES:-3}
fail() {
	[[ -f $RT_TMP/dep.out ]] && grep -v ' fdb: ' "$RT_TMP/dep.out" | tail -30 >&2
	echo "FAIL: $*" >&2; exit 1
}

router_topo
bridge_ip_topo
in_ns r sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
	net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0 2>/dev/null
# br1: no port (nothing to deploy); r6 and r5 join and leave it; r5 has
# an address: routed while it is no bridge port
_ns h5
veth r r5 h5 eth0
veth r r6 h5 eth1
for i in eth0 eth1; do in_ns h5 ethtool -K $i tso off >/dev/null; done
in_ns r ip addr add 10.6.0.1/24 dev r5
in_ns r ip link add br1 type bridge
in_ns r ip link set br1 up
HOSTS="h1 h2 h3 h4 h5" PORTS="r1 r2 b3 b4 r5"
if [[ $MODE == native ]]; then	# a veth takes redirected frames with GRO on its peer
	for h in $HOSTS; do in_ns $h ethtool -K eth0 gro on >/dev/null || fail "GRO on $h"; done
fi
start_deploy_r --target "$MODE"
router() {	# router PY-EXPR: the status's router (r: its JSON)
	"${D[@]}" --status --json | /usr/bin/python3 -c '
import json,sys; d=json.load(sys.stdin); r=d["router"]; sys.exit(0 if eval(sys.argv[1]) else 1)' "$1"
}
sync_
for p in $PORTS; do [[ -n $(xdp_id $p) ]] || fail "nothing attached to $p"; done
router 'r["running"] and r["pipeline"] == "br0"' || fail "the router does not start in br0's pipeline"
declare -A ROOT
for p in $PORTS; do ROOT[$p]=$(xdp_id $p); done
WHERE=br0
in_ns h1 ping -c3 -i0.05 -W1 -q 10.2.0.2 >/dev/null || fail "warm-up v4"
in_ns h1 ping -6 -c3 -i0.05 -W1 -q 2001:db8:2::2 >/dev/null || fail "warm-up v6"
in_ns h3 ping -c3 -i0.05 -W1 -q 10.3.0.4 >/dev/null || fail "warm-up bridged"

# Every port's XDP state, read over and over while the changes run: a
# port found without a program is a moment Linux alone had it (a
# detach-then-attach, a pipeline taken down).
xdp_sampler_start $PORTS

N=20000
in_ns h1 ping -c $N -i 0.002 -W 2 -q 10.2.0.2 >"$RT_TMP/ping4" 2>&1 &
PIDS="$!"; on_exit_kill $!
in_ns h1 ping -6 -c $N -i 0.002 -W 2 -q 2001:db8:2::2 >"$RT_TMP/ping6" 2>&1 &
PIDS+=" $!"; on_exit_kill $!
in_ns h3 ping -c $N -i 0.002 -W 2 -q 10.3.0.4 >"$RT_TMP/ping_br" 2>&1 &
PIDS+=" $!"; on_exit_kill $!
PINGS="ping4 ping6 ping_br"
P4=${PIDS%% *}

# change NAME WHERE FOLLOWER CMD...: apply, sync, check that the router
# runs in WHERE (br0 | own) with (on) or without (off) its follower
change() {
	local name=$1 where=$2 flt=$3 p; shift 3
	"$@" || fail "$name: command failed: $*"
	sync_
	for p in b3 b4; do
		[[ $(xdp_id $p) == "${ROOT[$p]}" ]] ||
			fail "$name: $p's XDP program changed (${ROOT[$p]} -> $(xdp_id $p)): the pipeline was taken down"
	done
	router "r['running'] and r['pipeline'] == '$where'" ||
		fail "$name: the router does not run in the $where pipeline"
	router "('netfilter' in r) == ('$flt' == 'on')" || fail "$name: the follower is not $flt"
	for p in r1 r2 r5; do
		[[ $p == r5 && $where == br1 ]] && continue	# a port of br1 then
		# not moved: the same root (a follower change is a swap)
		[[ $where != "$WHERE" || $(xdp_id $p) == "${ROOT[$p]}" ]] ||
			fail "$name: $p's XDP program changed (${ROOT[$p]} -> $(xdp_id $p)) though the router did not move"
		ROOT[$p]=$(xdp_id $p)
		case $where in
		br0) [[ $(xdp_id $p) == "${ROOT[b3]}" ]] || fail "$name: $p does not run br0's root" ;;
		br1) [[ $(xdp_id $p) == "$(xdp_id r6)" ]] || fail "$name: $p does not run br1's root" ;;
		own) [[ -n $(xdp_id $p) && $(xdp_id $p) != "${ROOT[b3]}" ]] ||
			fail "$name: $p does not run the own pipeline's root" ;;
		esac
	done
	WHERE=$where
	N_CHANGES=$((N_CHANGES + 1))
}
addr() { in_ns r ip addr "$1" 10.3.0.1/24 dev br0 && in_ns r ip addr "$1" 2001:db8:3::1/64 dev br0 ${2:-}; }
rule_add() {
	in_ns r nft -f - <<'NFT'
table inet tnamove {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip daddr 10.99.0.0/24 drop
		ip6 daddr 2001:db8:99::/64 drop
	}
}
NFT
}
rule_del() { in_ns r nft delete table inet tnamove; }

N_CHANGES=0
for ((k = 0; k < CYCLES; k++)); do
	change "br0 loses its addresses" own off addr del
	change "br1 gets an address" own off in_ns r ip addr add 10.5.0.1/24 dev br1
	change "r6 joins br1" own off in_ns r ip link set r6 master br1
	change "r5 joins br1" br1 off in_ns r ip link set r5 master br1
	change "r5 leaves br1" own off in_ns r ip link set r5 nomaster
	change "r6 leaves br1" own off in_ns r ip link set r6 nomaster
	change "br1 loses its address" own off in_ns r ip addr del 10.5.0.1/24 dev br1
	change "a forward rule appears" own on rule_add
	change "br0 gets its addresses" br0 on addr add nodad
	change "the rule goes" br0 off rule_del
	change "a forward rule appears" br0 on rule_add
	change "br0 loses its addresses" own on addr del
	change "the rule goes" own off rule_del
	change "br0 gets its addresses" br0 off addr add nodad
	kill -0 "$P4" 2>/dev/null || break	# the pings are over
done
((N_CHANGES >= 28)) || fail "only $N_CHANGES changes while the pings ran: too slow"
for p in $PIDS; do wait $p; done
pings_answered "$N" "$N_CHANGES changes" $PINGS
xdp_sampler_stop; samples=$XDP_SAMPLES
((samples >= 1000)) || fail "only $samples samples of the ports' XDP state"
[[ ! -s $RT_TMP/gaps ]] || fail "a port without an XDP program: $(head -5 "$RT_TMP/gaps")"
echo "ok: $samples samples of $PORTS: never without an XDP program"
xdp_routes() {
	local a=$(rt_counter r1 forwarded)
	in_ns h1 ping -c1 -W1 -q 10.2.0.2 >/dev/null && (( $(rt_counter r1 forwarded) > a ))
}
for _ in $(seq 20); do xdp_routes && break; sleep 0.1; done
a=$(rt_counter r1 forwarded) b=$(rt_counter b3 forwarded)
check "v4 after the changes" in_ns h1 ping -c20 -i0.005 -W1 -q 10.2.0.2 >/dev/null
check "bridged after the changes" in_ns h3 ping -c20 -i0.005 -W1 -q 10.3.0.4 >/dev/null
(( $(rt_counter r1 forwarded) >= a + 20 )) || fail "the fast path does not route after the changes"
(( $(rt_counter b3 forwarded) >= b + 20 )) || fail "the fast path does not bridge after the changes"
echo "controller: $(grep -c 'router: moved to' "$RT_TMP/dep.out") moves, $(grep -c 'router: ruleset follower\|router: pipeline replaced' "$RT_TMP/dep.out") follower changes in place or by own-pipeline swaps, $(grep -c 'fast path removed' "$RT_TMP/dep.out") pipelines removed"
[[ -n ${DEP_LOG:-} ]] && cp "$RT_TMP/dep.out" "$DEP_LOG"	# to read it afterwards
grep 'router: moved to' "$RT_TMP/dep.out" | sed 's/.*router: /  /' | head -4
kill -TERM "$DEP_PID"; wait "$DEP_PID" || fail "tna-deploy exited $?"
for p in $PORTS; do [[ -z $(xdp_id $p) ]] || fail "XDP left on $p"; done
echo "PASS"
