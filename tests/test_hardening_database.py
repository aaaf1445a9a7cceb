"""Issue 9, databases: hand-made ones, damaged ones, and ones being written while read."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import polars as pl
import pytest

import cfmonitor.data.reading as reading
from cfmonitor.data.caseload import load_snapshot
from cfmonitor.data.reading import load_frames
from cfmonitor.data.store import StoreError
from cfmonitor.policy import Policy
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder
from tests.importfiles import contents, write_file, write_valid

DAY = "2024-06-01"
COLUMNS = {
    "teams": ("name", "service_area", "establishment_fte"),
    "workers": (
        "staff_ref",
        "name",
        "team_id",
        "cohort",
        "fte",
        "employment",
        "start_date",
        "end_date",
    ),
    "reductions": ("worker_id", "reason", "percent", "start_date", "end_date"),
    "cases": (
        "case_ref",
        "team_id",
        "case_type",
        "complexity",
        "opened_on",
        "closed_on",
        "family_ref",
    ),
    "allocations": ("case_id", "worker_id", "start_date", "end_date"),
}


def write_unconstrained(builder: DatabaseBuilder, path: Path) -> Path:
    """The same five tables with no NOT NULL, CHECK or UNIQUE: what a person makes by hand."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for table, columns in COLUMNS.items():
            connection.execute(
                f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, {', '.join(columns)})"
            )
            for row in getattr(builder, table):
                names = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                connection.execute(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(row.values())
                )
        connection.execute("PRAGMA user_version = 1")
    finally:
        connection.close()
    return path


def _overloaded(**worker: object) -> tuple[DatabaseBuilder, int]:
    builder = DatabaseBuilder()
    team = builder.team("Team A")
    staff = builder.worker(team, **worker)
    builder.cases_for(staff, team, 20)  # 20 standard cases against a limit of 18
    return builder, staff


# 10 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"fte": None}, "fte"),
        ({"fte": 5.0}, "fte"),
        ({"fte": math.inf}, "fte"),
        ("reduction -100", "percent"),
        ("allocations without start dates", "start_date"),
    ],
)
def test_a_worker_who_cannot_be_judged_is_unknown_never_ok(tmp_path, capsys, change, column):
    builder, staff = _overloaded(**(change if isinstance(change, dict) else {}))
    if change == "reduction -100":
        builder.reduction(staff, -100.0)
    if change == "allocations without start dates":
        for allocation in builder.allocations:
            allocation["start_date"] = None
    db = write_unconstrained(builder, tmp_path / "hand.db")
    snapshot = load_snapshot(db, Policy(), dt.date(2024, 6, 1))
    assert snapshot.workers.get_column("status").to_list() == ["unknown"]
    details = snapshot.problems.filter(pl.col("kind") == "outside-contract").get_column("detail")
    assert any(f"{column} is" in detail for detail in details), details.to_list()
    result = run_cli(capsys, "check", "--db", str(db), "--as-of", DAY)
    assert result.code == 1
    assert "problems: none" not in result.out
    assert f"{column} is" in result.out
    report = run_cli(capsys, "report", "--db", str(db), "--as-of", DAY, "--format", "csv")
    assert ",ok" not in report.out and "unknown" in report.out


@pytest.mark.parametrize(
    ("table", "column", "value", "words"),
    [
        ("allocations", "worker_id", None, "allocation 1 of worker (unknown): worker_id is empty"),
        ("workers", "employment", None, "worker SW0001 (row id 1): employment is empty"),
        ("workers", "employment", "contractor", "employment is contractor, but must be"),
    ],
)
def test_values_outside_the_contract_are_named_by_row_and_column(
    tmp_path, capsys, table, column, value, words
):
    builder, _ = _overloaded()
    getattr(builder, table)[0][column] = value
    db = write_unconstrained(builder, tmp_path / "hand.db")
    result = run_cli(capsys, "check", "--db", str(db), "--as-of", DAY)
    assert result.code == 1
    assert words in result.out


@pytest.mark.parametrize(
    ("table", "column"), [("workers", "staff_ref"), ("teams", "name"), ("cases", "case_ref")]
)
def test_duplicate_natural_keys_are_problems(tmp_path, capsys, table, column):
    builder, _staff = _overloaded()
    if table == "workers":
        builder.worker(1, staff_ref="SW0001")
    elif table == "teams":
        builder.team("Team A")
    else:
        builder.case(1, case_ref="C000001")
    db = write_unconstrained(builder, tmp_path / "hand.db")
    result = run_cli(capsys, "check", "--db", str(db), "--as-of", DAY)
    assert result.code == 1
    assert f"{table} rows 1, " in result.out and f"share the {column}" in result.out


