#!/bin/bash
# bench/tcp.sh: bulk TCP from real stacks through the DUT, Linux against
# TNA (generic, native, auto) and the limit, in one run.  Run by
# bench/run.sh after the packet rates (make bench); see bench/README.md.
#
# Host namespaces with the veth defaults (tx checksum offload, TSO) and GRO
# on at their ends (so a native port can redirect to them), as containers
# and VMs on veths send; the DUT is a bridge, a router or a bridge that
# routes (tests/realstack/lib.sh builds them).  Each round measures every
# mode once, in the same order, with 1 and 4 streams of tna-xfer (every
# byte checked at the receiver) for --duration seconds each.  The limit is
# the same two stacks on one veth pair, no DUT in between.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
bench_env

usage() {
	cat <<'USAGE'
usage: bench/tcp.sh [--topos bridge,router,brrouter] [--modes LIST] [--streams LIST]
                    [--runs N] [--duration S] [--json FILE]
  --topos LIST     DUTs: bridge, router, brrouter (bridge,router)
  --modes LIST     linux, tna-generic, tna-native, tna-auto (all); the limit
                   ("direct": no DUT) is always measured
  --streams LIST   parallel TCP streams (1,4)
  --runs N         rounds, interleaved (3)
  --duration S     seconds per transfer (2)
  --json FILE      merge the results into FILE (key "tcp"; created if missing)
Exit: 0 every transfer arrived whole; 1 a transfer failed; 2 bad usage or not root.
USAGE
}

die() { echo "bench/tcp: $*" >&2; exit 2; }
TOPOS=bridge,router MODES=linux,tna-generic,tna-native,tna-auto STREAMS=1,4 RUNS=3 DURATION=2 JSON=
bench_opts 'topos=TOPOS modes=MODES streams=STREAMS runs=RUNS duration=DURATION json=JSON' "$@"
[[ $TOPOS =~ ^(bridge|router|brrouter)(,(bridge|router|brrouter))*$ ]] || die "bad --topos '$TOPOS'"
[[ $MODES =~ ^(linux|tna-generic|tna-native|tna-auto)(,(linux|tna-generic|tna-native|tna-auto))*$ ]] ||
	die "bad --modes '$MODES'"
[[ $STREAMS =~ ^[0-9]+(,[0-9]+)*$ ]] || die "bad --streams '$STREAMS'"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "bad --runs '$RUNS'"
[[ $DURATION =~ ^[0-9]*\.?[0-9]+$ ]] || die "bad --duration '$DURATION'"
IFS=, read -ra TOPO_L <<<"$TOPOS"
IFS=, read -ra MODE_L <<<"$MODES"
IFS=, read -ra STREAM_L <<<"$STREAMS"
for n in "${STREAM_L[@]}"; do ((n >= 1 && n <= 16)) || die "--streams $n: 1..16"; done
bench_workspace tcp tnat tna-xfer tna-deploy tna-stat
source "$TNA_ROOT/tests/realstack/lib.sh"
RES=$WORK/tcp.tsv	# topo mode streams run gbps | ERR reason
: >"$RES"

# xfer C S DST STREAMS: prints Gbit/s received, or "ERR reason"
xfer() {
	local srv=$WORK/srv.json cli=$WORK/cli.out sp
	: >"$srv.err"	# empty before the server starts: rs_listening reads it
	ip netns exec "$TNA_NS-$2" "$TNA_BIN/tna-xfer" -s -6 -P "$4" -T 10 -j >"$srv" 2>"$srv.err" &
	sp=$!
	echo $sp >>"$WORK/pids"
	rs_listening "$srv.err" "$sp" || { echo "ERR the receiver did not listen"; return; }
	ip netns exec "$TNA_NS-$1" timeout $((${DURATION%.*} + 20)) "$TNA_BIN/tna-xfer" \
		-c "$3" -P "$4" -d "$DURATION" >"$cli" 2>&1
	local crc=$?
	wait $sp
	local src=$?
	"$PY" -c 'import json, sys
try:
    s = json.load(open(sys.argv[1]))
except Exception:
    print("ERR no result from the receiver"); sys.exit()
if sys.argv[2] != "0" or sys.argv[3] != "0" or not s["complete"] or s["mismatched_streams"]:
    print("ERR transfer failed (client exit %s, receiver exit %s, %d stream(s) with wrong bytes)"
          % (sys.argv[2], sys.argv[3], s["mismatched_streams"]))
else:
    print("%.3f" % s["gbps"])' "$srv" "$crc" "$src"
}

# What auto chose: "native", "generic", "none" (no program anywhere), per
# bridge and router, from the controller's status.
auto_choice() {
	in_ns dut "$TNA_BIN/tna-deploy" --status --json | "$PY" -c '
import json, sys
j = json.load(sys.stdin)
out = []
for b in j.get("bridges", []):
    out.append("bridge %s: %s" % (b["bridge"], b["target"] if b.get("running") else "no program"))
r = j.get("router") or {}
if r.get("ok"):
    out.append("router: %s" % (r.get("target") if r.get("running") else "no program"))
print("; ".join(out) or "no program")'
}

measure_mode() {	# TOPO MODE RUN
	local topo=$1 mode=$2 r=$3 p n res
	set -- ${RS_PAIRS[0]}
	local c=$1 s=$2 d4=$3
	if [[ $mode != linux ]]; then
		rs_deploy "${mode#tna-}" >/dev/null
		sleep 1.2	# native egresses and auto's look at the peers
		[[ $mode == tna-auto && $r -eq 1 ]] && echo "$topo $(auto_choice)" >>"$WORK/auto.txt"
	fi
	for n in "${STREAM_L[@]}"; do
		res=$(xfer "$c" "$s" "$d4" "$n")
		printf '  tcp %-9s %-12s %2d stream(s) run %d: %s\n' "$topo" "$mode" "$n" "$r" "$res" >&2
		printf '%s\t%s\t%s\t%s\t%s\n' "$topo" "$mode" "$n" "$r" "$res" >>"$RES"
	done
	[[ $mode != linux ]] && rs_undeploy
	return 0
}

