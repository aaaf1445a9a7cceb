"""Exports: safe to open in Excel, never over an existing file, one visible sheet."""

from __future__ import annotations

import datetime as dt
import re
import stat
import zipfile
from pathlib import Path

import polars as pl
import pytest

from cfmonitor.export import ExportError, write_table
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder

HOSTILE = ["=1+1", "+44 20", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain", "O'Neil"]
FILTER_NAME = re.compile(r'<definedName name="_xlnm\._FilterDatabase"[^>]*>')
"""The autofilter's range is a defined name Excel itself marks hidden; no sheet or column is."""
SAFE = ["'=1+1", "'+44 20", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "plain", "O'Neil"]


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "name": HOSTILE,
            "load": [-1.5, 2.0, 0.0, 1.0, 3.0, 4.0, 5.0, 6.0],
            "since": [dt.date(2024, 1, 1)] * 8,
        }
    )


def test_csv_neutralises_formula_cells_and_keeps_numbers(tmp_path: Path) -> None:
    path = write_table(_frame(), tmp_path / "t.csv", "csv", force=False)
    back = pl.read_csv(path, infer_schema=False)
    assert back.get_column("Name").to_list() == SAFE
    assert back.get_column("Load").to_list()[0] == "-1.5"
    assert back.get_column("Since").to_list()[0] == "2024-01-01"


def test_xlsx_cells_are_text_never_formulas_and_nothing_is_hidden(tmp_path: Path) -> None:
    path = write_table(_frame(), tmp_path / "t.xlsx", "xlsx", force=False)
    back = pl.read_excel(path, read_options={"dtypes": "string"})
    # Control characters are shown, not hidden, in a workbook a person reads.
    shown = [value.replace("\t", "\\x09").replace("\r", "\\x0d") for value in SAFE]
    assert back.get_column("Name").to_list() == shown
    assert back.get_column("Load").cast(pl.Float64).to_list()[0] == -1.5
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets == ["xl/worksheets/sheet1.xml"]
        xml = archive.read(sheets[0]).decode()
        workbook = archive.read("xl/workbook.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    assert "hidden" not in xml and "hidden" not in FILTER_NAME.sub("", workbook)


def test_markdown_escapes_pipes_and_shows_control_characters(tmp_path: Path) -> None:
    frame = pl.DataFrame({"name": ["a|b", "esc\x1b[31m"]})
    text = write_table(frame, tmp_path / "t.md", "markdown", force=False).read_text()
    assert "a\\|b" in text and "\x1b" not in text and "\\x1b\\[31m" in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "markdown"])
def test_never_overwrites_without_force(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"t.{fmt}"
    path.write_text("keep me")
    with pytest.raises(ExportError, match="already exists; add --force"):
        write_table(_frame(), path, fmt, force=False)
    assert path.read_text() == "keep me"
    write_table(_frame(), path, fmt, force=True)
    assert path.read_bytes() != b"keep me"
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_exports_are_owner_only_and_refuse_bad_targets(tmp_path: Path) -> None:
    path = write_table(_frame(), tmp_path / "t.csv", "csv", force=False)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(ExportError, match="does not exist"):
        write_table(_frame(), tmp_path / "no" / "t.csv", "csv", force=False)
    with pytest.raises(ExportError, match="is a folder"):
        write_table(_frame(), tmp_path, "csv", force=True)
    with pytest.raises(ExportError, match="not an export format"):
        write_table(_frame(), tmp_path / "t.pdf", "pdf", force=False)


@pytest.fixture
def hostile_db(tmp_path: Path, builder: DatabaseBuilder) -> Path:
    team = builder.team("=cmd|' /C calc'!A0")
    worker = builder.worker(team, name="@SUM(1+1)")
    builder.cases_for(worker, team, 3)
    return builder.write(tmp_path / "hostile.db")


def test_report_writes_a_safe_xlsx_with_visible_sheets(
    tmp_path: Path, hostile_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.xlsx"
    done = run_cli(
        capsys, "report", "--db", str(hostile_db), "--format", "xlsx", "--output", str(out)
    )
    assert done.code == 0, done.err
    assert f"Wrote the xlsx report to {out}" in done.out
    workers = pl.read_excel(
        out, sheet_name="Workers", read_options={"dtypes": "string", "header_row": 2}
    )
    assert workers.get_column("Name").to_list() == ["'@SUM(1+1)"]
    assert workers.get_column("Team").to_list() == ["'=cmd|' /C calc'!A0"]
    with zipfile.ZipFile(out) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        assert "hidden" not in FILTER_NAME.sub("", workbook)
    again = run_cli(
        capsys, "report", "--db", str(hostile_db), "--format", "xlsx", "--output", str(out)
    )
    assert again.code == 2 and "already exists; add --force" in again.err


def test_report_csv_on_the_terminal_and_in_a_file_is_safe(
    tmp_path: Path, hostile_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = run_cli(capsys, "report", "--db", str(hostile_db), "--format", "csv")
    assert ",'@SUM(1+1)," in shown.out
    out = tmp_path / "r.csv"
    args = ["report", "--db", str(hostile_db), "--format", "csv", "--output", str(out)]
    assert run_cli(capsys, *args).code == 0
    assert out.read_text() == shown.out
    markdown = tmp_path / "r.md"
    args = ["report", "--db", str(hostile_db), "--format", "markdown", "--output", str(markdown)]
    assert run_cli(capsys, *args).code == 0
    assert markdown.read_text().startswith("# Caseloads as of")


def test_xlsx_report_needs_an_output_file(
    hostile_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = run_cli(capsys, "report", "--db", str(hostile_db), "--format", "xlsx")
    assert done.code == 2 and "--format xlsx needs --output FILE" in done.err


def test_xlsx_export_is_titled_headed_and_formatted_for_a_meeting(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "name": ["=Ada", "Bo"],
            "weighted_load": [20.4, 9.0],
            "utilisation": [1.1333, 0.5],
            "status": ["over", "ok"],
        }
    )
    title = "Caseloads as of 2026-11-26 · Organisation › Team A · workers · DEMO DATA"
    path = write_table(
        frame, tmp_path / "t.xlsx", "xlsx", force=False, title=title, labels={"name": "Who"}
    )
    rows = pl.read_excel(path, has_header=False, read_options={"dtypes": "string"}).rows()
    assert rows[0][0] == title
    headings = next(row for row in rows if row[0] == "Who")
    assert list(headings) == ["Who", "Load", "Util", "Status"]
    data = rows[rows.index(headings) + 1 :]
    assert data[0][0] == "'=Ada" and data[0][3] == "▲ over"
    assert float(data[0][2]) == pytest.approx(1.1333)  # a number, shown as a percentage
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert '<autoFilter ref="A3:D5"/>' in sheet
    assert "<col " in sheet and 'formatCode="0%"' in styles
    assert '<pane ySplit="3"' in sheet  # the headings stay in view
