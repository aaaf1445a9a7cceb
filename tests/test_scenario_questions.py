"""The next questions (issue 12), counted by hand on a small database.

As of 2024-06-03 (a Monday):
- SW0001 (experienced, started 2019-04-01): cases given on 2024-06-03, 2024-05-28 (6 days
  ago), 2024-05-27 (7 days ago), 2024-05-05 (29 days), 2024-05-04 (30 days), 2023-01-01;
  so 2 in the last 7 days and 4 in the last 30. A reduction of 20% to 2024-09-30 and one
  of 10% with no end date.
- SW0002 (nqsw, started 2024-01-08) was given C000006 (SW0001's oldest case) too, on
  2024-04-01: co-worked. One reduction of 50% to 2024-07-01 (one of 30% ended in May).
- Family FAM-1: C000007 and C000008 with SW0001, C000009 with SW0002, C000010
  unallocated. Family FAM-2: C000011 alone, co-worked by SW0001 and SW0002.
- SW0003 holds nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from cfmonitor.data import questions
from cfmonitor.data.caseload import Snapshot, load_snapshot
from cfmonitor.data.scenario import Move, Scenario
from cfmonitor.policy import Policy
from tests.factory import DatabaseBuilder

DAY = dt.date(2024, 6, 3)


@pytest.fixture
def snapshot(builder: DatabaseBuilder, db_path: Path) -> Snapshot:
    team = builder.team()
    first = builder.worker(team, start_date="2019-04-01")
    second = builder.worker(team, cohort="nqsw", start_date="2024-01-08")
    builder.worker(team)
    for given in ("2024-06-03", "2024-05-28", "2024-05-27", "2024-05-05", "2024-05-04"):
        builder.allocate(builder.case(team, opened_on="2024-05-01"), first, start_date=given)
    oldest = builder.case(team, opened_on="2022-11-15")  # C000006
    builder.allocate(oldest, first, start_date="2023-01-01")
    builder.allocate(oldest, second, start_date="2024-04-01")
    for holder in (first, first, second):  # C000007 … C000009
        builder.allocate(builder.case(team, family_ref="FAM-1"), holder)
    builder.case(team, family_ref="FAM-1")  # C000010, unallocated
    only_child = builder.case(team, family_ref="FAM-2")  # C000011, co-worked
    builder.allocate(only_child, first)
    builder.allocate(only_child, second)
    builder.reduction(first, 20, end_date="2024-09-30")
    builder.reduction(first, 10)
    builder.reduction(second, 50, end_date="2024-07-01")
    builder.reduction(second, 30, end_date="2024-05-01")  # over before the day
    builder.write(db_path)
    return load_snapshot(db_path, Policy(), DAY)


def by_staff(frame: pl.DataFrame, snapshot: Snapshot) -> dict[str, dict]:
    if "staff_ref" not in frame.columns:
        frame = frame.join(snapshot.workers.select("worker_id", "staff_ref"), on="worker_id")
    return {row["staff_ref"]: row for row in frame.to_dicts()}


def test_recent_intake_counts_the_last_7_and_30_days_today_included(snapshot):
    rows = by_staff(questions.intake_counts(snapshot.worker_cases), snapshot)
    assert (rows["SW0001"]["intake_7_days"], rows["SW0001"]["intake_30_days"]) == (2, 4)
    assert (rows["SW0002"]["intake_7_days"], rows["SW0002"]["intake_30_days"]) == (0, 0)
    assert "SW0003" not in rows  # holds nothing: no row, an intake of 0
    for staff_ref, (last_7, last_30) in (("SW0001", (2, 4)), ("SW0003", (0, 0))):
        held = snapshot.worker_cases.filter(pl.col("worker_id") == worker_id(snapshot, staff_ref))
        assert questions.intake_of(held) == {"intake_7_days": last_7, "intake_30_days": last_30}


def worker_id(snapshot: Snapshot, staff_ref: str) -> int:
    return snapshot.workers.filter(pl.col("staff_ref") == staff_ref).item(0, "worker_id")


def case_id(snapshot: Snapshot, case_ref: str) -> int:
    return snapshot.worker_cases.filter(pl.col("case_ref") == case_ref).item(0, "case_id")


def test_co_workers_are_named_on_each_side(snapshot):
    first = questions.shared_work(snapshot, worker_id(snapshot, "SW0001"))
    second = questions.shared_work(snapshot, worker_id(snapshot, "SW0002"))
    shared, only_child = case_id(snapshot, "C000006"), case_id(snapshot, "C000011")
    assert first.co_workers == {shared: ("SW0002",), only_child: ("SW0002",)}
    assert second.co_workers == {shared: ("SW0001",), only_child: ("SW0001",)}
    assert case_id(snapshot, "C000001") not in first.co_workers  # held alone


def test_siblings_held_elsewhere_and_waiting(snapshot):
    first = questions.shared_work(snapshot, worker_id(snapshot, "SW0001")).families["FAM-1"]
    second = questions.shared_work(snapshot, worker_id(snapshot, "SW0002")).families["FAM-1"]
    assert first == questions.Family(
        family_cases=2, siblings_elsewhere=1, sibling_holders=("SW0002",), siblings_unallocated=1
    )
    assert (second.family_cases, second.siblings_elsewhere) == (1, 2)
    assert second.sibling_holders == ("SW0001",)
    assert first.note() == "◆ 2 — 1 more with SW0002; 1 unallocated"
    assert questions.Family(family_cases=3).note() == "◆ 3"
    assert questions.shared_work(snapshot, worker_id(snapshot, "SW0003")).families == {}


def test_a_co_worked_sibling_is_not_elsewhere(snapshot):
    for staff_ref in ("SW0001", "SW0002"):
        family = questions.shared_work(snapshot, worker_id(snapshot, staff_ref)).families["FAM-2"]
        assert (family.family_cases, family.siblings_elsewhere) == (1, 0)
        assert family.note() == ""  # one case, held here: nothing to say


def test_the_questions_follow_a_scenario(snapshot):
    moved = Scenario(snapshot).add(Move("C000009", "SW0001")).snapshot
    first = questions.shared_work(moved, worker_id(moved, "SW0001")).families["FAM-1"]
    assert (first.family_cases, first.siblings_elsewhere) == (3, 0)
    assert "FAM-1" not in questions.shared_work(moved, worker_id(moved, "SW0002")).families
    intake = by_staff(questions.intake_counts(moved.worker_cases), moved)
    assert intake["SW0001"]["intake_7_days"] == 3  # given today


def test_case_dates_beside_allocated_since(snapshot):
    rows = by_staff(
        questions.case_dates(snapshot).filter(pl.col("case_ref") == "C000006"), snapshot
    )
    assert rows["SW0001"]["opened_on"] == dt.date(2022, 11, 15)
    assert rows["SW0001"]["allocated_since"] == dt.date(2023, 1, 1)
    assert rows["SW0001"]["days_open"] == (DAY - dt.date(2022, 11, 15)).days
    assert rows["SW0002"]["days_held"] == (DAY - dt.date(2024, 4, 1)).days


def test_worker_dates_asye_and_when_reductions_end(snapshot):
    rows = by_staff(questions.worker_dates(snapshot), snapshot)
    first, second, third = rows["SW0001"], rows["SW0002"], rows["SW0003"]
    assert (first["start_date"], first["asye"], second["asye"]) == (
        dt.date(2019, 4, 1),
        False,
        True,
    )
    assert second["days_in_post"] == (DAY - dt.date(2024, 1, 8)).days
    assert (first["reductions"], first["first_reduction_end"]) == (2, dt.date(2024, 9, 30))
    assert (first["last_reduction_end"], first["reduction_open_ended"]) == (None, True)
    assert (second["reductions"], second["last_reduction_end"]) == (1, dt.date(2024, 7, 1))
    assert (third["reductions"], third["reduction_open_ended"]) == (0, False)
    assert second["reduction_percent"] == 50.0


def test_which_worker_holds_this_case(snapshot):
    assert questions.holders_of(snapshot, "C000006").get_column("staff_ref").to_list() == [
        "SW0001",
        "SW0002",
    ]
    assert questions.holders_of(snapshot, "C000010").is_empty()
