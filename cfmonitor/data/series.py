"""Caseloads over time: the snapshot's rows at many dates, computed at once from the history.

No snapshot is stored and none is recomputed per date. Every dated record (a worker's
employment, a reduction, a case, an allocation) is turned into the range of sample dates
it covers (`intervals`); counts then come from +1/−1 events and cumulative sums, and the
few figures that must be summed as floats (reductions) from rows exploded over the
sample dates. Each worker row is then judged by `rules.judge_workers` and summed into
teams by `rules.summarise_teams` and `rules.roll_up`, the snapshot's own definitions, so
the series at date d equals `compute_snapshot(frames, policy, d)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from cfmonitor.data.contract import COMPLEXITY_LEVELS, FAR_FUTURE
from cfmonitor.data.intervals import (
    covered,
    explode,
    merge_overlaps,
    numbered_spans,
    placed,
    repeated,
    rows_of,
    running_totals,
)
from cfmonitor.data.rules import (
    REDUCTION_ORDER,
    WORKER_ORDER,
    WORKER_ORDER_DESCENDING,
    WORKER_TOTALS,
    complexity_level,
    held_range,
    judge_workers,
    level_indicators,
    reduction_totals,
    roll_up,
    summarise_teams,
)
from cfmonitor.data.store import Frames
from cfmonitor.errors import CfmonitorError
from cfmonitor.policy import Policy

EVERY = ("week", "month")


class TrendError(CfmonitorError):
    """A trend request that cannot be met (a range that ends before it starts, say)."""


@dataclass(frozen=True)
class Trend:
    """The snapshot's worker, team and organisation rows at each sample date."""

    start: dt.date
    end: dt.date
    every: str
    dates: tuple[dt.date, ...]
    policy: Policy
    workers: pl.DataFrame
    """Per (date, worker in post): the figures that change (cases, weighted_load,
    capacity, utilisation, status …), `weeks_over` and `sustained`; sorted by date and
    worker id. The details that do not change are in `worker_details`."""
    worker_details: pl.DataFrame
    """One row per worker: staff_ref, name, team, cohort, fte, employment …"""
    teams: pl.DataFrame
    """`date`, the snapshot's team columns and `sustained` (workers in sustained overload)."""
    organisation: pl.DataFrame
    """`date`, the organisation's summary columns and `sustained`."""

    def worker_rows(self, series: pl.DataFrame | None = None) -> pl.DataFrame:
        """Whole worker rows (the snapshot's columns, plus `date`, `weeks_over` and
        `sustained`) for `series` (default: all of it), in the snapshot's order by date."""
        chosen = self.workers if series is None else series
        return chosen.join(self.worker_details, on="worker_id", how="left").sort(
            ["date", *WORKER_ORDER],
            descending=[False, *WORKER_ORDER_DESCENDING],
            nulls_last=True,
        )


def sample_dates(start: dt.date, end: dt.date, every: str) -> list[dt.date]:
    """Dates from `start` to `end`, stepping back from `end` so the last point is `end`."""
    if every not in EVERY:
        raise TrendError(f"--every: {every!r} is not one of {', '.join(EVERY)}.")
    if start > end:
        raise TrendError(
            f"--from {start.isoformat()} is after --to {end.isoformat()}; "
            "the range must start before it ends."
        )
    if every == "week":
        count = (end - start).days // 7
        return [end - dt.timedelta(weeks=k) for k in range(count, -1, -1)]
    months = (end.year - start.year) * 12 + end.month - start.month
    offsets = [f"-{k}mo" for k in range(months, -1, -1)]
    steps = pl.select(
        pl.lit(end, dtype=pl.Date).dt.offset_by(pl.lit(pl.Series(offsets))).alias("date")
    ).to_series()
    return [day for day in steps.to_list() if day >= start]


