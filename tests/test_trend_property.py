"""The trend series at any one date is the snapshot for that date (Hypothesis).

Random small databases with reductions, part-time and agency staff, co-working, cases
that open and close mid-week, workers who start and leave mid-week, broken and doubled
allocations. Each is compared with `compute_snapshot` on every sample date, and
`weeks_over` with a plain count of the weekly snapshots in which the worker is over.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from pathlib import Path
from unittest import mock

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from cfmonitor import report
from cfmonitor.data import reading
from cfmonitor.data import series as series_module
from cfmonitor.data.caseload import compute_snapshot
from cfmonitor.data.engine import Caseloads
from cfmonitor.data.reading import load_frames
from cfmonitor.data.rules import STATUS_OVER
from cfmonitor.data.trend import add_history, compute_trend, frames_on
from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from tests.factory import DatabaseBuilder

BASE = dt.date(2025, 1, 1)  # a Wednesday: weekly points fall mid-week for Monday records
SPAN = 140


def day(offset: int) -> str:
    return (BASE + dt.timedelta(days=offset)).isoformat()


maybe_end = st.one_of(st.none(), st.integers(-5, 90))


@st.composite
def databases(draw: st.DrawFn) -> DatabaseBuilder:
    builder = DatabaseBuilder()
    teams = [
        builder.team(f"Team {n}", establishment_fte=draw(st.sampled_from([0.0, 1.0, 2.5, 4.0])))
        for n in range(draw(st.integers(1, 3)))
    ]
    workers = []
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, 80))
        length = draw(st.one_of(st.none(), st.integers(1, 100)))
        workers.append(
            builder.worker(
                draw(st.sampled_from(teams)),
                cohort=draw(st.sampled_from(["experienced", "nqsw", "manager", "unknown"])),
                fte=draw(st.sampled_from([1.0, 0.8, 0.6, 0.5, 0.33, 0.1])),
                employment=draw(st.sampled_from(["permanent", "agency"])),
                start_date=day(start),
                end_date=None if length is None else day(start + length),
            )
        )
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, SPAN))
        length = draw(maybe_end)
        builder.reduction(
            draw(st.sampled_from(workers)),
            draw(st.sampled_from([10.0, 20.0, 33.3, 50.0, 100.0])),
            start_date=day(start),
            end_date=None if length is None else day(start + length),
        )
    for _ in range(draw(st.integers(0, 24))):
        opened = draw(st.integers(0, SPAN))
        length = draw(st.one_of(st.none(), st.integers(1, 80)))
        case = builder.case(
            draw(st.sampled_from(teams)),
            complexity=draw(st.sampled_from(["standard", "complex", "intense"])),
            opened_on=day(opened),
            closed_on=None if length is None else day(opened + length),
        )
        for _ in range(draw(st.integers(0, 3))):  # co-working, hand-overs, doubles
            start = draw(st.integers(-10, SPAN))
            length = draw(maybe_end)
            builder.allocate(
                case,
                draw(st.sampled_from(workers)),
                start_date=day(start),
                end_date=None if length is None else day(start + length),
            )
    return builder


policies = st.builds(
    Policy,
    cohorts=st.just({"experienced": 3.0, "nqsw": 2.0, "manager": 0.0}),
    near_band=st.sampled_from([0.5, 0.9, 1.0]),
    sustained_weeks=st.integers(1, 4),
)


def _rows_on(frame: pl.DataFrame, when: dt.date) -> pl.DataFrame:
    return frame.filter(pl.col("date") == when).drop("date")


def _examples(count: int) -> settings:
    """Random databases are slow to write and large: no deadline, and no health check
    that says so."""
    return settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


RANGES = {
    "builder": databases(),
    "policy": policies,
    "first": st.integers(-20, SPAN),
    "length": st.integers(0, 90),
}
"""A random database, a policy, and a range's first day (from BASE) and length."""


