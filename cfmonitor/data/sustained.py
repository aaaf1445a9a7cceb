"""Sustained overload: how many consecutive weekly points a worker has been over.

`weeks_over` at date d counts the weekly points d, d−7, d−14 … at which the worker was
`over`, without a break; `sustained` is `weeks_over >= policy.sustained_weeks`. The day's
report and the TUI both get it from `add_history` over the whole history, so they agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import polars as pl

from cfmonitor.data.caseload import Snapshot
from cfmonitor.data.rules import STATUS_OVER
from cfmonitor.data.store import Frames
from cfmonitor.data.weekly import over_at
from cfmonitor.policy import Policy


def lookback(targets: pl.Series, weeks: int) -> pl.Series:
    """Each target date and the `weeks - 1` weekly points before it, sorted, once each."""
    steps = pl.Series("step", [dt.timedelta(weeks=k) for k in range(weeks)])
    frame = pl.DataFrame({"date": targets}).join(pl.DataFrame(steps), how="cross")
    days = frame.select((pl.col("date") - pl.col("step")).alias("date")).get_column("date")
    return days.unique().sort()


def _runs(over: pl.DataFrame) -> pl.DataFrame:
    """For (worker_id, date) rows at which a worker is over (one row each, any other
    columns carried along): the run of weekly points it is part of (`run_from`) and its
    length up to the date (`weeks_over`)."""
    day = pl.col("date")
    # Weekly points d, d−7 … share a weekday; runs never mix points of different weekdays.
    ordered = over.with_columns(day.dt.weekday().alias("_weekday")).sort(
        ["worker_id", "_weekday", "date"]
    )
    new_run = (
        (pl.col("worker_id") != pl.col("worker_id").shift(1))
        | (pl.col("_weekday") != pl.col("_weekday").shift(1))
        | ((day - day.shift(1)) != pl.duration(weeks=1))
    )
    return (
        ordered.with_columns(
            pl.when(new_run.fill_null(True))
            .then(day)
            .otherwise(None)
            .forward_fill()
            .alias("run_from")
        )
        .with_columns(
            ((day - pl.col("run_from")).dt.total_days() // 7 + 1).cast(pl.Int64).alias("weeks_over")
        )
        .drop("_weekday")
    )


def weeks_over_runs(
    frames: Frames,
    policy: Policy,
    over: pl.DataFrame,
    points: pl.Series,
    targets: pl.Series,
    weeks: int,
    earlier: Callable[[pl.Series], Frames] | None = None,
) -> pl.DataFrame:
    """`weeks_over` at each target date for the workers over then (others are 0).

    Runs that reach back to the first evaluated point are continued by looking further
    back, only for those workers, until every run is broken (or nobody was in post).
    `frames` need hold only the rows that count from the first point on, when
    `earlier(worker_ids)` gives those workers' whole history for looking further back.
    """
    runs = _runs(over).filter(pl.col("date").is_in(targets.implode()))
    earliest = frames.workers.get_column("start_date").min()
    carry_from = (pl.col("run_from") - pl.duration(weeks=1)).alias("carry_from")
    runs = runs.with_columns(carry_from)
    pending = runs.filter(
        ~pl.col("carry_from").is_in(points.implode()) & (pl.col("carry_from") >= earliest)
    ).select("worker_id", pl.col("carry_from").alias("date"))
    if pending.is_empty():
        return runs.drop("run_from", "carry_from")
    pending = pending.unique()
    history = frames if earlier is None else earlier(pending.get_column("worker_id").unique())
    # Few runs get this far, and those that do tend to be long: look a year back at once.
    carried = weeks_over_at(history, policy, pending, max(weeks * 4, 52)).rename(
        {"date": "carry_from", "weeks_over": "carried"}
    )
    return (
        runs.join(carried, on=["worker_id", "carry_from"], how="left")
        .with_columns(pl.col("weeks_over") + pl.col("carried").fill_null(0))
        .drop("run_from", "carry_from", "carried")
    )


def weeks_over_at(
    frames: Frames, policy: Policy, pairs: pl.DataFrame, weeks: int | None = None
) -> pl.DataFrame:
    """`weeks_over` for (worker_id, date) pairs: consecutive weekly points over, to date.

    `frames` holds the history of (at least) the pairs' workers: every allocation of
    theirs, the cases those name, and every worker and reduction. Pairs whose worker is
    not over on the date are left out (their `weeks_over` is 0).
    """
    weeks = weeks or max(policy.sustained_weeks, 4)
    if pairs.is_empty():
        return pl.DataFrame(schema={"worker_id": pl.Int64, "date": pl.Date, "weeks_over": pl.Int64})
    targets = pairs.get_column("date").unique().sort()
    points = lookback(targets, weeks)
    over = over_at(frames, policy, points, pairs.get_column("worker_id").unique())
    result = weeks_over_runs(frames, policy, over, points, targets, weeks)
    return result.join(
        pairs.select("worker_id", "date"), on=["worker_id", "date"], how="semi"
    ).select("worker_id", "date", "weeks_over")


def _sustained_counts(workers: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    return workers.group_by(keys).agg(pl.col("sustained").sum().cast(pl.Int64).alias("sustained"))


def add_history(snapshot: Snapshot, frames: Frames | None) -> Snapshot:
    """The snapshot with `weeks_over` and `sustained` on workers, and a `sustained` count
    on teams, service areas and the organisation. `frames` holds the whole history
    (`load_history`), or at least the over workers' (`ReadSession.for_workers`); it may
    be None when nobody is over."""
    policy = snapshot.policy
    over = snapshot.workers.filter(pl.col("status") == STATUS_OVER).select(
        "worker_id", pl.lit(snapshot.as_of, dtype=pl.Date).alias("date")
    )
    if frames is None and not over.is_empty():
        raise ValueError("add_history needs the history when anyone is over")
    weeks_over = (
        pl.DataFrame(schema={"worker_id": pl.Int64, "weeks_over": pl.Int64})
        if frames is None
        # One date: each round costs about the same however far it looks, so look far.
        else weeks_over_at(frames, policy, over, max(policy.sustained_weeks, 52)).select(
            "worker_id", "weeks_over"
        )
    )
    workers = (
        snapshot.workers.join(weeks_over, on="worker_id", how="left", maintain_order="left")
        .with_columns(pl.col("weeks_over").fill_null(0))
        .with_columns((pl.col("weeks_over") >= policy.sustained_weeks).alias("sustained"))
    )
    by_team = _sustained_counts(workers, ["team_id"])
    teams = snapshot.teams.join(
        by_team, on="team_id", how="left", maintain_order="left"
    ).with_columns(pl.col("sustained").fill_null(0))
    by_area = teams.group_by("service_area").agg(pl.col("sustained").sum())
    service_areas = snapshot.service_areas.join(
        by_area, on="service_area", how="left", maintain_order="left"
    )
    organisation = snapshot.organisation.with_columns(
        pl.lit(int(workers.get_column("sustained").sum()), dtype=pl.Int64).alias("sustained")
    )
    return dataclasses.replace(
        snapshot,
        workers=workers,
        teams=teams,
        service_areas=service_areas,
        organisation=organisation,
    )
