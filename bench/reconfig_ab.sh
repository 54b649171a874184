#!/bin/bash
# bench/reconfig_ab.sh: the reconfiguration benchmark (bench/reconfig.sh)
# for two controllers in one run: rounds of one tna run each, interleaved
# (A B, B A, A B, ...: a machine getting busier or quieter weighs on both
# alike), the event -> new datapath samples of each side pooled.  The load
# average is noted per run.  See bench/README.md "Reconfiguration
# benchmark".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}

usage() {
	cat <<'USAGE'
usage: bench/reconfig_ab.sh --old PATH [--new PATH] [--rounds N] [--json FILE]
                            [bench/reconfig.sh options]
  --old PATH   the tna-deploy to compare with (e.g. main's build)
  --new PATH   the one to measure (default: this build's)
  --rounds N   runs of each (3)
  --json FILE  write both sides' figures as JSON to FILE
Each run's output and files are kept in /tmp/tna-reconfig-ab.last/.
Other options (--router, --changes, --changer, ...) go to reconfig.sh
(--runs tna, --deploy and --json are set here).
Exit: 0 measured; 1 a run failed; 2 bad usage.
USAGE
}
die() { echo "reconfig_ab: $*" >&2; exit 2; }
OLD= NEW=$BUILD/bin/tna-deploy ROUNDS=3 JSON= pass=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--old) OLD=${2:-}; shift 2 ;;
	--new) NEW=${2:-}; shift 2 ;;
	--rounds) ROUNDS=${2:-}; shift 2 ;;
	--json) JSON=${2:-}; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	--runs|--deploy) die "$1 is set by reconfig_ab.sh" ;;
	--router) pass+=("$1"); shift ;;
	*) [[ $# -ge 2 ]] || die "option '$1' needs a value"; pass+=("$1" "$2"); shift 2 ;;
	esac
done
[[ -x $OLD ]] || die "--old '$OLD': not executable"
[[ -x $NEW ]] || die "--new '$NEW': not executable"
[[ $ROUNDS =~ ^[0-9]+$ ]] && ((ROUNDS >= 1)) || die "bad --rounds '$ROUNDS'"
# every run's files (controller log, change stamps) are kept there
WORK=/tmp/tna-reconfig-ab.last
rm -rf "$WORK" && mkdir -p "$WORK" || die "cannot make $WORK"

for ((r = 0; r < ROUNDS; r++)); do
	order=(old new)
	((r % 2)) && order=(new old)
	for side in "${order[@]}"; do
		bin=$OLD
		[[ $side == new ]] && bin=$NEW
		read -r load _ </proc/loadavg
		echo "reconfig_ab: round $((r + 1))/$ROUNDS: $side ($bin), load $load" >&2
		BUILD=$BUILD bench/reconfig.sh --runs tna --deploy "$bin" \
			--json "$WORK/$side.$r.json" "${pass[@]}" >"$WORK/$side.$r.out" 2>&1 ||
			{ cat "$WORK/$side.$r.out" >&2; echo "reconfig_ab: $side run failed" >&2; exit 1; }
		cp -r /tmp/tna-reconfig.last "$WORK/$side.$r.last"
		echo "$side $r $load $(cut -d' ' -f1 /proc/loadavg)" >>"$WORK/loads"
	done
done

/usr/bin/python3 - "$WORK" "$ROUNDS" "$OLD" "$NEW" "${JSON:-}" <<'PY'
import json, sys
work, rounds, old, new, out = sys.argv[1], int(sys.argv[2]), *sys.argv[3:6]
pctl = lambda a, p: a[min(len(a) - 1, int(round(p / 100 * (len(a) - 1))))] if a else None
loads = {}
for l in open(f"{work}/loads"):
    side, r, a, b = l.split()
    loads.setdefault(side, []).extend([float(a), float(b)])
res = {"rounds": rounds, "sides": {}}
for side, path in (("old", old), ("new", new)):
    lat, runs, missing = [], [], 0
    for r in range(rounds):
        j = json.load(open(f"{work}/{side}.{r}.json"))
        t = j["runs"]["tna"]
        lat += t["latency_samples_ms"]
        missing += len(t["changes_without_event"])
        runs.append(t["latency_ms"])
        res["start"] = t["latency_start"]
    lat.sort()
    res["sides"][side] = {"deploy": path, "n": len(lat), "p50": pctl(lat, 50), "p95": pctl(lat, 95),
                          "p99": pctl(lat, 99), "max": lat[-1] if lat else None,
                          "over_50ms": sum(1 for x in lat if x >= 50), "changes_without_event": missing,
                          "runs": runs, "load": [min(loads[side]), max(loads[side])]}
print(f"event ({res['start']}) -> new datapath, {rounds} interleaved round(s) per side, samples pooled:")
for side, s in res["sides"].items():
    print(f"  {side}: p50 {s['p50']:.1f} ms, p95 {s['p95']:.1f} ms, p99 {s['p99']:.1f} ms, "
          f"max {s['max']:.1f} ms, n {s['n']}, >= 50 ms: {s['over_50ms']}, "
          f"load {s['load'][0]:.1f}-{s['load'][1]:.1f}  ({s['deploy']})")
    for k, r in enumerate(s["runs"]):
        print(f"    run {k + 1}: p50 {r['p50']:.1f}, p95 {r['p95']:.1f}, p99 {r['p99']:.1f}, max {r['max']:.1f} ms, n {r['n']}")
    if s["changes_without_event"]:
        print(f"    changes with no controller event: {s['changes_without_event']}")
o, n = res["sides"]["old"], res["sides"]["new"]
if o["p99"] and n["p99"]:
    print(f"  new/old: p50 {n['p50'] / o['p50']:.2f}x, p99 {n['p99'] / o['p99']:.2f}x")
if out:
    json.dump(res, open(out, "w"), indent=1)
PY
