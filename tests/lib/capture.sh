# Sourced by integration tests (after tests/lib/netns.sh): capture what an
# interface in a test namespace sees, race-free at both ends (rxcap.py).
#
#   capture_start [--in] NS IFACE PCAP   capture on IFACE in namespace NS
#                                        into PCAP; returns once the socket
#                                        is bound (CAP_PID)
#   capture_stop                         read what is queued, write PCAP
#   capture_count PCAP [FILTER...]       frames in PCAP matching a tcpdump filter
#
# Use these rather than `tcpdump & sleep`: a sleep does not prove tcpdump
# is listening (under load it is not), and killing tcpdump loses the frames
# it has not read yet.

_TNA_RXCAP=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/rxcap.py

capture_start() {
	local dir=() ns ifc pcap
	[[ $1 == --in ]] && { dir=(--in); shift; }
	ns=$1 ifc=$2 pcap=$3
	: >"$pcap.log"
	ip netns exec "$TNA_NS-$ns" /usr/bin/python3 "$_TNA_RXCAP" "${dir[@]}" \
		"$ifc" "$pcap" </dev/null >"$pcap.log" 2>&1 &
	CAP_PID=$!		# ip netns exec execs: the capture's own pid
	CAP_LOG=$pcap.log
	on_exit_kill "$CAP_PID" TERM
	# no time limit that could pass on a loaded machine: it either says
	# it is capturing or it exits
	while ! grep -q "^capturing on" "$pcap.log"; do
		kill -0 "$CAP_PID" 2>/dev/null || fail "capture on $ns/$ifc did not start: $(cat "$pcap.log")"
		sleep 0.05
	done
}

capture_stop() {
	kill -TERM "$CAP_PID"
	wait "$CAP_PID" || fail "capture failed: $(cat "$CAP_LOG")"
}

capture_count() {
	local pcap=$1; shift
	tcpdump -r "$pcap" -nn "$@" 2>/dev/null | wc -l
}
