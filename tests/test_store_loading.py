"""How tables are loaded: only what matters on the day, by sqlite3 or connectorx alike.

Small files are read with the standard library's sqlite3 (no pyarrow import), large
ones with connectorx; both must give the same frames and the same errors.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from cfmonitor.data import contract, reading, store
from cfmonitor.data.demo import write_demo_database
from cfmonitor.data.reading import load_frames
from cfmonitor.data.store import StoreError
from tests.factory import DatabaseBuilder

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
    """YYYY-MM-DD exactly, as `_diagnose` defines it (connectorx alone is laxer)."""
    _spoil(builder, db_path, "cases", "opened_on", literal)
    with pytest.raises(StoreError, match=r"table cases, row id 1, column opened_on: .* ISO date"):
        load_frames(db_path, as_of=None)
