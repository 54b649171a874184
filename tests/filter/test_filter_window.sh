#!/bin/bash
# The window of a rule change, made visible: with the test switch
# TNA_FAULT_FILTER_DELAY_MS=800 the fast path takes a ruleset change 0.8 s
# after the kernel announced it.  Datagrams from real sockets, every 5 ms,
# each stamped with its send time (CLOCK_MONOTONIC), cross the change
# "drop udp dport 5000".  Asserts: everything sent before `nft` returned
# is answered; what the fast path forwarded in the window got the previous
# ruleset's verdict (answered), never a mix; after the switch (swap_ns of
# tna-rt-test) nothing is answered.  The window's real length is a
# benchmark (bench/filter/window.sh), not a timed test.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/router/lib.sh
need_root
PY=/usr/bin/python3
F=tests/filter

router_topo
in_ns r nft 'table inet fw { chain forward { type filter hook forward priority 0; policy accept; }; }' ||
	fail "ruleset"
export TNA_FAULT_FILTER_DELAY_MS=800
start_rt --target generic --filter -i r1 -i r2
unset TNA_FAULT_FILTER_DELAY_MS
ip netns exec "$TNA_NS-h2" $PY $F/udp_flow.py echo 5000 >/dev/null 2>&1 &
on_exit "kill $!"
sleep 0.3
check "neighbours resolved" in_ns h1 $PY $F/udp_flow.py send 10.2.0.2 5000 4100 3 0.05
ip netns exec "$TNA_NS-h1" $PY $F/udp_probe.py 10.2.0.2 5000 4000 3 0.005 >"$RT_TMP/probe" &
probe=$!
sleep 1
t_nft=$(in_ns r $PY -c '
import subprocess, time
subprocess.run(["nft", "add rule inet fw forward udp dport 5000 drop"], check=True)
print(time.clock_gettime_ns(time.CLOCK_MONOTONIC))') || fail "nft"
wait $probe
swap=$(awk '/^filter: gen 2 / { for (i = 1; i <= NF; i++) if ($i ~ /^swap_ns=/) { sub("swap_ns=", "", $i); print $i } }' "$RT_TMP/rt.out")
[[ -n $swap ]] || { cat "$RT_TMP/rt.out"; fail "no second program loaded"; }
echo "nft returned at $t_nft, fast path switched at $swap (+$(( (swap - t_nft) / 1000000 )) ms)"
(( swap - t_nft >= 700000000 )) || fail "the delay switch did not hold the change back"
awk -v n="$t_nft" -v s="$swap" '
	$1 < n - 5000000 { before++; if ($2) before_ok++ }
	$1 > n + 10000000 && $1 < s - 10000000 { win++; if ($2) win_ok++ }
	$1 > s + 10000000 { after++; if ($2) after_ok++ }
	END { printf "before %d/%d answered window %d/%d after %d/%d\n",
	      before_ok, before, win_ok, win, after_ok, after }' "$RT_TMP/probe" | tee "$RT_TMP/sum"
read -r _ b _ _ w _ a <"$RT_TMP/sum"
[[ ${b%%/*} == "${b##*/}" && ${b##*/} -gt 50 ]] || fail "before the change: lost datagrams ($b)"
[[ ${w%%/*} == "${w##*/}" && ${w##*/} -gt 50 ]] || fail "in the window: not the old verdict for every datagram ($w)"
[[ ${a%%/*} == 0 && ${a##*/} -gt 50 ]] || fail "after the switch: datagrams still answered ($a)"
echo "ok: in the window the fast path applies the previous ruleset to every packet; after the switch, the new one"
stop_rt || fail "tna-rt-test exit $?"
