"""Dump → import → report: the import format carries everything the report uses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cfmonitor.data.demo import write_demo_database
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder
from tests.importfiles import contents

TODAY = dt.date(2026, 11, 26)
TABLES = ("teams", "workers", "reductions", "cases", "allocations")


def _dump_and_import(capsys: pytest.CaptureFixture[str], db: Path, folder: Path) -> Path:
    dumped = run_cli(capsys, "dump", "--db", str(db), "--dir", str(folder / "dump"))
    assert dumped.code == 0, dumped.err
    copy = folder / "copy.db"
    files = [arg for t in TABLES for arg in (f"--{t}", str(folder / "dump" / f"{t}.csv"))]
    imported = run_cli(capsys, "import", "--db", str(copy), *files)
    assert imported.code == 0, imported.out + imported.err
    return copy


def _report(capsys: pytest.CaptureFixture[str], db: Path, day: dt.date) -> str:
    done = run_cli(
        capsys, "report", "--db", str(db), "--format", "json", "--as-of", day.isoformat()
    )
    assert done.code == 0, done.err
    document = json.loads(done.out)
    # Where the rows came from differs by design: the copy was imported from files.
    del document["data_as_of"], document["freshness"]
    return json.dumps(document)


def test_the_demo_database_survives_dump_and_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo.db"
    write_demo_database(demo, seed=7, today=TODAY)
    copy = _dump_and_import(capsys, demo, tmp_path)
    for day in (TODAY, TODAY - dt.timedelta(days=400)):
        # The demo mark is the file's, not the rows': a database imported from the dump
        # is a new database (its references still say DEMO).
        original = json.loads(_report(capsys, demo, day))
        assert original.pop("demo_data") is True
        assert json.loads(_report(capsys, copy, day)) == original
    assert contents(copy) == contents(demo)


def test_hostile_text_survives_the_excel_safe_dump(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], builder: DatabaseBuilder
) -> None:
    team = builder.team('=HYPERLINK("http://x")', service_area="+Area")
    worker = builder.worker(team, name="@SUM(A1)", staff_ref="-007")
    builder.cases_for(worker, team, 2, case_type="=1+1")
    db = builder.write(tmp_path / "hostile.db")
    copy = _dump_and_import(capsys, db, tmp_path)
    assert (tmp_path / "dump" / "workers.csv").read_text().splitlines()[1].startswith("'-007")
    assert contents(copy) == contents(db)


def test_dump_never_overwrites_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], builder: DatabaseBuilder
) -> None:
    builder.team()
    db = builder.write(tmp_path / "small.db")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "cases.csv").write_text("keep me")
    refused = run_cli(capsys, "dump", "--db", str(db), "--dir", str(folder))
    assert refused.code == 2 and "already holds cases.csv; add --force" in refused.err
    assert (folder / "cases.csv").read_text() == "keep me"
    assert sorted(p.name for p in folder.iterdir()) == ["cases.csv"]
    forced = run_cli(capsys, "dump", "--db", str(db), "--dir", str(folder), "--force")
    assert forced.code == 0
    assert (folder / "cases.csv").read_text().startswith("case_ref,team,")


def test_dump_opens_the_database_read_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], builder: DatabaseBuilder
) -> None:
    builder.team()
    db = builder.write(tmp_path / "small.db")
    db.chmod(0o400)
    before = db.stat().st_mtime_ns
    assert run_cli(capsys, "dump", "--db", str(db), "--dir", str(tmp_path / "d")).code == 0
    assert db.stat().st_mtime_ns == before
    missing = run_cli(capsys, "dump", "--db", str(tmp_path / "typo.db"), "--dir", str(tmp_path))
    assert missing.code == 2 and not (tmp_path / "typo.db").exists()
