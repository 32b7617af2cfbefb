#!/usr/bin/env python3
"""Draws one drift episode from a gateway's ledger as an SVG that a person can read.

    vigil audit export --data-dir DATA > export.jsonl
    python3 docs/drift-episode.py export.jsonl docs/drift-episode.svg [MODEL]

Per closed monitoring window (the `monitoring.window` events): the positive rate with its 99%
control limits, the largest PSI of a feature and of the score, and the safety level as a band.
Standard library only.
"""
import json
import sys

LEVEL_COLOUR = {"normal": "#e8f5e9", "warn": "#fff8e1", "alert": "#ffe0b2", "suspend": "#ffcdd2"}


def windows(path, model):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            event = json.loads(line).get("entry", {}).get("event")
            if not event or event["type"] != "monitoring.window":
                continue
            d = event["details"]
            if model and d["model_id"] != model:
                continue
            psi = max([x["psi"] for x in d["drifting"]] + [0.0])
            out.append((d["window"], d["level"], d["positive_rate"], d["positive_limits"], psi, d["score_psi"]))
    return out


def svg(ws, title):
    w, h, left, right, top = 900, 420, 60, 20, 40
    panel = 150
    n = len(ws)
    x = lambda i: left + (w - left - right) * (i + 0.5) / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
        f'<text x="{left}" y="20" font-size="14" font-weight="bold">{title}</text>',
    ]
    step = (w - left - right) / n
    for i, (_, level, *_rest) in enumerate(ws):
        parts.append(f'<rect x="{left + i * step:.1f}" y="{top}" width="{step:.1f}" height="{2 * panel + 30}" fill="{LEVEL_COLOUR.get(level, "#eee")}"/>')

    def axis(y0, label, ymax, ticks):
        parts.append(f'<text x="10" y="{y0 - panel / 2}" transform="rotate(-90 10 {y0 - panel / 2})">{label}</text>')
        for t in ticks:
            yy = y0 - panel * t / ymax
            parts.append(f'<line x1="{left}" x2="{w - right}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#ccc"/>')
            parts.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{t:g}</text>')

    # Panel 1: positive rate and its limits.
    y0 = top + panel
    axis(y0, "positive rate", 1.0, [0, 0.25, 0.5, 0.75, 1.0])
    lo = " ".join(f"{x(i):.1f},{y0 - panel * v[3][0]:.1f}" for i, v in enumerate(ws))
    hi = " ".join(f"{x(i):.1f},{y0 - panel * v[3][1]:.1f}" for i, v in enumerate(ws))
    pr = " ".join(f"{x(i):.1f},{y0 - panel * v[2]:.1f}" for i, v in enumerate(ws))
    parts.append(f'<polyline points="{lo}" fill="none" stroke="#888" stroke-dasharray="4 3"/>')
    parts.append(f'<polyline points="{hi}" fill="none" stroke="#888" stroke-dasharray="4 3"/>')
    parts.append(f'<polyline points="{pr}" fill="none" stroke="#1565c0" stroke-width="2"/>')
    # Panel 2: the largest PSI among drifting features, and the score's PSI.
    y1 = top + 2 * panel + 20
    pmax = max(1.0, max(max(v[4], v[5]) for v in ws))
    axis(y1, "PSI", pmax, [0, 0.25, 0.5, 1.0] + ([pmax] if pmax > 1.0 else []))
    fp = " ".join(f"{x(i):.1f},{y1 - panel * v[4] / pmax:.1f}" for i, v in enumerate(ws))
    sp = " ".join(f"{x(i):.1f},{y1 - panel * v[5] / pmax:.1f}" for i, v in enumerate(ws))
    parts.append(f'<polyline points="{fp}" fill="none" stroke="#6a1b9a" stroke-width="2"/>')
    parts.append(f'<polyline points="{sp}" fill="none" stroke="#2e7d32" stroke-width="2" stroke-dasharray="6 3"/>')
    for i, v in enumerate(ws):
        if i % 5 == 0:
            parts.append(f'<text x="{x(i):.1f}" y="{y1 + 16}" text-anchor="middle">{v[0]}</text>')
    parts.append(f'<text x="{(w) / 2}" y="{h - 8}" text-anchor="middle">window (500 rows each)</text>')
    lx = w - 330
    legend = [
        ("#1565c0", "positive rate", ""),
        ("#888", "99% control limits", "4 3"),
        ("#6a1b9a", "largest PSI of a drifting feature", ""),
        ("#2e7d32", "PSI of the score", "6 3"),
    ]
    for j, (c, t, dash) in enumerate(legend):
        yy = top + 14 + 16 * j
        parts.append(f'<line x1="{lx}" x2="{lx + 24}" y1="{yy - 4}" y2="{yy - 4}" stroke="{c}" stroke-width="2" stroke-dasharray="{dash}"/>')
        parts.append(f'<text x="{lx + 30}" y="{yy}">{t}</text>')
    for j, (level, c) in enumerate(LEVEL_COLOUR.items()):
        parts.append(f'<rect x="{lx + 70 * j}" y="{top + 82}" width="14" height="10" fill="{c}" stroke="#999"/>')
        parts.append(f'<text x="{lx + 18 + 70 * j}" y="{top + 91}">{level}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    ws = windows(sys.argv[1], sys.argv[3] if len(sys.argv) > 3 else None)
    if not ws:
        sys.exit("no monitoring.window events in " + sys.argv[1])
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(svg(ws, "wdbc-malignancy: calm traffic, then malignant cases at 60% (window 21) and 85% (window 41)"))
    for v in ws:
        print(f"window {v[0]:3d}  {v[1]:8s} positive {v[2]:.3f} limits [{v[3][0]:.3f}, {v[3][1]:.3f}]  max feature PSI {v[4]:.3f}  score PSI {v[5]:.3f}")


if __name__ == "__main__":
    main()
