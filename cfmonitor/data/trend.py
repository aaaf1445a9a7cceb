"""Caseloads over time: the snapshot's rows at many dates, computed at once from the history.

No snapshot is stored and none is recomputed per date. Every dated record (a worker's
employment, a reduction, a case, an allocation) is turned into the range of sample dates
it covers; counts then come from +1/−1 events and cumulative sums, and the few figures
that must be summed as floats (reductions, team FTE) from rows exploded over the sample
dates. Each worker row is then judged by `caseload.judge_workers` and summed into teams
by `caseload.summarise_teams` and `caseload.roll_up`, the snapshot's own definitions, so
the series at date d equals `compute_snapshot(frames, policy, d)`.

Sustained overload: `weeks_over` is how many consecutive weekly points (d, d−7, d−14 …)
a worker has been `over`, as of d; `sustained` is `weeks_over >= policy.sustained_weeks`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cfmonitor.data.caseload import (
    REDUCTION_ORDER,
    REDUCTION_TOTAL,
    STATUS_OVER,
    SUMMARY_FIELDS,
    WORKER_ORDER,
    WORKER_ORDER_DESCENDING,
    WORKER_TOTALS,
    Snapshot,
    compute_snapshot,
    judge_workers,
    roll_up,
    summarise_teams,
)
from cfmonitor.data.store import Frames, load_frames
from cfmonitor.errors import CfmonitorError
from cfmonitor.policy import COMPLEXITY_LEVELS, Policy

EVERY = ("week", "month")
FAR_FUTURE = dt.date(9999, 12, 31)
DIRECTION_MEASURES = ("average_caseload", "over", "vacancy_rate", "agency_rate")
"""The measures whose direction of travel is shown (change over 12 weeks and 12 months)."""


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
    """`date`, the snapshot's worker columns, `weeks_over` and `sustained`."""
    teams: pl.DataFrame
    """`date`, the snapshot's team columns and `sustained` (workers in sustained overload)."""
    organisation: pl.DataFrame
    """`date`, the organisation's summary columns and `sustained`."""


# --- sample dates ---------------------------------------------------------------------


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
        pl.lit(end, dtype=pl.Date).dt.offset_by(pl.Series(offsets)).alias("date")
    ).to_series()
    return [day for day in steps.to_list() if day >= start]


