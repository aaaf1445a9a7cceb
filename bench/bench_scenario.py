"""Time a what-if move (issue 12) against computing the day's figures again, side by side.

    python bench/bench_scenario.py [--sizes S,L] [--moves 20]

Run by hand, never by CI. Uses bench/generate.py's databases (bench/data/, reused) or
`--db FILE`. For each size: CPU time of one move and its recompute (`Scenario.add`, the
median over `--moves` random moves of single-held cases to random workers), and of
`compute_snapshot` on the same frames (what a move would cost without the incremental
path), in one process after the frames are read once. Goals: 50 ms at S, 150 ms at L
for the move and its redraw together: bench/bench_move_redraw.py times both in the app.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
GOALS_MS = {"S": 50.0, "M": 150.0, "L": 150.0}


def measure(path: Path, moves: int, seed: int = 7) -> tuple[float, float, int]:
    import polars as pl

    from bench.generate import BENCH_TODAY
    from cfmonitor.data.caseload import compute_snapshot
    from cfmonitor.data.reading import load_frames
    from cfmonitor.data.scenario import Move, Scenario, ScenarioError
    from cfmonitor.policy import Policy

    frames = load_frames(path, as_of=BENCH_TODAY)
    policy = Policy()
    base = compute_snapshot(frames, policy, BENCH_TODAY)
    single = (base.worker_cases.group_by("case_ref").len().filter(pl.col("len") == 1)).get_column(
        "case_ref"
    )
    staff = base.workers.get_column("staff_ref").to_list()
    chooser = random.Random(seed)
    scenario = Scenario(base)
    move_times = []
    while len(move_times) < moves:
        move = Move(chooser.choice(single.to_list()), chooser.choice(staff))
        started = time.process_time()
        try:
            scenario = scenario.add(move)
        except ScenarioError:
            continue
        move_times.append(time.process_time() - started)
    full_times = []
    for _ in range(3):
        started = time.process_time()
        compute_snapshot(frames, policy, BENCH_TODAY)
        full_times.append(time.process_time() - started)
    return (
        statistics.median(move_times) * 1000,
        statistics.median(full_times) * 1000,
        base.workers.height,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,L")
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--db", type=Path, default=None, help="One database instead.")
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH.parent))
    from bench.generate import generate

    targets = []
    if args.db is not None:
        targets.append(("db", args.db))
    else:
        for size in args.sizes.split(","):
            path = BENCH / "data" / f"{size}.db"
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                generate(size, path)
            targets.append((size, path))
    for size, path in targets:
        move_ms, full_ms, workers = measure(path, args.moves)
        goal = GOALS_MS.get(size)
        verdict = (
            ""
            if goal is None
            else f" (goal {goal:.0f} ms: {'met' if move_ms <= goal else 'MISSED'})"
        )
        print(
            f"{size}: {workers:,} workers; a move {move_ms:.1f} ms CPU{verdict}; "
            f"compute_snapshot {full_ms:.1f} ms CPU; ratio {move_ms / full_ms:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
