"""Integrity checks on the whole import, before anything is written."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from cfmonitor.importing.problems import ImportProblems
from cfmonitor.importing.run import run_import
from cfmonitor.policy import Policy
from tests.importfiles import VALID, write_valid


def _problems(tmp_path: Path, **changes: list[str]) -> pl.DataFrame:
    files = write_valid(tmp_path / "files", **changes)
    db = tmp_path / "new.db"
    with pytest.raises(ImportProblems) as caught:
        run_import(db, files, mode=None, policy=Policy(), dry_run=False)
    assert not db.exists()  # nothing is written when there are errors
    return caught.value.problems


def _located(problems: pl.DataFrame) -> list[tuple]:
    return [
        (Path(file).name, row, column, value)
        for file, row, column, value in problems.filter(pl.col("severity") == "error")
        .select("file", "row", "column", "value")
        .iter_rows()
    ]


def test_the_valid_set_imports(tmp_path: Path) -> None:
    outcome = run_import(
        tmp_path / "new.db", write_valid(tmp_path), mode=None, policy=Policy(), dry_run=False
    )
    assert {t: c.added for t, c in outcome.changes.items()} == {
        t: len(rows) for t, rows in VALID.items()
    }


def test_duplicate_keys_name_both_rows(tmp_path: Path) -> None:
    problems = _problems(tmp_path, teams=[*VALID["teams"], "Team A,Other,1"])
    assert _located(problems) == [("teams.csv", 4, "name", "Team A")]
    assert "duplicate: the same name as row 2" in problems.get_column("message")[0]


def test_refs_differing_only_in_case_or_spaces_clash(tmp_path: Path) -> None:
    workers = [
        *VALID["workers"],
        "sw1,Someone,Team A,experienced,1,permanent,2020-01-01,",
        " SW2 ,Someone,Team A,experienced,1,permanent,2020-01-01,",
    ]
    problems = _problems(tmp_path, workers=workers)
    messages = problems.get_column("message").to_list()
    assert _located(problems) == [
        ("workers.csv", 5, "staff_ref", "sw1"),
        ("workers.csv", 6, "staff_ref", " SW2 "),
    ]
    assert "differs only in letter case from row 2 (SW1)" in messages[0]
    assert "differs only in surrounding spaces from row 3" in messages[1]


def test_unknown_references_are_named_with_a_hint(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        allocations=[*VALID["allocations"], "C9,SW1,2024-01-01,", "C1,sw2,2024-05-01,"],
        workers=[*VALID["workers"], "SW9,Dee,Team Z,experienced,1,permanent,2020-01-01,"],
    )
    assert _located(problems) == [
        ("allocations.csv", 5, "case_ref", "C9"),
        ("allocations.csv", 6, "staff_ref", "sw2"),
        ("workers.csv", 5, "team", "Team Z"),
    ]
    assert "did you mean SW2?" in problems.get_column("message")[1]


def test_ranges_ending_before_they_start_are_errors(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        reductions=["SW1,Study,10,2024-05-01,2024-04-30"],
        allocations=[*VALID["allocations"][:2], "C3,00123,2024-03-01,2024-02-01"],
        cases=[*VALID["cases"][:2], "C3,Team B,CLA,intense,2024-03-01,2023-09-01,F2"],
    )
    assert _located(problems) == [
        ("allocations.csv", 4, "end_date", "2024-02-01"),
        ("cases.csv", 4, "closed_on", "2023-09-01"),
        ("reductions.csv", 2, "end_date", "2024-04-30"),
    ]


def test_the_same_case_allocated_twice_at_once_is_an_error(tmp_path: Path) -> None:
    allocations = [
        *VALID["allocations"],
        "C1,SW1,2024-06-01,",  # overlaps row 2 (open-ended)
        "C3,00123,2024-09-01,",  # starts the day the first ends: not an overlap
    ]
    problems = _problems(tmp_path, allocations=allocations)
    assert _located(problems) == [("allocations.csv", 5, "start_date", "2024-06-01")]
    assert (
        "case C1 is allocated to SW1 twice at once (overlaps row 2)"
        in problems.get_column("message")[0]
    )


def test_unknown_cohort_is_a_warning_and_the_import_goes_ahead(tmp_path: Path) -> None:
    workers = [*VALID["workers"], "SW4,Dee,Team A,senior,1,permanent,2020-01-01,"]
    files = write_valid(tmp_path, workers=workers)
    outcome = run_import(tmp_path / "new.db", files, mode=None, policy=Policy(), dry_run=False)
    assert outcome.problems.select("severity", "row", "column", "value").rows() == [
        ("warning", 5, "cohort", "senior")
    ]
    assert "it knows: experienced, nqsw" in outcome.problems.get_column("message")[0]


def test_cast_and_integrity_problems_come_together(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        workers=[*VALID["workers"], "SW4,Dee,Team Q,experienced,50%,permanent,2020-01-01,"],
        cases=[*VALID["cases"], "C4,Team A,CIN,severe,2024-01-01,,"],
    )
    assert _located(problems) == [
        ("cases.csv", 5, "complexity", "severe"),
        ("workers.csv", 5, "fte", "50%"),
        ("workers.csv", 5, "team", "Team Q"),
    ]
