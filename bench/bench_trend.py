"""Time a two-year weekly trend against a single snapshot, side by side, in one run.

    python bench/bench_trend.py [--sizes L] [--repeat 3]

Run by hand, never by CI. Databases come from bench/generate.py into bench/data/
(git-ignored; generated here when missing). Each measurement runs in a fresh process
after one warm-up run, so both read from a warm page cache; the figure is the median of
`--repeat` runs, with the peak RSS of the process.

1. snapshot: `load_snapshot` on the day (read the day's rows + compute);
2. snapshot + weeks over: what `cfmonitor report` now does (`Caseloads.report`:
   the snapshot, then the over workers' history and `add_history`; load and compute
   interleave, so the total is under "compute");
3. trend: `load_history` (whole history, only the columns it reads) + `compute_trend`
   weekly over the two years to the day
   (105 dates), workers, teams and organisation, with weeks over and sustained.

Goal: trend ≤ 3 × snapshot, peak memory < 1 GiB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
RESULTS = BENCH / "results"
DAY = dt.date(2026, 11, 26)
GOAL_RATIO = 3.0
GOAL_MIB = 1024

_CHILD = r"""
import datetime as dt, json, resource, sys, time
mode, path, day = sys.argv[1], sys.argv[2], dt.date.fromisoformat(sys.argv[3])
from cfmonitor.data import caseload, trend
from cfmonitor.data.engine import Caseloads
from cfmonitor.data.reading import load_frames
from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
policy = Policy()
started = time.perf_counter()
if mode == "snapshot":
    frames = load_frames(path, as_of=day)
    loaded = time.perf_counter()
    result = caseload.compute_snapshot(frames, policy, day)
    rows = result.workers.height
elif mode == "history":
    loaded = started  # loading and computing interleave here
    result = Caseloads(DatabaseChoice(path, False), policy).report(day)
    rows = result.workers.height
else:
    frames = trend.load_history(path)
    loaded = time.perf_counter()
    start, end = trend.default_range(day)
    result = trend.compute_trend(frames, policy, start, end, "week")
    rows = result.workers.height + result.teams.height + result.organisation.height
finished = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": finished - started, "load": loaded - started,
                  "compute": finished - loaded, "peak_mib": peak, "rows": rows}))
"""

MODES = {
    "snapshot": "single snapshot (load the day + compute)",
    "history": "snapshot + weeks over (report)",
    "trend": "two-year weekly trend (load all + compute)",
}


def _run(mode: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(path), DAY.isoformat()],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _measure(mode: str, path: Path, repeat: int) -> dict[str, float]:
    _run(mode, path)  # warm the page cache and the imports
    runs = [_run(mode, path) for _ in range(repeat)]
    return {
        key: statistics.median(run[key] for run in runs)
        for key in ("seconds", "load", "compute", "peak_mib", "rows")
    }


def _database(size: str) -> Path:
    path = DATA / f"{size}.db"
    if not path.exists():
        subprocess.run(
            [sys.executable, str(BENCH / "generate.py"), "--size", size, str(path)], check=True
        )
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="L")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    report: dict[str, dict[str, dict[str, float]]] = {}
    for size in args.sizes.split(","):
        path = _database(size)
        figures = {mode: _measure(mode, path, args.repeat) for mode in MODES}
        report[size] = figures
        base = figures["snapshot"]
        print(f"\n{size}: {path.name}, as of {DAY}, median of {args.repeat}")
        print(f"  {'':44} {'total s':>8} {'load s':>8} {'compute':>8} {'peak MiB':>9} ratio")
        for mode, label in MODES.items():
            row = figures[mode]
            ratio = row["seconds"] / base["seconds"]
            print(
                f"  {label:44} {row['seconds']:8.2f} {row['load']:8.2f} {row['compute']:8.2f}"
                f" {row['peak_mib']:9.0f} {ratio:5.2f}"
            )
        trend = figures["trend"]
        ratio = trend["seconds"] / base["seconds"]
        compute_ratio = trend["compute"] / base["compute"]
        print(
            f"  trend / snapshot: {ratio:.2f} (goal ≤ {GOAL_RATIO}); compute only "
            f"{compute_ratio:.2f}; peak {trend['peak_mib']:.0f} MiB (goal < {GOAL_MIB})"
        )
    (RESULTS / "trend.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
