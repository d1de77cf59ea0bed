#!/usr/bin/env python3
"""Charts a soak run's samples (bench/soak-sample.sh) as one self-contained HTML page of inline SVG,
with the least-squares slope per hour and its t statistic of each series (the test the node and the
load generator use: significant when |t| > 3 over at least 30 samples). Screenshot it to a PNG with
  chromium --headless --screenshot=soak.png --window-size=1100,900 file://$PWD/soak.html
Usage: bench/soak-chart.py samples.txt soak.html [TITLE]"""
import math
import sys

SERIES = [(1, "heap after GC", 1 / 2**20, "MiB"), (2, "RSS", 1 / 2**20, "MiB"),
          (3, "open HTTP connections", 1, ""), (4, "PostgreSQL connections leased", 1, ""),
          (5, "load average (1 min, machine)", 1, "")]


def fit(xs, ys):
    n = len(xs)
    if n < 3:
        return float("nan"), float("nan")
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    if sxx == 0:
        return float("nan"), float("nan")
    slope = sxy / sxx
    b = my - slope * mx
    sse = sum((y - (b + slope * x)) ** 2 for x, y in zip(xs, ys))
    se = math.sqrt(sse / (n - 2) / sxx)
    t = (0.0 if slope == 0 else math.copysign(math.inf, slope)) if se == 0 else slope / se
    return slope, t


def chart(xs, ys, title, unit, slope, t):
    w, h, pad = 1000, 150, 50
    lo, hi = min(ys), max(ys)
    if hi == lo:
        hi = lo + 1
    x0, x1 = xs[0], xs[-1]
    pts = " ".join(f"{pad + (x - x0) / max(1e-9, x1 - x0) * (w - 2 * pad):.1f},"
                   f"{h - 20 - (y - lo) / (hi - lo) * (h - 40):.1f}" for x, y in zip(xs, ys))
    sig = "significant" if len(xs) >= 30 and abs(t) > 3 else "not significant"
    label = (f"{title}: {ys[0]:.1f} -> {ys[-1]:.1f} {unit}, slope {slope * 3600:+.2f} {unit}/h, "
             f"t = {t:.1f} ({sig}, {len(xs)} samples)")
    return (f'<h3>{label}</h3><svg width="{w}" height="{h}" style="background:#fafafa">'
            f'<text x="4" y="16" font-size="11">{hi:.1f}</text><text x="4" y="{h - 22}" font-size="11">{lo:.1f}</text>'
            f'<text x="{w - 60}" y="{h - 4}" font-size="11">{(x1 - x0) / 60:.0f} min</text>'
            f'<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="{pts}"/></svg>')


def main():
    rows = []
    for line in open(sys.argv[1]):
        f = line.split()
        if len(f) == 6:
            rows.append([float(v) for v in f])
    title = sys.argv[3] if len(sys.argv) > 3 else "Soak run"
    parts = [f"<!doctype html><meta charset=utf-8><title>{title}</title>"
             f"<body style='font-family:sans-serif;margin:16px'><h2>{title}</h2>"]
    for col, name, scale, unit in SERIES:
        pairs = [(r[0], r[col] * scale) for r in rows if not math.isnan(r[col])]
        if len(pairs) < 3:
            continue
        xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
        slope, t = fit(xs, ys)
        parts.append(chart(xs, ys, name, unit, slope, t))
        print(f"{name}: slope {slope * 3600:+.3f} {unit}/h, t {t:.2f}, n {len(xs)}")
    open(sys.argv[2], "w").write("\n".join(parts) + "</body>")


main()
