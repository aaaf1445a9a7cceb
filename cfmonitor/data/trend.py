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

import numpy as np
import polars as pl

from cfmonitor.data.caseload import (
    REDUCTION_ORDER,
    STATUS_OVER,
    WORKER_ORDER,
    WORKER_ORDER_DESCENDING,
    WORKER_TOTALS,
    Snapshot,
    judge_workers,
    reduction_totals,
    roll_up,
    summarise_teams,
)
from cfmonitor.data.contract import FAR_FUTURE, HISTORY_COLUMNS
from cfmonitor.data.reading import load_frames
from cfmonitor.data.store import Frames
from cfmonitor.errors import CfmonitorError
from cfmonitor.policy import COMPLEXITY_LEVELS, Policy
from cfmonitor.scalars import as_int

EVERY = ("week", "month")
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


def _whole(value: object) -> int:
    """A Polars scalar (min, max) of a non-empty integer column, as the `int` it is."""
    number = as_int(value)
    if number is None:
        raise ValueError("an empty id column has no minimum or maximum")
    return number


def load_history(path: Path | str, *, is_demo: bool = False) -> Frames:
    """The whole history, for `compute_trend` and `direction_of_travel` (not for snapshots)."""
    return load_frames(path, as_of=None, is_demo=is_demo, columns=HISTORY_COLUMNS)


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
        pl.lit(end, dtype=pl.Date).dt.offset_by(pl.lit(pl.Series(offsets))).alias("date")
    ).to_series()
    return [day for day in steps.to_list() if day >= start]


