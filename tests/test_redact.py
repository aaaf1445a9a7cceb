"""Redaction (`report --redact`, and presenter mode's data): no worker name, case ref or
family ref of the database reaches any report format; the open worker's own rows keep
theirs."""

from __future__ import annotations

import datetime as dt
import functools
import re
import zipfile
from pathlib import Path

import polars as pl
import pytest

from cfmonitor.data import demo
from cfmonitor.data.caseload import Snapshot, load_snapshot
from cfmonitor.data.store import load_frames
from cfmonitor.policy import Policy
from cfmonitor.redact import (
    NAMES_STAFF_REF,
    WITHHELD_DETAIL,
    Redaction,
    Redactor,
    initials,
    redact_snapshot,
    shown_name,
)
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder

DAY = dt.date(2026, 11, 26)
FORMATS = ("table", "csv", "json", "markdown", "xlsx")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    demo.write_demo_database(path, seed=7, today=DAY)
    return path


@pytest.fixture
def small(builder: DatabaseBuilder, db_path: Path) -> Path:
    """Two workers with families, an unallocated case, and a problem quoting a case ref."""
    team = builder.team("Team A")
    anna = builder.worker(team, name="Anna Quill-Barrow")
    ben = builder.worker(team, name="Ben Okonkwo")
    builder.cases_for(anna, team, 2, family_ref="FAM-77")
    builder.cases_for(ben, team, 1, family_ref="FAM-77")
    builder.cases_for(ben, team, 1)
    builder.case(team)  # unallocated
    closed = builder.case(team, closed_on="2026-01-01")
    builder.allocate(closed, ben)  # "case … is not open then": a problem
    return builder.write(db_path)


@functools.cache
def secrets(path: Path) -> frozenset[str]:
    """Every worker's surname, case ref and family ref in the database."""
    frames = load_frames(path)
    return frozenset(
        {
            *(name.split()[-1] for name in frames.workers.get_column("name").to_list()),
            *frames.cases.get_column("case_ref").to_list(),
            *frames.cases.get_column("family_ref").drop_nulls().to_list(),
        }
    )


@functools.cache
def names(path: Path) -> tuple[str, ...]:
    return tuple(load_frames(path).workers.get_column("name").to_list())


def found_in(text: str, path: Path) -> list[str]:
    """The secrets of `path` that appear in `text` as words (a full name has its surname)."""
    words = set(re.findall(r"[\w-]+", text))
    leaked = sorted(secrets(path) & words)
    return leaked + [name for name in names(path) if name in text]


def rendered(capsys, path: Path, tmp_path: Path, fmt: str, *extra: str) -> str:
    args = ["report", "--db", str(path), "--as-of", DAY.isoformat(), "--redact", *extra]
    if fmt == "xlsx":
        out = tmp_path / f"report-{len(extra)}.xlsx"
        result = run_cli(capsys, *args, "--format", fmt, "--output", str(out))
        assert result.code == 0, result.err
        with zipfile.ZipFile(out) as archive:
            return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    result = run_cli(capsys, *args, "--format", fmt)
    assert result.code == 0, result.err
    return result.out + result.err


def test_initials_and_names_shown() -> None:
    assert initials("Halith Wrencombe") == "HW"
    assert initials("anna quill-barrow") == "AQ"
    assert initials("[red] x") == "RX"  # no markup survives: only letters
    assert initials("") == ""
    assert shown_name("Halith Wrencombe", "SW0412") == "HW (SW0412)"
    assert shown_name("Halith Wrencombe", "SW0412", NAMES_STAFF_REF) == "SW0412"
    assert shown_name("12 34", "SW0412") == "SW0412"


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_name_or_reference_reaches_any_format(capsys, small, tmp_path, fmt):
    text = rendered(capsys, small, tmp_path, fmt)
    assert found_in(text, small) == []
    assert re.search(r"AQ \\?\(SW0001", text)  # Markdown escapes the bracket
    assert "case 5" in text  # the unallocated case, by its stand-in


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_demo_name_or_reference_reaches_any_format_with_moves(capsys, demo_path, tmp_path, fmt):
    snapshot = load_snapshot(demo_path, Policy(), DAY, is_demo=True)
    worker_case = snapshot.worker_cases.row(0, named=True)
    waiting = snapshot.unallocated_cases.get_column("case_ref")[0]
    staff = snapshot.workers.filter(pl.col("cases") == 0).get_column("staff_ref")
    target = staff[0] if staff.len() else snapshot.workers.get_column("staff_ref")[-1]
    moves = ["--move", f"{worker_case['case_ref']}:{target}", "--move", f"{waiting}:{target}"]
    text = rendered(capsys, demo_path, tmp_path, fmt, *moves)
    assert found_in(text, demo_path) == []
    assert "SCENARIO: 2 moves, not made" in text


def test_staff_ref_only_setting(capsys, small, tmp_path):
    text = rendered(capsys, small, tmp_path, "csv", "--redact-names", "staff-ref")
    assert "AQ" not in text
    assert ",SW0001," in text


def test_the_open_worker_keeps_their_own_references(small):
    snapshot = load_snapshot(small, Policy(), DAY)
    shown = redact_snapshot(snapshot, Redaction(open_staff_ref="SW0001", show_open_name=True))
    workers = dict(shown.workers.select("staff_ref", "name").iter_rows())
    assert workers == {"SW0001": "Anna Quill-Barrow", "SW0002": "BO (SW0002)"}
    cases = shown.worker_cases.select("worker_id", "case_ref", "family_ref").rows()
    assert cases == [
        (1, "C000001", "FAM-77"),
        (1, "C000002", "FAM-77"),
        (2, "case 3", "family 1"),
        (2, "case 4", None),
    ]
    assert shown.unallocated_cases.get_column("case_ref").to_list() == ["case 5"]
    assert shown.problems.get_column("detail").to_list() == [WITHHELD_DETAIL]


def test_one_redactor_numbers_a_case_alike_in_every_frame(small):
    snapshot: Snapshot = load_snapshot(small, Policy(), DAY)
    redactor = Redactor()
    shown = redactor.snapshot(snapshot)
    again = redactor.frame(pl.DataFrame({"case_ref": ["C000005", "C000003", "NEW-1"]}))
    assert again.get_column("case_ref").to_list() == ["case 5", "case 3", "case 6"]
    assert shown.unallocated_cases.get_column("case_ref").to_list() == ["case 5"]
    # Unique stand-ins: a table keyed by case still has one row per case.
    assert shown.worker_cases.get_column("case_ref").n_unique() == snapshot.worker_cases.height
