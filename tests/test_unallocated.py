"""Unallocated cases wait from when they lost their worker, not from when they opened.

Hand-counted fixture, as of 2026-11-26: a case opened 870 days before whose worker left
70 days before has waited 70 days; one never allocated has waited since it opened.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cfmonitor.data.caseload import UNALLOCATED_FIELDS, compute_snapshot, load_snapshot
from cfmonitor.data.reading import load_frames
from cfmonitor.policy import Policy
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder

DAY = dt.date(2026, 11, 26)


def days_before(days: int) -> str:
    return (DAY - dt.timedelta(days=days)).isoformat()


@pytest.fixture
def waiting_db(tmp_path: Path) -> Path:
    builder = DatabaseBuilder()
    team = builder.team("Horsham A and I", service_area="Assessment and Intervention")
    other = builder.team("Crawley A and I", service_area="Assessment and Intervention")
    leaver = builder.worker(team, staff_ref="SW-LEFT", end_date=days_before(70))
    stayer = builder.worker(team, staff_ref="SW-STAYS")
    moved_on = builder.worker(team, staff_ref="SW-MOVED")
    # Opened 870 days ago, held by a worker who left 70 days ago: waiting 70 days.
    lost = builder.case(team, case_ref="C-LOST", opened_on=days_before(870), case_type="CP")
    builder.allocate(lost, stayer, start_date=days_before(870), end_date=days_before(400))
    builder.allocate(lost, leaver, start_date=days_before(400))  # open, but the worker left
    # Opened 30 days ago and never allocated: waiting 30 days.
    builder.case(other, case_ref="C-NEVER", opened_on=days_before(30), complexity="intense")
    # Allocation ended 200 days ago (the worker is still in post): waiting 200 days.
    ended = builder.case(team, case_ref="C-ENDED", opened_on=days_before(500))
    builder.allocate(ended, moved_on, start_date=days_before(480), end_date=days_before(200))
    # Allocated now: not waiting at all.
    builder.cases_for(stayer, team, 1)
    return builder.write(tmp_path / "waiting.db")


def test_waiting_counts_from_when_the_case_lost_its_worker(waiting_db: Path) -> None:
    rows = load_snapshot(waiting_db, Policy(), DAY).unallocated_cases.to_dicts()
    shown = [
        (row["case_ref"], row["unallocated_since"], row["days_unallocated"], row["last_staff_ref"])
        for row in rows
    ]
    # Longest waiting first, across teams (not sorted by team).
    assert shown == [
        ("C-ENDED", DAY - dt.timedelta(days=200), 200, "SW-MOVED"),
        ("C-LOST", DAY - dt.timedelta(days=70), 70, "SW-LEFT"),
        ("C-NEVER", DAY - dt.timedelta(days=30), 30, None),
    ]
    assert rows[1]["days_open"] == 870
    assert rows[2]["team"] == "Crawley A and I"
    assert rows[0]["service_area"] == "Assessment and Intervention"


def test_a_days_snapshot_and_the_whole_history_agree(waiting_db: Path) -> None:
    """The day's read loads only what matters on the day; it must still see past allocations."""
    for day in (DAY, DAY - dt.timedelta(days=100), DAY - dt.timedelta(days=300)):
        narrow = compute_snapshot(load_frames(waiting_db, as_of=day), Policy(), day)
        whole = compute_snapshot(load_frames(waiting_db), Policy(), day)
        fields = list(UNALLOCATED_FIELDS)
        assert narrow.unallocated_cases.select(fields).equals(
            whole.unallocated_cases.select(fields)
        )


def test_report_json_lists_the_unallocated_cases(waiting_db: Path, capsys) -> None:
    result = run_cli(
        capsys, "report", "--db", str(waiting_db), "--as-of", DAY.isoformat(), "--format", "json"
    )
    assert result.code == 0, result.err
    rows = json.loads(result.out)["unallocated"]
    assert [row["case_ref"] for row in rows] == ["C-ENDED", "C-LOST", "C-NEVER"]
    assert list(rows[1]) == list(UNALLOCATED_FIELDS)
    assert rows[1] == {
        "case_ref": "C-LOST",
        "team": "Horsham A and I",
        "service_area": "Assessment and Intervention",
        "case_type": "CP",
        "complexity": "standard",
        "opened_on": days_before(870),
        "unallocated_since": days_before(70),
        "days_unallocated": 70,
        "last_staff_ref": "SW-LEFT",
    }


def test_report_for_one_team_lists_only_its_unallocated_cases(waiting_db: Path, capsys) -> None:
    result = run_cli(
        capsys, "report", "--db", str(waiting_db), "--as-of", DAY.isoformat(), "--format", "json",
        "--team", "crawley a and i",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert [row["case_ref"] for row in json.loads(result.out)["unallocated"]] == ["C-NEVER"]


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_report_files_carry_the_unallocated_cases(waiting_db: Path, fmt: str, capsys) -> None:
    result = run_cli(
        capsys, "report", "--db", str(waiting_db), "--as-of", DAY.isoformat(), "--format", fmt
    )
    assert result.code == 0, result.err
    text = result.out
    assert "Unallocated since" in text
    lost = next(line for line in text.splitlines() if "C-LOST" in line)
    assert days_before(70) in lost and "SW-LEFT" in lost and "70" in lost
