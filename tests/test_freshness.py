"""Data freshness: schema version 2 records each import; version 1 files are still read
and are upgraded by an import, all or nothing; reports say "data as of" and warn when old."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from cfmonitor.data import contract, reading, store
from cfmonitor.data.caseload import load_snapshot
from cfmonitor.data.freshness import LastImport, data_age
from cfmonitor.importing import writing
from cfmonitor.importing.provenance import Provenance
from cfmonitor.importing.run import run_import
from cfmonitor.importing.writing import ImportWriteError
from cfmonitor.policy import Policy
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder
from tests.importfiles import contents, write_valid

DAY = dt.date(2024, 6, 1)


def make_v1(path: Path) -> Path:
    """A file exactly as cfmonitor 1 wrote it: the five tables, no `imports`, version 1."""
    builder = DatabaseBuilder()
    team = builder.team("Alpha", establishment_fte=2.0)
    builder.cases_for(builder.worker(team), team, 3)
    builder.write(path)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("DROP TABLE imports")
    connection.execute("PRAGMA user_version = 1")
    connection.close()
    return path


def version_and_tables(path: Path) -> tuple[int, set[str]]:
    connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        names = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    finally:
        connection.close()
    return version, names


def imports_rows(path: Path) -> list[tuple]:
    connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return connection.execute(
            "SELECT source, extract_date, imported_at FROM imports ORDER BY id"
        ).fetchall()
    finally:
        connection.close()


def test_schema_version_2_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    outcome = run_import(
        db,
        write_valid(tmp_path / "files"),
        mode=None,
        policy=Policy(),
        dry_run=False,
        provenance=Provenance("ssd", dt.date(2024, 5, 31)),
    )
    after = dt.datetime.now(dt.UTC)
    assert outcome.result.upgraded_from is None
    assert version_and_tables(db)[0] == 2
    ((source, extract, stamp),) = imports_rows(db)
    assert (source, extract) == ("ssd", "2024-05-31")
    assert stamp.endswith("Z")
    last = reading.load_frames(db).source.last_import
    assert last == LastImport("ssd", dt.date(2024, 5, 31), last.imported_at)
    assert before <= last.imported_at <= after
    assert last.imported_at.tzinfo is not None


def test_a_version_1_file_is_still_read(tmp_path: Path) -> None:
    db = make_v1(tmp_path / "old.db")
    snapshot = load_snapshot(db, Policy(), DAY)
    assert snapshot.source.schema_version == 1
    assert snapshot.source.last_import is None
    assert snapshot.organisation_row["open_cases"] == 3
    assert snapshot.data_age.text == "data as of: not recorded"
    assert not snapshot.data_age.stale


def test_a_version_2_file_without_its_imports_table_is_refused(tmp_path: Path) -> None:
    db = make_v1(tmp_path / "odd.db")
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA user_version = 2")
    connection.close()
    with pytest.raises(store.StoreError, match="missing the table"):
        store.inspect(db)


def test_an_import_upgrades_a_version_1_file_and_says_so(capsys, tmp_path: Path) -> None:
    db = make_v1(tmp_path / "old.db")
    files = write_valid(tmp_path / "files")
    args = ["import", "--db", str(db), "--update", "--extract-date", "2024-05-30"]
    for table, path in files.items():
        args += [f"--{table}", str(path)]
    dry = run_cli(capsys, *args, "--dry-run")
    assert dry.code == 0, dry.err
    assert "would also upgrade the file from schema version 1 to 2" in dry.out
    assert version_and_tables(db) == (1, set(contract.TABLE_NAMES))
    result = run_cli(capsys, *args)
    assert result.code == 0, result.err
    assert "Upgraded" in result.out and "from schema version 1 to 2" in result.out
    assert "Recorded this import: source cfmonitor, data as of 2024-05-30." in result.out
    assert version_and_tables(db) == (2, {*contract.TABLE_NAMES, "imports"})
    assert [row[:2] for row in imports_rows(db)] == [("cfmonitor", "2024-05-30")]
    backup = next(tmp_path.glob("old.db.backup-*"))
    assert version_and_tables(backup) == (1, set(contract.TABLE_NAMES))


def test_a_failed_import_leaves_a_version_1_file_at_version_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = make_v1(tmp_path / "old.db")
    before = contents(db)

    def broken(connection: sqlite3.Connection, *, references: bool) -> None:
        raise sqlite3.DatabaseError("integrity_check: simulated")

    monkeypatch.setattr(writing, "_check_integrity", broken)
    with pytest.raises(ImportWriteError):
        run_import(
            db, write_valid(tmp_path / "files"), mode="update", policy=Policy(), dry_run=False
        )
    assert version_and_tables(db) == (1, set(contract.TABLE_NAMES))
    assert contents(db) == before


def test_native_import_without_extract_date_records_none(capsys, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    args = ["import", "--db", str(db)]
    for table, path in write_valid(tmp_path / "files").items():
        args += [f"--{table}", str(path)]
    result = run_cli(capsys, *args)
    assert result.code == 0, result.err
    assert "extract date not given" in result.out
    ((source, extract, _),) = imports_rows(db)
    assert (source, extract) == ("cfmonitor", None)
    age = load_snapshot(db, Policy(), dt.date.today()).data_age
    assert age.text.startswith("data as of: not recorded (imported ")


def test_an_unchanged_import_with_a_newer_extract_date_is_recorded(tmp_path: Path) -> None:
    db = tmp_path / "db.db"
    files = write_valid(tmp_path / "files")

    def again(extract: dt.date):
        return run_import(
            db,
            files,
            mode="update",
            policy=Policy(),
            dry_run=False,
            provenance=Provenance("cfmonitor", extract),
        ).result

    again(dt.date(2024, 5, 1))
    newer = again(dt.date(2024, 6, 1))
    assert not newer.unchanged and newer.backup is not None
    same = again(dt.date(2024, 6, 1))
    assert same.unchanged
    assert [row[1] for row in imports_rows(db)] == ["2024-05-01", "2024-06-01"]


def test_an_extract_date_in_the_future_is_refused(capsys, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    files = write_valid(tmp_path / "files")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    result = run_cli(
        capsys,
        "import",
        "--db",
        str(db),
        "--teams",
        str(files["teams"]),
        "--extract-date",
        tomorrow,
    )
    assert result.code == 2
    assert f"{tomorrow} is in the future" in result.err
    assert not db.exists()
    bad = run_cli(
        capsys, "import", "--db", str(db), "--teams", str(files["teams"]), "--extract-date", "31/05"
    )
    assert bad.code == 2 and "'31/05' is not a date" in bad.err


def test_the_demo_records_its_own_provenance(capsys, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert run_cli(capsys, "demo", str(db), "--today", "2026-11-26").code == 0
    assert imports_rows(db) == [("demo", "2026-11-26", "2026-11-26T00:00:00Z")]
    init = tmp_path / "empty.db"
    assert run_cli(capsys, "init", str(init)).code == 0
    assert version_and_tables(init) == (2, {*contract.TABLE_NAMES, "imports"})
    assert imports_rows(init) == []


@pytest.mark.parametrize(
    ("extract", "as_of", "stale"),
    [
        (dt.date(2024, 4, 27), DAY, False),  # 35 days: at the limit, not over it
        (dt.date(2024, 4, 26), DAY, True),  # 36 days
        (dt.date(2024, 7, 1), DAY, False),  # looking back before the extract
    ],
)
def test_stale_after_the_policys_days(extract, as_of, stale) -> None:
    last = LastImport("ssd", extract, dt.datetime(2024, 7, 2, tzinfo=dt.UTC))
    age = data_age(last, as_of, 35)
    assert age.stale is stale
    assert (age.warning is not None) is stale


def test_without_an_extract_date_the_age_counts_from_the_import(tmp_path: Path) -> None:
    last = LastImport("cfmonitor", None, dt.datetime(2024, 4, 1, 9, 30, tzinfo=dt.UTC))
    age = data_age(last, DAY, 35)
    assert age.age_days == 61 and age.stale
    assert "imported on 2024-04-01 (extract date not recorded)" in age.warning


def stale_db(path: Path, extract: str = "2024-04-01") -> Path:
    """A database whose last import was extracted 61 days before DAY."""
    builder = DatabaseBuilder()
    team = builder.team("Alpha")
    builder.cases_for(builder.worker(team), team, 2)
    builder.write(path)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(
        "INSERT INTO imports (source, extract_date, imported_at) "
        "VALUES ('ssd', ?, '2024-04-02T08:00:00Z')",
        (extract,),
    )
    connection.close()
    return path


def report(capsys, db: Path, *args: str):
    result = run_cli(capsys, "report", "--db", str(db), "--as-of", DAY.isoformat(), *args)
    assert result.code == 0, result.err
    return result


WARNING = "The data is 61 days old on 2024-06-01 (extracted on 2024-04-01)"


def test_every_report_format_says_data_as_of_and_warns(capsys, tmp_path: Path) -> None:
    db = stale_db(tmp_path / "stale.db")
    table = report(capsys, db)
    first = table.out.splitlines()[0]
    assert "Caseloads as of 2024-06-01" in first and "data as of 2024-04-01" in first
    assert WARNING in table.out.replace("\n", " ")

    document = json.loads(report(capsys, db, "--format", "json").out)
    assert document["as_of"] == "2024-06-01"
    assert document["data_as_of"] == "2024-04-01"
    assert document["freshness"] == {
        "source": "ssd",
        "extract_date": "2024-04-01",
        "imported_at": "2024-04-02T08:00:00Z",
        "age_days": 61,
        "stale_after_days": 35,
        "stale": True,
        "warning": document["freshness"]["warning"],
    }
    assert document["freshness"]["warning"].startswith(WARNING)

    markdown = report(capsys, db, "--format", "markdown").out
    assert markdown.startswith("# Caseloads as of 2024-06-01 (data as of 2024-04-01)")
    assert WARNING in markdown

    csv = report(capsys, db, "--format", "csv")
    title, _, name, headings, *_ = csv.out.splitlines()
    assert name == "Workers"
    assert title.startswith("Caseloads as of 2024-06-01 (data as of 2024-04-01)")
    assert headings.startswith("Staff ref,")  # the warning stays out of the table: stderr
    assert WARNING in csv.err and WARNING not in csv.out

    target = tmp_path / "r.xlsx"
    written = report(capsys, db, "--format", "xlsx", "--output", str(target))
    assert WARNING in written.err
    import polars as pl

    about = pl.read_excel(target, sheet_name="About", has_header=False)
    facts = {row[0]: row[1] for row in about.iter_rows() if row[0] and row[1]}
    assert facts["Caseloads as of"] == "2024-06-01"
    assert facts["Data as of"] == "2024-04-01"
    assert facts["Warning"].startswith(WARNING)


def test_fresh_data_gives_no_warning_and_the_policy_sets_the_limit(capsys, tmp_path) -> None:
    db = stale_db(tmp_path / "recent.db", extract="2024-05-20")
    result = report(capsys, db)
    assert "data as of 2024-05-20" in result.out.splitlines()[0]
    assert "days old" not in result.out + result.err
    strict = tmp_path / "strict.toml"
    strict.write_text("stale_after_days = 7\n")
    warned = report(capsys, db, "--policy", str(strict))
    assert "The data is 12 days old" in warned.out.replace("\n", " ")


def test_a_version_1_report_says_not_recorded(capsys, tmp_path: Path) -> None:
    db = make_v1(tmp_path / "old.db")
    assert "data as of: not recorded" in report(capsys, db).out.splitlines()[0]
    document = json.loads(report(capsys, db, "--format", "json").out)
    assert document["data_as_of"] is None
    assert document["freshness"]["source"] is None and not document["freshness"]["stale"]


def test_the_trend_report_says_data_as_of_at_the_end_of_its_range(capsys, tmp_path) -> None:
    db = stale_db(tmp_path / "stale.db")
    base = ["report", "--db", str(db), "--trend", "--to", DAY.isoformat()]
    base += ["--from", "2024-05-01"]
    table = run_cli(capsys, *base)
    assert table.code == 0, table.err
    assert "data as of 2024-04-01" in table.out.splitlines()[0]
    assert WARNING in table.out.replace("\n", " ")
    document = json.loads(run_cli(capsys, *base, "--format", "json").out)
    assert document["data_as_of"] == "2024-04-01" and document["freshness"]["stale"]
    markdown = run_cli(capsys, *base, "--format", "markdown").out
    assert "(data as of 2024-04-01)" in markdown.splitlines()[0] and WARNING in markdown
    csv = run_cli(capsys, *base, "--format", "csv")
    assert csv.out.splitlines()[0].startswith("date,") and WARNING in csv.err


def test_check_says_how_fresh_the_data_is(capsys, tmp_path: Path) -> None:
    db = stale_db(tmp_path / "stale.db")
    result = run_cli(capsys, "check", "--db", str(db), "--as-of", DAY.isoformat())
    assert result.code == 0, result.out
    assert "schema version 2\ndata as of 2024-04-01\nwarning: " + WARNING in result.out
