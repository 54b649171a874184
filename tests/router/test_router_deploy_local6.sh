#!/bin/bash
# IPv6 DIRECT lookups under tna-deploy (h1 -- r -- h2): a DIRECT lookup
# sees only the main table, so the box's own IPv6 addresses must reach
# Linux through the local-table set the controller keeps.  r has a
# neighbour entry for 2001:db8:2::77 (h2's MAC), an address h2 does not
# have.  Asserts:
#  - the plan chooses DIRECT for IPv6 (--dry-run --json fib_direct6);
#  - pings to ::77 are routed by XDP to h2 (which does not answer): Linux
#    would do the same, it is not r's address;
#  - ::77 added to r2 while running (main has no route of its own for
#    it, only r2's /64): after --sync every ping is answered by r (Linux
#    delivered them), XDP routed none of them and counted them
#    fib_not_fwded (without the set XDP routes them all to h2);
#  - removed again: routed by XDP again, unanswered;
#  - pings to r's own r2 address and the subnet's anycast address are
#    answered, not routed by XDP; h1 <-> h2 is still routed by XDP.
# generic; MODE=native for native.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/router/lib.sh
need_root
MODE=${MODE:-generic}

router_topo
if [[ $MODE == native ]]; then
	for h in h1 h2; do in_ns $h ethtool -K eth0 gro on >/dev/null || fail "GRO on $h"; done
fi
in_ns r ip neigh add 2001:db8:2::77 lladdr 02:00:00:00:02:02 dev r2 nud permanent ||
	fail "neighbour for ::77"

D=(ip netns exec "$TNA_NS-r" "$TNA_BIN/tna-deploy")
json=$("${D[@]}" --dry-run --json) || fail "dry-run"
/usr/bin/python3 -c '
import json,sys; a=json.loads(sys.argv[1]); r=[e["router"] for e in a if "router" in e][0]
assert r["ipv6"] and r["fib_direct6"], r' "$json" || fail "the plan does not look IPv6 up DIRECT: $json"
echo "ok: the plan looks IPv6 up with DIRECT"

start_deploy_r --target "$MODE"
check "warm up" in_ns h1 ping -6 -c2 -i0.1 -W1 -q 2001:db8:2::2 >/dev/null

pings() {	# pings DST: N answered of 10, XDP forwarded and fib_not_fwded deltas on r1
	local f0 n0 ok
	f0=$(rt_counter r1 forwarded); n0=$(rt_counter r1 passed.fib_not_fwded)
	ok=$(in_ns h1 ping -6 -c10 -i0.02 -W1 "$1" 2>/dev/null | awk '/packets transmitted/ { print $4 }')
	echo "${ok:-0} $(( $(rt_counter r1 forwarded) - f0 )) $(( $(rt_counter r1 passed.fib_not_fwded) - n0 ))"
}

read -r ok fwd nf < <(pings 2001:db8:2::77)
echo "::77 not r's: answered $ok, XDP forwarded $fwd, fib_not_fwded $nf"
(( ok == 0 && fwd == 10 )) || fail "::77 (h2's neighbour entry) should be routed by XDP and unanswered"

in_ns r ip addr add 2001:db8:2::77/64 dev r2 nodad || fail "address on r2"
sync_
read -r ok fwd nf < <(pings 2001:db8:2::77)
echo "::77 r's own: answered $ok, XDP forwarded $fwd, fib_not_fwded $nf"
(( ok == 10 && fwd == 0 && nf == 10 )) || fail "r's new address routed by XDP (answered $ok, forwarded $fwd)"
echo "ok: an address added while running goes to Linux, which answers"

in_ns r ip addr del 2001:db8:2::77/64 dev r2 || fail "address del"
sync_
read -r ok fwd nf < <(pings 2001:db8:2::77)
(( ok == 0 && fwd == 10 )) || fail "::77 removed: answered $ok, XDP forwarded $fwd"
echo "ok: removed: routed by XDP again"

for dst in 2001:db8:2::1 2001:db8:2::; do
	read -r ok fwd nf < <(pings $dst)
	(( ok == 10 && fwd == 0 )) || fail "$dst (r's own / anycast): answered $ok, XDP forwarded $fwd"
	echo "ok: $dst answered by r, not routed by XDP"
done
read -r ok fwd nf < <(pings 2001:db8:2::2)
(( ok == 10 && fwd >= 10 )) || fail "h1 -> h2: answered $ok, XDP forwarded $fwd"
echo "ok: h1 -> h2 routed by XDP"
kill -TERM "$DEP_PID"; wait "$DEP_PID" || fail "tna-deploy exit status"
echo "PASS"
