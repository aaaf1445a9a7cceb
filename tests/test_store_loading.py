"""How tables are loaded: only what matters on the day, by sqlite3 or connectorx alike.

Small files are read with the standard library's sqlite3 (no pyarrow import), large
ones with connectorx; both must give the same frames and the same errors. The same rows
on PostgreSQL (the `backend` fixture) give the same frames again.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest

from cfmonitor.data import contract, reading, store
from cfmonitor.data.demo import write_demo_database
from cfmonitor.data.reading import load_frames
from cfmonitor.data.store import StoreError
from cfmonitor.database import pg_reading
from cfmonitor.database.location import parse_postgres
from tests.factory import DatabaseBuilder
from tests.postgres.backends import Backend

DAY = dt.date(2024, 6, 1)
DEMO_DAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("loading") / "demo.db"
    write_demo_database(path, seed=5, today=DEMO_DAY)
    return path


def _load_both_ways(
    monkeypatch: pytest.MonkeyPatch, path: Path, as_of: dt.date | None
) -> tuple[store.Frames, store.Frames]:
    with monkeypatch.context() as patch:
        patch.setattr(reading, "SMALL_DATABASE_BYTES", 2**62)
        by_sqlite = load_frames(path, as_of=as_of)
        patch.setattr(reading, "SMALL_DATABASE_BYTES", 0)
        by_connectorx = load_frames(path, as_of=as_of)
    return by_sqlite, by_connectorx


@pytest.mark.parametrize("as_of", [DEMO_DAY, None])
def test_sqlite3_and_connectorx_give_the_same_frames(monkeypatch, demo_db, as_of) -> None:
    by_sqlite, by_connectorx = _load_both_ways(monkeypatch, demo_db, as_of)
    for table in contract.TABLE_NAMES:
        mine, theirs = getattr(by_sqlite, table), getattr(by_connectorx, table)
        assert mine.schema == theirs.schema == contract.FRAME_SCHEMAS[table]
        assert mine.equals(theirs), table
        assert mine.height > 0


@pytest.mark.parametrize("as_of", [DEMO_DAY, None])
def test_every_backend_gives_the_files_frames(
    backend: Backend, demo_database, tmp_path, as_of
) -> None:
    """The day's rows (or the whole tables) as the contract types them; on PostgreSQL
    exactly the file's. A hand-made allocation ending before it starts is a problem the
    day must report, so the day's rules choose it; one that ended last year they leave."""
    builder = DatabaseBuilder()
    team = builder.team()
    worker = builder.worker(team)
    (case,) = builder.cases_for(worker, team, 1)
    builder.allocate(case, worker, start_date="2024-05-01", end_date="2024-04-01")  # broken
    builder.allocate(case, worker, start_date="2023-01-01", end_date="2023-02-01")  # ended
    database = backend.database(builder.write(tmp_path / "small.db"))
    for where in (demo_database, database):
        day = as_of if where is demo_database else (DAY if as_of else None)
        read = load_frames(where.path, as_of=day)
        if where.on_postgres:
            from_file = read
            read = pg_reading.load_frames(parse_postgres(str(where)), as_of=day)
            for table in contract.TABLE_NAMES:
                assert getattr(read, table).equals(getattr(from_file, table)), table
        for table in contract.TABLE_NAMES:
            assert getattr(read, table).schema == contract.FRAME_SCHEMAS[table]
            assert getattr(read, table).height > 0 or table == "reductions"
    assert read.allocations.get_column("id").to_list() == ([1, 2] if as_of else [1, 2, 3])


def _spoil(builder: DatabaseBuilder, path: Path, table: str, column: str, literal: str) -> None:
    team_id = builder.team()
    staff = builder.worker(team_id)
    builder.cases_for(staff, team_id, 3)
    builder.write(path)
    connection = sqlite3.connect(path)
    connection.execute(f"UPDATE {table} SET {column} = {literal} WHERE id = 1")
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    ("table", "column", "literal"),
    [
        ("cases", "closed_on", "'26/11/2024'"),
        ("workers", "start_date", "'2024-02-30'"),
        ("allocations", "start_date", "20240101"),
        ("allocations", "end_date", "'2024-01-01T00:00:00'"),
        ("workers", "team_id", "'one'"),
        ("workers", "team_id", "1.5"),
        ("teams", "establishment_fte", "'full'"),
    ],
)
def test_bad_values_give_the_same_sentence_either_way(
    monkeypatch, builder: DatabaseBuilder, db_path: Path, table, column, literal
) -> None:
    _spoil(builder, db_path, table, column, literal)
    messages = []
    for limit in (2**62, 0):
        monkeypatch.setattr(reading, "SMALL_DATABASE_BYTES", limit)
        with pytest.raises(StoreError) as raised:
            load_frames(db_path, as_of=None)
        messages.append(str(raised.value))
    assert messages[0] == messages[1]
    assert f"table {table}, row id 1, column {column}" in messages[0]


@pytest.mark.parametrize("literal", ["'2024-1-5'", "' 2024-01-05'", "'+2024-01-05'"])
def test_small_files_hold_dates_to_the_contract(builder, db_path, literal) -> None:
    """YYYY-MM-DD exactly, as `table_reads.diagnose` defines it (connectorx alone is laxer)."""
    _spoil(builder, db_path, "cases", "opened_on", literal)
    with pytest.raises(StoreError, match=r"table cases, row id 1, column opened_on: .* ISO date"):
        load_frames(db_path, as_of=None)


def test_a_large_file_reads_the_cases_beside_the_other_tables(monkeypatch, demo_db) -> None:
    """On a large file the cases come through a second connection, in a thread, while
    the other tables are read; should that read fail, the cases are read again the
    usual way. Either way the frames are those sqlite3 gives."""
    by_sqlite, _ = _load_both_ways(monkeypatch, demo_db, DEMO_DAY)
    monkeypatch.setattr(reading, "SMALL_DATABASE_BYTES", 0)
    threads: list[tuple[str, str]] = []
    read_arrow = reading.ReadSession._read_arrow

    def recorded(self, table, schema, where, reader=None):
        threads.append((table, threading.current_thread().name))
        return read_arrow(self, table, schema, where, reader)

    monkeypatch.setattr(reading.ReadSession, "_read_arrow", recorded)
    beside = load_frames(demo_db, as_of=DEMO_DAY)
    named = dict(threads)
    assert named["cases"].startswith("cfmonitor-read")
    assert named["allocations"] == threading.main_thread().name

    def failing(self, table, where, columns):
        raise OSError("the second connection could not be opened")

    monkeypatch.setattr(reading.ReadSession, "_read_beside", failing)
    again = load_frames(demo_db, as_of=DEMO_DAY)
    for table in contract.TABLE_NAMES:
        assert getattr(beside, table).equals(getattr(by_sqlite, table)), table
        assert getattr(again, table).equals(getattr(by_sqlite, table)), table
