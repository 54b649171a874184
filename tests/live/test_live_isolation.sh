#!/bin/bash
# Isolation toggled under a deployed bridge: the same frames reach the same
# hosts as on plain Linux, and no pipeline is loaded or swapped for it
# (isolation is a port table value the pipeline always checks).
#
# One sequence of isolation states, run on plain Linux and then with
# tna-deploy: none, v1, v1+v2, v2 (v1 off), none.  In each state h1 pings
# h2 and h3 (unicast, static neighbours: the FDB knows every MAC) and sends
# broadcast echoes (flooded by Linux, which leaves isolated ports out).
# Recorded per state: the replies h1 got from h2 and from h3, and the ICMP
# messages h2 and h3 received.  Both runs must record the same, and with
# tna-deploy the fast path must have forwarded h1 -> h3 (no port left to
# Linux), counted the frames it left to Linux as port_isolated, and kept
# its one pipeline (same program id, no load, no swap in the log).
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
source "$TNA_ROOT/tests/datapath/lib.sh"
source "$TNA_ROOT/tests/live/lib.sh"

bridge_topo
no_br_nf
for i in 1 2 3; do
	in_ns h$i sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=1
	for j in 1 2 3; do
		[[ $i == "$j" ]] && continue
		in_ns h$i ip neigh replace 10.0.0.$j lladdr 02:00:00:00:00:0$j \
			dev eth0 nud permanent
	done
done

icmp_in() { in_ns "$1" awk '/^Icmp:/ { if (n++) print $2 }' /proc/net/snmp; }	# InMsgs
replies() { in_ns h1 ping -c "$2" -i 0.02 -W 1 -q "$1" 2>/dev/null |
	awk '/transmitted/ { print $4 }'; }

# learn: every host talks once (the FDB knows all three MACs)
learn() {
	in_ns h2 ping -c 1 -W 1 -q 10.0.0.1 >/dev/null
	in_ns h3 ping -c 1 -W 1 -q 10.0.0.1 >/dev/null
	in_ns h1 ping -c 1 -W 1 -q 10.0.0.2 >/dev/null
}

# state NAME: what one isolation state lets through
state() {
	local a2 a3 r2 r3
	a2=$(icmp_in h2) a3=$(icmp_in h3)
	r2=$(replies 10.0.0.2 10) r3=$(replies 10.0.0.3 10)
	in_ns h1 ping -b -c 5 -i 0.02 -W 0.2 -q 10.0.0.255 >/dev/null 2>&1
	sleep 0.2
	echo "$1: replies h2 $r2 h3 $r3; icmp in h2 $(( $(icmp_in h2) - a2 )) h3 $(( $(icmp_in h3) - a3 ))"
}

# iso PORT on|off, then (with tna-deploy) wait for the burst to be applied
iso() {
	local n
	[[ -n ${CTL_PID:-} ]] && n=$(applied_count)
	in_ns br bridge link set dev "$1" isolated "$2" || fail "isolated $2 on $1"
	[[ -n ${CTL_PID:-} ]] && { wait_applied "$n" || fail "isolated $2 on $1: not applied"; }
	return 0
}

sequence() {
	learn
	state none
	iso v1 on; state v1
	iso v2 on; state v1+v2
	iso v1 off; state v2
	iso v2 off; state none-again
}

sequence >"$LIVE_DIR/linux"
cat "$LIVE_DIR/linux"
grep -q 'v1+v2: replies h2 0 h3 10; icmp in h2 0 h3 15$' "$LIVE_DIR/linux" ||
	fail "plain Linux: isolation did not isolate (the test's premise)"

start_ctl
id0=$(pipeline_id v1)
[[ -n $id0 ]] || fail "v1 not accelerated"
loads() { grep -c 'loaded and verified' "$LIVE_DIR/ctl.out"; }
swaps() { grep -c 'pipeline replaced\|kept loaded, slots synced' "$LIVE_DIR/ctl.out"; }
l0=$(loads) s0=$(swaps)
f0=$(tna_counter br v1 forwarded)
sequence >"$LIVE_DIR/tna"
diff -u "$LIVE_DIR/linux" "$LIVE_DIR/tna" || fail "with tna-deploy other frames left other ports than on Linux"
echo "ok: the same frames reached the same hosts as on plain Linux"

f1=$(tna_counter br v1 forwarded)
iso1=$(tna_counter br v1 passed.port_isolated)
(( f1 - f0 >= 40 )) || fail "fast path forwarded only $((f1 - f0)) frames from v1"
(( iso1 >= 10 )) || fail "v1: $iso1 frames counted port_isolated (h1 -> h2 while both isolated: 10)"
echo "ok: fast path forwarded $((f1 - f0)) frames from v1, left $iso1 to Linux as port_isolated"

[[ $(pipeline_id v1) == "$id0" ]] || fail "pipeline id $id0 -> $(pipeline_id v1)"
(( $(loads) == l0 && $(swaps) == s0 )) ||
	fail "isolation loaded $(( $(loads) - l0 )) and swapped $(( $(swaps) - s0 )) pipeline(s): $(grep -E 'loaded and verified|pipeline replaced|kept loaded' "$LIVE_DIR/ctl.out" | tail -2)"
[ "$(status '"port_flags" in br("br0")["fpms"]')" = True ] ||
	fail "port_flags not in the pipeline (status: $(status 'br("br0")["fpms"]'))"
echo "ok: isolation toggled four times, one pipeline throughout (id $id0)"
kill -TERM "$CTL_PID"; wait "$CTL_PID" || fail "tna-deploy exit status $?"
echo "PASS"
