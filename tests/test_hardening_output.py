"""Issue 9, files cfmonitor writes: dumps are all or nothing, values survive, Markdown is inert."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import cfmonitor.dump
from cfmonitor.export import ExportError
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder
from tests.importfiles import write_valid


@pytest.fixture
def two_databases(tmp_path: Path, capsys) -> tuple[Path, Path]:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    for db, folder in ((first, "a"), (second, "b")):
        files = write_valid(tmp_path / folder)
        args = [f"--{table}={path}" for table, path in files.items()]
        assert run_cli(capsys, "import", "--db", str(db), *args).code == 0
    with sqlite3.connect(second) as connection:
        connection.execute("UPDATE teams SET service_area = 'Changed'")
    return first, second


# 4 -------------------------------------------------------------------------------------


def test_a_dump_that_fails_half_way_leaves_the_old_files(
    two_databases, tmp_path, capsys, monkeypatch
):
    first, second = two_databases
    folder = tmp_path / "backup"
    assert run_cli(capsys, "dump", "--db", str(first), "--dir", str(folder)).code == 0
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    real_write = cfmonitor.dump.write_bytes

    def full_disk_on_the_fourth(path: Path, data: bytes, *, force: bool) -> Path:
        if path.name == "cases.csv":
            raise ExportError(f"{path}: could not be written (No space left on device).")
        return real_write(path, data, force=force)

    monkeypatch.setattr(cfmonitor.dump, "write_bytes", full_disk_on_the_fourth)
    result = run_cli(capsys, "dump", "--db", str(second), "--dir", str(folder), "--force")
    assert result.code == 2 and "No space left" in result.err
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".")) == []
    monkeypatch.setattr(cfmonitor.dump, "write_bytes", real_write)
    assert run_cli(capsys, "dump", "--db", str(second), "--dir", str(folder), "--force").code == 0
    assert "Changed" in (folder / "teams.csv").read_text()
    assert "Changed" not in before["teams.csv"].decode()


# 13 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["'=Jo", "'Jo", "''x", "=Jo", "'", "O'Neil", "-Ann"])
def test_dump_then_import_keeps_a_values_own_apostrophe(tmp_path, capsys, name) -> None:
    builder = DatabaseBuilder()
    team = builder.team("Team A")
    builder.worker(team, name=name)
    db = builder.write(tmp_path / "a.db")
    folder = tmp_path / "dump"
    assert run_cli(capsys, "dump", "--db", str(db), "--dir", str(folder)).code == 0
    again = tmp_path / "b.db"
    args = [f"--{path.stem}={path}" for path in folder.iterdir()]
    result = run_cli(capsys, "import", "--db", str(again), *args)
    assert result.code == 0, result
    with sqlite3.connect(again) as connection:
        assert connection.execute("SELECT name FROM workers").fetchone() == (name,)


# 7 -------------------------------------------------------------------------------------


def test_markdown_report_renders_html_and_links_in_names_literally(tmp_path, capsys) -> None:
    builder = DatabaseBuilder()
    team = builder.team("<img src=x onerror=alert(1)>")
    worker = builder.worker(team, name="[Click](javascript:alert(1)) *bold* _em_ `code`")
    builder.cases_for(worker, team, 1)
    db = builder.write(tmp_path / "h.db")
    out = run_cli(
        capsys, "report", "--db", str(db), "--as-of", "2024-06-01", "--format", "markdown"
    )
    assert out.code == 0, out.err
    assert "| <img" not in out.out and "](javascript" not in out.out
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in out.out
    assert "\\[Click\\]\\(javascript:alert\\(1\\)\\) \\*bold\\* \\_em\\_ \\`code\\`" in out.out
    from cfmonitor.cell_text import markdown_cell

    assert markdown_cell("workers_in_post") == "workers_in_post"  # underscores inside words stay
