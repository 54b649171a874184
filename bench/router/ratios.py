#!/usr/bin/python3
"""Router rows of bench/run.sh JSON results, as ratios computed per round.

usage: ratios.py [--pool] RESULTS.json...

bench/run.sh measures the configurations interleaved (A B C D A B C D ...),
so the runs with the same index were measured close together: on a shared
machine, the ratio within a round is steadier than a ratio of medians.
Prints, per file, the median over rounds of TNA native (and generic) / the
bare fib limit and / Linux forwarding.  --pool: one line per route count,
over the rounds of all files with that count."""
import json
import statistics
import sys

def rounds(path):
    d = json.load(open(path))
    by = {r["config"]: r["mpps"] for r in d["results"]}
    cols = [by.get(c, []) for c in
            ("linux-router", "tna-router-generic", "tna-router-native", "xdp-fib-limit")]
    n = min(len(c) for c in cols)
    return str(d.get("routes", "?")), [tuple(c[i] for c in cols) for i in range(n)]


def main():
    args = sys.argv[1:]
    pool = "--pool" in args
    files = [a for a in args if a != "--pool"]
    print("{:>8} {:>6} {:>9} {:>9} {:>9} {:>9}  {:>11} {:>11} {:>11}".format(
        "routes", "rounds", "linux", "generic", "native", "limit",
        "native/lim", "native/linux", "generic/lin"))
    groups = {}
    for path in files:
        routes, rs = rounds(path)
        if not rs:
            print(f"{path}: router rows missing", file=sys.stderr)
            continue
        key = routes if pool else path
        groups.setdefault(key, (routes, []))[1].extend(rs)
    for key, (routes, rs) in groups.items():
        med = lambda i: statistics.median(r[i] for r in rs)
        ratio = lambda a, b: statistics.median(r[a] / r[b] for r in rs)
        print("{:>8} {:>6} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f}  {:>10.0f}% {:>10.2f}x {:>10.2f}x".format(
            routes, len(rs), med(0), med(1), med(2), med(3),
            ratio(2, 3) * 100, ratio(2, 0), ratio(1, 0)))


main()
