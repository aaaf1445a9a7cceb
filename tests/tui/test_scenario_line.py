"""The SCENARIO banner's words, without a terminal: the count, the last move, the keys;
while presenting, the case's stand-in and the worker's initials and staff ref."""

from __future__ import annotations

import polars as pl

from cfmonitor.data.engine import Move, Scenario
from cfmonitor.redact import Redactor
from cfmonitor.tui.scenario_line import scenario_line
from cfmonitor.tui.view import View
from tests.tui.helpers import DEMO_DAY


def _two_moves(snapshot):
    """A single-held case to another worker, then another case left unallocated."""
    single = (
        snapshot.worker_cases.group_by("case_ref").len().filter(pl.col("len") == 1)
    ).get_column("case_ref")
    first, second = sorted(single.to_list())[:2]
    holder = snapshot.worker_cases.filter(pl.col("case_ref") == first).item(0, "worker_id")
    target = snapshot.workers.filter(pl.col("worker_id") != holder).row(0, named=True)
    scenario = Scenario(snapshot).add(Move(first, target["staff_ref"]))
    return scenario, first, second, target


def test_no_moves_no_words(demo_figures):
    view = View(DEMO_DAY, True, demo_figures.snapshot, scenario=Scenario(demo_figures.snapshot))
    assert scenario_line(view).plain == ""
    assert scenario_line(View(DEMO_DAY, True, demo_figures.snapshot)).plain == ""


def test_the_line_says_how_many_moves_and_the_last(demo_figures):
    snapshot = demo_figures.snapshot
    scenario, first, second, target = _two_moves(snapshot)
    line = scenario_line(View(DEMO_DAY, True, snapshot, scenario=scenario)).plain
    assert line == (
        f" SCENARIO · 1 move, not made  {first} → {target['name']} · z undo · l list · X discard"
    )
    scenario = scenario.add(Move(second, None))
    line = scenario_line(View(DEMO_DAY, True, snapshot, scenario=scenario)).plain
    assert line.startswith(f" SCENARIO · 2 moves, not made  last {second} → unallocated · ")


def test_presenting_shows_a_stand_in_and_initials(demo_figures):
    snapshot = demo_figures.snapshot
    scenario, first, _, target = _two_moves(snapshot)
    view = View(DEMO_DAY, True, snapshot, scenario=scenario, presenting=True, redactor=Redactor())
    line = scenario_line(view).plain
    assert first not in line and target["name"] not in line
    initials = "".join(part[0] for part in target["name"].split())
    assert f"case 1 → {initials} ({target['staff_ref']})" in line
