"""The series over a range, with weeks over: `compute_trend`, and the history it reads.

`series` makes the rows at each sample date, `sustained` the weeks over; this module puts
them together (and re-exports what the TUI's tests reach for here).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from cfmonitor.data.contract import HISTORY_COLUMNS
from cfmonitor.data.direction import Direction, direction_of_travel
from cfmonitor.data.reading import load_frames
from cfmonitor.data.rules import STATUS_OVER, roll_up
from cfmonitor.data.series import (
    LEAN_DROP,
    Trend,
    TrendError,
    default_range,
    judged_workers,
    sample_dates,
    team_series,
    worker_details,
)
from cfmonitor.data.store import Frames
from cfmonitor.data.sustained import add_history, lookback, weeks_over_at, weeks_over_runs
from cfmonitor.policy import Policy

__all__ = [
    "Direction",
    "Trend",
    "TrendError",
    "add_history",
    "compute_trend",
    "default_range",
    "direction_of_travel",
    "first_point",
    "frames_on",
    "load_history",
    "sample_dates",
    "weeks_over_at",
]


def load_history(path: Path | str, *, is_demo: bool = False) -> Frames:
    """The whole history, for `compute_trend` and `direction_of_travel` (not for snapshots)."""
    return load_frames(path, as_of=None, is_demo=is_demo, columns=HISTORY_COLUMNS)


def _lookback_weeks(policy: Policy) -> int:
    return max(policy.sustained_weeks, 4)


def first_point(policy: Policy, start: dt.date, end: dt.date, every: str = "week") -> dt.date:
    """The earliest date the series from `start` to `end` judges (its sample dates and
    the weekly points before them that weeks over looks at): the window to read."""
    targets = pl.Series("date", sample_dates(start, end, every), dtype=pl.Date)
    first = lookback(targets, _lookback_weeks(policy)).min()
    assert isinstance(first, dt.date)
    return first


def compute_trend(
    frames: Frames,
    policy: Policy,
    start: dt.date,
    end: dt.date,
    every: str = "week",
    earlier: Callable[[pl.Series], Frames] | None = None,
) -> Trend:
    """The snapshot rows at each sample date from `start` to `end`.

    `frames` holds the whole history (`load_history`, or `load_frames(as_of=None)`), or
    the rows that count from `first_point` on (`ReadSession.load_window`) with
    `earlier(worker_ids)` giving those workers' whole history, for runs of weeks over
    that started before it.
    """
    dates = sample_dates(start, end, every)
    targets = pl.Series("date", dates, dtype=pl.Date)
    weeks = _lookback_weeks(policy)
    points = lookback(targets, weeks)
    workers, worker_totals, held = judged_workers(frames, policy, points)
    over = (
        workers.with_row_index("_position")
        .filter(pl.col("status") == STATUS_OVER)
        .select("worker_id", "date", "_position")
    )
    found = weeks_over_runs(frames, policy, over, points, targets, weeks, earlier)
    weeks_over = np.zeros(workers.height, dtype=np.int64)
    weeks_over[found.get_column("_position").to_numpy()] = found.get_column("weeks_over")
    workers = workers.with_columns(pl.Series("weeks_over", weeks_over)).with_columns(
        (pl.col("weeks_over") >= policy.sustained_weeks).alias("sustained")
    )
    sustained = (
        workers.filter(pl.col("sustained"))
        .group_by(["i", "team_id"])
        .agg(pl.len().cast(pl.Int64).alias("sustained"))
    )
    teams = (
        team_series(frames, points, worker_totals, held)
        .join(sustained, on=["i", "team_id"], how="left", maintain_order="left")
        .with_columns(pl.col("sustained").fill_null(0))
    )
    organisation = roll_up(teams, ["i", "date"]).join(
        teams.group_by("i").agg(pl.col("sustained").sum()),
        on="i",
        how="left",
        maintain_order="left",
    )

    wanted = pl.col("date").is_in(targets.implode())
    return Trend(
        start=start,
        end=end,
        every=every,
        dates=tuple(dates),
        policy=policy,
        workers=workers.filter(wanted).drop(LEAN_DROP).select("date", pl.exclude("date")),
        worker_details=worker_details(frames),
        teams=teams.filter(wanted).drop("i").select("date", pl.exclude("date")),
        organisation=organisation.filter(wanted).drop("i").select("date", pl.exclude("date")),
    )


def frames_on(frames: Frames, day: dt.date) -> Frames:
    """Whole-history frames narrowed as `load_frames(as_of=day)` narrows them (allocations
    open that day or broken, and the ended allocations of cases waiting for a worker that
    day; cases open that day or pointed at by those allocations), so a snapshot made from
    them is the same, problems included."""
    when = pl.lit(day, dtype=pl.Date)
    open_allocation = (pl.col("start_date") <= when) & (
        pl.col("end_date").is_null() | (pl.col("end_date") > when)
    )
    open_then = (pl.col("opened_on") <= when) & (
        pl.col("closed_on").is_null() | (pl.col("closed_on") > when)
    )
    in_post = frames.workers.filter(
        (pl.col("start_date") <= when)
        & (pl.col("end_date").is_null() | (pl.col("end_date") > when))
    ).get_column("id")
    held = frames.allocations.filter(
        open_allocation & pl.col("worker_id").is_in(in_post.implode())
    ).get_column("case_id")
    waiting = frames.cases.filter(open_then & ~pl.col("id").is_in(held.implode())).get_column("id")
    allocations = frames.allocations.filter(
        open_allocation
        | (pl.col("end_date") < pl.col("start_date"))
        | pl.col("start_date").is_null()
        | ((pl.col("end_date") <= when) & pl.col("case_id").is_in(waiting.implode()))
    )
    referenced = pl.col("id").is_in(allocations.get_column("case_id").implode())
    cases = frames.cases.filter(open_then | referenced | pl.col("opened_on").is_null())
    return dataclasses.replace(frames, allocations=allocations, cases=cases)