def default_range(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The last two years up to `as_of`."""
    start = pl.select(pl.lit(as_of, dtype=pl.Date).dt.offset_by("-2y")).item()
    return start, as_of


# --- ranges of sample dates -----------------------------------------------------------


def _index(points: pl.Series, day: pl.Expr) -> pl.Expr:
    """Position of the first sample date on or after `day` (null days: past the end)."""
    return pl.lit(points).search_sorted(day.fill_null(FAR_FUTURE), side="left").cast(pl.Int64)


def _covered(frame: pl.DataFrame, points: pl.Series, start: pl.Expr, end: pl.Expr) -> pl.DataFrame:
    """Give each row the sample dates [lo, hi) its half-open range [start, end) covers."""
    return frame.with_columns(
        _index(points, start).alias("lo"), _index(points, end).alias("hi")
    ).filter(pl.col("lo") < pl.col("hi"))


def _explode(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per sample date covered, numbered `i`."""
    return frame.with_columns(pl.int_ranges("lo", "hi").alias("i")).explode("i")


def _merge(ranges: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Merge overlapping [lo, hi) ranges that share `keys`, so each date counts once."""
    ordered = ranges.sort([*keys, "lo"]).with_columns(
        pl.col("hi").cum_max().over(keys).alias("_reach")
    )
    ordered = ordered.with_columns(
        (
            pl.col("_reach").shift(1).over(keys).is_null()
            | (pl.col("lo") > pl.col("_reach").shift(1).over(keys))
        )
        .cum_sum()
        .alias("_run")
    )
    others = [name for name in ranges.columns if name not in (*keys, "lo", "hi")]
    return ordered.group_by([*keys, "_run"]).agg(
        pl.col("lo").min(), pl.col("hi").max(), *[pl.col(name).first() for name in others]
    )


def _running_totals(
    grid: pl.DataFrame, ranges: pl.DataFrame, key: str, values: list[str]
) -> pl.DataFrame:
    """Add to each (key, i) row of `grid` the sum of `values` over the ranges covering i.

    Each range adds its values at `lo` and takes them away at `hi`; a cumulative sum
    over each key's consecutive dates gives the total on every date. `grid` must hold
    each key's dates as one consecutive run, sorted by (key, i).
    """
    starts = ranges.select(key, pl.col("lo").alias("i"), *values)
    ends = ranges.select(key, pl.col("hi").alias("i"), *[-pl.col(v) for v in values])
    events = pl.concat([starts, ends]).group_by([key, "i"]).agg(pl.col(values).sum())
    joined = grid.join(events, on=[key, "i"], how="left", maintain_order="left").with_columns(
        pl.col(values).fill_null(0)
    )
    first = pl.col(key) != pl.col(key).shift(1)
    first = first.fill_null(True)
    sums = []
    for value in values:
        total = pl.col(value).cum_sum()
        base = pl.when(first).then(total - pl.col(value)).otherwise(None).forward_fill()
        sums.append((total - base).alias(value))
    return joined.with_columns(sums)


# --- the series -----------------------------------------------------------------------


def _teams(frames: Frames) -> pl.DataFrame:
    return frames.teams.select(
        pl.col("id").alias("team_id"),
        pl.col("name").alias("team"),
        "service_area",
        "establishment_fte",
    )


def _held_ranges(frames: Frames, points: pl.Series, workers: pl.DataFrame) -> pl.DataFrame:
    """(worker, case) ranges of sample dates on which the case is open, allocated to the
    worker, and the worker in post — each pair once, however many allocations overlap."""
    cases = frames.cases.select(
        pl.col("id").alias("case_id"),
        pl.col("team_id").alias("case_team_id"),
        "complexity",
        "opened_on",
        "closed_on",
    )
    employment = workers.select(
        pl.col("id").alias("worker_id"),
        pl.col("start_date").alias("in_post_from"),
        pl.col("end_date").alias("in_post_until"),
    )
    allocations = (
        frames.allocations.select("case_id", "worker_id", "start_date", "end_date")
        .join(employment, on="worker_id", how="inner")
        .join(cases, on="case_id", how="inner")
    )
    far = pl.lit(FAR_FUTURE, dtype=pl.Date)
    held = _covered(
        allocations,
        points,
        pl.max_horizontal("start_date", "opened_on", "in_post_from"),
        pl.min_horizontal(
            pl.col("end_date").fill_null(far),
            pl.col("closed_on").fill_null(far),
            pl.col("in_post_until").fill_null(far),
        ),
    ).select("worker_id", "case_id", "case_team_id", "complexity", "lo", "hi")
    # The same case given twice at once to one worker is still one case (as on a day).
    twice = held.select("worker_id", "case_id").is_duplicated()
    if twice.any():
        held = pl.concat(
            [held.filter(~twice), _merge(held.filter(twice), ["worker_id", "case_id"])],
            how="diagonal",
        ).select("worker_id", "case_id", "case_team_id", "complexity", "lo", "hi")
    return held


def _judged_workers(
    frames: Frames, policy: Policy, points: pl.Series, worker_ids: pl.Series | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every worker in post at each sample date, judged; and the held (worker, case) ranges."""
    workers = frames.workers
    if worker_ids is not None:
        workers = workers.filter(pl.col("id").is_in(worker_ids.implode()))
    grid = _explode(
        _covered(
            workers.select("id", "start_date", "end_date"),
            points,
            pl.col("start_date"),
            pl.col("end_date"),
        )
    ).select(pl.col("id").alias("worker_id"), "i")

    held = _held_ranges(frames, points, workers)
    levels = [f"{level}_cases" for level in COMPLEXITY_LEVELS]
    held_counts = held.with_columns(
        pl.lit(1, dtype=pl.Int64).alias("cases"),
        *[
            (pl.col("complexity") == level).cast(pl.Int64).alias(f"{level}_cases")
            for level in COMPLEXITY_LEVELS
        ],
    )
    counted = _running_totals(grid, held_counts, "worker_id", ["cases", *levels])

    reductions = _explode(
        _covered(
            frames.reductions.join(
                workers.select(pl.col("id").alias("worker_id")), on="worker_id", how="semi"
            ).sort(REDUCTION_ORDER),
            points,
            pl.col("start_date"),
            pl.col("end_date"),
        )
    )
    reduction_totals = reductions.group_by(["worker_id", "i"]).agg(REDUCTION_TOTAL)

    details = workers.rename({"id": "worker_id"})
    judged = judge_workers(
        counted.join(reduction_totals, on=["worker_id", "i"], how="left")
        .join(details, on="worker_id", how="left")
        .join(_teams(frames), on="team_id", how="left"),
        policy,
    ).with_columns(pl.lit(points).gather(pl.col("i")).alias("date"))
    judged = judged.sort(
        ["i", *WORKER_ORDER], descending=[False, *WORKER_ORDER_DESCENDING], nulls_last=True
    )
    return judged, held


def _team_series(
    frames: Frames, points: pl.Series, workers: pl.DataFrame, held: pl.DataFrame
) -> pl.DataFrame:
    """Team rows at every sample date (every team, even with nobody in post)."""
    indices = pl.DataFrame({"i": pl.int_range(0, len(points), eager=True).cast(pl.Int64)})
    teams = _teams(frames)
    grid = teams.select("team_id").sort("team_id").join(indices, how="cross")

    cases = _covered(
        frames.cases.select(pl.col("team_id"), "opened_on", "closed_on"),
        points,
        pl.col("opened_on"),
        pl.col("closed_on"),
    ).with_columns(pl.lit(1, dtype=pl.Int64).alias("open_cases"))
    allocated = _merge(held.select("case_id", "case_team_id", "lo", "hi"), ["case_id"])
    allocated = allocated.select(
        pl.col("case_team_id").alias("team_id"),
        "lo",
        "hi",
        pl.lit(1, dtype=pl.Int64).alias("allocated_cases"),
    )
    case_totals = _running_totals(grid, cases, "team_id", ["open_cases"]).join(
        _running_totals(grid, allocated, "team_id", ["allocated_cases"]),
        on=["team_id", "i"],
        how="left",
    )
    worker_totals = workers.group_by(["i", "team_id"]).agg(WORKER_TOTALS)
    return (
        summarise_teams(
            teams.join(indices, how="cross"), worker_totals, case_totals, on=["team_id", "i"]
        )
        .with_columns(pl.lit(points).gather(pl.col("i")).alias("date"))
        .sort(["i", "service_area", "team"])
    )


def _levels(
    frames: Frames, policy: Policy, points: pl.Series
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Worker rows, team rows and organisation rows at each of the sample `points`."""
    workers, held = _judged_workers(frames, policy, points)
    teams = _team_series(frames, points, workers, held)
    organisation = roll_up(teams, ["i", "date"])
    return workers, teams, organisation


# --- sustained overload ---------------------------------------------------------------


def _lookback(targets: pl.Series, weeks: int) -> pl.Series:
    """Each target date and the `weeks - 1` weekly points before it, sorted, once each."""
    steps = pl.Series("step", [dt.timedelta(weeks=k) for k in range(weeks)])
    frame = pl.DataFrame({"date": targets}).join(pl.DataFrame(steps), how="cross")
    days = frame.select((pl.col("date") - pl.col("step")).alias("date")).get_column("date")
    return days.unique().sort()


def _runs(over: pl.DataFrame) -> pl.DataFrame:
    """For (worker_id, date) rows at which a worker is over: the run of weekly points it
    is part of (`run_from`) and its length up to the date (`weeks_over`)."""
    day = pl.col("date")
    # Weekly points d, d−7 … share a weekday; runs never mix points of different weekdays.
    ordered = (
        over.select("worker_id", "date")
        .unique()
        .with_columns(day.dt.weekday().alias("_weekday"))
        .sort(["worker_id", "_weekday", "date"])
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


def _weeks_over(
    frames: Frames,
    policy: Policy,
    over: pl.DataFrame,
    points: pl.Series,
    targets: pl.Series,
    weeks: int,
) -> pl.DataFrame:
    """`weeks_over` at each target date for the workers over then (others are 0).

    Runs that reach back to the first evaluated point are continued by looking further
    back, only for those workers, until every run is broken (or nobody was in post).
    """
    runs = _runs(over).filter(pl.col("date").is_in(targets.implode()))
    earliest = frames.workers.get_column("start_date").min()
    carry_from = (pl.col("run_from") - pl.duration(weeks=1)).alias("carry_from")
    runs = runs.with_columns(carry_from)
    pending = runs.filter(
        ~pl.col("carry_from").is_in(points.implode()) & (pl.col("carry_from") >= earliest)
    ).select("worker_id", pl.col("carry_from").alias("date"))
    if pending.is_empty():
        return runs.select("worker_id", "date", "weeks_over")
    carried = weeks_over_at(frames, policy, pending.unique(), weeks * 2).rename(
        {"date": "carry_from", "weeks_over": "carried"}
    )
    return runs.join(carried, on=["worker_id", "carry_from"], how="left").select(
        "worker_id", "date", (pl.col("weeks_over") + pl.col("carried").fill_null(0))
    )


def weeks_over_at(
    frames: Frames, policy: Policy, pairs: pl.DataFrame, weeks: int | None = None
) -> pl.DataFrame:
    """`weeks_over` for (worker_id, date) pairs: consecutive weekly points over, to date.

    `frames` must hold the whole history (`load_frames(as_of=None)`). Pairs whose worker
    is not over on the date are left out (their `weeks_over` is 0).
    """
    weeks = weeks or max(policy.sustained_weeks, 4)
    if pairs.is_empty():
        return pl.DataFrame(schema={"worker_id": pl.Int64, "date": pl.Date, "weeks_over": pl.Int64})
    targets = pairs.get_column("date").unique().sort()
    points = _lookback(targets, weeks)
    judged, _ = _judged_workers(
        frames, policy, points, worker_ids=pairs.get_column("worker_id").unique()
    )
    over = judged.filter(pl.col("status") == STATUS_OVER).select("worker_id", "date")
    result = _weeks_over(frames, policy, over, points, targets, weeks)
    return result.join(pairs.select("worker_id", "date"), on=["worker_id", "date"], how="semi")


def _sustained_counts(workers: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    return workers.group_by(keys).agg(pl.col("sustained").sum().cast(pl.Int64).alias("sustained"))


# --- the public entry points ----------------------------------------------------------


def compute_trend(
    frames: Frames, policy: Policy, start: dt.date, end: dt.date, every: str = "week"
) -> Trend:
    """The snapshot rows at each sample date from `start` to `end` (whole-history frames)."""
    dates = sample_dates(start, end, every)
    targets = pl.Series("date", dates, dtype=pl.Date)
    weeks = max(policy.sustained_weeks, 4)
    points = _lookback(targets, weeks)
    workers, teams, organisation = _levels(frames, policy, points)
    over = workers.filter(pl.col("status") == STATUS_OVER).select("worker_id", "date")
    weeks_over = _weeks_over(frames, policy, over, points, targets, weeks)

    wanted = pl.col("date").is_in(targets.implode())
    workers = (
        workers.filter(wanted)
        .join(weeks_over, on=["worker_id", "date"], how="left", maintain_order="left")
        .with_columns(pl.col("weeks_over").fill_null(0))
        .with_columns((pl.col("weeks_over") >= policy.sustained_weeks).alias("sustained"))
    )
    sustained = _sustained_counts(workers, ["date", "team_id"])
    teams = (
        teams.filter(wanted)
        .join(sustained, on=["date", "team_id"], how="left", maintain_order="left")
        .with_columns(pl.col("sustained").fill_null(0))
    )
    organisation = (
        organisation.filter(wanted)
        .join(_sustained_counts(workers, ["date"]), on="date", how="left", maintain_order="left")
        .with_columns(pl.col("sustained").fill_null(0))
    )
    return Trend(
        start=start,
        end=end,
        every=every,
        dates=tuple(dates),
        policy=policy,
        workers=workers.drop("i"),
        teams=teams.drop("i"),
        organisation=organisation.drop("i"),
    )


def frames_on(frames: Frames, day: dt.date) -> Frames:
    """Whole-history frames narrowed as `load_frames(as_of=day)` narrows them (allocations
    open that day or broken; cases open that day or pointed at by those allocations), so
    a snapshot made from them is the same, problems included."""
    when = pl.lit(day, dtype=pl.Date)
    allocations = frames.allocations.filter(
        (
            (pl.col("start_date") <= when)
            & (pl.col("end_date").is_null() | (pl.col("end_date") > when))
        )
        | (pl.col("end_date") < pl.col("start_date"))
    )
    referenced = pl.col("id").is_in(allocations.get_column("case_id").implode())
    open_then = (pl.col("opened_on") <= when) & (
        pl.col("closed_on").is_null() | (pl.col("closed_on") > when)
    )
    cases = frames.cases.filter(open_then | referenced)
    return dataclasses.replace(frames, allocations=allocations, cases=cases)


def load_snapshot_with_history(
    path: Path | str, policy: Policy, as_of: dt.date, *, is_demo: bool = False
) -> Snapshot:
    """`load_snapshot` plus `add_history`: the same snapshot, with weeks over."""
    frames = load_frames(path, as_of=None, is_demo=is_demo)
    snapshot = compute_snapshot(frames_on(frames, as_of), policy, as_of)
    return add_history(snapshot, frames)


def add_history(snapshot: Snapshot, frames: Frames) -> Snapshot:
    """The snapshot with `weeks_over` and `sustained` on workers, and a `sustained` count
    on teams, service areas and the organisation. `frames` must hold the whole history."""
    policy = snapshot.policy
    over = snapshot.workers.filter(pl.col("status") == STATUS_OVER).select(
        "worker_id", pl.lit(snapshot.as_of, dtype=pl.Date).alias("date")
    )
    weeks_over = weeks_over_at(frames, policy, over).select("worker_id", "weeks_over")
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


# --- direction of travel --------------------------------------------------------------


@dataclass(frozen=True)
class Direction:
    """How the headline measures moved: now, 12 weeks ago and 12 months ago."""

    as_of: dt.date
    teams: pl.DataFrame
    """team, service_area, measure, now, weeks_12_ago, change_12_weeks, months_12_ago,
    change_12_months (changes are null where either end is)."""
    organisation: pl.DataFrame
    """The same without team and service_area."""


def direction_of_travel(frames: Frames, policy: Policy, as_of: dt.date) -> Direction:
    """Change in average caseload, over count, vacancy and agency rates over the last
    12 weeks and 12 months, for each team and the organisation."""
    weeks_ago = as_of - dt.timedelta(weeks=12)
    months_ago = pl.select(pl.lit(as_of, dtype=pl.Date).dt.offset_by("-12mo")).item()
    points = pl.Series("date", sorted({months_ago, weeks_ago, as_of}), dtype=pl.Date)
    _, teams, organisation = _levels(frames, policy, points)
    moments = {"now": as_of, "weeks_12_ago": weeks_ago, "months_12_ago": months_ago}

    def measured(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        long = frame.select(
            "date", *keys, *[pl.col(m).cast(pl.Float64) for m in DIRECTION_MEASURES]
        ).unpivot(index=["date", *keys], variable_name="measure")
        wide = None
        for name, day in moments.items():
            part = long.filter(pl.col("date") == day).select(
                *keys, "measure", pl.col("value").alias(name)
            )
            wide = part if wide is None else wide.join(part, on=[*keys, "measure"], how="left")
        return wide.with_columns(
            (pl.col("now") - pl.col("weeks_12_ago")).alias("change_12_weeks"),
            (pl.col("now") - pl.col("months_12_ago")).alias("change_12_months"),
        ).select(
            *keys,
            "measure",
            "now",
            "weeks_12_ago",
            "change_12_weeks",
            "months_12_ago",
            "change_12_months",
        )

    return Direction(
        as_of=as_of,
        teams=measured(teams, ["team", "service_area"]),
        organisation=measured(organisation, []),
    )


TREND_SUMMARY_FIELDS = ("date", *SUMMARY_FIELDS, "sustained")