# 12 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["2019-1-1", " 2019-11-1", "+2019-11-11"])
@pytest.mark.parametrize("reader", ["sqlite3", "connectorx"])
def test_one_date_check_whatever_the_reader(tmp_path, monkeypatch, bad, reader):
    builder, _ = _overloaded(start_date=bad)
    db = builder.write(tmp_path / "dates.db")  # the real schema: dates declared DATE
    monkeypatch.setattr(reading, "SMALL_DATABASE_BYTES", 2**62 if reader == "sqlite3" else 0)
    with pytest.raises(StoreError, match=r"start_date.*is not an ISO date"):
        load_frames(db)


# 6 -------------------------------------------------------------------------------------


def test_a_value_that_is_not_utf8_is_named_not_printed(tmp_path, capsys):
    builder, _ = _overloaded()
    db = builder.write(tmp_path / "bytes.db")
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE workers SET name = CAST(? AS TEXT) WHERE id = 1",
            (b"Zed\x1b]0;owned\x07\x1b[2J\xff\xfe",),
        )
    result = run_cli(capsys, "report", "--db", str(db), "--as-of", DAY)
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "\x1b" not in result.err and "owned" not in result.err and "Zed" not in result.err
    assert "workers, row id 1, column name" in result.err and "not valid UTF-8" in result.err


# 9 -------------------------------------------------------------------------------------


def test_a_report_read_while_imports_commit_is_before_or_after_never_mixed(tmp_path, capsys):
    """Two states: A (names 'Before', every case with SW1) and B ('After', with SW2)."""
    db = tmp_path / "live.db"
    first = write_valid(tmp_path / "a")
    assert (
        run_cli(capsys, "import", "--db", str(db), *[f"--{t}={p}" for t, p in first.items()]).code
        == 0
    )
    states = {}
    for label, staff in (("Before", "SW1"), ("After", "SW2")):
        folder = tmp_path / label
        states[label] = {
            "workers": write_file(
                folder,
                "workers",
                [
                    f"SW1,{label} One,Team A,experienced,1,permanent,2020-01-01,",
                    f"SW2,{label} Two,Team A,nqsw,0.5,agency,2021-02-01,",
                    "00123,Cat Lee,Team B,experienced,0.8,permanent,2019-05-05,",
                ],
            ),
            "allocations": write_file(
                folder,
                "allocations",
                [
                    f"C1,{staff},2024-01-01,",
                    f"C2,{staff},2024-02-01,",
                    "C3,00123,2024-03-01,2024-09-01",
                ],
            ),
        }
    stop = threading.Event()
    from cfmonitor.importing.run import run_import

    run_import(db, states["Before"], mode="replace", policy=Policy(), dry_run=False)

    def writer() -> None:
        turn = 0
        while not stop.is_set():
            label = ("Before", "After")[turn % 2]
            files = states[label]
            with contextlib.suppress(Exception):
                run_import(db, files, mode="replace", policy=Policy(), dry_run=False)
            for backup in tmp_path.glob("live.db.backup-*"):
                backup.unlink(missing_ok=True)
            turn += 1

    thread = threading.Thread(target=writer)
    thread.start()
    seen = set()
    try:
        for _ in range(80):
            try:
                frames = load_frames(db, as_of=dt.date(2024, 6, 1))
            except StoreError:
                continue
            names = dict(frames.workers.select("id", "name").iter_rows())
            holders = {
                names[w].split()[0] + ":" + names[w].split()[1]
                for w in frames.allocations.get_column("worker_id")
                if w in (1, 2)
            }
            label = {name.split()[0] for worker, name in names.items() if worker in (1, 2)}
            assert len(label) == 1, names
            (state,) = label
            expected_holder = "One" if state == "Before" else "Two"
            assert holders == {f"{state}:{expected_holder}"}, (names, holders)
            seen.add(state)
    finally:
        stop.set()
        thread.join()
    assert seen, "no read succeeded"


# 16 ------------------------------------------------------------------------------------


