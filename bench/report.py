#!/usr/bin/python3
"""Turn bench/run.sh's raw results into the table, the JSON and the plot.

usage: report.py RESULTS.tsv JSON_FILE|'' PLOT_FILE|'' CONFIG...
RESULTS.tsv lines: config macs ports cpus size run (mpps_received mpps_sent [cpu_ns] | ERR reason)
Run metadata comes from BENCH_* environment variables.
"""
import json
import os
import statistics
import subprocess
import sys

BASE, LIMIT, FDB_LIMIT = "linux-bridge", "xdp-limit", "xdp-fdb-limit"


def main():
    res, json_file, plot_file, configs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    rows, errors = {}, []
    for line in open(res):
        cfg, macs, ports, cpus, size, run, val = line.rstrip("\n").split("\t", 6)
        key = (int(macs), int(ports), int(cpus), int(size))
        r = rows.setdefault((cfg, key), {"mpps": [], "sent": [], "cpu_ns": [], "errors": []})
        if val.startswith("ERR"):
            r["errors"].append(f"run {run}: {val[4:]}")
            errors.append(f"{cfg} macs={macs} ports={ports} cpus={cpus} size={size} run {run}: {val[4:]}")
        else:
            got, sent, *cpu = val.split()
            r["mpps"].append(float(got))
            r["sent"].append(float(sent))
            r["cpu_ns"] += [float(c) for c in cpu]

    scales = sorted({k for _, k in rows})
    out = []
    for key in scales:
        med = {}
        for cfg in configs:
            r = rows.get((cfg, key))
            if r and r["mpps"]:
                med[cfg] = statistics.median(r["mpps"])
        for cfg in configs:
            r = rows.get((cfg, key))
            if not r:
                continue
            m = med.get(cfg)
            out.append({
                "config": cfg, "macs": key[0], "ports": key[1], "cpus": key[2], "size": key[3],
                "mpps": r["mpps"], "sent_mpps": r["sent"],
                "median": m,
                "min": min(r["mpps"]) if r["mpps"] else None,
                "max": max(r["mpps"]) if r["mpps"] else None,
                "vs_bridge": m / med[BASE] if m is not None and med.get(BASE) else None,
                "vs_limit": m / med[LIMIT] if m is not None and med.get(LIMIT) else None,
                "vs_fdb_limit": m / med[FDB_LIMIT] if m is not None and med.get(FDB_LIMIT) else None,
                "cpu_ns": r["cpu_ns"],
                "cpu_ns_median": statistics.median(r["cpu_ns"]) if r["cpu_ns"] else None,
                "errors": r["errors"],
            })

    fmt = "{:<20} {:>6} {:>5} {:>4} {:>5} {:>9} {:>15} {:>8} {:>7} {:>7} {:>8} {:>9}"
    print()
    print(fmt.format("config", "macs", "ports", "cpus", "size", "Mpps", "min-max",
                     "x bridge", "% limit", "% 2-lkp", "CPU ns", "sent Mpps"))
    print("-" * 116)
    last = None
    for o in out:
        key = (o["macs"], o["ports"], o["cpus"], o["size"])
        if last is not None and key != last:
            print()
        last = key
        f = lambda v, s: "-" if v is None else s.format(v)
        print(fmt.format(o["config"], o["macs"], o["ports"], o["cpus"], o["size"],
                         f(o["median"], "{:.3f}"),
                         "-" if o["min"] is None else f"{o['min']:.3f}-{o['max']:.3f}",
                         f(o["vs_bridge"], "{:.2f}x"),
                         f(o["vs_limit"] and o["vs_limit"] * 100, "{:.0f}%"),
                         f(o["vs_fdb_limit"] and o["vs_fdb_limit"] * 100, "{:.0f}%"),
                         f(o["cpu_ns_median"], "{:.0f}"),
                         f(statistics.median(o["sent_mpps"]) if o["sent_mpps"] else None, "{:.3f}")))
    print()
    print(f"Mpps = median of {os.environ.get('BENCH_RUNS')} runs received by the sink; "
          f"x bridge / % limit / % 2-lkp: vs {BASE} / {LIMIT} / {FDB_LIMIT} at the same scale, "
          "same run; CPU ns: CPU time per frame received (median), the whole path "
          "(generator, DUT, sink) on the generator's CPUs")
    for e in errors:
        print(f"ERROR {e}")

    if json_file:
        meta = {k[6:].lower(): v for k, v in os.environ.items() if k.startswith("BENCH_")}
        meta["ipv6"] = meta.get("ipv6") == "1"
        for k in ("ncpu", "runs", "flows", "batch"):
            meta[k] = int(meta[k]) if k in meta else None
        meta["size"] = [int(z) for z in meta["size"].split(",")] if "size" in meta else None
        for k in ("duration", "warmup"):
            meta[k] = float(meta[k]) if k in meta else None
        doc = dict(meta, baseline=BASE, limit=LIMIT, fdb_limit=FDB_LIMIT, configs=configs, results=out)
        text = json.dumps(doc, indent=1) + "\n"
        if json_file == "-":
            sys.stdout.write(text)
        else:
            with open(json_file, "w") as fh:
                fh.write(text)
    if plot_file:
        plot(out, configs, scales, plot_file)
    return 1 if errors else 0


def plot(out, configs, scales, path):
    """Clustered bars: one cluster per scale, one bar per configuration."""
    by = {(o["config"], (o["macs"], o["ports"], o["cpus"], o["size"])): o for o in out}
    dat = path + ".dat"
    with open(dat, "w") as fh:
        for key in scales:
            fields = [f'"{key[0]} MACs\\n{key[1]} port{"s" if key[1] > 1 else ""}\\n'
                      f'{key[2]} CPU{"s" if key[2] > 1 else ""}\\n{key[3]} B"']
            for cfg in configs:
                o = by.get((cfg, key))
                if o and o["median"] is not None:
                    fields += [f"{o['median']:.4f}", f"{o['min']:.4f}", f"{o['max']:.4f}"]
                else:
                    fields += ["-", "-", "-"]
            fh.write(" ".join(fields) + "\n")
    title = (f"Mpps received (median, min-max) - {os.environ.get('BENCH_KERNEL', '')}, "
             f"{os.environ.get('BENCH_SIZE', '')} B IPv{'6' if os.environ.get('BENCH_IPV6') == '1' else '4'} frames, "
             f"{os.environ.get('BENCH_RUNS', '')} run(s)")
    cmds = [
        f'set terminal pngcairo size {min(1600, max(800, 170 * len(scales) + 320))},520 font "sans,10"' ,
        f'set output "{path}"',
        f'set title "{title}"',
        'set ylabel "Mpps"', 'set yrange [0:*]', 'set grid ytics',
        'set style data histogram',
        'set style histogram errorbars gap 2 lw 1',
        'set style fill solid 0.8 border -1', 'set boxwidth 0.9',
        'set key outside right top', 'set datafile missing "-"', 'set bmargin 5',
    ]
    parts = []
    for i, cfg in enumerate(configs):
        c = 2 + 3 * i
        parts.append(f'"{dat}" using {c}:{c+1}:{c+2}' + (":xtic(1)" if i == 0 else "") +
                     f' title "{cfg}"')
    cmds.append("plot " + ", ".join(parts))
    try:
        subprocess.run(["gnuplot"], input="\n".join(cmds) + "\n", text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"bench: gnuplot failed: {e}", file=sys.stderr)
    finally:
        os.unlink(dat)


if __name__ == "__main__":
    sys.exit(main())
