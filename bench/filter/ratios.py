#!/usr/bin/python3
"""Netfilter rows of bench/run.sh JSON results, as ratios computed per round.

usage: ratios.py RESULTS.json...

The configurations are measured interleaved (A B C ... A B C ...), so runs
with the same index ran close together: on a shared machine the ratio
within a round is steadier than a ratio of medians.  Prints the median
Mpps of each row, then the median over rounds of each ratio below (rounds
where either side is missing or 0 are left out, and counted)."""
import json
import statistics
import sys

PAIRS = [
    ("tna-nft-native", "linux-nft", "typical ruleset: TNA native / Linux"),
    ("tna-nft-generic", "linux-nft", "typical ruleset: TNA generic / Linux"),
    ("tna-nft-native", "xdp-fib-limit", "typical ruleset: TNA native / bare fib limit"),
    ("tna-nft-native", "tna-router-native", "typical ruleset: TNA native / TNA router without it"),
    ("tna-ct-nocsum-native", "tna-router-native", "ct lookup (no checksum) / TNA router"),
    ("tna-ct-native", "tna-router-native", "ct lookup + checksum / TNA router"),
    ("linux-nft", "linux-router", "Linux: typical ruleset / plain forwarding"),
]


def main():
    files = sys.argv[1:]
    if not files:
        sys.exit(__doc__)
    rows = {}
    for path in files:
        d = json.load(open(path))
        for r in d["results"]:
            # a failed run has no figure, only an error "run N: ...": put
            # None in its place so the rounds stay aligned
            failed = {int(e.split()[1].rstrip(":")) for e in r["errors"]}
            got = iter(r["mpps"])
            rows.setdefault(r["config"], []).extend(
                None if i in failed else next(got) for i in range(1, d["runs"] + 1))
    print("{:<22} {:>6} {:>9}".format("config", "rounds", "Mpps p50"))
    for name, runs in rows.items():
        ok = [x for x in runs if x]
        print("{:<22} {:>6} {:>9.3f}".format(name, len(ok), statistics.median(ok) if ok else 0))
    print()
    for a, b, what in PAIRS:
        if a not in rows or b not in rows:
            continue
        pairs = [(x, y) for x, y in zip(rows[a], rows[b]) if x and y]
        if not pairs:
            continue
        r = sorted(x / y for x, y in pairs)
        print("{:<52} {:>6.2f}x  (rounds {}, middle half {:.2f}-{:.2f})".format(
            what, statistics.median(r), len(r), r[len(r) // 4], r[(3 * len(r)) // 4]))


main()
