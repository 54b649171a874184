#!/bin/bash
# The router composed with the bridge: r routes between a plain port r1
# (h1) and a bridge br0 with an address (ports b3, b4 to h3, h4), one
# pipeline on r1, b3 and b4 (generic; MODE=native for native).
# Asserts: the pipeline holds the bridge and router modules once each;
# h1 <-> h3 is routed by XDP both ways (into the bridge through the FDB
# mirror, and from a bridge port addressed to the bridge MAC) with Linux's
# forwarding counters still; h3 <-> h4 is bridged by XDP; a route into the
# bridge towards a MAC the mirror does not know goes to Linux
# (br_egress_unknown) and still arrives.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/router/lib.sh
need_root
MODE=${MODE:-generic}
RT_ARGS=(--target "$MODE")
[[ $MODE == native ]] && RT_ARGS+=(--peer-gro)

router_topo
bridge_ip_topo
# Linux learns h3 (and the routes' neighbours); h4 stays unknown to the mirror
check "v4 h1 -> h3 without TNA" in_ns h1 ping -c2 -i0.2 -W1 -q 10.3.0.3 >/dev/null
check "v6 h1 -> h3 without TNA" in_ns h1 ping -6 -c2 -i0.2 -W1 -q 2001:db8:3::3 >/dev/null
H4MAC=02:00:00:00:04:02
# shellcheck disable=SC2046
start_rt "${RT_ARGS[@]}" -i r1 -b br0 $(fdb_args | grep -v $H4MAC)
mods=$(grep '^modules:' "$RT_TMP/rt.out")
[[ $mods == "modules: parse_eth classify port_state fdb_src fdb_dst flow_cache port_flags forward stats ipv4 ipv6 route" ]] ||
	fail "composed pipeline modules: '$mods'"
for m in $mods; do [[ $(grep -o " $m\b" <<<"$mods" | wc -l) -le 1 ]] || fail "module $m twice"; done
echo "ok: one pipeline, bridge + router modules, parse_eth once"
for p in r1 b3 b4; do [[ -n $(xdp_id $p) ]] || fail "no XDP program on $p"; done

for fam in 4 6; do
	if [[ $fam == 4 ]]; then dst=10.3.0.3; fwd=linux_fwd4; else dst=2001:db8:3::3; fwd=linux_fwd6; fi
	check "v$fam: warm up" in_ns h1 ping -$fam -c1 -W1 -q $dst >/dev/null
	f0=$(rt_counter r1 forwarded); g0=$(rt_counter b3 forwarded); l0=$($fwd)
	check "v$fam: h1 -> h3 100 pings" in_ns h1 ping -$fam -c100 -i0.005 -W1 -q $dst >/dev/null
	f1=$(rt_counter r1 forwarded); g1=$(rt_counter b3 forwarded); l1=$($fwd)
	echo "v$fam: r1 +$((f1 - f0)) (into the bridge), b3 +$((g1 - g0)) (bridge MAC -> routed); Linux forwarded +$((l1 - l0))"
	(( f1 - f0 >= 100 )) || fail "v$fam: r1 routed only +$((f1 - f0)) into the bridge"
	(( g1 - g0 >= 100 )) || fail "v$fam: b3 routed only +$((g1 - g0)) replies"
	(( l1 - l0 == 0 )) || fail "v$fam: Linux still forwarded $((l1 - l0))"
done
echo "ok: routed into and out of the bridge by XDP, none by Linux"

# h4 is not in the mirror: routes towards it go to Linux, and arrive
in_ns h1 ping -c1 -W1 -q 10.3.0.4 >/dev/null	# r resolves h4 (fib_no_neigh)
u0=$(rt_counter r1 passed.br_egress_unknown)
check "h1 -> h4 (unknown to the mirror) arrives" in_ns h1 ping -c5 -i0.05 -W1 -q 10.3.0.4 >/dev/null
u1=$(rt_counter r1 passed.br_egress_unknown)
(( u1 - u0 >= 5 )) || fail "br_egress_unknown moved by $((u1 - u0))"
echo "ok: bridge egress not resolvable -> Linux (br_egress_unknown +$((u1 - u0)))"

stop_rt || fail "tna-rt-test exit on SIGTERM"
for p in r1 b3 b4; do [[ -z $(xdp_id $p) ]] || fail "XDP program left on $p"; done
echo "ok: detached"

# again with h4 in the mirror: h3 <-> h4 is bridged by the same pipeline
in_ns h4 ping -c1 -W1 -q 10.3.0.3 >/dev/null
# shellcheck disable=SC2046
start_rt "${RT_ARGS[@]}" -i r1 -b br0 $(fdb_args)
d0=$(rt_counter b4 forwarded); e0=$(rt_counter b3 forwarded)
check "h4 -> h3 bridged" in_ns h4 ping -c20 -i0.01 -W1 -q 10.3.0.3 >/dev/null
d1=$(rt_counter b4 forwarded); e1=$(rt_counter b3 forwarded)
(( d1 - d0 >= 20 && e1 - e0 >= 20 )) || fail "bridged only b4 +$((d1 - d0)) b3 +$((e1 - e0))"
echo "ok: bridged through the same pipeline (b4 +$((d1 - d0)), b3 +$((e1 - e0)))"
stop_rt || fail "tna-rt-test exit on SIGTERM"

# the same, planned from the model (--auto: what tna-deploy calls)
# shellcheck disable=SC2046
start_rt "${RT_ARGS[@]}" --auto -b br0 $(fdb_args)
grep -qE "^  b3 +port of br0: frames to br0's MAC are routed" "$RT_TMP/rt.out" || fail "plan: b3 not routed via br0"
grep -qE "^  r1 +routed port" "$RT_TMP/rt.out" || fail "plan: r1 not routed"
f0=$(rt_counter r1 forwarded); g0=$(rt_counter b3 forwarded)
check "planned: h1 -> h3 routed into the bridge" in_ns h1 ping -c20 -i0.01 -W1 -q 10.3.0.3 >/dev/null
check "planned: v6 h1 -> h3" in_ns h1 ping -6 -c20 -i0.01 -W1 -q 2001:db8:3::3 >/dev/null
f1=$(rt_counter r1 forwarded); g1=$(rt_counter b3 forwarded)
(( f1 - f0 >= 40 && g1 - g0 >= 40 )) || fail "planned: r1 +$((f1 - f0)), b3 +$((g1 - g0))"
echo "ok: --auto composes router and bridge (r1 +$((f1 - f0)), b3 +$((g1 - g0)))"
stop_rt || fail "tna-rt-test exit on SIGTERM"
