#!/usr/bin/python3
"""Router rows of bench/run.sh JSON results, as ratios computed per round.

usage: ratios.py [--pool] RESULTS.json...

bench/run.sh measures the configurations interleaved (A B C D A B C D ...),
so the runs with the same index were measured close together: on a shared
machine, the ratio within a round is steadier than a ratio of medians.
Prints, per file (the table of bench/router/routes.sh: family, routes,
neighbours, direct or full lookups), the median Mpps of Linux, TNA native,
xdp-forward (when measured) and the bare fib limit, then the medians over
rounds of TNA native / the limit, / Linux, / xdp-forward, and of the CPU
ns per frame of Linux, TNA native and the limit, Linux's over TNA's (how
many times TNA's cost Linux pays per frame: steadier than the Mpps ratio
on a busy machine) and TNA's minus the limit's in the same round (TNA's
work over a bare lookup + redirect; the generator's and the sink's share
cancels out).  --pool: one line per table, over the rounds of
all files with that table."""
import json
import statistics
import sys

COLS = ("linux-router", "tna-router-native", "xdp-forward", "xdp-fib-limit")


def aligned(r, key):
    """r[key] by round: a failed run (r["errors"], "run N: ...") is None,
    so that round i of every configuration stays round i."""
    failed = {int(e.split()[1].rstrip(":")) for e in r.get("errors") or []
              if e.startswith("run ")}
    vals, out = iter(r.get(key) or []), []
    for i in range(1, len(r.get(key) or []) + len(failed) + 1):
        out.append(None if i in failed else next(vals, None))
    return out


def rounds(path):
    d = json.load(open(path))
    by = {r["config"]: r for r in d["results"]}
    mpps = [aligned(by[c], "mpps") if c in by else [] for c in COLS]
    ns = [aligned(by[c], "cpu_ns") if c in by else [] for c in COLS]
    n = min(len(mpps[i]) for i in (0, 1, 3))
    table = "v{} {:>6}r {:>6}n {}".format(
        6 if d.get("ipv6") else 4, d.get("routes", "10"), d.get("neigh", "0"),
        d.get("fib", "direct"))
    return table, [(tuple(c[i] if i < len(c) else None for c in mpps),
                    tuple(c[i] if i < len(c) else None for c in ns)) for i in range(n)]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def main():
    args = sys.argv[1:]
    pool = "--pool" in args
    files = [a for a in args if a != "--pool"]
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    fmt = "{:<24} {:>3} {:>6} {:>6} {:>6} {:>6}  {:>6} {:>7} {:>7}  {:>6} {:>6} {:>6} {:>6} {:>6}"
    print(fmt.format("table", "rds", "linux", "tna", "xdpfwd", "limit", "%limit",
                     "x linux", "x xdpfw", "lin ns", "tna ns", "lim ns", "lin/tn", "ns>lim"))
    groups = {}
    for path in files:
        table, rs = rounds(path)
        if not rs:
            print(f"{path}: router rows missing", file=sys.stderr)
            continue
        groups.setdefault(table if pool else path, (table, []))[1].extend(rs)
    for key, (table, rs) in groups.items():
        m = lambda i: med(r[0][i] for r in rs)
        ratio = lambda a, b: med(r[0][a] / r[0][b] if r[0][a] and r[0][b] else None for r in rs)
        ns = lambda i: med(r[1][i] for r in rs)
        dns = med(r[1][1] - r[1][3] if r[1][1] and r[1][3] else None for r in rs)
        lin = med(r[1][0] / r[1][1] if r[1][0] and r[1][1] else None for r in rs)
        f = lambda v, spec: "-" if v is None else format(v, spec)
        print(fmt.format(table, len(rs), f(m(0), ".3f"), f(m(1), ".3f"), f(m(2), ".3f"),
                         f(m(3), ".3f"), f(ratio(1, 3) and ratio(1, 3) * 100, ".0f"),
                         f(ratio(1, 0), ".2f"), f(ratio(1, 2), ".2f"),
                         f(ns(0), ".0f"), f(ns(1), ".0f"), f(ns(3), ".0f"),
                         f(lin, ".2f"), f(dns, "+.0f")))
    return 0


sys.exit(main())
