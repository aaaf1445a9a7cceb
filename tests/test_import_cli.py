"""`cfmonitor import` on the command line: the samples, the problems table, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.importfiles import VALID, contents, write_valid

SAMPLES = Path(__file__).resolve().parent.parent / "db" / "samples"
TABLES = ("teams", "workers", "reductions", "cases", "allocations")


def _cfmonitor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cfmonitor", *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "160", "PATH": "/usr/bin:/bin"},
        check=False,
    )


def _file_args(files: dict[str, Path]) -> list[str]:
    return [arg for table, path in files.items() for arg in (f"--{table}", str(path))]


def test_the_sample_files_import_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "samples.db"
    files = {table: SAMPLES / f"{table}.csv" for table in TABLES}
    done = _cfmonitor("import", "--db", str(db), *_file_args(files))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Import problems" not in done.stdout
    assert f"Created {db}; integrity_check: ok." in done.stdout
    rows = contents(db)
    assert len(rows["teams"]) >= 3 and len(rows["allocations"]) > 100
    report = _cfmonitor("report", "--db", str(db), "--as-of", "2026-11-26", "--format", "json")
    assert report.returncode == 0 and '"problems": []' in report.stdout


def test_problems_are_shown_as_a_table_and_nothing_is_written(tmp_path: Path) -> None:
    files = write_valid(
        tmp_path,
        workers=[*VALID["workers"], "SW4,[red]Dee[/],Team A,experienced,0,permanent,2020-01-01,"],
        allocations=[*VALID["allocations"], "C9,SW1,31/02/2024,"],
    )
    db = tmp_path / "new.db"
    done = _cfmonitor("import", "--db", str(db), *_file_args(files))
    assert done.returncode == 2
    assert "3 problems in the import files; nothing was written." in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    for text in ("workers.csv", "FTE must be above 0", "31/02/2024", "unknown case", "C9"):
        assert text in done.stdout
    assert not db.exists()


def test_dry_run_reports_what_it_would_do(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    done = _cfmonitor("import", "--db", str(db), "--dry-run", *_file_args(write_valid(tmp_path)))
    assert done.returncode == 0, done.stderr
    assert "Would change (dry run, nothing written)" in done.stdout
    assert not db.exists()


def test_updating_an_existing_database_says_where_the_backup_is(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    assert _cfmonitor("import", "--db", str(db), *_file_args(write_valid(tmp_path))).returncode == 0
    done = _cfmonitor("import", "--db", str(db), "--update", "--teams", str(tmp_path / "teams.csv"))
    assert done.returncode == 0, done.stderr
    backups = list(tmp_path.glob("new.db.backup-*"))
    assert len(backups) == 1
    assert f"Backup of the database as it was: {backups[0]}" in done.stdout.replace("\n", "")
