#!/usr/bin/python3
"""Router rows of bench/run.sh JSON results, as ratios computed per round.

usage: ratios.py RESULTS.json...

bench/run.sh measures the configurations interleaved (A B C D A B C D ...),
so the runs with the same index were measured close together: on a shared
machine, the ratio within a round is steadier than a ratio of medians.
Prints, per file, the median over rounds of TNA native (and generic) / the
bare fib limit and / Linux forwarding."""
import json
import statistics
import sys

def main():
    print("{:>8} {:>6} {:>9} {:>9} {:>9} {:>9}  {:>11} {:>11} {:>11}".format(
        "routes", "runs", "linux", "generic", "native", "limit",
        "native/lim", "native/linux", "generic/lin"))
    for path in sys.argv[1:]:
        d = json.load(open(path))
        by = {r["config"]: r["mpps"] for r in d["results"]}
        lin, gen, nat, lim = (by.get(c, []) for c in
                              ("linux-router", "tna-router-generic", "tna-router-native", "xdp-fib-limit"))
        n = min(len(lin), len(gen), len(nat), len(lim))
        if not n:
            print(f"{path}: router rows missing", file=sys.stderr)
            continue
        rl = statistics.median(nat[i] / lim[i] for i in range(n))
        rn = statistics.median(nat[i] / lin[i] for i in range(n))
        rg = statistics.median(gen[i] / lin[i] for i in range(n))
        med = lambda v: statistics.median(v[:n])
        print("{:>8} {:>6} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f}  {:>10.0f}% {:>10.2f}x {:>10.2f}x".format(
            d.get("routes", "?"), n, med(lin), med(gen), med(nat), med(lim), rl * 100, rn, rg))

main()
