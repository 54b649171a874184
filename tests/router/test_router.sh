#!/bin/bash
# The router fast path on a 3-namespace router h1 -- r -- h2 (IPv4 and
# IPv6), attached by tna-rt-test (generic; MODE=native in the native test).
# Asserts: forwarding works with fast-path counters > 0 while Linux's own
# forwarding counters stay still; the first packet to an unresolved
# neighbour goes to Linux (fib_no_neigh) and the next ones are fast; TTL 1
# still gets ICMP time exceeded from Linux; too big with DF still gets
# "fragmentation needed" / "packet too big"; a route change takes effect on
# the next packet; a blackhole route drops silently as Linux does and an
# unreachable route still answers with ICMP; SIGTERM detaches.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/router/lib.sh
need_root
MODE=${MODE:-generic}
RT_ARGS=(--target "$MODE")
[[ $MODE == native ]] && RT_ARGS+=(--peer-gro)

router_topo
in_ns h2 ip addr add 10.9.0.2/32 dev lo || fail "h2 lo address"
in_ns h2 ip addr add 2001:db8:9::2/128 dev lo || fail "h2 lo address v6"
in_ns r ip route add 10.9.0.0/24 via 10.2.0.2 || fail "route 10.9/24"
in_ns r ip -6 route add 2001:db8:9::/64 via 2001:db8:2::2 || fail "route 2001:db8:9::/64"
check "v4 without TNA" in_ns h1 ping -c2 -i0.2 -W1 -q 10.9.0.2 >/dev/null
check "v6 without TNA" in_ns h1 ping -6 -c2 -i0.2 -W1 -q 2001:db8:9::2 >/dev/null

start_rt "${RT_ARGS[@]}" -i r1 -i r2
for p in r1 r2; do [[ -n $(xdp_id $p) ]] || fail "no XDP program on $p"; done
grep -q "modules: parse_eth stats ipv4 ipv6 route" "$RT_TMP/rt.out" || fail "a plain router must get parse + router modules only"

# --- the first packet to an unresolved neighbour goes slow, later ones fast
in_ns r ip neigh flush dev r2
in_ns r ip -6 neigh flush dev r2
for fam in 4 6; do
	if [[ $fam == 4 ]]; then dst=10.2.0.2; fwd=linux_fwd4; else dst=2001:db8:2::2; fwd=linux_fwd6; fi
	nn0=$(rt_counter r1 passed.fib_no_neigh)
	check "v$fam: first packet to an unresolved neighbour arrives" in_ns h1 ping -$fam -c1 -W2 -q $dst >/dev/null
	nn1=$(rt_counter r1 passed.fib_no_neigh)
	(( nn1 - nn0 >= 1 )) || fail "v$fam: first packet not passed as fib_no_neigh (+$((nn1 - nn0)))"
	f0=$(rt_counter r1 forwarded); g0=$(rt_counter r2 forwarded); l0=$($fwd)
	check "v$fam: 100 pings through the fast path" in_ns h1 ping -$fam -c100 -i0.005 -W1 -q $dst >/dev/null
	f1=$(rt_counter r1 forwarded); g1=$(rt_counter r2 forwarded); l1=$($fwd)
	nn2=$(rt_counter r1 passed.fib_no_neigh)
	echo "v$fam: fast path r1 +$((f1 - f0)) r2 +$((g1 - g0)); Linux forwarded +$((l1 - l0)); no_neigh +$((nn1 - nn0)) then +$((nn2 - nn1))"
	(( f1 - f0 >= 100 )) || fail "v$fam: r1 forwarded only +$((f1 - f0)) of 100 requests"
	(( g1 - g0 >= 100 )) || fail "v$fam: r2 forwarded only +$((g1 - g0)) of 100 replies"
	(( l1 - l0 == 0 )) || fail "v$fam: Linux still forwarded $((l1 - l0)) packets"
	(( nn2 == nn1 )) || fail "v$fam: later packets still went slow as fib_no_neigh"
	echo "ok: v$fam first packet slow (fib_no_neigh), the next 200 fast, none by Linux"
done

