"""Strict casting: dates, FTE, percentages, choices and refs, every bad cell reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from cfmonitor.importing.casting import cast_table
from cfmonitor.importing.contract import FORMATS
from cfmonitor.importing.reading import read_table
from tests.importfiles import write_file


def _cast(tmp_path: Path, table: str, rows: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    path = write_file(tmp_path, table, rows)
    return cast_table(read_table(path, FORMATS[table]), FORMATS[table])


def _worker(start: str = "2020-01-01", fte: str = "1", end: str = "") -> str:
    return f"SW1,Ann,Team A,experienced,{fte},permanent,{start},{end}"


def _messages(problems: pl.DataFrame, column: str) -> list[str]:
    return problems.filter(pl.col("column") == column).get_column("message").to_list()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-04", dt.date(2024, 3, 4)),
        ("04/03/2024", dt.date(2024, 3, 4)),
        ("4/3/2024", dt.date(2024, 3, 4)),
        ("2024-03-04 00:00:00", dt.date(2024, 3, 4)),
        ("31/12/2024", dt.date(2024, 12, 31)),
    ],
)
def test_iso_and_uk_dates_are_read_day_first(tmp_path: Path, text: str, expected) -> None:
    typed, problems = _cast(tmp_path, "workers", [_worker(start=text)])
    assert problems.is_empty()
    assert typed.get_column("start_date").to_list() == [expected]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2024", "impossible date: no such day"),
        ("2024-02-30", "impossible date: no such day"),
        ("12/31/2024", "month above 12"),
        ("04/03/24", "write the year in full"),
        ("2024/03/04", "not a date"),
        ("4 March 2024", "not a date"),
        ("1024-01-01", "implausible year"),
    ],
)
def test_impossible_and_ambiguous_dates_are_errors(tmp_path: Path, text: str, message: str) -> None:
    _, problems = _cast(tmp_path, "workers", [_worker(start=text)])
    assert problems.select("row", "column", "value").rows() == [(2, "start_date", text)]
    assert message in _messages(problems, "start_date")[0]


def test_a_column_with_us_dates_makes_its_day_month_dates_ambiguous(tmp_path: Path) -> None:
    rows = [_worker(start="12/31/2023"), _worker(start="03/04/2024"), _worker(start="05/05/2024")]
    rows = [row.replace("SW1", f"SW{i}") for i, row in enumerate(rows)]
    _, problems = _cast(tmp_path, "workers", rows)
    found = problems.select("row", "message").rows()
    assert [row for row, _ in found] == [2, 3]  # 05/05 reads the same either way
    assert "ambiguous" in found[1][1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"0,5"', "decimal comma"),
        ("50%", "a percentage"),
        ("", "missing"),
        ("0", "must be above 0"),
        ("1.2", "FTE above 1"),
        ("-0.5", "negative"),
        ("half", "not a number"),
    ],
)
def test_bad_fte_is_an_error(tmp_path: Path, text: str, message: str) -> None:
    _, problems = _cast(tmp_path, "workers", [_worker(fte=text)])
    assert problems.select("row", "column").rows() == [(2, "fte")]
    assert message in _messages(problems, "fte")[0]


@pytest.mark.parametrize(("text", "value"), [("0.5", 0.5), (".25", 0.25), ("1", 1.0)])
def test_good_fte_is_read(tmp_path: Path, text: str, value: float) -> None:
    typed, problems = _cast(tmp_path, "workers", [_worker(fte=text)])
    assert problems.is_empty()
    assert typed.get_column("fte").to_list() == [value]


def test_refs_keep_leading_zeros_and_are_trimmed(tmp_path: Path) -> None:
    typed, problems = _cast(
        tmp_path, "workers", ["  00123 ,Ann,  Team A ,experienced,1,permanent,2020-01-01,"]
    )
    assert problems.is_empty()
    assert typed.row(0, named=True)["staff_ref"] == "00123"
    assert typed.row(0, named=True)["team"] == "Team A"


def test_choices_are_matched_case_insensitively_and_unknown_ones_list_the_allowed(
    tmp_path: Path,
) -> None:
    typed, problems = _cast(
        tmp_path,
        "cases",
        ["C1,Team A,CIN,Complex,2024-01-01,,", "C2,Team A,CIN,severe,2024-01-01,,"],
    )
    assert typed.get_column("complexity").to_list()[0] == "complex"
    assert problems.select("row", "value", "message").rows() == [
        (3, "severe", "unknown complexity; allowed: standard, complex, intense")
    ]


def test_reduction_percent_accepts_a_percent_sign_but_not_over_100(tmp_path: Path) -> None:
    typed, problems = _cast(
        tmp_path,
        "reductions",
        ["SW1,Union,25%,2024-01-01,", "SW1,Study,150,2024-01-01,", "SW1,Sick,0,2024-01-01,"],
    )
    assert typed.get_column("percent").to_list()[0] == 25.0
    assert problems.select("row", "message").rows() == [
        (3, "percent above 100"),
        (4, "percent must be above 0"),
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    rows = [
        "SW1,,Team A,experienced,0,permanent,31/02/2024,",
        "SW2,Bob,Team A,experienced,2,contractor,2024-01-01,2024-13-01",
    ]
    _, problems = _cast(tmp_path, "workers", rows)
    assert problems.select("row", "column").rows() == [
        (2, "fte"),
        (2, "name"),
        (2, "start_date"),
        (3, "employment"),
        (3, "end_date"),
        (3, "fte"),
    ]
    assert set(problems.get_column("severity")) == {"error"}