@_examples(60)
@given(
    **RANGES,
    every=st.sampled_from(["week", "week", "month"]),
    block=st.sampled_from([1, 3, series_module.BLOCK_DATES]),
)
def test_series_equals_the_snapshot_on_every_date(
    builder: DatabaseBuilder, policy: Policy, first: int, length: int, every: str, block: int
) -> None:
    # Dates are judged in blocks to bound memory; small blocks must change nothing.
    with (
        mock.patch.object(series_module, "BLOCK_DATES", block),
        tempfile.TemporaryDirectory(prefix="cfmonitor-trend-") as folder,
    ):
        path = builder.write(Path(folder) / "random.db")
        _check(path, policy, BASE + dt.timedelta(days=first), length, every)


def _check(path: Path, policy: Policy, start: dt.date, length: int, every: str) -> None:
    frames = load_frames(path)
    trend = compute_trend(frames, policy, start, start + dt.timedelta(days=length), every)
    assert trend.dates[-1] == trend.end
    organisation, teams, workers = report.trend_rows(trend)
    dates = trend.dates
    for when in sorted({dates[0], dates[len(dates) // 2], dates[-1]}):
        snapshot = add_history(compute_snapshot(frames_on(frames, when), policy, when), frames)
        series = _rows_on(trend.worker_rows(), when)
        # Same values and order; the series keeps its counts in 32 bits to save memory.
        assert_frame_equal(
            series, snapshot.workers.select(series.columns), check_dtypes=False, check_exact=True
        )
        assert_frame_equal(
            _rows_on(trend.teams, when), snapshot.teams.select(_rows_on(trend.teams, when).columns)
        )
        assert_frame_equal(
            _rows_on(trend.organisation, when),
            snapshot.organisation.select(_rows_on(trend.organisation, when).columns),
        )
        # The report's rounded rows, exactly.
        assert _rows_on(workers, when).to_dicts() == report.worker_rows(snapshot).to_dicts()
        assert _rows_on(teams, when).to_dicts() == report.team_rows(snapshot).to_dicts()
        assert _rows_on(organisation, when).to_dicts() == [report.organisation_row(snapshot)]

    # A snapshot from frames loaded for the day (the SQL filter) is the one frames_on gives.
    last = trend.end
    direct = compute_snapshot(load_frames(path, as_of=last), policy, last)
    narrowed = compute_snapshot(frames_on(frames, last), policy, last)
    assert_frame_equal(direct.workers, narrowed.workers)
    assert_frame_equal(direct.problems, narrowed.problems)
    assert_frame_equal(direct.unallocated_cases, narrowed.unallocated_cases)
    whole = compute_snapshot(frames, policy, last)  # waiting since: from the whole history too
    assert_frame_equal(direct.unallocated_cases, whole.unallocated_cases)

    # weeks_over, counted the slow way: weekly snapshots back from the last date.
    ends = dict(_rows_on(trend.workers, last).select("worker_id", "weeks_over").iter_rows())
    counts = dict.fromkeys(ends, 0)
    running = set(ends)
    for k in itertools.count():
        if not running:
            break
        when = last - dt.timedelta(weeks=k)
        over = set(
            compute_snapshot(frames_on(frames, when), policy, when)
            .workers.filter(pl.col("status") == STATUS_OVER)
            .get_column("worker_id")
        )
        running &= over
        for worker_id in running:
            counts[worker_id] += 1
    assert ends == counts


@_examples(25)
@given(
    **RANGES,
    every=st.sampled_from(["week", "month"]),
    small=st.booleans(),
)
def test_the_engine_trend_from_its_window_equals_the_whole_history(
    builder: DatabaseBuilder, policy: Policy, first: int, length: int, every: str, small: bool
) -> None:
    """`Caseloads.trend` reads only the rows that count in its range (and the earlier
    history of runs that began before it): the series is that of the whole history,
    through either reader."""
    start = BASE + dt.timedelta(days=first)
    end = start + dt.timedelta(days=length)
    with (
        mock.patch.object(reading, "SMALL_DATABASE_BYTES", 2**62 if small else 0),
        tempfile.TemporaryDirectory(prefix="cfmonitor-trend-") as folder,
    ):
        path = builder.write(Path(folder) / "random.db")
        windowed = Caseloads(DatabaseChoice(path, is_demo=False), policy).trend(start, end, every)
        whole = compute_trend(load_frames(path), policy, start, end, every)
    for part in ("workers", "teams", "organisation", "worker_details"):
        assert_frame_equal(getattr(windowed, part), getattr(whole, part), check_exact=True)
