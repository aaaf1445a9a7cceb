"""The engine: one load reads each table once, in one read transaction, and the CLI's
`report` and the TUI's path give the same weeks over and sustained flags; on SQLite and
PostgreSQL alike (the `backend` fixture), with the same output from both."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from polars.testing import assert_frame_equal

from cfmonitor.data import reading
from cfmonitor.data.contract import HISTORY_COLUMNS
from cfmonitor.data.direction import direction_of_travel
from cfmonitor.data.engine import Caseloads
from cfmonitor.data.trend import compute_trend
from cfmonitor.database import pg_reading
from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from tests.factory import DatabaseBuilder
from tests.postgres import server as pg
from tests.postgres.backends import DEMO_DAY, Database, run_cli
from tests.test_trend_property import BASE, databases

TODAY = DEMO_DAY


def _cli_weeks_over(capsys, database: Database, day: dt.date) -> dict[str, tuple[int, bool]]:
    result = run_cli(capsys, "report", "--db", database, "--as-of", day.isoformat(),
                     "--format", "json")  # fmt: skip
    assert result.code in (0, 1), result.err
    workers = json.loads(result.out)["workers"]
    return {row["staff_ref"]: (row["weeks_over"], row["sustained"]) for row in workers}


def _tui_weeks_over(
    where: Path | Database, day: dt.date, policy: Policy
) -> dict[str, tuple[int, bool]]:
    """What the TUI's loader does: the snapshot first, then the same load's history."""
    choice = where.choice() if isinstance(where, Database) else DatabaseChoice(where, False)
    engine = Caseloads(choice, policy)
    snapshot = engine.snapshot(day)
    with_history = engine.with_history(snapshot)
    rows = with_history.workers.select("staff_ref", "weeks_over", "sustained").iter_rows()
    return {staff: (weeks, sustained) for staff, weeks, sustained in rows}


@pytest.mark.parametrize("day", [TODAY, dt.date(2025, 7, 15)])
def test_cli_and_tui_give_the_same_weeks_over(capsys, demo_database, day: dt.date) -> None:
    cli = _cli_weeks_over(capsys, demo_database, day)
    tui = _tui_weeks_over(demo_database, day, Policy())
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


def test_a_load_reads_each_row_once_in_one_transaction(demo_database, monkeypatch) -> None:
    """The snapshot reads the day's rows; the history then reads only the others, through
    the same connection (one read transaction), and nothing is read twice."""
    queries: list[str] = []
    session = pg_reading.PostgresReadSession if demo_database.on_postgres else reading.ReadSession
    read = session._read_table

    def counting(self, table: str, *, where=None, columns=None):
        queries.append(f"FROM {table} WHERE {where}")
        return read(self, table, where=where, columns=columns)

    monkeypatch.setattr(session, "_read_table", counting)
    engine = Caseloads(demo_database.choice(is_demo=True), Policy())
    snapshot = engine.snapshot(TODAY)
    opened = engine._reading
    assert opened is not None
    engine.with_history(snapshot)
    engine.history(snapshot)
    assert engine._reading is None  # the transaction ended once the history was read
    big = [q for q in queries if "FROM allocations" in q and "case_id IN" not in q]
    assert len(big) == 2 and "IS NOT 1" in big[1]  # the day's rows, then the rest
    assert sum("FROM teams" in q for q in queries) == 1

    whole = reading.load_frames(demo_database.path)
    history = engine._history
    assert history is not None
    assert history.allocations.equals(whole.allocations.select(history.allocations.columns))
    assert history.cases.equals(whole.cases.select(history.cases.columns))


def test_the_history_comes_from_the_snapshots_state_of_the_file(sqlite_demo: Path) -> None:
    """A write that starts after the snapshot was read waits for the load's transaction."""
    engine = Caseloads(DatabaseChoice(sqlite_demo, is_demo=True), Policy())
    snapshot = engine.snapshot(TODAY)
    writer = sqlite3.connect(sqlite_demo, timeout=0.2)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            writer.execute("UPDATE workers SET fte = fte WHERE id = 1")
            writer.commit()
    finally:
        writer.rollback()
        writer.close()
    engine.with_history(snapshot)
    assert engine._reading is None


def test_on_postgresql_the_history_comes_from_the_snapshots_state(postgres) -> None:
    """On PostgreSQL a write commits at once; the load's REPEATABLE READ transaction goes
    on seeing the state its snapshot was read from."""
    url = postgres.copy_of_demo("engine_state")
    engine = Caseloads(Database(postgres.sqlite_demo, url).choice(is_demo=True), Policy())
    snapshot = engine.snapshot(TODAY)
    pg.execute(
        postgres.server, "engine_state", "DELETE FROM allocations WHERE end_date IS NOT NULL"
    )
    history = engine.with_history(snapshot)
    assert engine._reading is None
    whole = reading.load_frames(postgres.sqlite_demo)
    loaded = engine._history
    assert loaded is not None and loaded.allocations.height == whole.allocations.height
    assert history.workers.equals(Caseloads(DatabaseChoice(postgres.sqlite_demo, True),
                                            Policy()).report(TODAY).workers)  # fmt: skip
    fresh = Caseloads(Database(postgres.sqlite_demo, url).choice(), Policy())
    fresh.with_history(fresh.snapshot(TODAY))
    assert fresh._history is not None  # a new load sees the write
    assert fresh._history.allocations.height < whole.allocations.height