def default_range(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The last two years up to `as_of`."""
    start = pl.select(pl.lit(as_of, dtype=pl.Date).dt.offset_by("-2y")).item()
    return start, as_of


def team_names(frames: Frames) -> pl.DataFrame:
    return frames.teams.select(
        pl.col("id").alias("team_id"),
        pl.col("name").alias("team"),
        "service_area",
        "establishment_fte",
    )


def _held_ranges(frames: Frames, points: pl.Series, workers: pl.DataFrame) -> pl.DataFrame:
    """(worker, case) ranges of sample dates on which the case is open, allocated to the
    worker, and the worker in post — each pair once, however many allocations overlap.
    `level` numbers the case's complexity (its place in COMPLEXITY_LEVELS)."""
    first, last = points.min(), points.max()
    far = pl.lit(FAR_FUTURE, dtype=pl.Date)
    allocations = frames.allocations.select("case_id", "worker_id", "start_date", "end_date")
    if workers.height < frames.workers.height:  # a few workers, looking back for weeks over
        allocations = allocations.filter(pl.col("worker_id").is_in(workers["id"].implode()))
    allocations = allocations.filter(
        (pl.col("start_date") <= last) & (pl.col("end_date").fill_null(far) > first)
    )
    worker_rows = rows_of(workers.get_column("id"), allocations.get_column("worker_id"))
    case_rows = rows_of(frames.cases.get_column("id"), allocations.get_column("case_id"))
    known = (worker_rows >= 0) & (case_rows >= 0)
    cases = frames.cases.select(
        pl.col("team_id").alias("case_team_id"),
        complexity_level(),
        "opened_on",
        "closed_on",
    )
    employment = workers.select(
        pl.col("start_date").alias("in_post_from"), pl.col("end_date").alias("in_post_until")
    )
    joined = pl.concat(
        [
            allocations.filter(pl.Series(known)),
            employment.gather(worker_rows[known]),
            cases.gather(case_rows[known]),
        ],
        how="horizontal",
    )
    held = covered(
        joined.select(
            "worker_id",
            "case_id",
            "case_team_id",
            "level",
            *held_range(),
        ),
        points,
        pl.col("_from"),
        pl.col("_until"),
    ).drop("_from", "_until")
    # The same case given twice at once to one worker is still one case (as on a day).
    twice = repeated(held.get_column("worker_id"), held.get_column("case_id"))
    if twice.any():
        held = pl.concat(
            [
                held.filter(pl.Series(~twice)),
                merge_overlaps(held.filter(pl.Series(twice)), ["worker_id", "case_id"]),
            ]
        )
    return held


def _judge_points(
    frames: Frames, policy: Policy, points: pl.Series, workers: pl.DataFrame, held: pl.DataFrame
) -> pl.DataFrame:
    """Every worker in post at each of `points`, judged, sorted by date and worker id.
    `held` holds the (worker, case) ranges as positions in `points`."""
    spans = numbered_spans(
        covered(
            workers.with_row_index("row").select(
                "row", pl.col("id").alias("worker_id"), "start_date", "end_date"
            ),
            points,
            pl.col("start_date"),
            pl.col("end_date"),
        )
    )
    grid = explode(spans).select("row", "worker_id", "i")

    indicators = ["cases", *(f"{level}_cases" for level in COMPLEXITY_LEVELS)]
    held_counts = held.with_columns(
        pl.lit(1, dtype=pl.Int8).alias("cases"),
        *level_indicators(pl.Int8),
    )
    counts = running_totals(spans, held_counts, "worker_id", indicators)

    reductions = explode(
        covered(
            frames.reductions.join(
                workers.select(pl.col("id").alias("worker_id")), on="worker_id", how="semi"
            ).sort(REDUCTION_ORDER),
            points,
            pl.col("start_date"),
            pl.col("end_date"),
        )
    )
    reduction_total = reduction_totals(reductions, ["worker_id", "i"])
    reduced = np.full(grid.height, np.nan)
    inside = placed(spans, reduction_total, "worker_id")
    reduced[inside.get_column("position").to_numpy()] = inside.get_column("reduction_percent")

    # Grid order is (worker, date); turn it to (date, worker) with a stable sort on the
    # small date numbers, so each team's workers stay in id order: the order in which
    # the snapshot sums their FTE.
    dates = grid.get_column("i").to_numpy()
    order = np.argsort(dates.astype(np.int16 if len(points) < 2**15 else np.int32), kind="stable")
    rows = grid.get_column("row").to_numpy()[order]
    # What judging and team totals need of each worker, by position (a gather, not a join).
    counted = pl.concat(
        [
            pl.DataFrame(
                {
                    "worker_id": grid.get_column("worker_id").to_numpy()[order],
                    "i": dates[order].astype(np.int32),
                    **{name: counts[name][order].astype(np.int32) for name in indicators},
                    "reduction_percent": pl.Series(reduced[order]).fill_nan(None),
                }
            ),
            workers.select("team_id", "cohort", "fte", "employment").gather(rows),
        ],
        how="horizontal",
    )
    judged = judge_workers(counted, policy)
    return judged.with_columns(pl.lit(points).gather(pl.col("i")).alias("date"))


BLOCK_DATES = 27
"""Dates judged at once: a two-year weekly series is four blocks. Bounds the memory that
the widest intermediate frames take, at the cost of a few repeated small steps."""


LEAN_COLUMNS = (
    "date",
    "i",
    "worker_id",
    "team_id",
    "cases",
    *(f"{level}_cases" for level in COMPLEXITY_LEVELS),
    "reduction_percent",
    "cohort_maximum",
    "weighted_load",
    "capacity",
    "utilisation",
    "status",
    "status_rank",
)
"""What the series keeps of each judged row; `worker_details` has the rest."""


def judged_workers(
    frames: Frames, policy: Policy, points: pl.Series, worker_ids: pl.Series | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Every worker in post at each sample date, judged (without the details that never
    change; see `worker_details`), sorted by date and worker id; their totals by team
    and date (`WORKER_TOTALS`); and the held (worker, case) ranges."""
    workers = frames.workers.sort("id")
    if worker_ids is not None:
        workers = workers.filter(pl.col("id").is_in(worker_ids.implode()))
    held = _held_ranges(frames, points, workers)
    series, totals = [], []
    for first in range(0, len(points), BLOCK_DATES):
        part = points.slice(first, BLOCK_DATES)
        clipped = held.select(
            "worker_id",
            "level",
            (pl.col("lo") - first).clip(lower_bound=0).alias("lo"),
            (pl.col("hi") - first).clip(upper_bound=len(part)).alias("hi"),
        ).filter(pl.col("lo") < pl.col("hi"))
        judged = _judge_points(frames, policy, part, workers, clipped).with_columns(
            pl.col("i") + first
        )
        totals.append(judged.group_by(["i", "team_id"]).agg(WORKER_TOTALS))
        series.append(judged.select(LEAN_COLUMNS))
    return pl.concat(series), pl.concat(totals), held


def worker_details(frames: Frames) -> pl.DataFrame:
    """One row per worker: what does not change from date to date."""
    return frames.workers.rename({"id": "worker_id"}).join(
        team_names(frames), on="team_id", how="left", maintain_order="left"
    )


LEAN_DROP = ("team_id", "i")
"""Working columns of the series (`worker_details` holds each worker's team)."""


def team_series(
    frames: Frames, points: pl.Series, worker_totals: pl.DataFrame, held: pl.DataFrame
) -> pl.DataFrame:
    """Team rows at every sample date (every team, even with nobody in post)."""
    n = len(points)
    indices = pl.DataFrame({"i": pl.int_range(0, n, eager=True).cast(pl.Int32)})
    teams = team_names(frames)
    spans = teams.select(
        "team_id",
        pl.lit(0, dtype=pl.Int64).alias("lo"),
        pl.lit(n, dtype=pl.Int64).alias("hi"),
        (pl.int_range(0, pl.len(), dtype=pl.Int64) * n).alias("offset"),
    )
    grid = teams.join(indices, how="cross", maintain_order="left_right")

    cases = covered(
        frames.cases.select("team_id", "opened_on", "closed_on"),
        points,
        pl.col("opened_on"),
        pl.col("closed_on"),
    ).with_columns(pl.lit(1, dtype=pl.Int64).alias("open_cases"))
    ranges = held.select("case_id", "case_team_id", "lo", "hi")
    shared = pl.Series(repeated(ranges.get_column("case_id")))  # co-worked, handed over
    allocated = pl.concat(
        [ranges.filter(~shared), merge_overlaps(ranges.filter(shared), ["case_id"])]
    )
    allocated = allocated.select(
        pl.col("case_team_id").alias("team_id"),
        "lo",
        "hi",
        pl.lit(1, dtype=pl.Int64).alias("allocated_cases"),
    )
    open_cases = running_totals(spans, cases, "team_id", ["open_cases"])
    allocated_cases = running_totals(spans, allocated, "team_id", ["allocated_cases"])
    case_totals = grid.select(
        "team_id",
        "i",
        pl.Series("open_cases", open_cases["open_cases"]),
        pl.Series("allocated_cases", allocated_cases["allocated_cases"]),
    )
    return (
        summarise_teams(grid, worker_totals, case_totals, on=["team_id", "i"])
        .with_columns(pl.lit(points).gather(pl.col("i")).alias("date"))
        .sort(["i", "service_area", "team"])
    )


def levels(
    frames: Frames, policy: Policy, points: pl.Series
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Worker rows, team rows and organisation rows at each of the sample `points`."""
    workers, worker_totals, held = judged_workers(frames, policy, points)
    teams = team_series(frames, points, worker_totals, held)
    organisation = roll_up(teams, ["i", "date"])
    return workers, teams, organisation
