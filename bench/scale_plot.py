#!/usr/bin/python3
"""SVG plot of a bench/run.sh --scale JSON: CPU ns per frame received
(median over rounds) against the number of MACs, one line per
configuration, one panel per CPU count.  CPU ns is the steadier figure on a
shared machine (it counts only the time the path got); lower is better.
Written directly as SVG: no plotting package needed.

usage: scale_plot.py RESULTS.json OUT.svg [CONFIG...]"""
import json
import sys

COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]
W, H, PAD_L, PAD_R, PAD_T, PAD_B = 460, 340, 60, 20, 40, 50


def panel(rows, configs, cpus, x0, ymax):
    macs = sorted({r["macs"] for r in rows})
    pw, ph = W - PAD_L - PAD_R, H - PAD_T - PAD_B
    X = lambda i: x0 + PAD_L + (pw * i / max(1, len(macs) - 1))
    Y = lambda v: PAD_T + ph - ph * v / ymax
    out = [f'<text x="{x0 + W / 2}" y="22" text-anchor="middle" font-weight="bold">'
           f'{cpus} CPU{"s" if cpus > 1 else ""}</text>']
    step = 200 if ymax > 1000 else 100
    for v in range(0, int(ymax) + 1, step):
        out.append(f'<line x1="{x0 + PAD_L}" x2="{x0 + W - PAD_R}" y1="{Y(v):.1f}" y2="{Y(v):.1f}" '
                   'stroke="#ddd"/>')
        out.append(f'<text x="{x0 + PAD_L - 6}" y="{Y(v) + 4:.1f}" text-anchor="end">{v}</text>')
    for i, m in enumerate(macs):
        out.append(f'<text x="{X(i):.1f}" y="{H - PAD_B + 18}" text-anchor="middle">{m:,}</text>')
    out.append(f'<text x="{x0 + W / 2}" y="{H - 12}" text-anchor="middle">MACs (pairs cycling)</text>')
    out.append(f'<text transform="translate({x0 + 14},{PAD_T + ph / 2}) rotate(-90)" '
               'text-anchor="middle">CPU ns per frame</text>')
    for c, cfg in enumerate(configs):
        pts = []
        for i, m in enumerate(macs):
            r = next((r for r in rows if r["config"] == cfg and r["macs"] == m), None)
            if r and r.get("cpu_ns_median") is not None:
                pts.append((X(i), Y(r["cpu_ns_median"])))
        col = COLOURS[c % len(COLOURS)]
        if pts:
            out.append(f'<polyline fill="none" stroke="{col}" stroke-width="2" points="'
                       + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
            out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{col}"/>' for x, y in pts]
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    d = json.load(open(sys.argv[1]))
    configs = sys.argv[3:] or d["configs"]
    rows = [r for r in d["results"] if r["config"] in configs and r["ports"] == 1]
    cpus = sorted({r["cpus"] for r in rows})
    if not rows:
        print("scale_plot: no results", file=sys.stderr)
        return 1
    top = max(r["cpu_ns_median"] or 0 for r in rows)
    ymax = (int(top / 200) + 1) * 200
    legend_h = 20 * len(configs) + 10
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W * len(cpus)}" '
           f'height="{H + legend_h + 20}" font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>']
    for k, c in enumerate(cpus):
        svg += panel([r for r in rows if r["cpus"] == c], configs, c, W * k, ymax)
    for c, cfg in enumerate(configs):
        y = H + 10 + 20 * c
        svg.append(f'<line x1="{PAD_L}" x2="{PAD_L + 24}" y1="{y}" y2="{y}" '
                   f'stroke="{COLOURS[c % len(COLOURS)]}" stroke-width="3"/>')
        svg.append(f'<text x="{PAD_L + 30}" y="{y + 4}">{cfg}</text>')
    when = d.get("date", "")
    svg.append(f'<text x="{W * len(cpus) - 10}" y="{H + legend_h + 10}" text-anchor="end" '
               f'fill="#555">{when}, {d.get("kernel", "")}, load {d.get("loadavg_start", "")}'
               f' .. {d.get("loadavg_end", "")}, 64 B frames</text>')
    svg.append("</svg>")
    with open(sys.argv[2], "w") as fh:
        fh.write("\n".join(svg) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