def default_range(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The last two years up to `as_of`."""
    start = pl.select(pl.lit(as_of, dtype=pl.Date).dt.offset_by("-2y")).item()
    return start, as_of


# --- ranges of sample dates -----------------------------------------------------------


def _positions_of(points: pl.Series, days: pl.Series) -> np.ndarray:
    """Position of the first sample date on or after each day (null days: past the end)."""
    numbers = days.fill_null(FAR_FUTURE).cast(pl.Int32).to_numpy()
    return np.searchsorted(points.cast(pl.Int32).to_numpy(), numbers, side="left")


def _covered(frame: pl.DataFrame, points: pl.Series, start: pl.Expr, end: pl.Expr) -> pl.DataFrame:
    """Give each row the sample dates [lo, hi) its half-open range [start, end) covers;
    rows that cover none are left out. Positions are found in NumPy, so the frame is
    copied once, filtered."""
    bounds = frame.select(start.alias("start"), end.alias("end"))
    lo = _positions_of(points, bounds.get_column("start"))
    hi = _positions_of(points, bounds.get_column("end"))
    covers = lo < hi
    return frame.filter(pl.Series(covers)).with_columns(
        pl.Series("lo", lo[covers].astype(np.int64)), pl.Series("hi", hi[covers].astype(np.int64))
    )


def _explode(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per sample date covered, numbered `i`."""
    return frame.with_columns(pl.int_ranges("lo", "hi").alias("i")).explode("i")


def _merge(ranges: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Merge overlapping [lo, hi) ranges that share `keys`, so each date counts once.

    One sort, then running maxima: the group number is folded into the value
    (group × width + hi) so a single cumulative maximum never crosses groups.
    """
    ordered = ranges.sort([*keys, "lo"])
    changed = pl.any_horizontal(*[pl.col(key) != pl.col(key).shift(1) for key in keys])
    new_group = changed.fill_null(True)
    width = _whole(ordered.get_column("hi").max() or 0) + 1
    group = new_group.cast(pl.Int64).cum_sum()
    ordered = ordered.with_columns(
        ((group * width + pl.col("hi")).cum_max() - group * width).alias("_reach"),
        new_group.alias("_new_group"),
    ).with_columns(
        (pl.col("_new_group") | (pl.col("lo") > pl.col("_reach").shift(1))).alias("_new_run")
    )
    last_of_run = pl.col("_new_run").shift(-1).fill_null(True)
    starts = ordered.filter(pl.col("_new_run")).drop("hi", "_reach", "_new_group", "_new_run")
    ends = ordered.filter(last_of_run).get_column("_reach").alias("hi")
    return starts.with_columns(ends).select(ranges.columns)


def _running_totals(
    spans: pl.DataFrame, ranges: pl.DataFrame, key: str, indicators: list[str]
) -> dict[str, np.ndarray]:
    """For each indicator, how many `ranges` cover each (key, date) cell of a grid.

    The grid holds, for each row of `spans` (key, lo, hi, offset), the dates [lo, hi)
    at rows offset … offset + hi − lo. Each range adds 1 where it starts and takes it away
    where it ends; a cumulative sum within each key's block gives the count on every
    date. Ranges must lie within their key's span.
    """
    size = int((spans.get_column("hi") - spans.get_column("lo")).sum())
    # Each range's block by lookup, not by a join: ranges can number millions.
    rows = _rows_of(spans.get_column(key), ranges.get_column(key))
    inside = rows >= 0
    rows = rows[inside]
    span_lo = spans.get_column("lo").to_numpy()[rows]
    span_hi = spans.get_column("hi").to_numpy()[rows]
    offset = spans.get_column("offset").to_numpy()[rows]
    range_lo = ranges.get_column("lo").to_numpy()[inside]
    range_hi = ranges.get_column("hi").to_numpy()[inside]
    start_at = offset + range_lo - span_lo
    ends_inside = range_hi < span_hi
    end_at = offset + range_hi - span_lo
    block_starts = spans.get_column("offset").to_numpy()
    lengths = (spans.get_column("hi") - spans.get_column("lo")).to_numpy()
    totals: dict[str, np.ndarray] = {}
    for name in indicators:
        chosen = ranges.get_column(name).to_numpy()[inside] > 0
        starts = start_at[chosen]
        ends = end_at[chosen & ends_inside]
        delta = np.bincount(starts, minlength=size) - np.bincount(ends, minlength=size)
        running = np.cumsum(delta)
        before = (running - delta)[block_starts] if size else np.zeros(0, dtype=np.int64)
        totals[name] = running - np.repeat(before, lengths)
    return totals


def _spans(frame: pl.DataFrame) -> pl.DataFrame:
    """Number the grid rows of covered ranges: each row's block starts at `offset`."""
    return frame.with_columns(
        ((pl.col("hi") - pl.col("lo")).cum_sum() - (pl.col("hi") - pl.col("lo"))).alias("offset")
    )


# --- the series -----------------------------------------------------------------------


def _teams(frames: Frames) -> pl.DataFrame:
    return frames.teams.select(
        pl.col("id").alias("team_id"),
        pl.col("name").alias("team"),
        "service_area",
        "establishment_fte",
    )


def _rows_of(keys: pl.Series, wanted: pl.Series) -> np.ndarray:
    """Position of each `wanted` id among the unique `keys`, −1 where it is absent.

    Ids are small whole numbers in practice, so a lookup table does the work of a join
    (no hash table, no wide joined frame); anything else falls back to a join.
    """
    if keys.is_empty() or wanted.is_empty():
        return np.full(len(wanted), -1, dtype=np.int64)
    low = min(_whole(keys.min()), _whole(wanted.min()))
    top = max(_whole(keys.max()), _whole(wanted.max()))
    if low >= 0 and top < 4 * (len(keys) + len(wanted)) + 1024:
        table = np.full(top + 1, -1, dtype=np.int64)
        table[keys.to_numpy()] = np.arange(len(keys))
        return table[wanted.to_numpy()]
    found = pl.DataFrame({"key": wanted}).join(
        pl.DataFrame({"key": keys}).with_row_index("row"),
        on="key",
        how="left",
        maintain_order="left",
    )
    return found.get_column("row").cast(pl.Int64).fill_null(-1).to_numpy()


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
    worker_rows = _rows_of(workers.get_column("id"), allocations.get_column("worker_id"))
    case_rows = _rows_of(frames.cases.get_column("id"), allocations.get_column("case_id"))
    known = (worker_rows >= 0) & (case_rows >= 0)
    levels = {level: index for index, level in enumerate(COMPLEXITY_LEVELS)}
    cases = frames.cases.select(
        pl.col("team_id").alias("case_team_id"),
        pl.col("complexity")
        .replace_strict(levels, default=None, return_dtype=pl.Int8)
        .alias("level"),
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
    held = _covered(
        joined.select(
            "worker_id",
            "case_id",
            "case_team_id",
            "level",
            pl.max_horizontal("start_date", "opened_on", "in_post_from").alias("_from"),
            pl.min_horizontal(
                pl.col("end_date").fill_null(far),
                pl.col("closed_on").fill_null(far),
                pl.col("in_post_until").fill_null(far),
            ).alias("_until"),
        ),
        points,
        pl.col("_from"),
        pl.col("_until"),
    ).drop("_from", "_until")
    # The same case given twice at once to one worker is still one case (as on a day).
    twice = _repeated(held.get_column("worker_id"), held.get_column("case_id"))
    if twice.any():
        held = pl.concat(
            [
                held.filter(pl.Series(~twice)),
                _merge(held.filter(pl.Series(twice)), ["worker_id", "case_id"]),
            ]
        )
    return held


def _repeated(first: pl.Series, second: pl.Series | None = None) -> np.ndarray:
    """True for each row whose id (or (first, second) pair) occurs more than once. Sorts
    one whole-number key where the ids allow (less memory than hashing), else hashes."""
    if first.is_empty():
        return np.zeros(0, dtype=bool)
    other = second if second is not None else pl.Series([0])
    low = min(_whole(first.min()), _whole(other.min()))
    top = max(_whole(first.max()), _whole(other.max()))
    if low < 0 or top >= 2**31:
        both = {"a": first} if second is None else {"a": first, "b": second}
        return pl.DataFrame(both).is_duplicated().to_numpy()
    key = first.to_numpy().astype(np.int64)
    if second is not None:
        key = key * 2**31 + second.to_numpy()
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    same = ordered[1:] == ordered[:-1]
    flagged = np.zeros(len(key), dtype=bool)
    flagged[1:] |= same
    flagged[:-1] |= same
    repeated = np.empty(len(key), dtype=bool)
    repeated[order] = flagged
    return repeated


def _placed(spans: pl.DataFrame, rows: pl.DataFrame, key: str) -> pl.DataFrame:
    """Rows keyed (key, i) that fall inside the grid `spans` numbers, with their `position`
    in it; rows outside (a reduction while not in post, say) are left out."""
    return (
        rows.join(spans.select(key, "lo", "hi", "offset"), on=key, how="inner")
        .filter((pl.col("i") >= pl.col("lo")) & (pl.col("i") < pl.col("hi")))
        .with_columns((pl.col("offset") + pl.col("i") - pl.col("lo")).alias("position"))
    )


def _judge_points(
    frames: Frames, policy: Policy, points: pl.Series, workers: pl.DataFrame, held: pl.DataFrame
) -> pl.DataFrame:
    """Every worker in post at each of `points`, judged, sorted by date and worker id.
    `held` holds the (worker, case) ranges as positions in `points`."""
    spans = _spans(
        _covered(
            workers.with_row_index("row").select(
                "row", pl.col("id").alias("worker_id"), "start_date", "end_date"
            ),
            points,
            pl.col("start_date"),
            pl.col("end_date"),
        )
    )
    grid = _explode(spans).select("row", "worker_id", "i")

    indicators = ["cases", *(f"{level}_cases" for level in COMPLEXITY_LEVELS)]
    held_counts = held.with_columns(
        pl.lit(1, dtype=pl.Int8).alias("cases"),
        *[
            (pl.col("level") == index).cast(pl.Int8).alias(f"{level}_cases")
            for index, level in enumerate(COMPLEXITY_LEVELS)
        ],
    )
    counts = _running_totals(spans, held_counts, "worker_id", indicators)

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
    reduction_total = reduction_totals(reductions, ["worker_id", "i"])
    reduced = np.full(grid.height, np.nan)
    placed = _placed(spans, reduction_total, "worker_id")
    reduced[placed.get_column("position").to_numpy()] = placed.get_column("reduction_percent")

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


def _judged_workers(
    frames: Frames, policy: Policy, points: pl.Series, worker_ids: pl.Series | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Every worker in post at each sample date, judged (without the details that never
    change; see `_worker_details`), sorted by date and worker id; their totals by team
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


def _worker_details(frames: Frames) -> pl.DataFrame:
    """One row per worker: what does not change from date to date."""
    return frames.workers.rename({"id": "worker_id"}).join(
        _teams(frames), on="team_id", how="left", maintain_order="left"
    )


LEAN_DROP = ("team_id", "i")
"""Working columns of the series (`worker_details` holds each worker's team)."""


def _team_series(
    frames: Frames, points: pl.Series, worker_totals: pl.DataFrame, held: pl.DataFrame
) -> pl.DataFrame:
    """Team rows at every sample date (every team, even with nobody in post)."""
    n = len(points)
    indices = pl.DataFrame({"i": pl.int_range(0, n, eager=True).cast(pl.Int32)})
    teams = _teams(frames)
    spans = teams.select(
        "team_id",
        pl.lit(0, dtype=pl.Int64).alias("lo"),
        pl.lit(n, dtype=pl.Int64).alias("hi"),
        (pl.int_range(0, pl.len(), dtype=pl.Int64) * n).alias("offset"),
    )
    grid = teams.join(indices, how="cross", maintain_order="left_right")

    cases = _covered(
        frames.cases.select("team_id", "opened_on", "closed_on"),
        points,
        pl.col("opened_on"),
        pl.col("closed_on"),
    ).with_columns(pl.lit(1, dtype=pl.Int64).alias("open_cases"))
    ranges = held.select("case_id", "case_team_id", "lo", "hi")
    shared = pl.Series(_repeated(ranges.get_column("case_id")))  # co-worked, handed over
    allocated = pl.concat([ranges.filter(~shared), _merge(ranges.filter(shared), ["case_id"])])
    allocated = allocated.select(
        pl.col("case_team_id").alias("team_id"),
        "lo",
        "hi",
        pl.lit(1, dtype=pl.Int64).alias("allocated_cases"),
    )
    open_cases = _running_totals(spans, cases, "team_id", ["open_cases"])
    allocated_cases = _running_totals(spans, allocated, "team_id", ["allocated_cases"])
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


def _levels(
    frames: Frames, policy: Policy, points: pl.Series
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Worker rows, team rows and organisation rows at each of the sample `points`."""
    workers, worker_totals, held = _judged_workers(frames, policy, points)
    teams = _team_series(frames, points, worker_totals, held)
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
        return runs.drop("run_from", "carry_from")
    # Few runs get this far, and those that do tend to be long: look a year back at once.
    carried = weeks_over_at(frames, policy, pending.unique(), max(weeks * 4, 52)).rename(
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

    `frames` must hold the whole history (`load_frames(as_of=None)`). Pairs whose worker
    is not over on the date are left out (their `weeks_over` is 0).
    """
    weeks = weeks or max(policy.sustained_weeks, 4)
    if pairs.is_empty():
        return pl.DataFrame(schema={"worker_id": pl.Int64, "date": pl.Date, "weeks_over": pl.Int64})
    targets = pairs.get_column("date").unique().sort()
    points = _lookback(targets, weeks)
    judged, _, _ = _judged_workers(
        frames, policy, points, worker_ids=pairs.get_column("worker_id").unique()
    )
    over = judged.filter(pl.col("status") == STATUS_OVER).select("worker_id", "date")
    result = _weeks_over(frames, policy, over, points, targets, weeks)
    return result.join(
        pairs.select("worker_id", "date"), on=["worker_id", "date"], how="semi"
    ).select("worker_id", "date", "weeks_over")


def _sustained_counts(workers: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    return workers.group_by(keys).agg(pl.col("sustained").sum().cast(pl.Int64).alias("sustained"))


# --- the public entry points ----------------------------------------------------------


def compute_trend(
    frames: Frames, policy: Policy, start: dt.date, end: dt.date, every: str = "week"
) -> Trend:
    """The snapshot rows at each sample date from `start` to `end`.

    `frames` must hold the whole history (`load_history`, or `load_frames(as_of=None)`).
    """
    dates = sample_dates(start, end, every)
    targets = pl.Series("date", dates, dtype=pl.Date)
    weeks = max(policy.sustained_weeks, 4)
    points = _lookback(targets, weeks)
    workers, worker_totals, held = _judged_workers(frames, policy, points)
    over = (
        workers.with_row_index("_position")
        .filter(pl.col("status") == STATUS_OVER)
        .select("worker_id", "date", "_position")
    )
    found = _weeks_over(frames, policy, over, points, targets, weeks)
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
        _team_series(frames, points, worker_totals, held)
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
        worker_details=_worker_details(frames),
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


def add_history(snapshot: Snapshot, frames: Frames | None) -> Snapshot:
    """The snapshot with `weeks_over` and `sustained` on workers, and a `sustained` count
    on teams, service areas and the organisation. `frames` must hold the whole history
    (`load_history`); it may be None when nobody is over."""
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
        parts = [
            long.filter(pl.col("date") == day).select(*keys, "measure", pl.col("value").alias(name))
            for name, day in moments.items()
        ]
        wide = parts[0]
        for part in parts[1:]:
            wide = wide.join(part, on=[*keys, "measure"], how="left")
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
