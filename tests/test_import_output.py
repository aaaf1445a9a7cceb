"""What the user sees: the problems table, the progress bar, XLSX and 1252 files end to end."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import xlsxwriter
from rich.console import Console

from cfmonitor.data.contract import FRAME_SCHEMAS
from cfmonitor.data.schema import EMPLOYMENT_TYPES
from cfmonitor.importing.contract import CHOICES, FORMATS, TABLE_ORDER, database_columns
from cfmonitor.importing.problems import PROBLEM_SCHEMA, problems_table
from cfmonitor.importing.run import run_import
from cfmonitor.importing.summary import ImportProgress
from cfmonitor.policy import Policy
from tests.importfiles import HEADERS, VALID, contents, write_valid


def _render(renderable: object, width: int = 200) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def test_the_contract_matches_the_database_tables() -> None:
    assert CHOICES["employment"] == EMPLOYMENT_TYPES
    for table in TABLE_ORDER:
        assert set(database_columns(table)) == set(FRAME_SCHEMAS[table]) - {"id"}
        assert ",".join(FORMATS[table].names) == HEADERS[table]


def test_a_long_problem_list_is_cut_and_counted() -> None:
    rows = [("error", "f.csv", n, "fte", "2", "FTE above 1") for n in range(2, 252)]
    problems = pl.DataFrame(rows, schema=PROBLEM_SCHEMA, orient="row")
    text = _render(problems_table(problems, limit=200))
    assert "Import problems: 250 error(s), 0 warning(s)" in text
    assert "… and 50 more not shown (250 in all)." in text
    assert " 201 " in text and " 202 " not in text


def test_markup_and_control_characters_in_problems_are_shown_literally() -> None:
    row = ("error", "f.csv", 2, "team", "[@click=app.quit]x[/]\x1b[2J", "unknown team")
    text = _render(problems_table(pl.DataFrame([row], schema=PROBLEM_SCHEMA, orient="row")))
    assert "[@click=app.quit]x[/]\\x1b[2J" in text and "\x1b" not in text


def test_a_large_import_shows_a_progress_bar_on_a_terminal(tmp_path: Path, monkeypatch) -> None:
    from cfmonitor.importing import summary

    monkeypatch.setattr(summary, "PROGRESS_FROM_ROWS", 3)
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100, color_system=None)
    with ImportProgress(console) as progress:
        run_import(
            tmp_path / "new.db",
            write_valid(tmp_path),
            mode=None,
            policy=Policy(),
            dry_run=False,
            step=progress.step,
            progress=progress.advance,
            on_plan=progress.planned,
        )
    shown = out.getvalue()
    assert "Writing new.db" in shown and "12/12" in shown


def test_an_xlsx_and_a_windows_1252_file_import_together(tmp_path: Path) -> None:
    files = write_valid(tmp_path)
    book_path = tmp_path / "workers.xlsx"
    book = xlsxwriter.Workbook(book_path)
    sheet = book.add_worksheet()
    sheet.write_row(
        0, 0, ["Staff Ref", "Name", "Team", "Cohort", "FTE", "Employment", "Start date"]
    )
    for number, line in enumerate(VALID["workers"], start=1):
        cells = line.split(",")[:7]
        sheet.write_row(number, 0, [*cells[:4], float(cells[4]), *cells[5:]])
    book.close()
    files["workers"] = book_path
    teams = (
        "name,service_area,establishment_fte\nTeam A,Évaluation,2\nTeam B,Child Protection,1.5\n"
    )
    files["teams"].write_bytes(teams.encode("cp1252"))
    outcome = run_import(tmp_path / "new.db", files, mode=None, policy=Policy(), dry_run=False)
    assert outcome.problems.select("severity", "column").rows() == [("warning", None)]
    assert "Windows-1252" in outcome.problems.get_column("message")[0]
    stored = contents(tmp_path / "new.db")
    assert stored["teams"][0][2] == "Évaluation"
    assert [row[1] for row in stored["workers"]] == ["SW1", "SW2", "00123"]
    assert [row[5] for row in stored["workers"]] == [1.0, 0.5, 0.8]
