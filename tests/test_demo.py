"""The demo database: deterministic, shaped like the county, invented, and free of problems."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
from pathlib import Path

import polars as pl
import pytest

from cfmonitor.data import demo
from cfmonitor.data.caseload import Snapshot, load_snapshot
from cfmonitor.data.reading import load_frames
from cfmonitor.data.store import Frames
from cfmonitor.policy import Policy
from tests.cli_runner import run_cli

TODAY = dt.date(2026, 11, 26)
TWO_YEARS_AGO = dt.date(2024, 11, 26)


def _dump(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    demo.write_demo_database(path, seed=7, today=TODAY)
    return path


@pytest.fixture(scope="module")
def snapshot(demo_path: Path) -> Snapshot:
    return load_snapshot(demo_path, Policy(), TODAY, is_demo=True)


@pytest.fixture(scope="module")
def frames(demo_path: Path) -> Frames:
    return load_frames(demo_path, is_demo=True)


def test_same_seed_and_day_give_the_same_database(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    demo.write_demo_database(first, seed=3, today=TODAY)
    demo.write_demo_database(second, seed=3, today=TODAY)
    demo.write_demo_database(other, seed=4, today=TODAY)
    assert _dump(first) == _dump(second)
    assert _dump(first) != _dump(other)


def test_writes_into_an_existing_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "made-by-cli.db"
    path.touch(mode=0o600)
    summary = demo.write_demo_database(path, seed=7, today=TODAY)
    assert "teams" in summary and "open cases" in summary and "\n" not in summary
    assert load_frames(path).teams.height == len(demo.WEST_SUSSEX_TEAMS)


def test_no_problems_on_the_day(snapshot: Snapshot) -> None:
    assert snapshot.problems.is_empty(), snapshot.problems["detail"].to_list()


def test_establishment_and_vacancy_match_the_county(snapshot: Snapshot) -> None:
    organisation = snapshot.organisation_row
    assert organisation["establishment_fte"] == pytest.approx(511, abs=5)
    assert 0.01 <= organisation["vacancy_rate"] <= 0.03


def test_agency_workers_nqsws_and_part_timers(snapshot: Snapshot) -> None:
    workers = snapshot.workers
    assert 70 <= (workers["employment"] == "agency").sum() <= 90
    assert set(workers["cohort"].unique()) == {"experienced", "nqsw"}
    assert (workers["cohort"] == "nqsw").sum() >= 20
    assert (workers["fte"] < 1).sum() >= 30


def test_teams_a_west_sussex_manager_would_recognise(snapshot: Snapshot) -> None:
    names = snapshot.teams["team"].to_list()
    for district in demo.DISTRICTS:
        assert any(district in name and "Assessment and Intervention" in name for name in names)
        assert any(district in name and "Family Support and Protection" in name for name in names)
    areas = set(snapshot.teams["service_area"])
    assert {
        "MASH",
        "Children Looked After",
        "Care Leavers",
        "Children with Disabilities",
        "High Risk Complex Adolescents",
        "Family and Friends",
        "Adoption",
    } <= areas


def test_active_reductions_of_every_reason_with_end_dates(snapshot: Snapshot) -> None:
    active = snapshot.reductions
    reasons = set(active["reason"])
    assert {demo.REDUCTION_ASYE, demo.REDUCTION_PHASED, demo.REDUCTION_UNION} <= reasons
    assert active["end_date"].null_count() == 0
    asye = active.filter(pl.col("reason") == demo.REDUCTION_ASYE).join(
        snapshot.workers, on="worker_id"
    )
    assert set(asye["cohort"]) == {"nqsw"}


def test_caseload_is_right_skewed_with_a_long_tail(snapshot: Snapshot) -> None:
    workers = snapshot.workers
    cases = workers["cases"]
    full_time_experienced = workers.filter(
        (pl.col("fte") == 1) & (pl.col("cohort") == "experienced")
    )["cases"]
    in_band = full_time_experienced.is_between(12, 18).mean()
    assert in_band >= 0.5
    assert cases.max() >= 25
    assert cases.mean() > cases.median() - 1
    assert (workers["status"] == "over").sum() >= 20
    assert (workers["status"] == "over").mean() < 0.35
    assert (workers["utilisation"] >= 1.4).sum() >= 1
    assert set(workers["status"]) == {"ok", "near", "over"}


def test_complexity_and_case_types_are_mixed(frames: Frames) -> None:
    assert set(frames.cases["complexity"]) == {"standard", "complex", "intense"}
    assert {"CIN", "CP", "CLA", "Care leaver", "CWD", "Assessment"} <= set(
        frames.cases["case_type"]
    )


def test_unallocated_cases_in_some_teams_but_not_all(snapshot: Snapshot) -> None:
    waiting = snapshot.teams["unallocated_cases"]
    assert 0 < (waiting > 0).sum() < snapshot.teams.height
    assert snapshot.unallocated_cases.height == waiting.sum()


def test_siblings_share_a_family_in_one_team(frames: Frames) -> None:
    families = (
        frames.cases.filter(pl.col("family_ref").is_not_null())
        .group_by("family_ref")
        .agg(pl.len().alias("children"), pl.col("team_id").n_unique().alias("teams"))
    )
    assert (families["children"] >= 2).sum() >= 100
    assert (families["teams"] == 1).all()


def test_at_least_two_years_of_history(frames: Frames, demo_path: Path) -> None:
    first_allocation = frames.allocations["start_date"].min()
    assert first_allocation <= TWO_YEARS_AGO
    workers = frames.workers
    assert workers.filter(pl.col("end_date").is_between(TWO_YEARS_AGO, TODAY)).height >= 50
    assert workers.filter(pl.col("start_date").is_between(TWO_YEARS_AGO, TODAY)).height >= 50
    closed = frames.cases.filter(pl.col("closed_on").is_between(TWO_YEARS_AGO, TODAY))
    assert closed.height >= 5000
    then = load_snapshot(demo_path, Policy(), TWO_YEARS_AGO)
    assert then.problems.is_empty()
    assert then.organisation_row["allocated_cases"] >= 5000


def test_caseloads_fall_gently_but_not_everywhere(demo_path: Path, snapshot: Snapshot) -> None:
    then = load_snapshot(demo_path, Policy(), TWO_YEARS_AGO)
    before = then.organisation_row["average_caseload"]
    after = snapshot.organisation_row["average_caseload"]
    assert 0.8 * before < after < before
    change = then.teams.select("team", pl.col("average_caseload").alias("before")).join(
        snapshot.teams.select("team", pl.col("average_caseload").alias("after")), on="team"
    )
    assert (change["after"] >= change["before"]).sum() >= 1
    assert (change["after"] < change["before"]).sum() > change.height / 2


def test_names_and_references_are_obviously_invented(frames: Frames) -> None:
    assert frames.workers["staff_ref"].str.contains(r"^DEMO-SW\d{4,}$").all()
    assert frames.cases["case_ref"].str.contains(r"^DEMO-C\d{7,}$").all()
    family = frames.cases["family_ref"].drop_nulls()
    assert family.str.contains(r"^DEMO-F\d{5,}$").all()
    first = "|".join(demo._FIRST_SYLLABLES)
    second = "|".join(demo._SECOND_SYLLABLES)
    nature = "|".join(demo._NATURE_WORDS)
    ending = "|".join(demo._NATURE_ENDINGS)
    pattern = re.compile(rf"^(?:{first})(?:{second}) (?:{nature})(?:{ending})$")
    assert all(pattern.match(name) for name in frames.workers["name"])


def test_scaled_shape_shares_the_code_path() -> None:
    shape = demo.DemoShape(councils=2, team_scale=1.5, history_days=400)
    tables = demo.generate_demo(seed=1, today=TODAY, shape=shape)
    assert tables.teams.height == 2 * len(demo.WEST_SUSSEX_TEAMS)
    assert tables.teams["name"].n_unique() == tables.teams.height
    assert tables.teams["establishment_fte"].sum() == pytest.approx(2 * 1.5 * 511, abs=10)
    assert tables.workers["staff_ref"].n_unique() == tables.workers.height


def test_cli_writes_the_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "my demo.db"
    result = run_cli(capsys, "demo", str(path), "--seed", "3", "--today", "2026-11-26")
    assert result.code == 0, result.err
    assert "invented" in result.out
    assert _dump(path) == _dump(_write(tmp_path / "direct.db", seed=3))
    assert (path.stat().st_mode & 0o777) == 0o600


def test_cli_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "precious.db"
    path.write_bytes(b"someone's data")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run_cli(capsys, "demo", str(path), "--seed", "3", "--today", "2026-11-26")
    assert result.code == 2
    assert str(path) in result.err and "Traceback" not in result.err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def _write(path: Path, *, seed: int) -> Path:
    demo.write_demo_database(path, seed=seed, today=TODAY)
    return path


def test_the_demo_is_in_steady_state_for_the_window_of_any_as_of_in_its_history(
    frames: Frames,
) -> None:
    """An as-of date anywhere in the demo's history looks back two years at a council that
    is already running: no growth out of nothing (it once went 407 → 560 workers and a
    vacancy rate of 28% → 2% over the window of an as-of a year back)."""
    from cfmonitor.data.trend import compute_trend

    first = TODAY - dt.timedelta(days=demo.DEMO_SHAPE.history_days + 730)
    series = compute_trend(frames, Policy(), first, TODAY, every="month").organisation
    assert series.height >= 48
    workers = series.get_column("workers_in_post")
    vacancy = series.get_column("vacancy_rate")
    agency = series.get_column("agency_rate")
    assert workers.min() >= 540 and workers.max() <= 575, workers.to_list()
    assert vacancy.min() >= 0.0 and vacancy.max() <= 0.05, vacancy.to_list()
    assert agency.min() >= 0.09 and agency.max() <= 0.20, agency.to_list()
    # Caseloads fall gently over the last two years, as the recovery plan intends.
    open_cases = series.get_column("open_cases")
    assert open_cases.min() >= 0.85 * open_cases.max()


def test_nothing_in_the_demo_starts_after_its_today(frames: Frames) -> None:
    for table in (frames.workers, frames.reductions, frames.allocations):
        assert table.get_column("start_date").max() <= TODAY
    assert frames.cases.get_column("opened_on").max() <= TODAY


def test_the_demo_file_carries_its_own_mark(demo_path: Path, tmp_path: Path) -> None:
    """A copy of a demo database, opened by path, is still known to be demo data."""
    from cfmonitor.data.contract import DEMO_APPLICATION_ID
    from cfmonitor.data.store import inspect

    copy = tmp_path / "renamed-caseloads.db"
    copy.write_bytes(demo_path.read_bytes())
    assert inspect(copy).is_demo
    connection = sqlite3.connect(copy)
    try:
        assert connection.execute("PRAGMA application_id").fetchone()[0] == DEMO_APPLICATION_ID
    finally:
        connection.close()
