# Sourced by tests/hooks/test_*.sh (from the top of the tree): the netns
# and deploy helpers (tests/lib/netns.sh, tests/deploy/lib.sh), root, the
# example hooks, UDP frames from h1 to h2 checked byte for byte on h2, and
# the hook counters of tna-stat.
source tests/lib/netns.sh
source tests/deploy/lib.sh
need_root

HOOKS=${TNA_ROOT:-$PWD}/${BUILD:-build}/bpf
FRAMES=tests/hooks/frames.py
for h in hook_drop_udp hook_invalid hook_continue hook_bad_proto hook_grow; do
	[[ -f $HOOKS/$h.bpf.o ]] || fail "$HOOKS/$h.bpf.o not built (make)"
done

# native_peers TARGET: for native, GRO on the hosts' veths (a frame
# redirected into a veth is received only then, tests/deploy)
native_peers() {
	[[ $1 == native ]] || return 0
	for i in 1 2 3; do in_ns h$i ethtool -K eth0 gro on >/dev/null || skip "no GRO on veth"; done
}

# h1 and h2 know each other, the bridge (and the FDB mirror) knows both
learn() {
	check "h1 -> h2 ping" in_ns h1 ping -c 2 -i 0.2 -W 1 -q 10.0.0.2
	for _ in $(seq 50); do fdb_has 02:00:00:00:00:01 && fdb_has 02:00:00:00:00:02 && return 0; sleep 0.1; done
	fail "the bridge did not learn h1 and h2"
}

# send_check "what" DPORT COUNT WANT [FIRST]: frames FIRST (0)..COUNT-1
# h1 -> h2 to DPORT; WANT of them arrive on h2, unchanged
send_check() {
	local what=$1 dport=$2 count=$3 want=$4 first=${5:-0} pcap=$DEPLOY_TMP/h2-$2.pcap got seen0 rx0
	seen0=$(p1_seen) rx0=$(h2_rx)
	capture_start --in h2 eth0 "$pcap"
	in_ns h1 /usr/bin/python3 "$FRAMES" send eth0 "$dport" "$count" "$first" || fail "cannot send"
	# every frame decided on p1 (forwarded, passed or dropped), and what
	# goes to h2 arrived: frames Linux forwards cross a backlog first
	wait_until "p1 saw the frames" $(( seen0 + count - first )) p1_seen
	wait_until "h2 received $want frames" $(( rx0 + want )) h2_rx
	capture_stop
	got=$(/usr/bin/python3 "$FRAMES" check "$pcap" "$dport" "$count") || fail "$what: frames changed"
	[[ $got == "$want" ]] || fail "$what: $got of $((count - first)) frames to port $dport reached h2, want $want"
	echo "ok: $what ($got of $((count - first)) on h2, unchanged)"
}

# wait_until "what" N cmd...: up to 5 s until cmd prints a number >= N
wait_until() {
	local what=$1 n=$2; shift 2
	for _ in $(seq 100); do (( $("$@") >= n )) && return 0; sleep 0.05; done
	fail "$what (waited 5 s: $("$@") < $n)"
}
p1_seen() { in_ns dut "$TNA_BIN/tna-stat" -i p1 --json | /usr/bin/python3 -c '
import json,sys; i=json.load(sys.stdin)["interfaces"][0]; print(i["forwarded"]+i["passed_total"]+i["dropped"])'; }
h2_rx() { in_ns h2 cat /sys/class/net/eth0/statistics/rx_packets; }

# hook_count SLOT VERDICT: the bridge's counter in tna-stat --json
hook_count() { in_ns dut "$TNA_BIN/tna-stat" -i br0 --json | /usr/bin/python3 -c '
import json,sys; print(json.load(sys.stdin)["interfaces"][0].get("hooks",{}).get(sys.argv[1],{}).get(sys.argv[2],""))' "$1" "$2"; }

# passed_of PORT REASON: frames of PORT sent to Linux for REASON
passed_of() { in_ns dut "$TNA_BIN/tna-stat" -i "$1" --json | /usr/bin/python3 -c '
import json,sys; print(json.load(sys.stdin)["interfaces"][0]["passed"][sys.argv[1]])' "$2"; }

expect_eq() {	# what got want
	[[ $2 == "$3" ]] || fail "$1: $2, want $3"
	echo "ok: $1 = $2"
}
