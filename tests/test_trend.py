"""Sustained overload, weeks over, the direction of travel and sample dates, on small
databases whose answers can be worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from cfmonitor.data.caseload import compute_snapshot
from cfmonitor.data.reading import load_frames
from cfmonitor.data.trend import (
    TrendError,
    add_history,
    compute_trend,
    default_range,
    direction_of_travel,
    frames_on,
    sample_dates,
)
from cfmonitor.policy import Policy
from tests.factory import DatabaseBuilder

START = dt.date(2025, 1, 6)  # a Monday


def on(offset_days: int) -> str:
    return (START + dt.timedelta(days=offset_days)).isoformat()


def week(n: int) -> dt.date:
    return START + dt.timedelta(weeks=n)


def history(path: Path, policy: Policy, day: dt.date):
    frames = load_frames(path)
    return add_history(compute_snapshot(frames_on(frames, day), policy, day), frames)


def worker_row(snapshot, name: str) -> dict:
    return snapshot.workers.filter(pl.col("name") == name).row(0, named=True)


@pytest.fixture
def overloaded(builder: DatabaseBuilder, db_path: Path) -> Path:
    """Ova holds 19 cases from week 0 (over); one closes for week 10 only, then reopens.
    Nell is over only between weekly points (Tuesday to Sunday of week 3).
    Long is over from week 0 to the end of the data (40 weeks)."""
    team = builder.team("Alpha", establishment_fte=3)
    ova = builder.worker(team, name="Ova", start_date=on(0))
    nell = builder.worker(team, name="Nell", start_date=on(0))
    long = builder.worker(team, name="Long", start_date=on(0))
    builder.cases_for(ova, team, 18, opened_on=on(0))
    dipping = builder.case(team, opened_on=on(0))
    builder.allocate(dipping, ova, start_date=on(0), end_date=on(70))
    builder.allocate(dipping, ova, start_date=on(77))
    builder.cases_for(nell, team, 18, opened_on=on(0))
    brief = builder.case(team, opened_on=on(22), closed_on=on(28))
    builder.allocate(brief, nell, start_date=on(22))
    builder.cases_for(long, team, 20, opened_on=on(0))
    return builder.write(db_path)


def test_weeks_over_counts_consecutive_weekly_points(overloaded: Path) -> None:
    policy = Policy(sustained_weeks=4)
    snapshot = history(overloaded, policy, week(9))
    ova = worker_row(snapshot, "Ova")
    assert ova["status"] == "over"
    assert ova["weeks_over"] == 10  # weeks 0..9
    assert ova["sustained"] is True
    assert worker_row(snapshot, "Nell")["weeks_over"] == 0
    assert worker_row(snapshot, "Nell")["sustained"] is False


def test_a_week_not_over_starts_the_count_again(overloaded: Path) -> None:
    policy = Policy(sustained_weeks=4)
    assert worker_row(history(overloaded, policy, week(10)), "Ova")["weeks_over"] == 0
    after = history(overloaded, policy, week(13))
    assert worker_row(after, "Ova")["weeks_over"] == 3  # weeks 11, 12, 13
    assert worker_row(after, "Ova")["sustained"] is False
    assert worker_row(history(overloaded, policy, week(14)), "Ova")["sustained"] is True


def test_over_between_weekly_points_is_not_counted(overloaded: Path) -> None:
    snapshot = history(overloaded, Policy(), week(3) + dt.timedelta(days=2))
    assert worker_row(snapshot, "Nell")["status"] == "over"
    assert worker_row(snapshot, "Nell")["weeks_over"] == 1  # only the day itself
    assert worker_row(history(overloaded, Policy(), week(4)), "Nell")["weeks_over"] == 0


def test_long_runs_look_back_as_far_as_they_go(overloaded: Path) -> None:
    snapshot = history(overloaded, Policy(sustained_weeks=4), week(40))
    assert worker_row(snapshot, "Long")["weeks_over"] == 41
    trend = compute_trend(load_frames(overloaded), Policy(), week(38), week(40))
    long = trend.worker_rows().filter(pl.col("name") == "Long")
    assert long.get_column("weeks_over").to_list() == [39, 40, 41]


def test_sustained_threshold_comes_from_the_policy(overloaded: Path) -> None:
    assert worker_row(history(overloaded, Policy(sustained_weeks=3), week(13)), "Ova")["sustained"]
    assert not worker_row(history(overloaded, Policy(sustained_weeks=4), week(13)), "Ova")[
        "sustained"
    ]


def test_teams_and_organisation_count_sustained_workers(overloaded: Path) -> None:
    snapshot = history(overloaded, Policy(sustained_weeks=4), week(9))
    assert snapshot.teams.get_column("sustained").to_list() == [2]  # Ova and Long
    assert snapshot.organisation_row["sustained"] == 2
    assert snapshot.service_areas.get_column("sustained").to_list() == [2]
    trend = compute_trend(load_frames(overloaded), Policy(sustained_weeks=4), week(2), week(9))
    assert trend.teams.get_column("sustained").to_list() == [0, 2, 2, 2, 2, 2, 2, 2]
    assert trend.organisation.get_column("sustained").to_list() == [0, 2, 2, 2, 2, 2, 2, 2]


def test_weekly_series_ends_on_the_last_date_and_steps_back_a_week() -> None:
    dates = sample_dates(dt.date(2026, 1, 1), dt.date(2026, 1, 30), "week")
    assert dates == [dt.date(2026, 1, day) for day in (2, 9, 16, 23, 30)]
    assert sample_dates(dt.date(2026, 1, 30), dt.date(2026, 1, 30), "week") == [
        dt.date(2026, 1, 30)
    ]


def test_monthly_series_keeps_the_day_of_month_where_it_can() -> None:
    dates = sample_dates(dt.date(2025, 12, 15), dt.date(2026, 3, 31), "month")
    assert dates == [
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
    ]


def test_default_range_is_two_years() -> None:
    assert default_range(dt.date(2026, 11, 26)) == (dt.date(2024, 11, 26), dt.date(2026, 11, 26))


def test_bad_ranges_are_refused_plainly() -> None:
    with pytest.raises(TrendError, match="after --to"):
        sample_dates(dt.date(2026, 2, 1), dt.date(2026, 1, 1), "week")
    with pytest.raises(TrendError, match="fortnight"):
        sample_dates(dt.date(2026, 1, 1), dt.date(2026, 2, 1), "fortnight")


@pytest.fixture
def changing(builder: DatabaseBuilder, db_path: Path) -> Path:
    """A team whose over count, vacancy and agency share change over a year."""
    today = dt.date(2026, 6, 1)
    weeks_ago = today - dt.timedelta(weeks=12)  # 2026-03-09
    team = builder.team("Delta", service_area="East", establishment_fte=4)
    builder.team("Quiet", service_area="West", establishment_fte=0)
    steady = builder.worker(team, name="Steady", start_date="2024-01-01")
    builder.cases_for(steady, team, 10, opened_on="2024-01-01")
    # Joined between 12 months and 12 weeks ago: vacancy falls, agency share rises.
    agency = builder.worker(
        team, name="Agent", employment="agency", start_date="2025-09-01", fte=0.5
    )
    builder.cases_for(agency, team, 4, opened_on="2025-09-01")
    # Became over in the last 12 weeks.
    late = builder.worker(team, name="Late", start_date="2024-01-01")
    builder.cases_for(late, team, 12, opened_on="2024-01-01")
    builder.cases_for(late, team, 8, opened_on=(weeks_ago + dt.timedelta(days=1)).isoformat())
    return builder.write(db_path)


def _measure(frame: pl.DataFrame, measure: str) -> dict:
    return frame.filter(pl.col("measure") == measure).row(0, named=True)


def test_direction_of_travel_over_12_weeks_and_12_months(changing: Path) -> None:
    direction = direction_of_travel(load_frames(changing), Policy(), dt.date(2026, 6, 1))
    delta = direction.teams.filter(pl.col("team") == "Delta")
    over = _measure(delta, "over")
    assert (over["now"], over["weeks_12_ago"], over["months_12_ago"]) == (1, 0, 0)
    assert (over["change_12_weeks"], over["change_12_months"]) == (1, 1)
    vacancy = _measure(delta, "vacancy_rate")
    assert vacancy["now"] == pytest.approx(1.5 / 4)
    assert vacancy["weeks_12_ago"] == pytest.approx(1.5 / 4)
    assert vacancy["months_12_ago"] == pytest.approx(2 / 4)
    assert vacancy["change_12_months"] == pytest.approx(-0.5 / 4)
    assert vacancy["change_12_weeks"] == pytest.approx(0)
    agency = _measure(delta, "agency_rate")
    assert agency["months_12_ago"] == 0
    assert agency["now"] == pytest.approx(0.5 / 2.5)
    caseload = _measure(delta, "average_caseload")
    assert caseload["now"] == pytest.approx((10 + 4 + 20) / 2.5)
    assert caseload["weeks_12_ago"] == pytest.approx((10 + 4 + 12) / 2.5)
    assert caseload["change_12_weeks"] == pytest.approx(8 / 2.5)
    # A team with no establishment has no vacancy rate, so no change either.
    quiet = _measure(direction.teams.filter(pl.col("team") == "Quiet"), "vacancy_rate")
    assert quiet["now"] is None and quiet["change_12_months"] is None
    organisation = _measure(direction.organisation, "over")
    assert organisation["change_12_weeks"] == 1
    assert set(direction.organisation.get_column("measure")) == {
        "average_caseload",
        "over",
        "vacancy_rate",
        "agency_rate",
    }


def test_series_rows_match_snapshot_fields(changing: Path) -> None:
    frames = load_frames(changing)
    trend = compute_trend(frames, Policy(), dt.date(2026, 1, 1), dt.date(2026, 6, 1), "month")
    assert trend.dates[-1] == dt.date(2026, 6, 1)
    assert len(trend.dates) == 6
    snapshot = compute_snapshot(frames_on(frames, trend.end), Policy(), trend.end)
    assert set(snapshot.workers.columns) <= set(trend.worker_rows().columns)
    assert set(snapshot.teams.columns) <= set(trend.teams.columns)
    assert trend.teams.height == 2 * 6  # every team on every date, even an empty one