# --- TTL 1: Linux still answers with ICMP time exceeded
t0=$(rt_counter r1 passed.ttl_exceeded)
out=$(in_ns h1 ping -c1 -W2 -t1 10.2.0.2 2>&1)
[[ $out == *"Time to live exceeded"* && $out == *"10.1.0.1"* ]] || fail "v4 TTL 1: no time exceeded from r: $out"
out=$(in_ns h1 ping -6 -c1 -W2 -t1 2001:db8:2::2 2>&1)
[[ $out == *"Time exceeded"* && $out == *"2001:db8:1::1"* ]] || fail "v6 hop limit 1: no time exceeded from r: $out"
t1=$(rt_counter r1 passed.ttl_exceeded)
(( t1 - t0 == 2 )) || fail "ttl_exceeded moved by $((t1 - t0)), expected 2"
echo "ok: TTL/hop limit 1 -> ICMP time exceeded from Linux (ttl_exceeded +2)"

# --- too big with DF: Linux still sends frag needed / packet too big
in_ns r ip link set r2 mtu 1280
m0=$(rt_counter r1 passed.fib_frag_needed)
out=$(in_ns h1 ping -c1 -W2 -M do -s 1400 10.2.0.2 2>&1)
[[ $out == *"Frag needed"*"1280"* || $out == *"mtu = 1280"* ]] || fail "v4: no frag needed from r: $out"
out=$(in_ns h1 ping -6 -c1 -W2 -M do -s 1400 2001:db8:2::2 2>&1)
[[ $out == *"Packet too big"*"1280"* || $out == *"mtu = 1280"* ]] || fail "v6: no packet too big from r: $out"
m1=$(rt_counter r1 passed.fib_frag_needed)
(( m1 - m0 >= 2 )) || fail "fib_frag_needed moved by $((m1 - m0))"
in_ns r ip link set r2 mtu 1500
check "small packets still fast after the MTU change" in_ns h1 ping -c3 -i0.05 -W1 -q 10.2.0.2 >/dev/null
echo "ok: too big -> frag needed / packet too big from Linux (fib_frag_needed +$((m1 - m0)))"

# --- a route change takes effect on the next packet; blackhole and unreachable as Linux
for fam in 4 6; do
	if [[ $fam == 4 ]]; then dst=10.9.0.2 net=10.9.0.0/24 gw=10.2.0.2; else dst=2001:db8:9::2 net=2001:db8:9::/64 gw=2001:db8:2::2; fi
	check "v$fam: route via h2 works" in_ns h1 ping -$fam -c1 -W1 -q $dst >/dev/null
	b0=$(rt_counter r1 passed.fib_blackhole)
	in_ns r ip -$fam route replace blackhole $net
	out=$(in_ns h1 ping -$fam -c3 -i0.1 -W1 $dst 2>&1)
	[[ $out == *" 0 received"* ]] || fail "v$fam: blackhole route still delivers: $out"
	[[ $out != *nreachable* ]] || fail "v$fam: blackhole must drop silently (Linux sends no ICMP): $out"
	b1=$(rt_counter r1 passed.fib_blackhole)
	(( b1 - b0 == 3 )) || fail "v$fam: fib_blackhole moved by $((b1 - b0)), expected 3"
	in_ns r ip -$fam route replace unreachable $net
	out=$(in_ns h1 ping -$fam -c1 -W1 $dst 2>&1)
	[[ $out == *nreachable* ]] || fail "v$fam: unreachable route: no ICMP unreachable from r: $out"
	in_ns r ip -$fam route replace $net via $gw
	check "v$fam: route back: the next packet arrives" in_ns h1 ping -$fam -c1 -W1 -q $dst >/dev/null
	echo "ok: v$fam blackhole drops silently (fib_blackhole +3), unreachable answers, route change immediate"
done

# --- SIGTERM detaches
stop_rt || fail "tna-rt-test exit $? on SIGTERM"
for p in r1 r2; do [[ -z $(xdp_id $p) ]] || fail "XDP program left on $p"; done
l0=$(linux_fwd4)
check "Linux forwards alone after detach" in_ns h1 ping -c3 -i0.05 -W1 -q 10.2.0.2 >/dev/null
l1=$(linux_fwd4)
(( l1 - l0 >= 6 )) || fail "Linux did not forward after detach (+$((l1 - l0)))"
echo "ok: detached; Linux forwards again (+$((l1 - l0)))"
