#!/usr/bin/python3
"""The FDB modes' ratios from bench/vm_fdb_modes.sh's JSON (bench/run.sh's).

usage: vm_fdb_ratios.py RESULTS.json

Under TCG absolute rates mean nothing; ratios within one round (the
configurations measured one after the other, A B C A B C ...) do.  For
every scale prints, per configuration, the median over rounds of its Mpps
over each reference's in the same round: Linux (linux-bridge-nf0), the
mirror (tna-mirror), the limit with two FDB lookups (xdp-fdb-limit) and
the bare redirect (xdp-limit); then its median CPU ns per frame over the
bare redirect's (the whole path's CPU time, generator and sink included)."""
import json
import statistics
import sys

REFS = ("linux-bridge-nf0", "tna-mirror", "xdp-fdb-limit", "xdp-limit")


def per_round(a, b):
    n = min(len(a), len(b))
    return statistics.median(a[i] / b[i] for i in range(n)) if n else None


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = json.load(open(sys.argv[1]))
    by = {(r["config"], r["macs"], r["ports"], r["cpus"], r["size"]): r for r in d["results"]}
    fmt = "{:>6} {:>5}  {:<17} {:>6}" + " {:>9}" * (len(REFS) + 1)
    print(fmt.format("macs", "size", "config", "rounds", "x linux", "x mirror", "x 2-lkp",
                     "x limit", "cpu/limit"))
    for s in sorted({k[1:] for k in by}):
        for c in d["configs"]:
            r = by.get((c,) + s)
            if not r or not r["mpps"]:
                continue
            out = []
            for ref in REFS:
                q = by.get((ref,) + s)
                v = per_round(r["mpps"], q["mpps"]) if q and ref != c else None
                out.append(f"{v:.2f}" if v else "-")
            q = by.get(("xdp-limit",) + s)
            v = per_round(r["cpu_ns"], q["cpu_ns"]) if q and c != "xdp-limit" else None
            out.append(f"{v:.2f}" if v else "-")
            print(fmt.format(s[0], s[3], c, len(r["mpps"]), *out))
        print()
    return 0


sys.exit(main())