def test_fte_is_summed_exactly_whatever_the_order(tmp_path: Path, backend) -> None:
    """0.1 + 0.2 is 0.30000000000000004 in floats, and a sum's last digits depend on the
    order it was added in: FTE is summed in whole ten-thousandths, so a team of 0.1, 0.2
    and 0.7 FTE has exactly 1.0 FTE in post, by day and in the series alike."""
    builder = DatabaseBuilder()
    teams = [builder.team(f"Team {n}", establishment_fte=1.3) for n in range(3)]
    for team_id in teams:
        for fte in (0.1, 0.2, 0.7, 0.3):
            builder.worker(team_id, fte=fte, start_date="2024-01-01")
    database = backend.database(builder.write(tmp_path / "fte.db"))
    day = dt.date(2024, 6, 3)
    engine = Caseloads(database.choice(), Policy())
    snapshot = engine.report(day)
    assert snapshot.teams.get_column("fte_in_post").to_list() == [1.3, 1.3, 1.3]
    assert snapshot.teams.get_column("vacancy_fte").to_list() == [0.0, 0.0, 0.0]
    assert snapshot.organisation_row["fte_in_post"] == 3.9
    assert snapshot.organisation_row["establishment_fte"] == 3.9
    series = engine.trend(day - dt.timedelta(weeks=2), day).organisation
    assert series.get_column("fte_in_post").to_list() == [3.9, 3.9, 3.9]


@pytest.mark.parametrize("reader", ["sqlite3", "arrow"])
@pytest.mark.parametrize("idle_workers", [0, 3])
def test_the_report_counts_long_runs_from_the_over_workers_history(
    builder: DatabaseBuilder, db_path: Path, monkeypatch, idle_workers: int, reader: str
) -> None:
    """The report reads the over workers' history once: by the worker index while they
    are at most half the workers, in one pass over the table otherwise. Counted by
    hand, with a maximum of 3 cases:
    - SW0001 holds 4 cases from 69 weeks before the day to 60 weeks before (closed
      then), and 4 others from then on: over at 70 weekly points in a row;
    - SW0002 was over for a year until 55 weeks before, then holds 4 cases from 9 weeks
      before: over at 10 points (the old run is broken);
    - SW0003 holds 2 cases: not over; the idle workers hold none."""
    day = dt.date(2024, 6, 3)
    policy = Policy(cohorts={"experienced": 3.0, "nqsw": 2.0, "manager": 0.0}, sustained_weeks=4)
    team = builder.team()
    long_run, broken_run, under = (builder.worker(team) for _ in range(3))
    for _ in range(idle_workers):
        builder.worker(team)

    def weeks_before(weeks: int) -> str:
        return (day - dt.timedelta(weeks=weeks)).isoformat()

    def hold(worker: int, count: int, start: str, end: str | None = None) -> None:
        """`count` cases, each closed when the worker's allocation of it ends."""
        for _ in range(count):
            case = builder.case(team, opened_on=start, closed_on=end)
            builder.allocate(case, worker, start_date=start, end_date=end)

    hold(long_run, 4, weeks_before(69), weeks_before(60))
    hold(long_run, 4, weeks_before(60))
    hold(broken_run, 4, weeks_before(107), weeks_before(55))
    hold(broken_run, 4, weeks_before(9))
    hold(under, 2, weeks_before(100))
    builder.write(db_path)

    reads: list[str] = []
    read = reading.ReadSession._read_table

    def recorded(self, table: str, *, where=None, columns=None):
        reads.append(f"{table}: {where}")
        return read(self, table, where=where, columns=columns)

    monkeypatch.setattr(reading.ReadSession, "_read_table", recorded)
    monkeypatch.setattr(reading, "SMALL_DATABASE_BYTES", 2**62 if reader == "sqlite3" else 0)
    reported = Caseloads(DatabaseChoice(db_path, is_demo=False), policy).report(day)
    rows = reported.workers.select("staff_ref", "weeks_over", "sustained").iter_rows()
    expected = {"SW0001": (70, True), "SW0002": (10, True), "SW0003": (0, False)}
    expected |= {f"SW{n:04d}": (0, False) for n in range(4, 4 + idle_workers)}
    assert {staff: (weeks, flag) for staff, weeks, flag in rows} == expected
    assert _tui_weeks_over(db_path, day, policy) == expected

    history = [where for where in reads if "cfm_" in where]
    assert len(history) == 2  # their allocations, then the cases those name
    by_index = idle_workers > 0  # 2 over of 6: the index; 2 of 3: one pass
    assert ("+worker_id" in history[0]) is not by_index
    assert history[1].startswith("cases") and "temp.cfm_cases" in history[1]


