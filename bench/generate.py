"""Generate a benchmark database in one of two shapes, at size S, M or L.

    python bench/generate.py --size L bench/data/L.db                  # the demo's simulation
    python bench/generate.py --size L --shape random bench/data/L-random.db

Run by hand, never by CI. The rows are invented (see cfmonitor/data/demo.py); the same
size, shape, seed and day always give the same database.

Two shapes, because a figure that holds on one only is not a result:

* `demo`: the demo's simulation, more of it. Allocations follow posts and case dates,
  so the data has no problems and each worker's history is short and tidy.
* `random`: the same teams, workers, reductions and cases, but as many allocations
  spread uniformly at random over workers, cases and dates, with lengths unrelated to
  the case's. Cases are allocated before they open and after they close, to workers
  not yet in post, twice at once: data problems run into the thousands, and every
  worker's history is spread over the whole window.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from cfmonitor.data.demo import (
    BENCH_SHAPES,
    DemoTables,
    generate_demo,
    summarise,
    write_demo_tables,
)

BENCH_TODAY = dt.date(2026, 11, 26)
SHAPES = ("demo", "random")
JITTER_DAYS = 20
"""Each allocation's dates move by up to this many days either way, the case's not."""
RESAMPLE_ROUNDS = 12
"""Draws of a worker until one is in post on the allocation's first day (the few left
over after that are allocated to a worker not in post: a data problem)."""


def randomise_allocations(tables: DemoTables, *, seed: int, today: dt.date) -> DemoTables:
    """The demo's allocations, each given to a worker drawn uniformly from all those in
    post (anywhere, any team) on its first day, its dates jittered apart from the case's."""
    rng = np.random.default_rng(seed + 1_000_003)
    epoch = dt.date(1970, 1, 1)
    far = (dt.date(9999, 12, 31) - epoch).days

    def days(column: pl.Expr) -> pl.Expr:
        return column.str.to_date("%Y-%m-%d").cast(pl.Int32)

    workers = tables.workers.select(
        days(pl.col("start_date")).alias("start"),
        days(pl.col("end_date")).fill_null(far).alias("end"),
        "id",
    )
    worker_ids = workers["id"].to_numpy()
    worker_start, worker_end = workers["start"].to_numpy(), workers["end"].to_numpy()
    allocations = tables.allocations.select(
        "id", "case_id", days(pl.col("start_date")).alias("start"),
        days(pl.col("end_date")).alias("end"),
    )  # fmt: skip
    count = allocations.height
    first_day = allocations["start"].to_numpy()
    drawn = rng.integers(0, len(worker_ids), size=count)
    for _ in range(RESAMPLE_ROUNDS):
        outside = (worker_start[drawn] > first_day) | (worker_end[drawn] <= first_day)
        if not outside.any():
            break
        drawn[outside] = rng.integers(0, len(worker_ids), size=int(outside.sum()))
    shift_start = rng.integers(-JITTER_DAYS, JITTER_DAYS + 1, size=count)
    shift_end = rng.integers(-JITTER_DAYS, JITTER_DAYS + 1, size=count)
    last = (today - epoch).days
    jittered = (
        allocations.with_columns(
            pl.Series("worker_id", worker_ids[drawn]),
            pl.min_horizontal(pl.col("start") + pl.Series(shift_start), pl.lit(last)).alias(
                "start"
            ),
            (pl.col("end") + pl.Series(shift_end)).alias("end"),
        )
        .with_columns(
            pl.when(pl.col("end") <= pl.col("start"))
            .then(pl.col("start") + 1)
            .otherwise(pl.col("end"))
            .alias("end")
        )
        .with_columns(pl.when(pl.col("end") <= last).then(pl.col("end")).alias("end"))
        .sort(["start", "case_id", "worker_id"])
        .drop("id")
        .with_row_index("id", offset=1)
        .select(
            pl.col("id").cast(pl.Int64),
            pl.col("case_id").cast(pl.Int64),
            pl.col("worker_id").cast(pl.Int64),
            pl.col("start").cast(pl.Date).dt.to_string("%Y-%m-%d").alias("start_date"),
            pl.col("end").cast(pl.Date).dt.to_string("%Y-%m-%d").alias("end_date"),
        )
    )
    return DemoTables(
        teams=tables.teams,
        workers=tables.workers,
        reductions=tables.reductions,
        cases=tables.cases,
        allocations=jittered,
    )


def generate(
    size: str,
    out: Path,
    *,
    shape: str = "demo",
    seed: int = 7,
    today: dt.date = BENCH_TODAY,
) -> str:
    """Write size `size` in `shape` to `out` (which must not exist yet) via a partial file."""
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        tables = generate_demo(seed=seed, today=today, shape=BENCH_SHAPES[size])
        if shape == "random":
            tables = randomise_allocations(tables, seed=seed, today=today)
        write_demo_tables(partial, tables, today)
        summary = summarise(tables, today)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(out)
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(BENCH_SHAPES), required=True)
    parser.add_argument("--shape", choices=SHAPES, default="demo")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=BENCH_TODAY)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    if args.out.exists():
        print(f"{args.out}: already exists; not overwriting it.", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    summary = generate(args.size, args.out, shape=args.shape, seed=args.seed, today=args.today)
    print(
        f"{args.out} ({args.size}, {args.shape}, {time.perf_counter() - started:.1f} s): {summary}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
