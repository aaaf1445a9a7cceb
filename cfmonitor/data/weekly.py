"""Who was over at a few sample dates: the series' judgement for a few workers, in Polars.

Weeks over asks, for the workers over on a day, whether they were over a week before,
two weeks before, and so on. The series (`series.judged_workers`) answers that for
everyone at every date with NumPy grids; a day's report asks it for a few workers at a
year of weekly points, and importing NumPy would cost more than the whole answer. This
module gives the same judgement from the same definitions (`rules.judge_workers`,
`rules.reduction_totals`, the series' held ranges) with Polars alone.

The held ranges are built exactly as `series._held_ranges` builds them: a case counts
at a sample date when the allocation, the case and the worker's employment are all
open then (half-open ranges, an open end as FAR_FUTURE), each (worker, case) once.
"""

from __future__ import annotations

import polars as pl

from cfmonitor.data.contract import COMPLEXITY_LEVELS, FAR_FUTURE
from cfmonitor.data.intervals import covered, merge_overlaps
from cfmonitor.data.rules import (
    REDUCTION_ORDER,
    STATUS_OVER,
    complexity_level,
    held_range,
    judge_workers,
    level_indicators,
    reduction_totals,
)
from cfmonitor.data.store import Frames
from cfmonitor.policy import Policy

_INDICATORS = ["cases", *(f"{level}_cases" for level in COMPLEXITY_LEVELS)]


def _held(frames: Frames, points: pl.Series, workers: pl.DataFrame) -> pl.DataFrame:
    """(worker, case) ranges of sample dates on which the case is open, allocated to the
    worker, and the worker in post; each pair once however many allocations overlap."""
    first, last = points.min(), points.max()
    far = pl.lit(FAR_FUTURE, dtype=pl.Date)
    allocations = frames.allocations.select("case_id", "worker_id", "start_date", "end_date")
    allocations = allocations.filter(
        pl.col("worker_id").is_in(workers.get_column("id").implode())
        & (pl.col("start_date") <= last)
        & (pl.col("end_date").fill_null(far) > first)
    )
    # Only the cases those name (a few workers' among millions) are made unique and joined.
    named = pl.col("id").is_in(allocations.get_column("case_id").implode())
    cases = frames.cases.filter(named).select(
        pl.col("id").alias("case_id"),
        complexity_level(),
        "opened_on",
        "closed_on",
    )
    employment = workers.select(
        pl.col("id").alias("worker_id"),
        pl.col("start_date").alias("in_post_from"),
        pl.col("end_date").alias("in_post_until"),
    )
    # Inner joins on unique ids: an allocation whose worker or case is unknown counts nowhere
    # (as the series' lookups leave it out).
    joined = allocations.join(employment, on="worker_id", how="inner").join(
        cases.unique("case_id", keep="last"), on="case_id", how="inner"
    )
    ranges = joined.select(
        "worker_id",
        "case_id",
        "level",
        *held_range(),
    )
    held = covered(ranges, points, pl.col("_from"), pl.col("_until")).drop("_from", "_until")
    twice = held.select(pl.struct("worker_id", "case_id").is_duplicated()).to_series()
    if twice.any():
        held = pl.concat(
            [held.filter(~twice), merge_overlaps(held.filter(twice), ["worker_id", "case_id"])]
        )
    return held


def judged_at(
    frames: Frames, policy: Policy, points: pl.Series, worker_ids: pl.Series
) -> pl.DataFrame:
    """(worker_id, date, status) for each of `worker_ids` in post at each sorted sample
    date of `points`, judged as the series judges them."""
    workers = frames.workers.filter(pl.col("id").is_in(worker_ids.implode())).unique(
        "id", keep="last", maintain_order=True
    )
    spans = covered(workers, points, pl.col("start_date"), pl.col("end_date"))
    grid = (
        spans.select(pl.col("id").alias("worker_id"), pl.int_ranges("lo", "hi").alias("i"))
        .explode("i")
        .with_columns(pl.col("i").cast(pl.Int64))
    )
    held = _held(frames, points, workers)
    marked = held.with_columns(
        pl.lit(1, dtype=pl.Int64).alias("cases"), *level_indicators(pl.Int64)
    )
    # +1 where a range starts, −1 where it ends; a running sum per worker gives the count
    # at every date (ranges lie within their worker's employment, so within the grid).
    events = pl.concat(
        [
            marked.select("worker_id", pl.col("lo").alias("i"), *_INDICATORS),
            marked.select("worker_id", pl.col("hi").alias("i"), *[-pl.col(n) for n in _INDICATORS]),
        ]
    )
    deltas = events.group_by("worker_id", "i").agg(pl.col(_INDICATORS).sum())
    counted = (
        grid.join(deltas, on=["worker_id", "i"], how="left")
        .with_columns(pl.col(_INDICATORS).fill_null(0))
        .sort("worker_id", "i")
        .with_columns(pl.col(_INDICATORS).cum_sum().over("worker_id"))
    )
    reductions = covered(
        frames.reductions.filter(pl.col("worker_id").is_in(worker_ids.implode())).sort(
            REDUCTION_ORDER
        ),
        points,
        pl.col("start_date"),
        pl.col("end_date"),
    )
    reduced = reduction_totals(
        reductions.with_columns(pl.int_ranges("lo", "hi").alias("i"))
        .explode("i")
        .with_columns(pl.col("i").cast(pl.Int64)),
        ["worker_id", "i"],
    )
    details = workers.select(pl.col("id").alias("worker_id"), "cohort", "fte", "employment")
    rows = counted.join(reduced, on=["worker_id", "i"], how="left").join(
        details, on="worker_id", how="left"
    )
    judged = judge_workers(rows, policy)
    return judged.select(
        "worker_id", pl.lit(points).gather(pl.col("i")).alias("date"), "status"
    ).sort("date", "worker_id")


def over_at(
    frames: Frames, policy: Policy, points: pl.Series, worker_ids: pl.Series
) -> pl.DataFrame:
    """(worker_id, date) at each of `points` where the worker was over."""
    judged = judged_at(frames, policy, points, worker_ids)
    return judged.filter(pl.col("status") == STATUS_OVER).select("worker_id", "date")
