"""The engine: one load reads each table once, in one read transaction, and the CLI's
`report` and the TUI's path give the same weeks over and sustained flags."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from cfmonitor.data import reading
from cfmonitor.data.demo import write_demo_database
from cfmonitor.data.engine import Caseloads
from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder
from tests.test_trend_property import BASE, databases

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("engine") / "demo.db"
    write_demo_database(path, seed=7, today=TODAY)
    return path


def _cli_weeks_over(capsys, path: Path, day: dt.date) -> dict[str, tuple[int, bool]]:
    result = run_cli(capsys, "report", "--db", str(path), "--as-of", day.isoformat(),
                     "--format", "json")  # fmt: skip
    assert result.code in (0, 1), result.err
    workers = json.loads(result.out)["workers"]
    return {row["staff_ref"]: (row["weeks_over"], row["sustained"]) for row in workers}


def _tui_weeks_over(path: Path, day: dt.date, policy: Policy) -> dict[str, tuple[int, bool]]:
    """What the TUI's loader does: the snapshot first, then the same load's history."""
    engine = Caseloads(DatabaseChoice(path, is_demo=False), policy)
    snapshot = engine.snapshot(day)
    with_history = engine.with_history(snapshot)
    rows = with_history.workers.select("staff_ref", "weeks_over", "sustained").iter_rows()
    return {staff: (weeks, sustained) for staff, weeks, sustained in rows}


@pytest.mark.parametrize("day", [TODAY, dt.date(2025, 7, 15)])
def test_cli_and_tui_give_the_same_weeks_over(capsys, demo_path: Path, day: dt.date) -> None:
    cli = _cli_weeks_over(capsys, demo_path, day)
    tui = _tui_weeks_over(demo_path, day, Policy())
    assert cli == tui
    assert any(sustained for _, sustained in cli.values())


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(builder=databases())
def test_cli_and_tui_agree_on_random_histories(builder: DatabaseBuilder) -> None:
    """Random histories (hand-overs, doubles, broken rows): `report` and the TUI's
    engine path agree worker by worker, weeks over and sustained alike."""
    policy = Policy(cohorts={"experienced": 3.0, "nqsw": 2.0, "manager": 0.0}, sustained_weeks=2)
    with tempfile.TemporaryDirectory(prefix="cfmonitor-engine-") as folder:
        path = builder.write(Path(folder) / "random.db")
        for day in (BASE + dt.timedelta(days=70), BASE + dt.timedelta(days=130)):
            engine = Caseloads(DatabaseChoice(path, is_demo=False), policy)
            reported = engine.report(day)
            tui = _tui_weeks_over(path, day, policy)
            rows = reported.workers.select("staff_ref", "weeks_over", "sustained").iter_rows()
            assert {staff: (weeks, flag) for staff, weeks, flag in rows} == tui
            assert reported.teams.get_column("sustained").to_list() == (
                engine.with_history(engine.snapshot(day)).teams.get_column("sustained").to_list()
            )


def test_a_load_reads_each_row_once_in_one_transaction(demo_path: Path, monkeypatch) -> None:
    """The snapshot reads the day's rows; the history then reads only the others, through
    the same connection (one read transaction), and nothing is read twice."""
    queries: list[str] = []
    read = reading._read_with_sqlite

    def counting(connection: sqlite3.Connection, query: str, schema):
        queries.append(query)
        return read(connection, query, schema)

    monkeypatch.setattr(reading, "_read_with_sqlite", counting)
    monkeypatch.setattr(reading, "SMALL_DATABASE_BYTES", 2**62)  # every read through sqlite3
    engine = Caseloads(DatabaseChoice(demo_path, is_demo=True), Policy())
    snapshot = engine.snapshot(TODAY)
    opened = engine._reading
    assert opened is not None
    engine.with_history(snapshot)
    engine.history(snapshot)
    assert engine._reading is None  # the transaction ended once the history was read
    big = [q for q in queries if " FROM allocations" in q and "case_id IN" not in q]
    assert len(big) == 2 and "IS NOT 1" in big[1]  # the day's rows, then the rest
    assert sum(" FROM teams" in q for q in queries) == 1

    whole = reading.load_frames(demo_path)
    history = engine._history
    assert history is not None
    assert history.allocations.equals(whole.allocations.select(history.allocations.columns))
    assert history.cases.equals(whole.cases.select(history.cases.columns))


def test_the_history_comes_from_the_snapshots_state_of_the_file(demo_path: Path) -> None:
    """A write that starts after the snapshot was read waits for the load's transaction."""
    engine = Caseloads(DatabaseChoice(demo_path, is_demo=True), Policy())
    snapshot = engine.snapshot(TODAY)
    writer = sqlite3.connect(demo_path, timeout=0.2)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            writer.execute("UPDATE workers SET fte = fte WHERE id = 1")
            writer.commit()
    finally:
        writer.rollback()
        writer.close()
    engine.with_history(snapshot)
    assert engine._reading is None


def test_fte_is_summed_exactly_whatever_the_order(tmp_path: Path) -> None:
    """0.1 + 0.2 is 0.30000000000000004 in floats, and a sum's last digits depend on the
    order it was added in: FTE is summed in whole ten-thousandths, so a team of 0.1, 0.2
    and 0.7 FTE has exactly 1.0 FTE in post, by day and in the series alike."""
    builder = DatabaseBuilder()
    teams = [builder.team(f"Team {n}", establishment_fte=1.3) for n in range(3)]
    for team_id in teams:
        for fte in (0.1, 0.2, 0.7, 0.3):
            builder.worker(team_id, fte=fte, start_date="2024-01-01")
    path = builder.write(tmp_path / "fte.db")
    day = dt.date(2024, 6, 3)
    engine = Caseloads(DatabaseChoice(path, is_demo=False), Policy())
    snapshot = engine.report(day)
    assert snapshot.teams.get_column("fte_in_post").to_list() == [1.3, 1.3, 1.3]
    assert snapshot.teams.get_column("vacancy_fte").to_list() == [0.0, 0.0, 0.0]
    assert snapshot.organisation_row["fte_in_post"] == 3.9
    assert snapshot.organisation_row["establishment_fte"] == 3.9
    series = engine.trend(day - dt.timedelta(weeks=2), day).organisation
    assert series.get_column("fte_in_post").to_list() == [3.9, 3.9, 3.9]
