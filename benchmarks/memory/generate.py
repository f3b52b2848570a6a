#!/usr/bin/env python3
"""Writes a long-format OHLCV CSV for the memory benchmark: SERIES series x DAYS business days each,
symbol,date,open,high,low,close,volume, one series after another, prices a seeded random walk.

usage: generate.py PATH [SERIES] [DAYS] [SEED]      (defaults: 5000 series, 5000 days, seed 1)
5000 x 5000 gives 25 million rows, about 1.3 GB."""
import datetime
import random
import sys


def business_days(count):
    day, days = datetime.date(2000, 1, 3), []
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day.isoformat())
        day += datetime.timedelta(days=1)
    return days


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    series = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    days = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    dates = business_days(days)
    with open(path, "w", buffering=1 << 22) as out:
        out.write("symbol,date,open,high,low,close,volume\n")
        for k in range(series):
            symbol = f"S{k:05d}"
            price = rng.uniform(10, 500)
            gauss, uniform = rng.gauss, rng.random
            lines = []
            for date in dates:
                open_ = price
                price = max(0.5, price * (1 + gauss(0, 0.02)))
                spread = price * 0.01 * uniform()
                high = max(open_, price) + spread
                low = max(0.01, min(open_, price) - spread)
                lines.append(f"{symbol},{date},{open_:.2f},{high:.2f},{low:.2f},{price:.2f},{int(1e5 + 9e5 * uniform())}\n")
            out.write("".join(lines))


if __name__ == "__main__":
    main()
