"""``python -m bench.forecast``: the forecast's error on a simulated history whose arrival rates
are known (bench/history.py), through the real store (a SQLite file with the real schema).

For every open day of the back-test weeks, the forecast of each field × half-hour is made from
the weeks before it, as the server makes it, and compared with

- the *true rate* the history was drawn from: MAE, MAPE (per half-hour, open half-hours only)
  and the bias (mean signed error / mean rate);
- the *realised* walk-ins of that day: MAE and WAPE (Σ|forecast − actual| / Σ actual; a
  half-hour's MAPE is undefined when nobody came), and the WAPE of the true rate itself (the
  Poisson noise of a single day, which no forecast can remove);
- the counters it asks for against those the true rate needs (same Erlang C, the true service
  times): the share of half-hours equal, and within one counter.

Figures are printed and written to ``bench/results/forecast-<date>.json``; docs/performance.md
("The forecast's error") quotes them.

    python -m bench.forecast                   # 16 weeks, back-test the last 8, weeks 2, 4, 8
    python -m bench.forecast --seed 3 --weeks 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import subprocess
import tempfile
import zoneinfo
from pathlib import Path
from typing import Any

from bench.history import SimulatedCentre
from queue_server.core.planning.erlang import counters_needed
from queue_server.core.planning.forecast import forecast, history_days
from queue_server.store.database import connect
from queue_server.store.history import walk_ins_by_slot
from queue_server.store.schema import migrate

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
FIRST = dt.date(2026, 6, 1)  # a Monday
TARGET_WAIT, LEVEL = 20, 80
RESULTS = Path(__file__).parent / "results"


def measure(db: Any, centre: SimulatedCentre, days: list[dt.date], weeks: int) -> dict[str, Any]:
    abs_rate, pct_rate, signed, rate_sum, abs_real, real_sum, oracle, cells = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0
    counters_equal = counters_near = 0
    services = list(centre.peak_rates)
    for day in days:
        history = walk_ins_by_slot(db, history_days(day, weeks), TZ)
        actual = walk_ins_by_slot(db, [day], TZ)[day]
        result = forecast(day, services, history, {}, weeks)
        for field in result.fields:
            minutes = centre.service_minutes[field.service]
            for slot in range(48):
                rate = centre.walk_in_rate(field.service, day, slot)
                if rate == 0:
                    continue
                guess = field.walk_in[slot]
                cells += 1
                abs_rate += abs(guess - rate)
                pct_rate += abs(guess - rate) / rate
                signed += guess - rate
                rate_sum += rate
                real = actual.get((field.service, slot), 0)
                abs_real += abs(guess - real)
                oracle += abs(rate - real)
                real_sum += real
                planned = counters_needed(guess, minutes, TARGET_WAIT, LEVEL)
                needed = counters_needed(rate, minutes, TARGET_WAIT, LEVEL)
                counters_equal += planned == needed
                counters_near += abs(planned - needed) <= 1
    mean_rate = rate_sum / cells
    return {
        "weeks": weeks,
        "half_hours": cells,
        "mean_rate": round(mean_rate, 2),
        "mae_vs_rate": round(abs_rate / cells, 3),
        "expected_mae_vs_rate": round(_expected_mae(centre, days, weeks) / cells, 3),
        "mape_vs_rate_percent": round(100 * pct_rate / cells, 1),
        "bias_percent": round(100 * signed / rate_sum, 2),
        "mae_vs_actual": round(abs_real / cells, 3),
        "wape_vs_actual_percent": round(100 * abs_real / real_sum, 1),
        "wape_of_true_rate_vs_actual_percent": round(100 * oracle / real_sum, 1),  # the part no forecast can remove
        "counters_equal_percent": round(100 * counters_equal / cells, 1),
        "counters_within_one_percent": round(100 * counters_near / cells, 1),
    }


def _expected_mae(centre: SimulatedCentre, days: list[dt.date], weeks: int) -> float:
    """Σ √(2/π) · √(λ/k): the mean absolute error of an average of k Poisson counts (normal approximation)."""
    return sum(
        math.sqrt(2 / math.pi) * math.sqrt(centre.walk_in_rate(s, d, slot) / weeks)
        for d in days
        for s in centre.peak_rates
        for slot in range(48)
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.forecast", description=__doc__.split("\n\n")[0])
    parser.add_argument("--history-weeks", type=int, default=16, help="weeks of simulated history (default 16)")
    parser.add_argument("--test-weeks", type=int, default=8, help="the last weeks forecast and compared (default 8)")
    parser.add_argument("--weeks", default="2,4,8", help="look-backs to compare (default 2,4,8; the server uses 4)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    centre = SimulatedCentre()
    last = FIRST + dt.timedelta(weeks=args.history_weeks, days=-1)
    rows = centre.tickets(FIRST, last, TZ, seed=args.seed)
    tested = [
        last - dt.timedelta(days=k) for k in range(7 * args.test_weeks) if (last - dt.timedelta(days=k)).weekday() < 6
    ]
    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "history.db")
        migrate(db)
        db["tickets"].insert_all(rows, batch_size=5000)
        results = [measure(db, centre, sorted(tested), int(w)) for w in args.weeks.split(",")]
        db.close()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
    report = {
        "date": dt.date.today().isoformat(),
        "commit": commit,
        "seed": args.seed,
        "history": {"first": FIRST.isoformat(), "last": last.isoformat(), "tickets": len(rows)},
        "tested_days": len(tested),
        "service_level": {"target_wait_minutes": TARGET_WAIT, "percent": LEVEL},
        "results": results,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"forecast-{report['date']}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"simulated history {FIRST} – {last}: {len(rows)} tickets; {len(tested)} days back-tested (seed {args.seed})")
    print("weeks  half-hours  mean λ  MAE(λ)  expected  MAPE(λ)  bias   MAE(actual)  WAPE(actual)  (λ's own)  counters =  ±1")
    for r in results:
        print(
            f"{r['weeks']:>5}  {r['half_hours']:>10}  {r['mean_rate']:>6}  {r['mae_vs_rate']:>6}  {r['expected_mae_vs_rate']:>8}"
            f"  {r['mape_vs_rate_percent']:>6}%  {r['bias_percent']:>5}%  {r['mae_vs_actual']:>11}  {r['wape_vs_actual_percent']:>11}%  {r['wape_of_true_rate_vs_actual_percent']:>8}%"
            f"  {r['counters_equal_percent']:>9}%  {r['counters_within_one_percent']}%"
        )
    print(f"written to {path}")
    return report


if __name__ == "__main__":
    main()
