#!/usr/bin/env python3
"""Every method unroll backtests, beside R's, on the forecasting development suite.

usage: compare.py OUTDIR [BASELINES_CSV]

OUTDIR is what ../shared/forecast/run.sh wrote (its unroll/ and unroll_h/ folders of `unroll backtest --json`);
BASELINES_CSV defaults to ../shared/forecast/baselines.csv next to this checkout (R 4.2, forecast 8.20).

Prints, per method, over the suite's single series (the panel is left out, as run.sh does):
  series  - series the method forecast (R's snaive only on seasonal ones)
  gm      - geometric mean over those series of MASE / naive MASE (one step ahead; lower is better)
  wins    - series where it had the lowest one-step MASE of unroll's methods (R's rows: among R's methods)
  cov80, cov95 - share of all their test points inside the 80% / 95% intervals
  msis    - geometric mean of msis_95 / naive's msis_95 (R's naive interval, as run.sh)
  gm_h    - as gm, for the rolling h-step forecasts (unroll_h/)
and then unroll's seasonal naive, Theta and ETS against R's on the same series: the ratio of their geometric-mean
MASE ratios, and the coverage difference in points.
"""
import csv
import json
import math
import os
import sys

UNROLL = ["model", "network", "naive", "seasonal_naive", "drift", "moving_average", "theta", "ets"]
R = {"naive": "naive", "snaive": "seasonal_naive", "ets": "ets", "arima": None, "theta": "theta"}


def num(v):
    try:
        v = float(v)
        return v if math.isfinite(v) else None
    except (TypeError, ValueError):
        return None


def gm(values):
    values = [v for v in values if v is not None and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def load(path):
    try:
        with open(path) as f:
            js = json.load(f)
        return js["series"][0] if js.get("series") else None
    except (OSError, ValueError, KeyError):
        return None


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    base = sys.argv[2] if len(sys.argv) == 3 else os.path.join(here, "..", "..", "..", "shared", "forecast", "baselines.csv")
    rows = [r for r in csv.DictReader(open(base)) if ":" not in r["series"]]
    table = {}
    for r in rows:
        u = load(os.path.join(out, "unroll", r["series"] + ".json"))
        uh = load(os.path.join(out, "unroll_h", r["series"] + ".json"))
        if u is None:
            continue
        points = int(r["test_points"])
        naive = num(u["naive"]["mase"])
        naive_h = num((uh or {}).get("naive", {}).get("mase"))
        r_naive_msis = num(r["msis_95_naive"])
        entry = {}
        for m in UNROLL:
            e = u.get(m) or {}
            if num(e.get("mase")) is None:
                continue
            eh = (uh or {}).get(m) or {}
            entry["u:" + m] = {
                "ratio": num(e["mase"]) / naive if naive else None,
                "ratio_h": num(eh.get("mase")) / naive_h if naive_h and num(eh.get("mase")) is not None else None,
                "cov80": num(e.get("coverage_80")), "cov95": num(e.get("coverage_95")), "points": points,
                "msis": num(e.get("msis_95")) / r_naive_msis if r_naive_msis and num(e.get("msis_95")) is not None else None,
                "mase": num(e["mase"]),
            }
        for k in R:
            if num(r.get("mase_" + k)) is None:
                continue
            entry["R:" + k] = {
                "ratio": num(r["mase_" + k]) / num(r["mase_naive"]),
                "ratio_h": num(r.get("mase_h_" + k)) / num(r["mase_h_naive"]) if num(r.get("mase_h_" + k)) is not None and num(r.get("mase_h_naive")) else None,
                "cov80": num(r.get("coverage_80_" + k)), "cov95": num(r.get("coverage_95_" + k)), "points": points,
                "msis": num(r.get("msis_95_" + k)) / r_naive_msis if r_naive_msis and num(r.get("msis_95_" + k)) is not None else None,
                "mase": num(r["mase_" + k]),
            }
        table[r["series"]] = entry

    def wins(prefix):
        counts = {}
        for entry in table.values():
            cands = {k: v["mase"] for k, v in entry.items() if k.startswith(prefix) and v["mase"] is not None}
            if cands:
                best = min(cands, key=cands.get)
                counts[best] = counts.get(best, 0) + 1
        return counts

    won = {**wins("u:"), **wins("R:")}
    print(f"{'method':24} {'series':>6} {'gm':>7} {'wins':>5} {'cov80':>6} {'cov95':>6} {'msis':>6} {'gm_h':>7}")
    keys = ["u:" + m for m in UNROLL] + ["R:" + k for k in R]
    for key in keys:
        vals = [e[key] for e in table.values() if key in e]
        if not vals:
            continue
        pts = sum(v["points"] for v in vals if v["cov80"] is not None)
        cov = lambda f: (sum(v[f] * v["points"] for v in vals if v[f] is not None) / pts) if pts else None
        fmt = lambda x, w=6, d=3: f"{x:{w}.{d}f}" if x is not None else f"{'–':>{w}}"
        label = ("unroll " if key.startswith("u:") else "R ") + key[2:]
        print(f"{label:24} {len(vals):6d} {fmt(gm(v['ratio'] for v in vals), 7)} {won.get(key, 0):5d} {fmt(cov('cov80'))} {fmt(cov('cov95'))} "
              f"{fmt(gm(v['msis'] for v in vals))} {fmt(gm(v['ratio_h'] for v in vals), 7)}")

    print("\nunroll against R on the same series (gm ratio: unroll's / R's geometric-mean MASE ratio; coverage in points):")
    for r_key, u_key in R.items():
        if u_key is None:
            continue
        pairs = [(e["u:" + u_key], e["R:" + r_key]) for e in table.values() if "u:" + u_key in e and "R:" + r_key in e]
        if not pairs:
            continue
        ratio = gm(u["ratio"] for u, _ in pairs) / gm(r["ratio"] for _, r in pairs)
        def pooled(side, f):
            pts = sum(p[side]["points"] for p in pairs if p[side][f] is not None)
            return sum(p[side][f] * p[side]["points"] for p in pairs if p[side][f] is not None) / pts if pts else float("nan")
        d80 = 100 * (pooled(0, "cov80") - pooled(1, "cov80"))
        d95 = 100 * (pooled(0, "cov95") - pooled(1, "cov95"))
        worst = max(pairs, key=lambda p: abs(math.log(p[0]["ratio"] / p[1]["ratio"])))
        name = [s for s, e in table.items() if e.get("u:" + u_key) is worst[0]][0]
        print(f"  {u_key:16} {len(pairs):3d} series: gm ratio {ratio:.4f} ({100 * (ratio - 1):+.2f}%), coverage 80% {d80:+.1f}, 95% {d95:+.1f} points; "
              f"largest per-series difference {name} ({worst[0]['mase']:.4f} vs {worst[1]['mase']:.4f})")


if __name__ == "__main__":
    main()
