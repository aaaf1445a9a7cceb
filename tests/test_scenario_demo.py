"""On the demo organisation (560 workers, 7k cases, families, co-working, reductions):
random moves give the figures `compute_snapshot` gives on the changed frames, and the
proposal is written safely in each export format."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest

from cfmonitor.data import demo
from cfmonitor.data.caseload import compute_snapshot
from cfmonitor.data.reading import load_frames
from cfmonitor.data.scenario import Move, Scenario, ScenarioError
from cfmonitor.policy import Policy
from cfmonitor.scenario_report import proposal_title, write_proposal
from tests.scenario_reference import assert_same_figures, from_scratch

DAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def frames(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    demo.write_demo_database(path, seed=7, today=DAY)
    return load_frames(path, as_of=DAY, is_demo=True)


def test_random_moves_on_the_demo_equal_the_figures_from_scratch(frames):
    base = compute_snapshot(frames, Policy(), DAY)
    chooser = random.Random(12)
    cases = [
        *base.worker_cases.get_column("case_ref").to_list(),
        *base.unallocated_cases.get_column("case_ref").head(20).to_list(),
    ]
    staff = [*base.workers.get_column("staff_ref").to_list(), None]
    scenario = Scenario(base)
    while len(scenario) < 12:
        try:
            scenario = scenario.add(Move(chooser.choice(cases), chooser.choice(staff)))
        except ScenarioError:
            continue
    assert_same_figures(scenario.snapshot, from_scratch(frames, scenario, Policy()))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "markdown"])
def test_the_proposal_in_each_export_format(frames, tmp_path, fmt):
    base = compute_snapshot(frames, Policy(), DAY)
    held = base.worker_cases.row(0, named=True)
    target = base.workers.filter(pl.col("worker_id") != held["worker_id"]).row(0, named=True)
    scenario = Scenario(base).add(Move(held["case_ref"], target["staff_ref"]))
    path = write_proposal(scenario, tmp_path / f"proposal.{fmt}", fmt, force=False)
    assert path.stat().st_mode & 0o077 == 0  # owner-only, as every export
    if fmt == "xlsx":
        sheet = pl.read_excel(path, read_options={"header_row": 2})
        assert sheet.get_column("Case").to_list() == [held["case_ref"]]
        return
    text = path.read_text(encoding="utf-8")
    assert proposal_title(scenario) in text
    assert held["case_ref"] in text and target["staff_ref"] in text
    assert "2026-11-26" in text
