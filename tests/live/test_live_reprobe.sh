#!/bin/bash
# A burst probes again only the netdevs its events named: a change of one
# port probes that port in full and keeps the others' capabilities; a new
# port added to the bridge is probed before it is attached and then takes
# the fast path.  (The controller's verbose "capabilities: N of M netdevs
# probed in full: NAMES" line, controller/reprobe.c.)
source "$TNA_ROOT/tests/lib/netns.sh"
need_root
source "$TNA_ROOT/tests/datapath/lib.sh"
source "$TNA_ROOT/tests/live/lib.sh"

bridge_topo
no_br_nf
start_ctl -- --debounce 100,1000

# The probe line of the burst applied after N applied lines.
probe_line() {
	awk -v n="$1" '/applied .* event/ { a++ } a == n && /capabilities: .* probed in full/ { print; exit }' \
		"$LIVE_DIR/ctl.out"
}
# The names it lists, one a line.
probed_names() { sed 's/.*probed in full://' <<<"$1" | tr ' ' '\n' | grep -v '^$'; }

# Let the set-up's own late events (linkwatch delays operstate changes by
# up to 1 s: br0's carrier) be applied first: quiet for 1.5 s.
settle() {
	local n=-1
	for _ in $(seq 20); do
		[[ $(applied_count) == "$n" ]] && return 0
		n=$(applied_count)
		sleep 1.5
	done
	fail "the controller does not settle: $(tail -5 "$LIVE_DIR/ctl.out")"
}
settle
n0=$(applied_count)
in_ns br ip link set v3 type bridge_slave learning off || fail "learning off"
wait_applied "$n0" || fail "the change was not applied"
line=$(probe_line "$n0")
[[ -n $line ]] || { cat "$LIVE_DIR/ctl.out" >&2; fail "no probe line in the burst"; }
names=$(probed_names "$line")
[[ $names == v3 ]] || { cat "$LIVE_DIR/ctl.out" >&2; fail "a change of v3 probed more or less than v3: $line"; }
echo "ok: a change of one port probes that port only: $line"

settle
n1=$(applied_count)
ns h4 >/dev/null
veth br v4 h4 eth0
in_ns h4 ip addr add 10.0.0.4/24 dev eth0
in_ns h4 ip link set eth0 address 02:00:00:00:00:04
in_ns br ip link set v4 master br0 || fail "v4 into br0"
v4=$(ifindex v4)
wait_for "[[ \$(status '$v4 in br(\"br0\")[\"attached_ifindexes\"]') == True ]]" 100 ||
	fail "v4 not attached: $(tail -20 "$LIVE_DIR/ctl.out")"
# every burst from the first event of v4 to its attach
all=$(awk -v n="$n1" '/applied .* event/ { a++ } a >= n && /capabilities: .* probed in full/' \
	"$LIVE_DIR/ctl.out")
grep -q ' v4\b' <<<"$all" || fail "v4 attached without being probed: $all"
grep -Eq ' (v1|v2)\b' <<<"$all" && fail "adding v4 probed other ports again: $all"
echo "ok: the new port was probed (and only it): $(tr '\n' '|' <<<"$all")"

in_ns h4 ping -c 3 -i 0.1 -W 1 10.0.0.1 >/dev/null || fail "h4 cannot reach h1"
f0=$(tna_counter br v4 forwarded)
in_ns h4 ping -c 10 -i 0.02 -W 1 -q 10.0.0.1 >/dev/null || fail "pings from h4 lost"
(( $(tna_counter br v4 forwarded) > f0 )) || fail "v4 not on the fast path"
echo "ok: the new port is accelerated"
kill -TERM "$CTL_PID"; wait "$CTL_PID" || fail "tna-deploy exit status $?"
