"""`cfmonitor import` on the command line: the samples, the problems table, exit codes.

Over both backends (the `backend` fixture): into PostgreSQL, the import must print what
the same import into a file prints, and the database then give the file's report."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.importfiles import VALID, write_file, write_valid
from tests.postgres.backends import Backend, Database, contents, holds_tables, run_cli

SAMPLES = Path(__file__).resolve().parent.parent / "db" / "samples"
TABLES = ("teams", "workers", "reductions", "cases", "allocations")


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich wraps at 80 columns when not on a terminal; long paths would be split."""
    monkeypatch.setenv("COLUMNS", "250")


def _file_args(files: dict[str, Path]) -> list[str]:
    return [arg for table, path in files.items() for arg in (f"--{table}", str(path))]


def test_the_sample_files_import_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], backend: Backend
) -> None:
    db = backend.blank(tmp_path / "samples.db")
    files = {table: SAMPLES / f"{table}.csv" for table in TABLES}
    done = run_cli(capsys, "import", "--db", db, *_file_args(files))
    assert done.code == 0, done.out + done.err
    assert "Import problems" not in done.out
    checked = (
        "keys and references checked by the server" if db.on_postgres else "integrity_check: ok"
    )
    assert f"Created {db.label or db}; {checked}." in done.out  # what was really checked
    rows = contents(db)
    assert len(rows["teams"]) >= 3 and len(rows["allocations"]) > 100
    if db.on_postgres:
        assert rows == contents(Database(db.path))  # the same rows as the file's import
    report = run_cli(capsys, "report", "--db", db, "--as-of", "2026-11-26", "--format", "json")
    assert report.code == 0 and '"problems": []' in report.out


def test_problems_are_shown_as_a_table_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], backend: Backend
) -> None:
    files = write_valid(
        tmp_path,
        workers=[
            *VALID["workers"],
            "SW4,Dee,[@click=app.quit]x[/],experienced,0,permanent,2020-01-01,",
        ],
        allocations=[*VALID["allocations"], "C9,SW1,31/02/2024,"],
    )
    db = backend.blank(tmp_path / "new.db")
    done = run_cli(capsys, "import", "--db", db, *_file_args(files))
    assert done.code == 2
    assert "4 problems in the import files; nothing was written." in done.err
    assert "Traceback" not in done.out + done.err
    for text in (
        "workers.csv",
        "FTE must be above 0",
        "31/02/2024",
        "unknown case",
        "C9",
        "[@click=app.quit]x[/]",
    ):
        assert text in done.out
    assert not holds_tables(db) and not db.path.exists()


def test_dry_run_reports_what_it_would_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], backend: Backend
) -> None:
    db = backend.blank(tmp_path / "new.db")
    done = run_cli(capsys, "import", "--db", db, "--dry-run", *_file_args(write_valid(tmp_path)))
    assert done.code == 0, done.err
    assert "Would change (dry run, nothing written)" in done.out
    assert not holds_tables(db) and not db.path.exists()


def test_updating_an_existing_database_says_where_the_backup_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "new.db"
    assert run_cli(capsys, "import", "--db", str(db), *_file_args(write_valid(tmp_path))).code == 0
    same = run_cli(
        capsys, "import", "--db", str(db), "--update", "--teams", str(tmp_path / "teams.csv")
    )
    assert "already holds exactly this; nothing was written." in same.out
    assert list(tmp_path.glob("new.db.backup-*")) == []
    teams = write_file(tmp_path / "more", "teams", ["Team C,Assessment,1"])
    done = run_cli(capsys, "import", "--db", str(db), "--update", "--teams", str(teams))
    assert done.code == 0, done.err
    backups = list(tmp_path.glob("new.db.backup-*"))
    assert len(backups) == 1
    assert f"Backup of the database as it was: {backups[0]}" in done.out.replace("\n", "")