def _imported(tmp_path: Path, capsys) -> Path:
    db = tmp_path / "share" / "caseloads.db"
    db.parent.mkdir()
    files = write_valid(tmp_path / "files")
    assert (
        run_cli(capsys, "import", "--db", str(db), *[f"--{t}={p}" for t, p in files.items()]).code
        == 0
    )
    return db


def test_import_leaves_a_rollback_journal_and_reading_creates_no_file(tmp_path, capsys):
    db = _imported(tmp_path, capsys)
    with open(db, "rb") as handle:
        assert handle.read(20)[18:20] == b"\x01\x01"  # rollback journal, not WAL
    before = sorted(path.name for path in db.parent.iterdir())
    assert run_cli(capsys, "report", "--db", str(db), "--as-of", DAY).code == 0
    assert run_cli(capsys, "check", "--db", str(db), "--as-of", DAY).code == 0
    assert sorted(path.name for path in db.parent.iterdir()) == before == ["caseloads.db"]


def _as_nobody(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            sys.executable,
            "-m",
            "cfmonitor",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": "/nonexistent", "XDG_CACHE_HOME": "/nonexistent"},
    )


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root to drop to nobody"
)
@pytest.mark.parametrize("old_wal", [False, True])
def test_a_read_only_share_can_be_read_by_another_user(tmp_path, capsys, old_wal):
    """Root ignores permissions, so the reader runs as `nobody` on a 0555 folder."""
    db = _imported(tmp_path, capsys)
    if old_wal:  # as an older cfmonitor left it
        connection = sqlite3.connect(db)
        assert connection.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
        connection.close()
        assert not db.with_name("caseloads.db-wal").exists()
    os.chmod(db, 0o644)
    os.chmod(db.parent, 0o555)
    for folder in (tmp_path, *tmp_path.parents):
        if folder == Path("/"):
            break
        os.chmod(folder, os.stat(folder).st_mode | 0o005)
    try:
        result = _as_nobody("report", "--db", str(db), "--as-of", DAY, "--format", "csv")
    finally:
        os.chmod(db.parent, 0o700)
    assert result.returncode == 0, result.stderr
    assert "Ann Smith" in result.stdout
    assert sorted(path.name for path in db.parent.iterdir()) == ["caseloads.db"]


# 18 ------------------------------------------------------------------------------------


def _killed_import(
    db: Path, files: dict[str, Path], patch: str, *extra: str
) -> subprocess.CompletedProcess:
    """An import whose process is killed (SIGKILL, nothing can clean up) at `patch`."""
    code = (
        "import os, signal, sys\n"
        "import cfmonitor.importing.writing as w\n"
        f"def die(*a, **k): os.kill(os.getpid(), signal.SIGKILL)\n"
        f"w.{patch} = die\n"
        "from cfmonitor.cli import main\n"
        "sys.argv = ['cfmonitor', 'import', '--db', sys.argv[1], *sys.argv[2:]]\n"
        "main()\n"
    )
    args = [*extra, *(f"--{table}={path}" for table, path in files.items())]
    return subprocess.run(
        [sys.executable, "-c", code, str(db), *args], capture_output=True, timeout=120
    )


def test_a_killed_import_into_a_new_database_leaves_nothing(tmp_path, capsys):
    db = tmp_path / "new.db"
    files = write_valid(tmp_path / "files")
    assert _killed_import(db, files, "_check_integrity").returncode == -9
    assert not db.exists()
    assert not [path for path in tmp_path.iterdir() if path.name.startswith("new.db")]
    result = run_cli(capsys, "import", "--db", str(db), *[f"--{t}={p}" for t, p in files.items()])
    assert result.code == 0, result
    # The killed process's private temporary is cleared by the next import.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["files", "new.db"]


def test_a_killed_backup_leaves_no_empty_file_named_as_a_backup(tmp_path, capsys):
    db = _imported(tmp_path, capsys)
    before = contents(db)
    files = {
        "teams": write_file(
            tmp_path / "more",
            "teams",
            ["Team A,Assessment,2", "Team B,Child Protection,1.5", "Team C,Other,1"],
        )
    }
    assert _killed_import(db, files, "move_into_place", "--update").returncode == -9
    assert list(db.parent.glob("caseloads.db.backup-*")) == []
    assert contents(db) == before
    # The next import's backup clears the killed one's private temporary.
    assert (
        run_cli(capsys, "import", "--db", str(db), "--update", f"--teams={files['teams']}").code
        == 0
    )
    (backup,) = db.parent.glob("caseloads.db.backup-*")
    assert sorted(path.name for path in db.parent.iterdir()) == sorted(
        ["caseloads.db", backup.name]
    )


