"""Issue 9, import files: nothing a file omits is erased, nothing unreadable is half-read.

Each test is one of the hardening pass's numbered failures, run through the real command
line, checking what a user sees (one sentence, exit 2) and that the database is unchanged.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import xlsxwriter

from tests.cli_runner import Result, run_cli
from tests.importfiles import HEADERS, VALID, contents, write_file, write_valid

SECRET = "Zelda Quartermaine"
"""A name that must never reach stderr."""


@pytest.fixture
def stored(tmp_path: Path, capsys) -> Path:
    db = tmp_path / "caseloads.db"
    files = write_valid(tmp_path / "first")
    args = [f"--{table}={path}" for table, path in files.items()]
    assert run_cli(capsys, "import", "--db", str(db), *args).code == 0
    return db


def _import(capsys, db: Path, *args: str) -> Result:
    return run_cli(capsys, "import", "--db", str(db), *args)


def assert_one_sentence(result: Result, *words: str) -> None:
    assert result.code == 2, result
    assert "Traceback" not in result.err
    assert result.err.count("\n") == 1, result.err
    for word in words:
        assert word in result.err, result.err


def _end_dates(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT staff_ref, end_date FROM workers ORDER BY id").fetchall()


# 1 -------------------------------------------------------------------------------------


def test_update_without_end_date_keeps_the_leavers_end_date(stored, tmp_path, capsys) -> None:
    leavers = tmp_path / "leavers"
    rows = [
        row.rstrip(",") + ",2025-01-31" if row.startswith("SW1,") else row
        for row in VALID["workers"]
    ]
    first = write_file(leavers, "workers", rows)
    assert _import(capsys, stored, "--update", f"--workers={first}").code == 0
    assert ("SW1", "2025-01-31") in _end_dates(stored)
    # A later file without end_date changes SW1's FTE only: SW1 stays a leaver.
    header = HEADERS["workers"].removesuffix(",end_date")
    later = write_file(
        tmp_path / "later",
        "workers",
        ["SW1,Ann Smith,Team A,experienced,0.8,permanent,2020-01-01"],
        header,
    )
    result = _import(capsys, stored, "--update", f"--workers={later}")
    assert result.code == 0, result
    assert ("SW1", "2025-01-31") in _end_dates(stored)
    with sqlite3.connect(stored) as connection:
        assert connection.execute("SELECT fte FROM workers WHERE staff_ref='SW1'").fetchone() == (
            0.8,
        )


def test_update_without_closed_on_or_family_ref_keeps_them(stored, tmp_path, capsys) -> None:
    header = "case_ref,team,case_type,complexity,opened_on"
    path = write_file(tmp_path / "c", "cases", ["C3,Team B,CLA,complex,2024-03-01"], header)
    assert _import(capsys, stored, "--update", f"--cases={path}").code == 0
    with sqlite3.connect(stored) as connection:
        row = connection.execute(
            "SELECT complexity, closed_on, family_ref FROM cases WHERE case_ref='C3'"
        ).fetchone()
    assert row == ("complex", "2024-09-01", "F2")


def test_a_header_saved_twice_with_windows_endings_is_still_that_column(
    stored, tmp_path, capsys
) -> None:
    path = tmp_path / "workers.csv"
    rows = ["SW1,Ann Smith,Team A,experienced,1,permanent,2020-01-01,2025-03-31\r"]
    path.write_bytes((HEADERS["workers"] + "\r\r\n" + "\r\n".join(rows) + "\n").encode())
    result = _import(capsys, stored, "--update", f"--workers={path}")
    assert result.code == 0, result
    assert ("SW1", "2025-03-31") in _end_dates(stored)


def test_a_header_one_letter_from_a_column_is_refused(stored, tmp_path, capsys) -> None:
    before = contents(stored)
    header = HEADERS["workers"].replace("end_date", "end_dat")
    path = write_file(tmp_path / "w", "workers", VALID["workers"], header)
    result = _import(capsys, stored, "--update", f"--workers={path}")
    assert_one_sentence(result, "'end_dat'", "'end_date'")
    assert contents(stored) == before


# 2 -------------------------------------------------------------------------------------


def test_old_mac_line_endings_are_refused_and_nothing_is_removed(stored, tmp_path, capsys) -> None:
    before = contents(stored)
    path = tmp_path / "workers.csv"
    path.write_bytes("\r".join([HEADERS["workers"], *VALID["workers"]]).encode() + b"\r")
    result = _import(capsys, stored, "--replace", f"--workers={path}")
    assert_one_sentence(result, "CR only")
    assert contents(stored) == before


def test_replace_from_a_file_with_no_rows_removes_nothing(stored, tmp_path, capsys) -> None:
    before = contents(stored)
    path = write_file(tmp_path / "e", "allocations", [])
    for extra in ((), ("--allow-removals",)):
        result = _import(capsys, stored, "--replace", *extra, f"--allocations={path}")
        assert_one_sentence(result, "no data rows", "nothing was changed")
    assert contents(stored) == before


def test_replace_that_halves_a_table_needs_allow_removals(stored, tmp_path, capsys) -> None:
    before = contents(stored)
    path = write_file(tmp_path / "h", "allocations", VALID["allocations"][:1])
    result = _import(capsys, stored, "--replace", f"--allocations={path}")
    assert_one_sentence(result, "--allow-removals", "from 3 rows to 1")
    assert contents(stored) == before
    result = _import(capsys, stored, "--replace", "--allow-removals", f"--allocations={path}")
    assert result.code == 0, result
    assert len(contents(stored)["allocations"]) == 1


# 3 -------------------------------------------------------------------------------------


def _workbook(path: Path, sheets: list[tuple[str, list[list[object]], bool]], formula=None) -> Path:
    book = xlsxwriter.Workbook(path)
    for name, rows, hidden in sheets:
        sheet = book.add_worksheet(name)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
        if hidden:
            sheet.hide()
        else:
            sheet.activate()
        if formula and not hidden:
            sheet.write_formula(*formula)
    book.close()
    return path


def test_xlsx_reads_the_first_visible_sheet_not_a_hidden_one(stored, tmp_path, capsys) -> None:
    header = HEADERS["teams"].split(",")
    path = _workbook(
        tmp_path / "teams.xlsx",
        [
            ("Old list", [header, ["Team Z", "Old", "1"]], True),
            ("Teams", [header, ["Team A", "Assessment", "3"], ["Team B", "CP", "1.5"]], False),
        ],
    )
    result = _import(capsys, stored, "--replace", f"--teams={path}")
    assert result.code == 0, result
    with sqlite3.connect(stored) as connection:
        names = connection.execute(
            "SELECT name, establishment_fte FROM teams ORDER BY id"
        ).fetchall()
    assert names == [("Team A", 3.0), ("Team B", 1.5)]
    assert "'Teams'" in result.out


def test_xlsx_formula_cells_are_refused_naming_the_cell(stored, tmp_path, capsys) -> None:
    before = contents(stored)
    header = HEADERS["teams"].split(",")
    rows = [header, ["Team A", "Assessment", "3"], ["Team B", "CP"]]
    path = _workbook(tmp_path / "teams.xlsx", [("Teams", rows, False)], formula=(2, 2, "=1+0.5"))
    result = _import(capsys, stored, "--update", f"--teams={path}")
    assert_one_sentence(result, "cell C3", "formula")
    assert contents(stored) == before


# 5, 23 ---------------------------------------------------------------------------------


def test_an_unbalanced_quote_names_row_and_column_and_no_contents(stored, tmp_path, capsys) -> None:
    before = contents(stored)
    rows = [
        'SW1,"Ann Smith,Team A,experienced,1,permanent,2020-01-01,',
        *[f"SW{n},{SECRET} {n},Team A,nqsw,1,permanent,2020-01-01," for n in range(5, 40)],
    ]
    path = write_file(tmp_path / "q", "workers", rows)
    result = _import(capsys, stored, "--update", f"--workers={path}")
    assert_one_sentence(result, "row 2", "'name'", "quote")
    assert SECRET not in result.err + result.out
    assert "infer_schema" not in result.err
    assert contents(stored) == before


def test_mixed_line_endings_give_one_sentence(stored, tmp_path, capsys) -> None:
    path = tmp_path / "workers.csv"
    lines = [HEADERS["workers"], *VALID["workers"]]
    path.write_bytes(
        (lines[0] + "\n" + lines[1] + "\r" + lines[2] + "\n" + lines[3] + "\n").encode()
    )
    result = _import(capsys, stored, "--update", f"--workers={path}")
    assert result.code in (0, 2)
    assert "Traceback" not in result.err
    assert result.err.count("\n") <= 1


def test_a_damaged_xlsx_gives_one_sentence_not_a_zip_error(stored, tmp_path, capsys) -> None:
    good = _workbook(tmp_path / "t.xlsx", [("Teams", [HEADERS["teams"].split(",")], False)])
    damaged = tmp_path / "teams.xlsx"
    damaged.write_bytes(good.read_bytes()[:900])
    result = _import(capsys, stored, "--update", f"--teams={damaged}")
    assert_one_sentence(result, "not a readable Excel workbook")
    assert "zip" not in result.err.lower()


# 15 ------------------------------------------------------------------------------------


def test_a_file_with_thousands_of_columns_is_refused_before_reading(
    stored, tmp_path, capsys
) -> None:
    path = tmp_path / "teams.csv"
    wide = ",".join(f"c{n}" for n in range(200_000))
    path.write_text(HEADERS["teams"] + "," + wide + "\n" + "A,B,1" + ",x" * 200_000 + "\n")
    result = _import(capsys, stored, "--update", f"--teams={path}")
    assert_one_sentence(result, "more than", "columns", "at most 500")
    path.write_text(HEADERS["teams"] + "," + wide[: wide.index(",c2000,")] + "\nA,B,1\n")
    result = _import(capsys, stored, "--update", f"--teams={path}")
    assert_one_sentence(result, "2,003 columns", "at most 500")


# 24 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("second", ["fte", "FTE", " Fte "])
def test_a_repeated_header_is_refused_naming_both_columns(stored, tmp_path, capsys, second) -> None:
    before = contents(stored)
    header = HEADERS["workers"] + "," + second
    rows = [row + ",0.5" for row in VALID["workers"]]
    path = write_file(tmp_path / "d", "workers", rows, header)
    result = _import(capsys, stored, "--update", f"--workers={path}")
    assert_one_sentence(result, "two columns for 'fte'", f"'{second}'")
    assert "duplicated" not in result.err
    assert contents(stored) == before
