"""Writing an import: all or nothing, a backup first, WAL, owner-only, replace vs update.

How replace and update change the rows is checked over both backends (`stored_on`)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from cfmonitor.importing import run as run_module
from cfmonitor.importing import writing
from cfmonitor.importing.problems import ImportProblems
from cfmonitor.importing.run import ImportModeError, run_import
from cfmonitor.importing.writing import ImportWriteError
from cfmonitor.importing.writing_postgres import PostgresTarget
from cfmonitor.policy import Policy
from tests.importfiles import VALID, write_file, write_valid
from tests.postgres.backends import Backend, Database
from tests.postgres.backends import contents as rows_of


def contents(where: Path | Database) -> dict[str, list[tuple]]:
    return rows_of(where if isinstance(where, Database) else Database(where))


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """A database holding the valid set, imported the ordinary way."""
    db = tmp_path / "stored.db"
    run_import(db, write_valid(tmp_path / "first"), mode=None, policy=Policy(), dry_run=False)
    return db


@pytest.fixture
def stored_on(backend: Backend, tmp_path: Path) -> Database:
    """`stored`, on the backend: the valid set imported into a new database."""
    database = backend.blank(tmp_path / "stored.db")
    files = write_valid(tmp_path / "first")
    run_import(target(database), files, mode=None, policy=Policy(), dry_run=False)
    return database


def target(database: Database) -> Path | PostgresTarget:
    """What `run_import` writes to: the file, or the PostgreSQL database."""
    return PostgresTarget.from_url(database.url) if database.url else database.path


def _many_cases(folder: Path, count: int) -> dict[str, Path]:
    rows = [f"N{i:05d},Team A,CIN,standard,2024-01-01,,F{i}" for i in range(count)]
    folder.mkdir()
    return {"cases": write_file(folder, "cases", rows)}


def _backups(db: Path) -> list[Path]:
    return sorted(db.parent.glob(db.name + ".backup-*"))


def test_a_new_database_is_owner_only_with_a_rollback_journal(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    outcome = run_import(db, write_valid(tmp_path), mode=None, policy=Policy(), dry_run=False)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert outcome.result.backup is None and outcome.result.created
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 2
    workers = connection.execute("SELECT staff_ref, team_id, start_date FROM workers").fetchall()
    connection.close()
    assert workers == [
        ("SW1", 1, "2020-01-01"),
        ("SW2", 1, "2021-02-01"),
        ("00123", 2, "2019-05-05"),
    ]


def test_an_existing_database_is_backed_up_beside_it_first(stored: Path, tmp_path: Path) -> None:
    before = contents(stored)
    workers = [*VALID["workers"], "SW4,Dee,Team B,nqsw,1,permanent,2022-01-01,"]
    files = {"workers": write_file(tmp_path, "workers", workers)}
    outcome = run_import(stored, files, mode="update", policy=Policy(), dry_run=False)
    backup = outcome.result.backup
    assert backup is not None and backup.parent == stored.parent
    assert _backups(stored) == [backup]
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert contents(backup) == before
    assert len(contents(stored)["workers"]) == 4


def test_update_upserts_by_key_and_counts_changes(stored_on: Database, tmp_path: Path) -> None:
    stored = stored_on
    workers = [
        "SW2,Bob Jones,Team B,nqsw,0.6,agency,2021-02-01,",  # changed: team and FTE
        "SW4,Dee,Team B,nqsw,1,permanent,2022-01-01,",  # added
    ]
    files = {"workers": write_file(tmp_path, "workers", workers)}
    outcome = run_import(target(stored), files, mode="update", policy=Policy(), dry_run=False)
    change = outcome.changes["workers"]
    assert (change.added, change.changed, change.removed) == (1, 1, 0)
    rows = {row[1]: row for row in contents(stored)["workers"]}
    assert rows["SW2"][0] == 2  # kept its id, so its allocations still point at it
    assert rows["SW2"][3:6] == (2, "nqsw", 0.6)
    assert rows["SW4"][0] == 4 and "SW1" in rows


def test_replace_makes_the_table_exactly_the_file(stored_on: Database, tmp_path: Path) -> None:
    stored = stored_on
    files = {
        "allocations": write_file(tmp_path, "allocations", ["C1,SW1,2024-01-01,2024-06-01"]),
    }
    outcome = run_import(
        target(stored), files, mode="replace", policy=Policy(), dry_run=False, allow_removals=True
    )
    change = outcome.changes["allocations"]
    assert (change.added, change.changed, change.removed) == (0, 1, 2)
    assert contents(stored)["allocations"] == [(1, 1, 1, "2024-01-01", "2024-06-01")]


def test_replace_refuses_to_orphan_rows_of_tables_not_given(
    stored_on: Database, tmp_path: Path
) -> None:
    before = contents(stored_on)
    files = {"workers": write_file(tmp_path, "workers", VALID["workers"][:1])}
    with pytest.raises(ImportProblems) as caught:
        run_import(target(stored_on), files, mode="replace", policy=Policy(), dry_run=False)
    problems = caught.value.problems
    assert set(problems.get_column("file")) == {"(database)"}
    assert "removed by --replace" in problems.get_column("message")[0]
    assert contents(stored_on) == before and _backups(stored_on.path) == []


def test_update_reports_a_key_clashing_with_a_stored_one(
    stored_on: Database, tmp_path: Path
) -> None:
    files = {"teams": write_file(tmp_path, "teams", ["team a,Assessment,1"])}
    with pytest.raises(ImportProblems) as caught:
        run_import(target(stored_on), files, mode="update", policy=Policy(), dry_run=False)
    assert "differs only in letter case from Team A" in caught.value.problems["message"][0]


def test_a_stored_table_needs_replace_or_update(stored_on: Database, tmp_path: Path) -> None:
    files = {"teams": write_file(tmp_path, "teams", VALID["teams"])}
    with pytest.raises(ImportModeError, match=r"say --replace .* or --update"):
        run_import(target(stored_on), files, mode=None, policy=Policy(), dry_run=False)


def test_dry_run_writes_nothing(stored_on: Database, tmp_path: Path) -> None:
    stored = stored_on
    before = contents(stored)
    modified = None if stored.on_postgres else stored.path.stat().st_mtime_ns
    files = _many_cases(tmp_path / "more", 5)
    outcome = run_import(target(stored), files, mode="update", policy=Policy(), dry_run=True)
    assert outcome.result is None and outcome.changes["cases"].added == 5
    assert contents(stored) == before
    assert stored.on_postgres or stored.path.stat().st_mtime_ns == modified
    assert _backups(stored.path) == []
    new = tmp_path / "never.db"
    run_import(new, write_valid(tmp_path / "v"), mode=None, policy=Policy(), dry_run=True)
    assert not new.exists()


# --- failure at any point leaves the database exactly as it was ---------------------------


def _fails_and_keeps(stored: Path, files: dict[str, Path], error: type, match: str | None) -> None:
    before = contents(stored)
    with pytest.raises(error, match=match):
        run_import(stored, files, mode="update", policy=Policy(), dry_run=False)
    assert contents(stored) == before
    assert _backups(stored) == []  # nothing changed, so no copy of the data is left behind


def test_a_row_the_database_refuses_rolls_everything_back(
    stored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_plan = run_module.plan

    def spoiled(*args, **kwargs):
        changes = real_plan(*args, **kwargs)
        cases = changes["cases"]
        last = cases.insert.height - 1
        bad = cases.insert.with_columns(
            cases.insert.get_column("complexity").scatter(last, "severe")
        )
        changes["cases"] = type(cases)(cases.table, bad, cases.update, cases.delete)
        return changes

    monkeypatch.setattr(run_module, "plan", spoiled)
    _fails_and_keeps(stored, _many_cases(tmp_path / "more", 50), ImportWriteError, "refused a row")


def test_a_full_disk_rolls_everything_back(
    stored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_connect = writing.connect

    def small_disk(path: Path) -> sqlite3.Connection:
        connection = real_connect(path)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages + 2}")
        return connection

    monkeypatch.setattr(writing, "connect", small_disk)
    _fails_and_keeps(stored, _many_cases(tmp_path / "more", 5000), ImportWriteError, "disk is full")


class _Interrupted(sqlite3.Connection):
    """A connection whose second batch of rows is interrupted by ctrl-c."""

    calls = 0

    def executemany(self, sql, rows):  # type: ignore[override]
        type(self).calls += 1
        if type(self).calls == 2:
            raise KeyboardInterrupt
        return super().executemany(sql, rows)


def test_ctrl_c_mid_write_rolls_everything_back(
    stored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writing, "BATCH_ROWS", 100)
    _Interrupted.calls = 0
    monkeypatch.setattr(
        writing,
        "connect",
        lambda path: sqlite3.connect(path, isolation_level=None, factory=_Interrupted),
    )
    _fails_and_keeps(stored, _many_cases(tmp_path / "more", 500), KeyboardInterrupt, None)


def test_another_writer_holding_the_lock_leaves_it_unchanged(
    stored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writing, "LOCK_WAIT_SECONDS", 0.1)
    other = sqlite3.connect(stored, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        _fails_and_keeps(
            stored,
            _many_cases(tmp_path / "more", 5),
            ImportWriteError,
            "another import .or another program. was writing",
        )
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_failed_new_database_is_not_left_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        writing,
        "connect",
        lambda path: sqlite3.connect(path, isolation_level=None, factory=_Interrupted),
    )
    _Interrupted.calls = 0
    db = tmp_path / "new.db"
    with pytest.raises(KeyboardInterrupt):
        run_import(db, write_valid(tmp_path), mode=None, policy=Policy(), dry_run=False)
    assert list(tmp_path.glob("new.db*")) == []


def _indexes(db: Path) -> list[tuple[str, str]]:
    connection = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        ).fetchall()
    finally:
        connection.close()


def test_bulk_inserts_rebuild_the_same_indexes_and_roll_back_with_them(
    stored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writing, "BULK_ROWS", 1)
    monkeypatch.setattr(writing, "BATCH_ROWS", 100)
    indexes = _indexes(stored)
    assert any(name == "ix_cases_team" for name, _ in indexes)
    monkeypatch.setattr(
        writing,
        "connect",
        lambda path: sqlite3.connect(path, isolation_level=None, factory=_Interrupted),
    )
    _Interrupted.calls = 0
    _fails_and_keeps(stored, _many_cases(tmp_path / "more", 500), KeyboardInterrupt, None)
    assert _indexes(stored) == indexes
    monkeypatch.undo()
    monkeypatch.setattr(writing, "BULK_ROWS", 1)
    run_import(
        stored, _many_cases(tmp_path / "again", 500), mode="update", policy=Policy(), dry_run=False
    )
    assert _indexes(stored) == indexes
    assert len(contents(stored)["cases"]) == 503
