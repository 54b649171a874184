#!/bin/bash
# bench/router/prog_ns.sh: what the XDP programs of the router rows cost per
# packet inside XDP, from the kernel's BPF statistics (run_time_ns /
# run_cnt of the program on the DUT's input port, kernel.bpf_stats_enabled):
# TNA (tna_root, its pipeline reached by a tail call included), the bare fib
# limit (bench_fib) and xdp-forward (xdp_fwd_*, where installed).  On a
# shared machine this is steadier than Mpps: softirq work is not preempted
# and another process's time is not in it.  Each program instance is one
# round; prints the median ns per packet of each and TNA's minus the
# limit's.  The statistics add their own clock reads to every program
# alike (differences hold, ratios shrink).
#
#   bench/router/prog_ns.sh [run.sh options, e.g. --runs 5 --ipv6 --size 66]
#
# The table comes from BENCH_ROUTES, BENCH_NEIGH, BENCH_FIB as for run.sh.
# PROG_NS_EXTRA: more configurations (comma-separated, e.g. from run.sh's
# --config-dir) measured in the same rounds; the programs whose ids such
# a configuration writes to PROG_NS_BASE_IDS (bench/router/base: TNA from
# another build, for before/after in one run) are reported as "tna-base".
# Exit: run.sh's.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
PY=/usr/bin/python3
stats_was=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null) ||
	{ echo "prog_ns: no kernel.bpf_stats_enabled here" >&2; exit 2; }
samples=$(mktemp /tmp/tna-prog-ns.XXXXXX)
export PROG_NS_BASE_IDS
PROG_NS_BASE_IDS=$(mktemp /tmp/tna-prog-ns-base.XXXXXX)
restore() {
	[[ $stats_was == 1 ]] || sysctl -qw kernel.bpf_stats_enabled="$stats_was"
	rm -f "$samples" "$PROG_NS_BASE_IDS"
}
trap restore EXIT
trap 'exit 130' INT TERM
sysctl -qw kernel.bpf_stats_enabled=1
bench/run.sh --configs linux-router,tna-router-native,xdp-forward,xdp-fib-limit${PROG_NS_EXTRA:+,$PROG_NS_EXTRA} \
	--no-tcp "$@" &
run=$!
# the program on a0 of run.sh's DUT namespace (tnab<pid>-dut, bench/run.sh)
while kill -0 "$run" 2>/dev/null; do
	id=$(ip -n "tnab$run-dut" -j -d link show a0 2>/dev/null |
	     $PY -c 'import json, sys
l = json.load(sys.stdin)[0].get("xdp") or {}
p = l.get("prog") or next((a["prog"] for a in l.get("attached", []) if "prog" in a), {})
print(p.get("id", ""))' 2>/dev/null)
	[[ -n $id ]] && bpftool prog show id "$id" -j 2>/dev/null >>"$samples" && echo >>"$samples"
	sleep 0.25
done
wait "$run"
rc=$?
$PY - "$samples" "$PROG_NS_BASE_IDS" <<'PY'
import json, statistics, sys
last = {}
for line in open(sys.argv[1]):
    if line.strip():
        p = json.loads(line)
        if p.get("run_cnt"):
            last[p["id"]] = p
base = {int(x) for x in open(sys.argv[2]).read().split()}
def kind(p):
    n = p["name"]
    if n == "tna_root":
        return "tna-base" if p["id"] in base else "tna"
    return "limit" if n == "bench_fib" else "xdp-forward" if n.startswith("xdp_fwd") else n
ns = {}
for p in sorted(last.values(), key=lambda p: p["id"]):
    ns.setdefault(kind(p), []).append(p["run_time_ns"] / p["run_cnt"])
for k, v in ns.items():
    print("prog_ns: %-12s %6.1f ns/packet in XDP (median of %d: %s)"
          % (k, statistics.median(v), len(v), " ".join("%.1f" % x for x in v)))
if "tna" in ns and "limit" in ns:
    print("prog_ns: tna - limit %+.1f ns" % (statistics.median(ns["tna"]) - statistics.median(ns["limit"])))
if "tna-base" in ns and "limit" in ns:
    print("prog_ns: tna-base - limit %+.1f ns" % (statistics.median(ns["tna-base"]) - statistics.median(ns["limit"])))
if "tna" in ns and "xdp-forward" in ns:
    print("prog_ns: tna - xdp-forward %+.1f ns" % (statistics.median(ns["tna"]) - statistics.median(ns["xdp-forward"])))
PY
exit $rc