@pytest.mark.parametrize("reader", ["sqlite3", "arrow"])
def test_a_trend_reads_its_window_and_the_earlier_history_of_long_runs(
    backend, builder: DatabaseBuilder, tmp_path: Path, monkeypatch, reader: str
) -> None:
    """A trend reads the rows that count in its range, and for the workers whose runs
    of weeks over began before it, their earlier history. Counted by hand, with a
    maximum of 3 cases, over the four weeks to the day (weeks over looks three weeks
    further back, so the window starts 6 weeks before the day):
    - SW0001 holds 3 cases from 30 weeks before; a 4th closed 8 weeks before, though its
      allocation was never ended, and a 5th from then on: over at 31 points in a row;
    - SW0002 holds 4 cases from 20 weeks to 7 weeks before, then 4 others: 21 points;
    - SW0003 holds 4 cases, all ended 10 weeks before: over at none of the dates.
    Everything else equals the trend of the whole history."""
    day = dt.date(2024, 6, 3)
    policy = Policy(cohorts={"experienced": 3.0, "nqsw": 2.0, "manager": 0.0}, sustained_weeks=4)
    team = builder.team()
    outlived, handed_on, finished = (builder.worker(team) for _ in range(3))

    def weeks_before(weeks: int) -> str:
        return (day - dt.timedelta(weeks=weeks)).isoformat()

    def hold(worker: int, count: int, start: str, end: str | None, *, closed: str | None) -> None:
        for _ in range(count):
            case = builder.case(team, opened_on=start, closed_on=closed)
            builder.allocate(case, worker, start_date=start, end_date=end)

    hold(outlived, 3, weeks_before(30), None, closed=None)
    hold(outlived, 1, weeks_before(30), None, closed=weeks_before(8))
    hold(outlived, 1, weeks_before(8), None, closed=None)
    hold(handed_on, 4, weeks_before(20), weeks_before(7), closed=weeks_before(7))
    hold(handed_on, 4, weeks_before(7), None, closed=None)
    hold(finished, 4, weeks_before(40), weeks_before(10), closed=weeks_before(10))
    database = backend.database(builder.write(tmp_path / "runs.db"))
    monkeypatch.setattr(reading, "SMALL_DATABASE_BYTES", 2**62 if reader == "sqlite3" else 0)

    start = day - dt.timedelta(weeks=3)
    engine = Caseloads(database.choice(), policy)
    trend = engine.trend(start, day)
    last = trend.workers.filter(pl.col("date") == day).join(
        trend.worker_details.select("worker_id", "staff_ref"), on="worker_id"
    )
    weeks = dict(last.select("staff_ref", "weeks_over").iter_rows())
    assert weeks == {"SW0001": 31, "SW0002": 21, "SW0003": 0}

    whole = reading.load_frames(builder.write(tmp_path / "whole.db"), columns=HISTORY_COLUMNS)
    expected = compute_trend(whole, policy, start, day)
    for part in ("workers", "teams", "organisation", "worker_details"):
        assert_frame_equal(getattr(trend, part), getattr(expected, part))
    # The direction of travel (a year back) reads its own window; it agrees as well.
    direction = engine.direction(day)
    assert_frame_equal(direction.teams, direction_of_travel(whole, policy, day).teams)


def test_a_query_naming_kept_ids_falls_back_to_sqlite3(
    builder: DatabaseBuilder, db_path: Path, monkeypatch
) -> None:
    """Kept ids go on the Arrow reader's connection; when the driver gives up on a
    query (a column whose type changes part-way), sqlite3 reads it on the transaction's
    own connection, and the ids are put there first."""
    team = builder.team()
    cases = [builder.case(team) for _ in range(5)]
    builder.write(db_path)
    monkeypatch.setattr(reading, "SMALL_DATABASE_BYTES", 0)

    def refused(*args, **kwargs):
        raise TypeError("column id came back as String")

    session = reading.ReadSession(db_path)
    try:
        where = f"id IN ({session._id_set('cfm_chosen', pl.Series([cases[1], cases[3]]))})"
        by_arrow = session._read_table("cases", where=where)
        monkeypatch.setattr(session, "_read_arrow", refused)
        by_sqlite = session._read_table("cases", where=where)
    finally:
        session.close()
    assert by_arrow.get_column("id").to_list() == [cases[1], cases[3]]
    assert by_sqlite.equals(by_arrow)
