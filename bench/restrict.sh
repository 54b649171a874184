#!/bin/bash
# bench/restrict.sh: how long the fast path goes on forwarding after a
# change that restricts traffic.  A stamped UDP stream (tna-stamp: sequence
# number and send time in every datagram, RATE per second) crosses the
# fast path while the same change is made and undone TRIALS times; each
# time, the window is the send time of the last datagram that still
# arrived, counted from the moment the command returned (0 when none did).
# Plain Linux drops from that moment on.  Cases:
#   rule     nft bridge-family forward chain with policy drop (bridged)
#   flag     both bridge ports isolated (a port table value the pipeline checks)
#   policy   ip xfrm policy ... dir fwd action block (routed)
#   sysctl   net.ipv4.conf.r1.rp_filter=1 with spoofed sources (routed; netconf event)
#   polled   net.bridge.bridge-nf-call-iptables 0 -> 1 with a forward drop rule
#            (no event: the controller polls)
# Prints p50/p99/max per case.  See bench/README.md "Restrictive changes".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bench_env

usage() {
	cat <<'USAGE'
usage: bench/restrict.sh [options]
  --trials N       changes per case (60)
  --rate PPS       stamped datagrams per second (50000)
  --target T       tna-deploy --target (generic; native)
  --cases LIST     rule,flag,policy,sysctl,polled (all)
  --bin DIR        take tna-deploy from DIR (e.g. another build, to compare)
  --nice N         run tna-deploy with nice N (e.g. -10: ahead of other work)
  --json FILE      write the results as JSON to FILE
  -h, --help
Exit: 0 measured; 1 a case failed; 2 bad usage or not root.
USAGE
}
die() { echo "restrict: $*" >&2; exit 2; }
TRIALS=60 RATE=50000 TARGET=generic CASES=rule,flag,policy,sysctl,polled JSON= DEPLOY_BIN= NICE=0
bench_opts 'trials=TRIALS rate=RATE target=TARGET cases=CASES bin=DEPLOY_BIN nice=NICE json=JSON' "$@"
[[ $TRIALS =~ ^[0-9]+$ ]] && ((TRIALS >= 1 && TRIALS <= 1000)) || die "bad --trials '$TRIALS'"
[[ $RATE =~ ^[0-9]+$ ]] && ((RATE >= 100 && RATE <= 1000000)) || die "bad --rate '$RATE'"
[[ $TARGET =~ ^(generic|native)$ ]] || die "bad --target '$TARGET' (generic, native)"
[[ $NICE =~ ^-?[0-9]+$ ]] && ((NICE >= -20 && NICE <= 19)) || die "bad --nice '$NICE'"
[[ $CASES =~ ^(rule|flag|policy|sysctl|polled)(,(rule|flag|policy|sysctl|polled))*$ ]] ||
	die "bad --cases '$CASES'"
bench_workspace restrict tnax tna-stamp tna-deploy tna-stat
[[ -z $DEPLOY_BIN || -x $DEPLOY_BIN/tna-deploy ]] || die "no tna-deploy in $DEPLOY_BIN"
err() { echo "restrict: $*" >&2; exit 1; }

# the topologies of the transparency tests: br (br0: p1, p2 to a1, a2) and
# r (r1, r2 to h1, h2)
source tests/transparency/lib.sh
bridge_topo
routed_up
in_ns br sysctl -qw net.bridge.bridge-nf-call-iptables=0
HOLD_MS=250	# a window longer than HOLD_MS shows as HOLD_MS
SETTLE=0.6	# after undoing it, for the rebuild (a router restart: 1.2)
HOLD=$(echo "$HOLD_MS / 1000" | bc -l)

MODE=$TARGET
deploy() { ctl_start "$@"; echo "$CTL_PID" >>"$WORK/pids"; }	# tests/transparency/lib.sh
undeploy() { ctl_stop; }
# counters of the deployed build (its stats layout)
[[ -n $DEPLOY_BIN ]] && fwd_count() { in_ns "$1" "$DEPLOY_BIN/tna-stat" -i "$2" --json |
	$PY -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["forwarded"])'; }