echo "bench/tcp: $(date -u '+%F %H:%M UTC'), ${RUNS} runs x ${DURATION}s per transfer, streams $STREAMS, DUTs $TOPOS"
echo "bench/tcp: hosts: veth defaults (tx checksumming, TSO) with GRO on at their ends"
loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)
for topo in "${TOPO_L[@]}"; do
	rs_topo "$topo"
	rs_features gro on
	# the limit: the same two stacks on one veth pair
	ns d1 >/dev/null; ns d2 >/dev/null
	veth d1 e0 d2 e0
	in_ns d1 ip addr add 10.9.0.1/24 dev e0; in_ns d2 ip addr add 10.9.0.2/24 dev e0
	in_ns d1 ethtool -K e0 gro on >/dev/null; in_ns d2 ethtool -K e0 gro on >/dev/null
	in_ns d1 ping -c1 -W3 10.9.0.2 >/dev/null || die "direct pair: no ping"
	for ((r = 1; r <= RUNS; r++)); do
		for mode in "${MODE_L[@]}"; do measure_mode "$topo" "$mode" "$r"; done
		for n in "${STREAM_L[@]}"; do
			res=$(xfer d1 d2 10.9.0.2 "$n")
			printf '  tcp %-9s %-12s %2d stream(s) run %d: %s\n' "$topo" direct "$n" "$r" "$res" >&2
			printf '%s\t%s\t%s\t%s\t%s\n' "$topo" direct "$n" "$r" "$res" >>"$RES"
		done
	done
	for n in "${_tna_ns_list[@]}"; do ip netns del "$n" 2>/dev/null; done
	_tna_ns_list=()
done

BENCH_LOADAVG="$loadavg_start / $(cut -d' ' -f1-3 /proc/loadavg)" "$PY" - "$RES" "$WORK/auto.txt" "$JSON" \
	"$RUNS" "$DURATION" "$MODES" <<'EOF'
import json, os, statistics, sys
res, auto_f, json_f, runs, duration, modes = sys.argv[1:]
modes = modes.split(",") + ["direct"]
rows, errors = {}, []
for line in open(res):
    topo, mode, n, run, val = line.rstrip("\n").split("\t", 4)
    r = rows.setdefault((topo, mode, int(n)), {"gbps": [], "errors": []})
    if val.startswith("ERR"):
        r["errors"].append("run %s: %s" % (run, val[4:]))
        errors.append("%s %s %s stream(s) run %s: %s" % (topo, mode, n, run, val[4:]))
    else:
        r["gbps"].append(float(val))
auto = dict(l.rstrip("\n").split(" ", 1) for l in open(auto_f)) if os.path.exists(auto_f) else {}
out = []
for (topo, mode, n) in sorted(rows, key=lambda k: (k[0], k[2], modes.index(k[1]))):
    r = rows[(topo, mode, n)]
    med = lambda m: statistics.median(rows[(topo, m, n)]["gbps"]) \
        if (topo, m, n) in rows and rows[(topo, m, n)]["gbps"] else None
    m = med(mode)
    out.append({"topo": topo, "mode": mode, "streams": n, "gbps": r["gbps"], "median": m,
                "min": min(r["gbps"]) if r["gbps"] else None,
                "max": max(r["gbps"]) if r["gbps"] else None,
                "vs_linux": m / med("linux") if m is not None and med("linux") else None,
                "vs_direct": m / med("direct") if m is not None and med("direct") else None,
                "auto_chose": auto.get(topo) if mode == "tna-auto" else None,
                "errors": r["errors"]})
fmt = "{:<9} {:<12} {:>7} {:>8} {:>13} {:>8} {:>8}  {}"
print()
print(fmt.format("DUT", "mode", "streams", "Gbit/s", "min-max", "x linux", "% direct", ""))
print("-" * 92)
last = None
for o in out:
    if last and (o["topo"], o["streams"]) != last:
        print()
    last = (o["topo"], o["streams"])
    f = lambda v, s: "-" if v is None else s.format(v)
    print(fmt.format(o["topo"], o["mode"], o["streams"], f(o["median"], "{:.2f}"),
                     "-" if o["min"] is None else "%.2f-%.2f" % (o["min"], o["max"]),
                     f(o["vs_linux"], "{:.2f}x"), f(o["vs_direct"] and o["vs_direct"] * 100, "{:.0f}%"),
                     "auto: " + o["auto_chose"] if o["auto_chose"] else ""))
print()
print("Gbit/s = median of %s runs received (every byte checked); x linux / %% direct: vs plain "
      "Linux / the two stacks on one veth pair, same run" % runs)
for e in errors:
    print("ERROR tcp " + e)
if json_f:
    tcp = {"hosts": "veth defaults (tx checksumming, TSO), GRO on", "runs": int(runs),
           "duration": float(duration), "loadavg": os.environ.get("BENCH_LOADAVG"),
           "results": out}
    if json_f == "-":
        print(json.dumps({"tcp": tcp}, indent=1))
    else:
        doc = json.load(open(json_f)) if os.path.exists(json_f) else {}
        doc["tcp"] = tcp
        with open(json_f, "w") as fh:
            fh.write(json.dumps(doc, indent=1) + "\n")
sys.exit(1 if errors else 0)
EOF
