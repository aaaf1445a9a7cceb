"""Issue 2's bad input: every unusable database gives one clear sentence and exit 2.

No traceback, no file created while reading, and the file's bytes unchanged.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cfmonitor.data.reading import load_frames
from cfmonitor.data.store import StoreError
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder


def digest(path: Path) -> str:
    with open(path, "rb") as handle:  # not Path.open: one test patches that
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.fixture
def good_db(tmp_path: Path) -> Path:
    builder = DatabaseBuilder()
    team_id = builder.team("Alpha")
    worker_id = builder.worker(team_id)
    builder.cases_for(worker_id, team_id, 30)
    return builder.write(tmp_path / "good.db")


def assert_refused(capsys, path: Path, *words: str) -> None:
    before = digest(path) if path.is_file() else None
    result = run_cli(capsys, "report", "--db", str(path), "--as-of", "2024-06-01")
    assert result.code == 2
    assert result.out == ""
    assert "Traceback" not in result.err
    assert result.err.count("\n") == 1, result.err
    assert str(path) in result.err
    for word in words:
        assert word in result.err
    if before is not None:
        assert digest(path) == before


def test_missing_path_is_not_created(capsys, tmp_path):
    missing = tmp_path / "mistyped.db"
    assert_refused(capsys, missing, "no such database file")
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []


def test_path_with_hash_and_spaces_reads_fine(capsys, tmp_path, good_db):
    folder = tmp_path / "team #1 data"
    folder.mkdir()
    odd = folder / "case loads #2.db"
    odd.write_bytes(good_db.read_bytes())
    before = digest(odd)
    result = run_cli(
        capsys, "report", "--db", str(odd), "--as-of", "2024-06-01", "--format", "json"
    )
    assert result.code == 0, result.err
    assert '"cases": 30' in result.out
    assert digest(odd) == before
    assert sorted(p.name for p in folder.iterdir()) == ["case loads #2.db"]


def test_not_sqlite(capsys, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("team,name\nAlpha,Someone\n")
    assert_refused(capsys, path, "not a SQLite database")


def test_empty_file(capsys, tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    assert_refused(capsys, path, "empty")


def test_truncated_file(capsys, tmp_path, good_db):
    path = tmp_path / "truncated.db"
    data = good_db.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert_refused(capsys, path, "damaged")


def test_database_without_our_tables(capsys, tmp_path):
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    assert_refused(capsys, path, "none of cfmonitor's tables")


def test_other_schema_version(capsys, tmp_path, good_db):
    connection = sqlite3.connect(good_db)
    connection.execute("PRAGMA user_version = 7")
    connection.commit()
    connection.close()
    assert_refused(capsys, good_db, "schema version 7")


def test_missing_one_table(capsys, tmp_path, good_db):
    connection = sqlite3.connect(good_db)
    connection.execute("DROP TABLE reductions")
    connection.commit()
    connection.close()
    assert_refused(capsys, good_db, "reductions")


def test_folder_instead_of_file(capsys, tmp_path):
    assert_refused(capsys, tmp_path, "folder")


def test_locked_by_a_writer(capsys, good_db):
    writer = sqlite3.connect(good_db, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        assert_refused(capsys, good_db, "locked")
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_unreadable_file(capsys, good_db, monkeypatch):
    """Simulated: tests run as root in CI, where chmod 000 does not stop reading."""
    real_open = Path.open

    def refuse(self: Path, *args, **kwargs):
        if self == good_db:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    assert_refused(capsys, good_db, "permission denied")


def test_bad_value_names_table_row_and_column(tmp_path, good_db):
    connection = sqlite3.connect(good_db)
    connection.execute("UPDATE allocations SET start_date = '31/01/2024' WHERE id = 4")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError) as raised:
        load_frames(good_db, as_of=None)
    message = str(raised.value)
    assert "allocations" in message and "row id 4" in message
    assert "start_date" in message and "31/01/2024" in message


def test_impossible_date_in_database(tmp_path, good_db):
    connection = sqlite3.connect(good_db)
    connection.execute("UPDATE workers SET start_date = '2024-02-30' WHERE id = 1")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="workers, row id 1, column start_date: '2024-02-30'"):
        load_frames(good_db, as_of=None)


def test_malformed_as_of(capsys, good_db):
    result = run_cli(capsys, "report", "--db", str(good_db), "--as-of", "06/13/2024")
    assert result.code == 2
    assert "'06/13/2024' looks month-first" in result.err
    assert "Traceback" not in result.err


def test_unknown_team(capsys, good_db):
    before = digest(good_db)
    result = run_cli(capsys, "report", "--db", str(good_db), "--team", "Betta")
    assert result.code == 2
    assert result.err.strip() == "cfmonitor: --team: no team is called 'Betta'."
    assert digest(good_db) == before


def test_bad_policy_file(capsys, tmp_path, good_db):
    policy = tmp_path / "policy.toml"
    policy.write_text("[cohorts]\nexperienced = 'lots'\n")
    result = run_cli(capsys, "report", "--db", str(good_db), "--policy", str(policy))
    assert result.code == 2
    assert "'cohorts.experienced'" in result.err
    assert result.err.count("\n") == 1


def test_no_traceback_from_the_real_entry_point(tmp_path):
    """The installed console script, end to end, on a file that is not a database."""
    path = tmp_path / "junk.db"
    path.write_bytes(b"\x00" * 4096)
    completed = subprocess.run(
        [sys.executable, "-m", "cfmonitor", "check", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 2
    assert completed.stderr.strip() == f"cfmonitor: {path}: not a SQLite database."
    assert "Traceback" not in completed.stdout + completed.stderr