# 20 ------------------------------------------------------------------------------------


def test_ctrl_c_after_the_commit_says_the_rows_were_written(tmp_path, capsys, monkeypatch):
    db = _imported(tmp_path, capsys)
    files = write_file(
        tmp_path / "more",
        "teams",
        ["Team A,Assessment,2", "Team B,Child Protection,1.5", "Team C,Other,1"],
    )
    import cfmonitor.importing.summary as summary

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(summary, "print_outcome", interrupted)
    result = run_cli(capsys, "import", "--db", str(db), "--update", f"--teams={files}")
    assert result.code == 130
    assert "nothing was changed" not in result.err
    assert "the new rows are in the database" in result.err
    assert len(contents(db)["teams"]) == 3


# 21 ------------------------------------------------------------------------------------


def test_two_imports_at_once_the_loser_is_told_to_run_again(tmp_path, capsys, monkeypatch):
    db = _imported(tmp_path, capsys)
    ours = {
        "cases": write_file(
            tmp_path / "ours",
            "cases",
            [
                "C1,Team A,CIN,standard,2024-01-01,,F1",
                "C2,Team A,CP,complex,2024-02-01,,",
                "C3,Team B,CLA,intense,2024-03-01,2024-09-01,F2",
                "C9,Team A,CIN,standard,2024-05-01,,",
            ],
        )
    }
    theirs = write_file(tmp_path / "theirs", "cases", ["C8,Team A,CIN,standard,2024-05-01,,"])
    real_plan = __import__("cfmonitor.importing.run", fromlist=["plan"]).plan

    def plan_then_another_import_commits(*args, **kwargs):
        planned = real_plan(*args, **kwargs)
        other = subprocess.run(
            [
                sys.executable,
                "-m",
                "cfmonitor",
                "import",
                "--db",
                str(db),
                "--update",
                f"--cases={theirs}",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert other.returncode == 0, other.stderr
        return planned

    monkeypatch.setattr("cfmonitor.importing.run.plan", plan_then_another_import_commits)
    result = run_cli(capsys, "import", "--db", str(db), "--update", f"--cases={ours['cases']}")
    assert result.code == 2
    assert "UNIQUE" not in result.err
    assert (
        "another import wrote to the database" in result.err
        and "Run this import again" in result.err
    )
    refs = [row[1] for row in contents(db)["cases"]]
    assert "C8" in refs and "C9" not in refs


# 22 ------------------------------------------------------------------------------------


def test_a_hot_journal_says_a_writer_was_interrupted_and_check_repair_recovers(tmp_path, capsys):
    db = _imported(tmp_path, capsys)
    before = contents(db)
    script = (
        "import os, signal, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA cache_size = 1')\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "c.execute(\"UPDATE workers SET name = 'half' || name\")\n"
        "c.executemany('INSERT INTO teams (name, service_area, establishment_fte)'"
        " ' VALUES (?, ?, 1)', [(f'T{i}' * 40, 'x' * 400) for i in range(3000)])\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    assert subprocess.run([sys.executable, "-c", script, str(db)], timeout=60).returncode == -9
    assert db.with_name("caseloads.db-journal").exists()
    result = run_cli(capsys, "report", "--db", str(db), "--as-of", DAY)
    assert result.code == 2 and result.err.count("\n") == 1
    assert "readonly" not in result.err
    assert "interrupted" in result.err and "check --repair" in result.err
    repaired = run_cli(capsys, "check", "--db", str(db), "--as-of", DAY, "--repair")
    assert repaired.code == 0, repaired
    assert "rolled back the interrupted write" in repaired.out
    assert contents(db) == before


def test_object_names_in_a_damaged_schema_are_shown_escaped(tmp_path, capsys):
    builder, _ = _overloaded()
    db = builder.write(tmp_path / "schema.db")
    name = "\x1b]0;owned\x07\x1b[2Jv"
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute(f'CREATE VIEW "{name}" AS SELECT 1')
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute(
        "UPDATE sqlite_master SET sql = 'CREATE VIEW broken AS SELEC' WHERE type = 'view'"
    )
    connection.close()
    result = run_cli(capsys, "report", "--db", str(db), "--as-of", DAY)
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert "\x1b" not in result.err and "\x07" not in result.err
    assert "Traceback" not in result.err
