# Sourced after tests/lib/netns.sh: a veth peer's GRO turned off and on
# under a deployed native pipeline, and what real UDP sockets deliver.
#
#   udp_through FROM TO DST N   N datagrams (numbered, 0.5 ms apart) from
#                               namespace FROM to DST:5001, a socket bound
#                               there in namespace TO (tests/lib/udp_count.py);
#                               prints how many distinct ones it received
#                               (it stops 2 s after the last one).
#   udp_phase WHAT fast|linux FROM TO DST N COUNTERS
#                               udp_through, and every datagram must
#                               arrive; COUNTERS (a command printing the
#                               ingress port's "forwarded egress_no_xmit")
#                               must say the fast path redirected them all
#                               (fast) or passed every one to Linux as
#                               egress_no_xmit and forwarded none (linux)
#   wait_log FILE TEXT [N]      FILE gets a line containing TEXT, the Nth
#                               such line when N is given (5 s)
#   gro_on HOST...              GRO on at each HOST's eth0 (a redirect into
#                               its veth peer is received); skips without
#   csum_counters PORT          PORT's "forwarded csum_completed" in
#                               namespace dut (tna-stat)
#   peer_gro_off_on HOST LOG WHO
#                               the caller's `through WHAT fast|linux`
#                               (a udp_phase into HOST) with GRO on at
#                               HOST's eth0, then off: the controller's
#                               LOG names WHO (e.g. "br0: p2") as unable
#                               to transmit redirected frames and every
#                               datagram goes through Linux; then on again:
#                               back on the fast path

udp_through() {
	local from=$1 to=$2 dst=$3 n=$4 out rx
	out=$(mktemp)
	in_ns "$to" /usr/bin/python3 "${TNA_ROOT:-.}/tests/lib/udp_count.py" recv "$dst" "$n" >"$out" &
	rx=$!
	for _ in $(seq 50); do grep -q ready "$out" && break; sleep 0.1; done
	in_ns "$from" /usr/bin/python3 "${TNA_ROOT:-.}/tests/lib/udp_count.py" send "$dst" "$n" 500
	wait $rx
	tail -1 "$out"
	rm -f "$out"
}

udp_phase() {
	local what=$1 how=$2 n=$6 f0 x0 f1 x1 got
	read -r f0 x0 < <($7)
	got=$(udp_through "$3" "$4" "$5" "$n")
	read -r f1 x1 < <($7)
	(( got == n )) || fail "$what: $got of $n datagrams arrived (Linux: $n)"
	if [[ $how == fast ]]; then
		(( f1 - f0 >= n )) || fail "$what: the fast path forwarded only +$((f1 - f0)) of $n"
		(( x1 == x0 )) || fail "$what: +$((x1 - x0)) egress_no_xmit"
	else
		(( x1 - x0 >= n )) || fail "$what: only +$((x1 - x0)) of $n passed as egress_no_xmit"
		(( f1 == f0 )) || fail "$what: the fast path still forwarded +$((f1 - f0))"
	fi
	echo "ok: $what: $got of $n datagrams (forwarded +$((f1 - f0)), egress_no_xmit +$((x1 - x0)))"
}

wait_log() {
	for _ in $(seq 50); do
		(( $(grep -cF -- "$2" "$1") >= ${3:-1} )) && return 0
		sleep 0.1
	done
	cat "$1" >&2
	fail "no line ${3:+number $3 }with '$2' in $1 within 5 s"
}

gro_on() {
	local h
	for h in "$@"; do
		in_ns "$h" ethtool -K eth0 gro on >/dev/null || skip "no GRO on veth"
	done
}

csum_counters() { in_ns dut "$TNA_BIN/tna-stat" -i "$1" --json | /usr/bin/python3 -c '
import json,sys; i=json.load(sys.stdin)["interfaces"][0]; print(i["forwarded"], i["csum_completed"])'; }

peer_gro_off_on() {
	local host=$1 log=$2 who=$3
	through "GRO on at $host" fast
	in_ns "$host" ethtool -K eth0 gro off >/dev/null || fail "cannot turn GRO off at $host"
	wait_log "$log" "$who: xdp-features 0x23: cannot transmit redirected frames"
	grep -F "$who: xdp-features" "$log"
	through "GRO off at $host" linux
	in_ns "$host" ethtool -K eth0 gro on >/dev/null || fail "cannot turn GRO on at $host"
	wait_log "$log" "$who: xdp-features 0x67: transmits redirected frames again"
	through "GRO on again at $host" fast
}
