#!/usr/bin/python3
"""Per-round ratios of bench/run.sh JSON results, for every scale.

usage: ratios.py RESULTS.json [CONFIG...]

bench/run.sh measures the configurations interleaved (A B C A B C ...), so
the runs with the same index were measured close together: on a shared
machine the ratio within a round is steadier than a ratio of medians.
For each scale (MACs, ports, CPUs, size) and configuration (default: all
but the references) prints the median over rounds of its Mpps over
linux-bridge, xdp-limit and xdp-fdb-limit, its median CPU ns per frame,
and the median of its CPU ns minus xdp-limit's in the same round (the cost
of its work over a bare redirect; the generator's and the sink's share
cancels out)."""
import json
import statistics
import sys

REFS = ("linux-bridge", "xdp-limit", "xdp-fdb-limit")


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = json.load(open(sys.argv[1]))
    want = sys.argv[2:] or [c for c in d["configs"] if c not in REFS]
    by = {}
    for r in d["results"]:
        by[(r["config"], r["macs"], r["ports"], r["cpus"], r["size"])] = r
    scales = sorted({k[1:] for k in by})
    fmt = "{:>6} {:>5} {:>4} {:>5}  {:<18} {:>6} {:>8} {:>8} {:>8} {:>8} {:>9}"
    print(fmt.format("macs", "ports", "cpus", "size", "config", "rounds", "x linux",
                     "% limit", "% 2-lkp", "CPU ns", "ns>limit"))
    for s in scales:
        for c in want:
            r = by.get((c,) + s)
            if not r or not r["mpps"]:
                continue
            out = [f"{len(r['mpps'])}"]
            for ref, scale in zip(REFS, (1, 100, 100)):
                q = by.get((ref,) + s)
                n = min(len(r["mpps"]), len(q["mpps"])) if q else 0
                if c == ref or not n:
                    out.append("-")
                    continue
                v = statistics.median(r["mpps"][i] / q["mpps"][i] for i in range(n)) * scale
                out.append(f"{v:.2f}x" if scale == 1 else f"{v:.0f}%")
            ns = r.get("cpu_ns") or []
            out.append(f"{statistics.median(ns):.0f}" if ns else "-")
            q = by.get(("xdp-limit",) + s)
            qn = (q or {}).get("cpu_ns") or []
            n = min(len(ns), len(qn))
            out.append(f"{statistics.median(ns[i] - qn[i] for i in range(n)):+.0f}" if n else "-")
            print(fmt.format(*s, c, *out))
        print()
    return 0


sys.exit(main())