# measure CASE NS PORT STREAM-ARGS -- ON-CMD -- OFF-CMD
measure() {
	local name=$1 ns=$2 port=$3; shift 3
	local stream=() on=() off=() i t f0 f1 dur
	while [[ $1 != -- ]]; do stream+=("$1"); shift; done; shift
	while [[ $1 != -- ]]; do on+=("$1"); shift; done; shift
	off=("$@")
	dur=$(echo "$TRIALS * ($HOLD + $SETTLE) + 2" | bc)
	: >"$WORK/times"
	recv_start "${RX}"
	f0=$(fwd_count "$ns" "$port")
	send_start "${stream[@]}" -r "$RATE" -d "$dur"
	sleep 1
	# the fast path carries the stream before the first change (a router
	# restart later starts its counters afresh)
	f1=$(fwd_count "$ns" "$port")
	(( f1 - f0 > RATE / 4 )) || err "$name: the fast path forwarded only $((f1 - f0)) in the first second"
	for ((i = 0; i < TRIALS; i++)); do
		t=$(stamp "$ns" "${on[@]}") || err "$name: ${on[*]}"
		sleep "$HOLD"
		echo "$t $((t + HOLD_MS * 1000000))" >>"$WORK/times"
		in_ns "$ns" "${off[@]}" || err "$name: ${off[*]}"
		sleep "$SETTLE"
	done
	kill -TERM "$SEND_PID" 2>/dev/null; wait "$SEND_PID"
	sleep 0.2; kill -TERM "$RECV_PID"; wait "$RECV_PID"
	"$STAMP" windows --recv "$TP_DIR/recv" <"$WORK/times" >"$WORK/$name.win"
	$PY - "$name" "$WORK/$name.win" "$((f1 - f0))" <<'EOF' | tee -a "$WORK/table"
import sys, json
name, path, fwd = sys.argv[1], sys.argv[2], int(sys.argv[3])
w = sorted(max(0.0, float(l.split()[2])) for l in open(path))
leaked = sum(int(l.split()[1]) for l in open(path))
def pct(p):
    return w[min(len(w) - 1, int(round(p / 100 * (len(w) - 1))))]
r = {"case": name, "trials": len(w), "p50_ms": pct(50), "p99_ms": pct(99), "max_ms": w[-1],
     "leaked": leaked, "warmup_forwarded": fwd}
print("%-8s %6d %9.3f %9.3f %9.3f %9d" % (name, len(w), r["p50_ms"], r["p99_ms"], r["max_ms"], leaked))
with open(path + ".json", "w") as f:
    json.dump(r, f)
EOF
}

printf '%-8s %6s %9s %9s %9s %9s\n' case trials p50_ms p99_ms max_ms leaked | tee "$WORK/table"
BRIDGED=(a1 eth0 "$(mac_of a2 eth0)" 10.0.0.1 10.0.0.2)
for c in ${CASES//,/ }; do
	case $c in
	rule)
		in_ns br nft add table bridge tp
		deploy br --no-router
		RX=a2 measure rule br p1 "${BRIDGED[@]}" -- \
			nft add chain bridge tp f '{ type filter hook forward priority 0; policy drop; }' -- \
			nft delete chain bridge tp f
		undeploy; in_ns br nft delete table bridge tp ;;
	flag)
		deploy br --no-router
		RX=a2 measure flag br p1 "${BRIDGED[@]}" -- \
			sh -c 'bridge link set dev p1 isolated on && bridge link set dev p2 isolated on' -- \
			sh -c 'bridge link set dev p1 isolated off && bridge link set dev p2 isolated off'
		undeploy ;;
	policy)
		SETTLE=1.2
		deploy r
		RX=h2 measure policy r r1 h1 eth0 "$(mac_of r r1)" 10.1.0.2 10.2.0.2 -- \
			ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir fwd action block -- \
			ip xfrm policy flush
		undeploy ;;
	sysctl)
		SETTLE=1.2
		deploy r
		RX=h2 measure sysctl r r1 h1 eth0 "$(mac_of r r1)" 10.2.0.99 10.2.0.2 -- \
			sysctl -qw net.ipv4.conf.r1.rp_filter=1 -- sysctl -qw net.ipv4.conf.r1.rp_filter=0
		undeploy ;;
	polled)
		SETTLE=0.6
		in_ns br nft add table ip tp
		in_ns br nft add chain ip tp f '{ type filter hook forward priority 0; policy drop; }'
		deploy br --no-router
		RX=a2 measure polled br p1 "${BRIDGED[@]}" -- \
			sysctl -qw net.bridge.bridge-nf-call-iptables=1 -- \
			sysctl -qw net.bridge.bridge-nf-call-iptables=0
		undeploy; in_ns br nft delete table ip tp ;;
	esac
	learn
done
if [[ -n $JSON ]]; then
	NICE=$NICE $PY - "$JSON" "$TARGET" "$RATE" "$WORK"/*.win.json <<'EOF'
import sys, json, time, os
out, target, rate = sys.argv[1], sys.argv[2], int(sys.argv[3])
res = [json.load(open(p)) for p in sys.argv[4:]]
json.dump({"date": time.strftime("%Y-%m-%d"), "kernel": os.uname().release, "target": target,
           "rate_pps": rate, "nice": int(os.environ.get("NICE", "0")), "loadavg": os.getloadavg(),
           "results": res}, open(out, "w"), indent=1)
EOF
fi
